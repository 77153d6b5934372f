"""Accuracy of element detection and order flags on the labeled corpus.

Run: ``python -m benchmarks.accuracy [--errors ELEMENT]``. Prints precision, recall and F1 per
element and per flag on each split: ``dev`` (tuned on) and ``holdout`` (never tuned on).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scoring import PromptSpec, Report, analyze

CORPUS_DIR = Path(__file__).resolve().parent.parent / "tests" / "corpus"
SPLITS = ("dev", "holdout")
ELEMENT_LABELS = ("who", "why", "metrics", "eval_criteria", "tech")
FLAG_LABELS = {"solution_first": "solution-first", "tech_before_framing": "tech-before-framing"}
TARGETS = {
    "who": 0.90,
    "why": 0.90,
    "metrics": 0.90,
    "tech": 0.90,
    "eval_criteria": 0.85,
    "solution_first": 0.85,
    "tech_before_framing": 0.85,
}


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


def load_split(split: str) -> list[dict]:
    """Every answer of a split: all of its ``<split>*.jsonl`` files, so ``dev`` pools dev.jsonl,
    dev2.jsonl and dev3.jsonl (all tuned on)."""
    items = []
    for path in sorted(CORPUS_DIR.glob(f"{split}*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        items += [json.loads(line) for line in lines if line.strip()]
    return items


def predictions(report: Report) -> dict[str, bool]:
    got = {label: report.coverage[label].present for label in ELEMENT_LABELS}
    flags = set(report.flag_ids())
    got.update({label: rule_id in flags for label, rule_id in FLAG_LABELS.items()})
    return got


def evaluate(items: list[dict]) -> Iterator[tuple[dict, dict[str, bool]]]:
    for item in items:
        report = analyze(item["answer"], PromptSpec.from_text(item.get("prompt", "")))
        yield item, predictions(report)


def score_split(items: list[dict]) -> dict[str, Counts]:
    counts = {label: Counts() for label in TARGETS}
    for item, got in evaluate(items):
        for label in TARGETS:
            counts[label].add(bool(item["labels"][label]), got[label])
    return counts


def print_table(split: str, counts: dict[str, Counts], size: int) -> None:
    print(f"\n{split} split ({size} answers)")
    print(f"{'label':<22}{'P':>7}{'R':>7}{'F1':>7}{'target':>8}   tp  fp  fn  tn")
    for label, c in counts.items():
        mark = "ok" if c.f1 >= TARGETS[label] else "below"
        print(
            f"{label:<22}{c.precision:>7.2f}{c.recall:>7.2f}{c.f1:>7.2f}{TARGETS[label]:>8.2f}"
            f" {c.tp:>4}{c.fp:>4}{c.fn:>4}{c.tn:>4}  {mark}"
        )


def print_errors(label: str, split: str) -> None:
    """List misclassified dev answers for one label (never use this on the holdout split)."""
    for item, got in evaluate(load_split(split)):
        expected = bool(item["labels"][label])
        if got[label] != expected:
            kind = "FN" if expected else "FP"
            report = analyze(item["answer"], PromptSpec.from_text(item.get("prompt", "")))
            key = label if label in ELEMENT_LABELS else None
            evidence = [s.text for s in report.coverage[key].evidence] if key else report.flag_ids()
            print(f"--- {kind} {item['id']} [{item.get('style')}] note={item.get('note', '')!r}")
            print(f"    evidence: {evidence}")
            print("    " + item["answer"][:700].replace("\n", " / "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", metavar="LABEL", help="list dev-split mistakes for one label")
    args = parser.parse_args()
    if args.errors:
        print_errors(args.errors, "dev")
        return
    for split in SPLITS:
        items = load_split(split)
        if not items:
            print(f"\n{split} split: no corpus under {CORPUS_DIR}")
            continue
        print_table(split, score_split(items), len(items))


if __name__ == "__main__":
    main()
