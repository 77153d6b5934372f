"""Confidence of verdicts and flags, read from how often each kind of evidence was right.

Each verdict has a *basis*: the kind of evidence behind it ("who: narrowed role", "missing-user:
product, long answer"). ``python -m benchmarks.accuracy --calibrate`` counts, on the tuned-on
labelled splits, how often each basis was right and writes ``calibration.json``; the engine
reads it here. A basis seen fewer than ``MIN_SEEN`` times falls back to its verdict's total.
Low-confidence error flags are shown as "worth checking" and cost no points.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from scoring.question_type import PROPOSING

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
MIN_SEEN = 8
# Below this an error flag is "worth checking": shown, but it costs nothing and drives nothing.
TENTATIVE_BELOW = 0.6
# Below this the engine asks the learner instead of asserting an element verdict.
ASK_BELOW = 0.7
ALL = "*"


@cache
def table() -> dict[str, dict[str, list[int]]]:
    """``{verdict: {basis: [right, seen]}}`` (empty when the file is missing)."""
    if not CALIBRATION_FILE.is_file():
        return {}
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))


@cache
def confidence(verdict: str, basis: str) -> float:
    """Laplace-smoothed share of right calls for this verdict and basis (1.0 if never seen).

    >>> confidence("no-such-verdict", "anything")
    1.0
    """
    counts = table().get(verdict)
    if not counts:
        return 1.0
    right, seen = counts.get(basis) or [0, 0]
    if seen < MIN_SEEN:
        right, seen = counts.get(ALL, [0, 0])
    return round((right + 1) / (seen + 2), 3)


def group(question_type: str) -> str:
    return "product" if question_type in PROPOSING else "other"


def length_bucket(words: int) -> str:
    return "short" if words < 80 else "long"


def absence_key(question_type: str, words: int, language: str) -> str:
    """The basis of an absence verdict: the kind of question and the length, or, for an
    answer not in English, the kind alone (the vocabulary is English, so there an absence is
    unsure whatever the length, and the few such answers are pooled).

    >>> absence_key("product_design", 120, "en"), absence_key("metrics", 30, "other")
    ('product:long', 'other:foreign')
    """
    if language != "en":
        return f"{group(question_type)}:foreign"
    return f"{group(question_type)}:{length_bucket(words)}"
