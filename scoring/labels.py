"""The seven labels of a labelled answer (see ``../shared/LABELS.md``), read off a report.

The same seven labels are what a reviewer decides and what the accuracy benchmark measures,
so mentors' reviews and the labelled corpus can be compared with the engine one to one.

>>> from scoring import PromptSpec, analyze
>>> labels = report_labels(analyze("I'd fine-tune an LLM on our tickets.", PromptSpec("p")))
>>> labels["tech"], labels["who"]
(True, False)
"""

from __future__ import annotations

from scoring.order import order_verdicts
from scoring.report import Report

ELEMENT_LABELS: tuple[str, ...] = ("who", "why", "metrics", "eval_criteria", "tech")
# Order labels and the flag that asserts each one.
ORDER_LABELS: dict[str, str] = {
    "solution_first": "solution-first",
    "tech_before_framing": "tech-before-framing",
}
LABELS: tuple[str, ...] = ELEMENT_LABELS + tuple(ORDER_LABELS)
# Error flags and the label each one asserts (True: the label must be true when it fires).
ERROR_CLAIMS: dict[str, tuple[str, bool]] = {
    "solution-first": ("solution_first", True),
    "tech-before-framing": ("tech_before_framing", True),
    "missing-user": ("who", False),
    "missing-problem": ("why", False),
    "missing-metrics": ("metrics", False),
    "missing-eval-criteria": ("eval_criteria", False),
}


def report_labels(report: Report) -> dict[str, bool]:
    """The seven labels as the report says: element presence and the order verdicts."""
    labels = {label: report.coverage[label].present for label in ELEMENT_LABELS}
    firsts = {name: cover.first_at for name, cover in report.coverage.items()}
    verdicts = order_verdicts(firsts)
    labels.update({label: verdicts[flag] for label, flag in ORDER_LABELS.items()})
    return labels
