"""Accuracy of the engine's verdicts on labelled answers, split by who wrote them.

Run: ``python -m benchmarks.accuracy [--errors LABEL] [--split NAME]``.

Splits:
- ``dev`` (``tests/corpus/dev*.jsonl``) and ``holdout`` (``holdout*.jsonl``): answers written to
  order for this project; dev is tuned on, holdout never is.
- ``shaped-dev`` / ``shaped-holdout``: answers written for this project in the shapes published
  answers take (metrics lists, concept explanations, stories, course notes, boilerplate, forum
  replies, transcripts), each labelled by two blind readers; only records both agreed on are
  kept. Dev is tuned on, holdout never is.
- ``strangers-dev``: published answers by strangers, labelled by two blind readers
  (``../shared/corpus/strangers-dev.jsonl`` next to the checkout, or ``COACH_STRANGERS_DEV``);
  never copied into the repository. Tuned on.
- ``strangers-holdout``: an independent set of the same kind (``COACH_STRANGERS_HOLDOUT``),
  reported in aggregate only.

For each split: precision / recall / F1 per element and per order verdict (the order verdicts
follow the label definitions, i.e. the positions of the elements, whatever the question type),
the precision of every flag *shown as an error* against the label it claims, the share of
would-be errors demoted to "worth checking", how often the order flags are shown on
behavioural and concept answers, and Spearman(overall, readers' grade) where grades exist.
Stranger splits get bootstrap 95% confidence intervals.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scoring import PromptSpec, Report, analyze
from scoring.labels import ELEMENT_LABELS, ERROR_CLAIMS, LABELS, ORDER_LABELS, report_labels

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "tests" / "corpus"
DEFAULT_STRANGERS_DEV = ROOT.parent / "shared" / "corpus" / "strangers-dev.jsonl"
# Targets for answers written to order (issue 3) and for strangers' answers (issue 13).
TARGETS = {
    "who": 0.90,
    "why": 0.90,
    "metrics": 0.90,
    "tech": 0.90,
    "eval_criteria": 0.85,
    "solution_first": 0.85,
    "tech_before_framing": 0.85,
}
STRANGER_TARGETS = {
    "who": 0.75,
    "why": 0.75,
    "solution_first": 0.75,
    "metrics": 0.85,
    "tech": 0.85,
    "eval_criteria": 0.80,
    "tech_before_framing": 0.80,
}
ERROR_PRECISION_TARGET = 0.85
SPEARMAN_TARGET = 0.60
BOOTSTRAP_ROUNDS = 1000


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, got: bool) -> None:
        if expected and got:
            self.tp += 1
        elif got:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Scored:
    """One labelled answer with what the engine said about it."""

    item: dict
    report: Report

    @property
    def got(self) -> dict[str, bool]:
        return report_labels(self.report)

    def shown_errors(self) -> set[str]:
        return {f.id for f in self.report.flags if f.severity.value == "error" and not f.tentative}

    def demoted_errors(self) -> set[str]:
        return {f.id for f in self.report.flags if f.severity.value == "error" and f.tentative}


def stranger_paths() -> dict[str, Path | None]:
    dev = os.environ.get("COACH_STRANGERS_DEV")
    held = os.environ.get("COACH_STRANGERS_HOLDOUT")
    return {
        "strangers-dev": Path(dev) if dev else DEFAULT_STRANGERS_DEV,
        "strangers-holdout": Path(held) if held else None,
    }


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_split(split: str) -> list[dict]:
    """Every answer of a split (an empty list when its file is not there)."""
    if split.startswith("strangers"):
        path = stranger_paths()[split]
        return read_jsonl(path) if path is not None and path.is_file() else []
    items = []
    for path in sorted(CORPUS_DIR.glob(f"{split}*.jsonl")):
        items += read_jsonl(path)
    return items


def score_items(items: list[dict]) -> list[Scored]:
    return [
        Scored(item, analyze(item["answer"], PromptSpec.from_text(item.get("prompt", ""))))
        for item in items
    ]


def label_counts(scored: list[Scored]) -> dict[str, Counts]:
    counts = {label: Counts() for label in LABELS}
    for one in scored:
        got = one.got
        for label in LABELS:
            counts[label].add(bool(one.item["labels"][label]), got[label])
    return counts


def score_split(items: list[dict]) -> dict[str, Counts]:
    """Per-label counts for a list of labelled answers."""
    return label_counts(score_items(items))


def error_precision(scored: list[Scored]) -> dict[str, tuple[int, int, int]]:
    """Per error flag: (shown, shown and right, demoted to worth checking)."""
    table = {}
    for flag_id, (label, claims) in ERROR_CLAIMS.items():
        shown = [s for s in scored if flag_id in s.shown_errors()]
        right = sum(1 for s in shown if bool(s.item["labels"][label]) is claims)
        demoted = sum(1 for s in scored if flag_id in s.demoted_errors())
        table[flag_id] = (len(shown), right, demoted)
    return table


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    """Rank correlation (ties share their mean rank).

    >>> spearman([1, 2, 3], [10, 20, 30])
    1.0
    >>> spearman([1, 2, 3], [3, 2, 1])
    -1.0
    """
    if len(xs) < 2:
        return float("nan")
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else float("nan")


def grade_correlation(scored: list[Scored]) -> float | None:
    graded = [s for s in scored if s.item.get("quality") is not None]
    if len(graded) < 3:
        return None
    return spearman([s.report.overall for s in graded], [float(s.item["quality"]) for s in graded])


def bootstrap(
    scored: list[Scored], statistic: Callable[[list[Scored]], float]
) -> tuple[float, float]:
    """95% percentile interval of ``statistic`` over resamples (fixed seed: repeatable)."""
    rng = random.Random(13)
    values = sorted(
        statistic([rng.choice(scored) for _ in scored]) for _ in range(BOOTSTRAP_ROUNDS)
    )
    values = [v for v in values if v == v]  # drop NaN (degenerate resamples)
    if not values:
        return float("nan"), float("nan")
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def type_fire_rates(scored: list[Scored]) -> dict[str, tuple[int, int]]:
    """Per question type in (behavioral, concept): (answers, answers shown an order flag)."""
    rates = {}
    for kind in ("behavioral", "concept"):
        of_kind = [s for s in scored if s.report.question_type == kind]
        fired = sum(1 for s in of_kind if s.shown_errors() & set(ORDER_LABELS.values()))
        rates[kind] = (len(of_kind), fired)
    return rates


def print_split(split: str, scored: list[Scored], *, intervals: bool) -> None:
    targets = STRANGER_TARGETS if split.startswith(("strangers", "shaped")) else TARGETS
    print(f"\n{split} split ({len(scored)} answers)")
    header = f"{'label':<22}{'P':>6}{'R':>6}{'F1':>6}{'target':>8}   tp  fp  fn  tn"
    print(header + ("   F1 95% CI" if intervals else ""))
    for label, c in label_counts(scored).items():
        mark = "ok" if c.f1 >= targets[label] else "below"
        line = (
            f"{label:<22}{c.precision:>6.2f}{c.recall:>6.2f}{c.f1:>6.2f}{targets[label]:>8.2f}"
            f" {c.tp:>4}{c.fp:>4}{c.fn:>4}{c.tn:>4}  {mark:<5}"
        )
        if intervals:
            lo, hi = bootstrap(scored, lambda sample, name=label: label_counts(sample)[name].f1)
            line += f"  [{lo:.2f}, {hi:.2f}]"
        print(line)
    target = ERROR_PRECISION_TARGET
    print(f"errors shown          shown  right  precision (target {target})  demoted")
    total_shown = total_demoted = 0
    for flag_id, (shown, right, demoted) in error_precision(scored).items():
        precision = f"{right / shown:.2f}" if shown else "  - "
        total_shown += shown
        total_demoted += demoted
        print(f"  {flag_id:<22}{shown:>5}{right:>7}  {precision:>9}{demoted:>22}")
    would_be = total_shown + total_demoted
    share = total_demoted / would_be if would_be else 0.0
    demoted = f"{total_demoted}/{would_be} = {share:.0%}"
    print(f"  demoted to 'worth checking': {demoted} (target <= 30%)")
    for kind, (count, fired) in type_fire_rates(scored).items():
        if count:
            print(f"  {kind} answers shown an order flag: {fired}/{count} (target <= 1 in 20)")
    asking = sum(1 for one in scored if one.report.questions)
    print(f"  answers where the engine asks instead of asserting: {asking}/{len(scored)}")
    print_reliability(scored)
    rho = grade_correlation(scored)
    if rho is not None:
        line = f"  Spearman(overall, readers' grade) = {rho:.2f} (target {SPEARMAN_TARGET})"
        if intervals:
            lo, hi = bootstrap(scored, lambda sample: grade_correlation(sample) or float("nan"))
            line += f"  95% CI [{lo:.2f}, {hi:.2f}]"
        print(line)


TUNED_SPLITS = ("dev", "shaped-dev", "strangers-dev")
RELIABILITY_BINS = ((0.0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))


def verdict_outcomes(scored: list[Scored]) -> Iterator[tuple[str, str, float, bool]]:
    """Every calibrated verdict: (verdict id, basis, confidence, right?)."""
    for one in scored:
        labels = one.item["labels"]
        for element in ELEMENT_LABELS:
            cover = one.report.coverage[element]
            yield element, cover.basis, cover.confidence, cover.present == bool(labels[element])
        for flag in one.report.flags:
            if flag.id in ERROR_CLAIMS:
                label, claims = ERROR_CLAIMS[flag.id]
                yield flag.id, flag.basis, flag.confidence, bool(labels[label]) is claims


def calibrate() -> Path:
    """Count how often each verdict basis was right on the tuned-on splits; write the table."""
    from scoring import calibration

    table: dict[str, dict[str, list[int]]] = {}
    for split in TUNED_SPLITS:
        for verdict, basis, _, right in verdict_outcomes(score_items(load_split(split))):
            for key in (basis, calibration.ALL):
                counts = table.setdefault(verdict, {}).setdefault(key, [0, 0])
                counts[0] += int(right)
                counts[1] += 1
    ordered = {v: dict(sorted(b.items())) for v, b in sorted(table.items())}
    calibration.CALIBRATION_FILE.write_text(json.dumps(ordered, indent=1) + "\n", encoding="utf-8")
    return calibration.CALIBRATION_FILE


def print_reliability(scored: list[Scored]) -> None:
    """Stated confidence against observed accuracy, binned (a calibrated engine matches)."""
    bins = {edges: [0, 0, 0.0] for edges in RELIABILITY_BINS}
    for _, _, confidence, right in verdict_outcomes(scored):
        for lo, hi in RELIABILITY_BINS:
            if lo <= confidence < hi:
                cell = bins[(lo, hi)]
                cell[0] += int(right)
                cell[1] += 1
                cell[2] += confidence
    print("  reliability      verdicts  stated  observed")
    for (lo, hi), (right, seen, total) in bins.items():
        if seen:
            label = f"{lo:.1f}-{min(hi, 1.0):.1f}"
            print(f"    {label:<14}{seen:>8}{total / seen:>8.2f}{right / seen:>10.2f}")


def print_errors(label: str, split: str) -> None:
    """List misclassified answers of a tuned-on split for one label (never a holdout)."""
    if "holdout" in split:
        raise SystemExit("holdout splits are reported in aggregate only")
    for one in score_items(load_split(split)):
        expected = bool(one.item["labels"][label])
        if one.got[label] == expected:
            continue
        key = {"solution_first": "solution", "tech_before_framing": "tech"}.get(label, label)
        evidence = [span.text for span in one.report.coverage[key].evidence]
        kind = "FN" if expected else "FP"
        print(f"--- {kind} {one.item['id']} [{one.item.get('style') or one.item.get('kind')}]")
        print(f"    type={one.report.question_type} evidence: {evidence[:6]}")
        print("    " + one.item["answer"][:600].replace("\n", " / "))


def iter_splits() -> Iterator[tuple[str, list[dict]]]:
    for split in (
        "dev",
        "holdout",
        "shaped-dev",
        "shaped-holdout",
        "strangers-dev",
        "strangers-holdout",
    ):
        yield split, load_split(split)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", metavar="LABEL", help="list mistakes for one label")
    parser.add_argument("--split", default="dev", help="split for --errors (dev, strangers-dev)")
    parser.add_argument(
        "--calibrate", action="store_true", help="rewrite scoring/calibration.json (tuned splits)"
    )
    args = parser.parse_args()
    if args.calibrate:
        print(f"wrote {calibrate()}")
        return
    if args.errors:
        print_errors(args.errors, args.split)
        return
    for split, items in iter_splits():
        if not items:
            where = stranger_paths().get(split) or "COACH_STRANGERS_HOLDOUT (unset)"
            print(f"\n{split} split: not measured (no corpus at {where})")
            continue
        intervals = not split.startswith(("dev", "holdout"))
        print_split(split, score_items(items), intervals=intervals)


if __name__ == "__main__":
    main()
