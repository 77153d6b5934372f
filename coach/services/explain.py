"""Explain a report in plain words: how each score came about, and flag ordering.

The weights and penalties are read from the engine (never copied), so the explanation stays
true when the engine changes them; if the engine stops exposing them, a generic text is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoring import explain_score
from scoring.report import Flag, Report, Severity

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
# What the learner reads for each element the engine looks for (pages, charts, exports).
ELEMENT_TITLES: dict[str, str] = {
    "who": "Who (user)",
    "why": "Why (problem)",
    "metrics": "Metrics",
    "eval_criteria": "Eval criteria",
    "solution": "Solution",
    "tech": "Tech / model",
    "tradeoffs": "Trade-offs",
    "risks": "Risks / failure plan",
}


@dataclass(frozen=True, slots=True)
class FlagGroup:
    """The flags whose evidence starts in one sentence, numbered as in the flag list."""

    start: int
    end: int
    numbers: tuple[int, ...]
    flags: tuple[Flag, ...]


def ordered_flags(flags: Sequence[Flag]) -> list[Flag]:
    """Errors first, then warnings, then info; each group in answer order."""
    return sorted(
        flags, key=lambda flag: (SEVERITY_ORDER.get(Severity(flag.severity).value, 9), flag.start)
    )


def flag_groups(report: Report, flags: Sequence[Flag]) -> list[FlagGroup]:
    """Group numbered flags (1-based, in ``flags`` order) by the sentence their evidence starts
    in, so a sentence carries one marker listing all its flags, in answer order."""
    sentences = [(segment.start, segment.end) for segment in report.structure]
    groups: dict[tuple[int, int], list[tuple[int, Flag]]] = {}
    for number, flag in enumerate(flags, start=1):
        home = next(
            ((start, end) for start, end in sentences if start <= flag.start < end),
            (flag.start, flag.end),
        )
        groups.setdefault(home, []).append((number, flag))
    return [
        FlagGroup(
            start=start,
            end=end,
            numbers=tuple(number for number, _ in members),
            flags=tuple(flag for _, flag in members),
        )
        for (start, end), members in sorted(groups.items())
    ]


def dimension_explanation(report: Report) -> list[str]:
    """Say, one line per dimension, how its score was computed from the rubric's rows.

    The rows are stored with the report, so an old attempt is explained as it was scored; a
    dimension scored before the rubric existed, or by the judge, shows its reason instead.
    """
    return explain_score(report)


def overall_explanation(report: Report) -> list[str]:
    """Say, line by line, how this report's overall score was computed."""
    try:
        from scoring.scores import ERROR_PENALTY, LEVEL_SHIFT, WEIGHTS
    except ImportError:  # the engine moved its constants: fall back to the general rule
        return [
            "The overall score combines the assessed dimension scores, then subtracts points "
            "for each error-level red flag and adjusts for the target level."
        ]
    assessed = {
        name: dimension.score
        for name, dimension in report.dimensions.items()
        if dimension.score is not None and name in WEIGHTS
    }
    lines = []
    if assessed:
        total = sum(WEIGHTS[name] for name in assessed)
        mean = sum(WEIGHTS[name] * score for name, score in assessed.items()) / total
        parts = ", ".join(
            f"{name.replace('_', ' ')} {score} × {WEIGHTS[name] / total:.0%}"
            for name, score in assessed.items()
        )
        lines.append(f"1. Weighted mean of the assessed dimensions: {parts} = {mean:.1f}.")
    else:
        lines.append("1. No dimension could be assessed, so the score is 0.")
    errors = sum(1 for flag in report.flags if Severity(flag.severity) is Severity.ERROR)
    penalty = ERROR_PENALTY.get(report.level, 0)
    lines.append(
        f"2. Minus {penalty} points for each error-level red flag at this level: "
        f"{errors} × {penalty} = {errors * penalty}."
    )
    shift = LEVEL_SHIFT.get(report.level, 0)
    lines.append(f"3. Level adjustment for {report.level}: {shift:+d}.")
    lines.append(
        f"4. Rounded and kept between 0 and 100: **{report.overall}**. Not-assessed dimensions "
        "do not count; warnings and info flags only lower the dimension they belong to."
    )
    return lines
