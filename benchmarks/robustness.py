"""Robustness of the seven verdicts to rewrites of the labeled corpus's answers.

Run: ``python -m benchmarks.robustness [--split dev|holdout|all] [--show N [--evidence]]``.
Label-preserving rewrites (a transcript, prose, fillers, a neutral opening) should flip no
verdict; label-changing rewrites (the proposal moved to the front, a segment added, a metric
added) should change the one verdict they target. Targets (issue 13): preserving rewrites flip
<= 3% of the answers they change; changing rewrites are detected >= 95%. ``--show`` lists
flipped dev answers by id (``--evidence``: with what each verdict was read from before and
after); the holdout split is only ever reported in aggregate.
"""

from __future__ import annotations

import argparse
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from benchmarks import rewrites
from benchmarks.accuracy import CORPUS_DIR, LABELS, load_split
from scoring import PromptSpec, Report, analyze
from scoring.labels import report_labels

MAX_FLIP_RATE = 0.03
MIN_DETECTION_RATE = 0.95

Verdicts = dict[str, bool]


# The seven verdicts compared with the labels, read exactly as the accuracy benchmark reads them.
verdicts = report_labels


@dataclass(frozen=True)
class Answer:
    """One corpus answer with the engine's report on it as written."""

    id: str
    split: str
    prompt: PromptSpec
    text: str
    labels: Mapping[str, bool]
    report: Report

    @classmethod
    def analysed(
        cls, answer_id: str, split: str, prompt: str, text: str, labels: Mapping[str, object]
    ) -> Answer:
        """An answer with the engine's report on it; labels as booleans for the seven verdicts."""
        spec = PromptSpec.from_text(prompt)
        flags = {label: bool(labels.get(label)) for label in LABELS}
        return cls(answer_id, split, spec, text, flags, analyze(text, spec))

    @property
    def seed(self) -> int:
        # Stable across runs and Python processes (``hash`` of a str is salted per process).
        return zlib.crc32(self.id.encode())


@dataclass(frozen=True)
class Rewrite:
    """A rewrite and, for a label-changing one, the verdict it should turn true."""

    name: str
    apply: Callable[[Answer], str | None]  # None: the rewrite does not apply to this answer
    expects: str | None = None
    eligible: Callable[[Answer], bool] = lambda answer: True


def solution_to_front(answer: Answer) -> str | None:
    """Move the sentence holding the first proposal to the front, when that puts it first.

    Skipped when the engine found no proposal, when it already opens the answer, or when the
    sentence also holds the start of who or why: moving it would carry the framing along.
    """
    solution = answer.report.coverage["solution"]
    if not solution.present or solution.first_at is None:
        return None
    start, _ = rewrites.sentence_span(answer.text, solution.first_at)
    if not answer.text[:start].strip():
        return None
    for element in ("who", "why"):
        spans = answer.report.coverage[element].evidence
        if any(start <= span.start <= solution.first_at for span in spans):
            return None
    return rewrites.move_to_front(answer.text, solution.first_at)


PRESERVING = (
    Rewrite("transcript", lambda a: rewrites.to_transcript(a.text)),
    Rewrite("prose", lambda a: rewrites.to_prose(a.text)),
    Rewrite("fillers", lambda a: rewrites.add_fillers(a.text, seed=a.seed)),
    Rewrite("neutral opening", lambda a: rewrites.add_neutral_opening(a.text, seed=a.seed)),
)
CHANGING = (
    Rewrite(
        "solution to front",
        solution_to_front,
        expects="solution_first",
        # By the labels: who and why come before the proposal, so a proposal moved in front of
        # them makes the answer solution-first.
        eligible=lambda a: a.labels["who"] and a.labels["why"] and not a.labels["solution_first"],
    ),
    Rewrite(
        "add a segment",
        lambda a: rewrites.add_segment(a.text, seed=a.seed),
        expects="who",
        eligible=lambda a: not a.labels["who"],
    ),
    Rewrite(
        "add a metric",
        lambda a: rewrites.add_metric(a.text, seed=a.seed),
        expects="metrics",
        eligible=lambda a: not a.labels["metrics"],
    ),
)


@dataclass
class Outcome:
    """What one rewrite did over a split."""

    rewrite: Rewrite
    answers: int = 0  # answers the rewrite was tried on (eligible by the labels)
    changed: int = 0  # ... whose text it changed (label-changing: measured ones, see below)
    flips: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    flipped: int = 0  # answers with at least one verdict flipped / expected change detected
    not_applicable: int = 0  # label-changing: no text to move
    wrong_before: int = 0  # label-changing: the engine already gave the after-verdict
    examples: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.flipped / self.changed if self.changed else 0.0

    @property
    def meets_target(self) -> bool:
        if self.rewrite.expects is None:
            return self.rate <= MAX_FLIP_RATE
        return self.changed > 0 and self.rate >= MIN_DETECTION_RATE


def _flipped(before: Verdicts, after: Verdicts) -> list[str]:
    return [label for label in LABELS if before[label] != after[label]]


def _describe(answer: Answer, labels: list[str], before: Verdicts, after: Verdicts) -> str:
    changes = ", ".join(f"{label} {before[label]}->{after[label]}" for label in labels)
    return f"{answer.id}: {changes}"


# The coverage elements a verdict is read from (the order verdicts: from their positions).
EVIDENCE_OF = {
    "solution_first": ("solution", "who", "why"),
    "tech_before_framing": ("tech", "who", "why", "metrics"),
}


def _evidence(before: Report, after: Report, labels: list[str]) -> list[str]:
    """What each verdict was read from before and after the rewrite, element by element."""
    elements = dict.fromkeys(e for label in labels for e in EVIDENCE_OF.get(label, (label,)))
    lines = []
    for element in elements:
        for name, report in (("before", before), ("after", after)):
            cover = report.coverage[element]
            texts = [span.text[:60] for span in cover.evidence[:4]]
            lines.append(f"    {element} {name}: at {cover.first_at} {texts}")
    return lines


def run_rewrite(
    rewrite: Rewrite, answers: list[Answer], show: int = 0, evidence: bool = False
) -> Outcome:
    """Apply one rewrite to every eligible answer and count what changed.

    A preserving rewrite counts the answers whose text it changed and, of those, the ones where
    any verdict flips. A changing rewrite counts the answers where the engine gave the right
    verdict before (so a change can be seen) and, of those, the ones where it now gives the
    expected one. ``show`` keeps that many dev examples (flips, or missed changes), with the
    evidence each verdict was read from before and after when ``evidence`` is set.
    """
    outcome = Outcome(rewrite)
    for answer in answers:
        if not rewrite.eligible(answer):
            continue
        outcome.answers += 1
        text = rewrite.apply(answer)
        if text is None or (rewrite.expects is not None and text == answer.text):
            outcome.not_applicable += 1
            continue
        if text == answer.text:
            continue
        before = verdicts(answer.report)
        if rewrite.expects is not None and before[rewrite.expects]:
            outcome.wrong_before += 1
            continue
        outcome.changed += 1
        report = analyze(text, answer.prompt)
        after = verdicts(report)
        flipped = _flipped(before, after)
        for label in flipped:
            outcome.flips[label] += 1
        hit = after[rewrite.expects] if rewrite.expects else bool(flipped)
        outcome.flipped += hit
        # A missed change is the example worth seeing for a label-changing rewrite.
        worth_showing = hit if rewrite.expects is None else not hit
        if worth_showing and answer.split == "dev" and len(outcome.examples) < show:
            shown = flipped if rewrite.expects is None else [rewrite.expects]
            lines = [_describe(answer, shown, before, after)]
            if evidence:
                lines += _evidence(answer.report, report, shown)
            outcome.examples.append("\n".join(lines))
    return outcome


def load_answers(split: str) -> list[Answer]:
    """The corpus answers of ``split`` (``all`` = dev and holdout), each analysed as written."""
    splits = ("dev", "holdout") if split == "all" else (split,)
    return [
        Answer.analysed(item["id"], name, item.get("prompt", ""), item["answer"], item["labels"])
        for name in splits
        for item in load_split(name)
    ]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def print_preserving(outcomes: list[Outcome]) -> None:
    print(
        "\nlabel-preserving rewrites: answers with a flipped verdict, of those the rewrite changed"
        f" (target <= {MAX_FLIP_RATE:.0%})"
    )
    width = 18
    print(f"{'':<22}" + "".join(f"{o.rewrite.name:>{width}}" for o in outcomes))
    print(f"{'answers changed':<22}" + "".join(f"{o.changed:>{width}}" for o in outcomes))
    rows = [("any verdict", lambda o: o.flipped)] + [
        (label, lambda o, label=label: o.flips[label]) for label in LABELS
    ]
    for name, count in rows:
        cells = "".join(f"{f'{count(o)} ({_pct(count(o), o.changed)})':>{width}}" for o in outcomes)
        print(f"{name:<22}{cells}")


def print_changing(outcomes: list[Outcome]) -> None:
    print(
        "\nlabel-changing rewrites: answers where the expected verdict changed"
        f" (target >= {MIN_DETECTION_RATE:.0%})"
    )
    print(
        f"{'rewrite':<20}{'verdict':<16}{'eligible':>9}{'n/a':>6}{'wrong before':>14}"
        f"{'measured':>10}{'detected':>10}{'rate':>8}   collateral flips"
    )
    for o in outcomes:
        expects = o.rewrite.expects or ""
        collateral = ", ".join(
            f"{label} {n}" for label, n in o.flips.items() if n and label != expects
        )
        print(
            f"{o.rewrite.name:<20}{expects:<16}{o.answers:>9}{o.not_applicable:>6}"
            f"{o.wrong_before:>14}{o.changed:>10}{o.flipped:>10}{_pct(o.flipped, o.changed):>8}"
            f"   {collateral or '-'}"
        )


def summary(preserving: list[Outcome], changing: list[Outcome]) -> str:
    worst_flip = max(preserving, key=lambda o: o.rate)
    worst_detect = min(changing, key=lambda o: o.rate)
    ok_p = all(o.meets_target for o in preserving)
    ok_c = all(o.meets_target for o in changing)
    return (
        f"summary: preserving flips max {worst_flip.rate:.1%} ({worst_flip.rewrite.name}),"
        f" target <= {MAX_FLIP_RATE:.0%}: {'ok' if ok_p else 'below'};"
        f" changing detected min {worst_detect.rate:.1%} ({worst_detect.rewrite.name}),"
        f" target >= {MIN_DETECTION_RATE:.0%}: {'ok' if ok_c else 'below'}"
    )


def print_examples(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        if o.examples:
            kind = "flipped" if o.rewrite.expects is None else "missed"
            print(f"\n{o.rewrite.name}: {kind} (dev)")
            for line in o.examples:
                print(f"  {line}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "holdout", "all"), default="dev")
    parser.add_argument(
        "--show", type=int, default=0, metavar="N", help="list N flipped dev answers per rewrite"
    )
    parser.add_argument(
        "--evidence",
        action="store_true",
        help="with --show: what each listed verdict was read from, before and after",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    answers = load_answers(args.split)
    if not answers:
        print(f"{args.split} split: no corpus under {CORPUS_DIR}")
        return
    preserving = [run_rewrite(r, answers, args.show, args.evidence) for r in PRESERVING]
    changing = [run_rewrite(r, answers, args.show, args.evidence) for r in CHANGING]
    elapsed = time.perf_counter() - started
    print(f"{args.split} split: {len(answers)} answers ({elapsed:.1f} s)")
    print_preserving(preserving)
    print_changing(changing)
    print("\n" + summary(preserving, changing))
    if args.show:
        if args.split == "holdout":
            print("\n--show lists dev answers only; the holdout split is reported in aggregate.")
        print_examples(preserving + changing)


if __name__ == "__main__":
    main()
