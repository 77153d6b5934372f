"""Interviewer-style phase nudges for timed practice, from the draft's report and the clock.

A live interviewer watches the clock and steps in when a candidate is still on the model with
half the time gone and no user named. This module plays that part: it looks at what the draft
covers so far (a :class:`scoring.Report` of the draft) and how much of the time limit is used,
and returns at most a few short nudges. It is a pure function: no Streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from question_bank.schema import Prompt
from scoring import ScoringError, analyze
from scoring.report import Report

Tone = Literal["info", "warning", "error"]

# Phases of a well-paced answer as shares of the time limit: frame first (who, why), then the
# solution and how success is measured, then evaluation and failure handling, then land it.
PHASES: tuple[tuple[float, str, str], ...] = (
    (0.30, "framing", "Frame it: who is the user, what hurts, how you will measure success."),
    (0.60, "solution", "Commit to one solution and the metric it moves."),
    (0.85, "quality", "Say how you will judge the AI's output and what happens when it is wrong."),
    (1.00, "wrap-up", "Wrap up: one-sentence summary, what v1 leaves out, how you roll it out."),
)
OVERTIME = ("overtime", "Time is up: land your answer with a one-sentence summary and submit.")

# The phases follow the question type: a story is not asked "who is the user". The type comes
# from the prompt's bank category for now (the engine will name it itself later).
QUESTION_TYPES: dict[str, str] = {
    "behavioral": "story",
    "stakeholder-leadership": "story",
    "ai-metrics": "metrics",
    "execution": "metrics",
    "ai-evaluation": "evaluation",
    "responsible-ai": "evaluation",
}
TYPE_PHASES: dict[str, tuple[tuple[float, str, str], ...]] = {
    "product": PHASES,
    "story": (
        (0.20, "situation", "Set the scene: where, when, what was at stake."),
        (0.35, "task", "Say what you had to achieve and why it was hard."),
        (0.70, "your action", "What did *you* do? Concrete steps, in your own words."),
        (0.90, "result", "Give the result, with a number if you have one."),
        (1.00, "reflection", "What did you learn, and what would you do differently?"),
    ),
    "metrics": (
        (0.25, "goal", "Name the user and the goal the metric must reflect."),
        (0.60, "metrics", "Pick one primary metric and say how it is computed."),
        (0.85, "guardrails", "Add guardrails and the trade-off you would watch."),
        (1.00, "wrap-up", "Wrap up: the metric, the guardrail, and when you would act."),
    ),
    "evaluation": (
        (0.25, "what good means", "Who uses the output, and what does a good output look like?"),
        (0.60, "criteria", "Turn that into criteria and a test set you can score."),
        (0.85, "ship gate", "Set the ship gate and how you monitor after launch."),
        (1.00, "wrap-up", "Wrap up: the gate, the monitoring, the fallback when it fails."),
    ),
}


def question_type(category: str | None) -> str:
    """Map a bank category to the kind of answer it asks for (product is the default)."""
    return QUESTION_TYPES.get(category or "", "product")


@dataclass(frozen=True, slots=True)
class Nudge:
    """One interviewer remark: a stable id (for tests and de-duplication), text and tone."""

    id: str
    message: str
    tone: Tone


@dataclass(frozen=True, slots=True)
class Coaching:
    """Where the learner is in the answer's time budget and what to do about it."""

    phase: str
    phase_hint: str
    used: float  # share of the time limit used, 0.0 upwards (over 1.0 in overtime)
    remaining_s: int  # negative once over time
    nudges: tuple[Nudge, ...]


def _present(report: Report | None, element: str) -> bool:
    if report is None:
        return False
    coverage = report.coverage.get(element)
    return bool(coverage and coverage.present)


def _first_at(report: Report | None, element: str) -> int | None:
    if report is None:
        return None
    coverage = report.coverage.get(element)
    return coverage.first_at if coverage and coverage.present else None


def _pct(used: float) -> str:
    """Round down to the nearest 10% so the message reads like a person said it."""
    return f"{min(int(used * 10) * 10, 100)}%"


def analyze_draft(prompt: Prompt, draft: str, level: str) -> Report | None:
    """Score a draft for the nudges; None when there is nothing (or too much) to read."""
    if not draft.strip():
        return None
    try:
        return analyze(draft, prompt.to_spec(), level)
    except ScoringError:
        return None


def phase_for(used: float, kind: str = "product") -> tuple[str, str]:
    """Name the phase a well-paced answer of this type would be in at this share of the time."""
    for upper, name, hint in TYPE_PHASES.get(kind, PHASES):
        if used < upper:
            return name, hint
    return OVERTIME


def phase_nudges(
    report: Report | None,
    *,
    elapsed_s: float,
    limit_s: int,
    expects: frozenset[str] | set[str] = frozenset({"who", "why", "metrics"}),
    category: str | None = None,
) -> Coaching:
    """Return the phase and the nudges an interviewer would give at this point of the answer.

    Args:
        report: the scoring report of the current draft (``None`` when nothing is typed yet).
        elapsed_s: seconds since the timer started.
        limit_s: the prompt's time limit in seconds (must be positive).
        expects: the elements the prompt expects (``Prompt.expects``).
        category: the prompt's bank category; it sets the question type and so the phases
            (a behavioural story is never asked who the user is).

    Returns:
        A :class:`Coaching` with the current phase and up to three nudges, most urgent first.
    """
    if limit_s <= 0:
        raise ValueError("limit_s must be positive")
    used = max(elapsed_s, 0.0) / limit_s
    kind = question_type(category)
    phase, hint = phase_for(used, kind)
    words = report.stats.words if report is not None else 0
    nudges: list[Nudge] = []

    def add(nudge_id: str, message: str, tone: Tone) -> None:
        nudges.append(Nudge(nudge_id, message, tone))

    if used >= 1.0:
        add("time-up", OVERTIME[1], "error")
    if words == 0 and used >= 0.15:
        add(
            "blank-page",
            f"{_pct(used)} of your time is gone and nothing is written yet. Start with who the "
            "user is; you can refine later.",
            "warning",
        )
    if kind == "story":
        if used >= 0.7 and words and not _present(report, "metrics"):
            add(
                "no-result",
                f"{_pct(used)} of your time is gone: what was the result? Give a number.",
                "warning",
            )
        return _coaching(phase, hint, used, limit_s, elapsed_s, nudges)
    solution_at = _first_at(report, "solution")
    tech_at = _first_at(report, "tech")
    jumped_at = min((at for at in (solution_at, tech_at) if at is not None), default=None)
    who_at = _first_at(report, "who")
    if jumped_at is not None and (who_at is None or jumped_at < who_at):
        add(
            "solution-before-user",
            "You are already on the solution and no specific user is named yet. Step back: "
            "who is this for, and what hurts for them?",
            "error",
        )
    elif not _present(report, "who") and used >= 0.4 and words:
        add(
            "no-user",
            f"{_pct(used)} of your time is gone and no user is named yet.",
            "error" if used >= 0.6 else "warning",
        )
    if _present(report, "who") and not _present(report, "why") and used >= 0.4:
        add(
            "no-problem",
            f"{_pct(used)} of your time is gone: you named a user, but not the problem they have.",
            "warning",
        )
    if "metrics" in expects and not _present(report, "metrics") and used >= 0.6:
        add(
            "no-metric",
            f"{_pct(used)} of your time is gone and there is no success metric yet. Name one "
            "primary metric and a guardrail.",
            "warning",
        )
    if "eval_criteria" in expects and not _present(report, "eval_criteria") and used >= 0.75:
        add(
            "no-eval",
            "How will you know the model's output is good enough to ship? Say what a good output "
            "looks like and how you will test it.",
            "warning",
        )
    if "risks" in expects and not _present(report, "risks") and used >= 0.8:
        add(
            "no-failure-plan",
            "What happens when the model is wrong? Give a fallback or a human in the loop.",
            "warning",
        )
    return _coaching(phase, hint, used, limit_s, elapsed_s, nudges)


def _coaching(
    phase: str, hint: str, used: float, limit_s: int, elapsed_s: float, nudges: list[Nudge]
) -> Coaching:
    if 0.85 <= used < 1.0 and not nudges:
        nudges = [Nudge("wrap-up", "Nearly out of time: summarise and land the answer.", "info")]
    rank = {"error": 0, "warning": 1, "info": 2}
    ordered = sorted(nudges, key=lambda nudge: rank[nudge.tone])
    return Coaching(
        phase=phase,
        phase_hint=hint,
        used=used,
        remaining_s=round(limit_s - max(elapsed_s, 0.0)),
        nudges=tuple(ordered[:3]),
    )


def coverage_summary(report: Report | None, expects: Iterable[str]) -> dict[str, bool]:
    """Map each expected element to whether the draft covers it (for a checklist)."""
    return {element: _present(report, element) for element in sorted(expects)}
