"""Dimension scores, the overall score and the grade, derived from the located evidence.

Only evidence moves a score: naming a framework, length alone or buzzwords never raise one.
A dimension with nothing to judge is reported as not assessed (score None).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scoring.analysis import Analysis
from scoring.question_type import ANALYSING, BEHAVIORAL, FRAMED, PROPOSING
from scoring.report import Dimension, Flag, Severity
from scoring.rules.communication import MIN_WORDS, filler_rate

_DIGIT = re.compile(r"\d")
WEIGHTS = {
    "framing": 0.30,
    "metrics": 0.20,
    "ai_evaluation": 0.15,
    "solution": 0.20,
    "communication": 0.15,
}
ERROR_PENALTY = {"apm": 3, "pm": 4, "senior": 6}
LEVEL_SHIFT = {"apm": 5, "pm": 0, "senior": -5}
GRADE_FLOORS = ((85, 5), (70, 4), (55, 3), (40, 2))


def _sentence(notes: list[str]) -> str:
    text = "; ".join(notes)
    return text[:1].upper() + text[1:] + "."


def _has(flags: Sequence[Flag], rule_id: str) -> bool:
    """A flag that counts (a tentative one, "worth checking", costs no points)."""
    return any(flag.id == rule_id and not flag.tentative for flag in flags)


def _story(a: Analysis, flags: Sequence[Flag]) -> Dimension:
    """A behavioural answer is framed as a story: own action, result, reflection."""
    missing = {
        "no-own-action": "your own action",
        "no-result": "a result",
        "no-reflection": "what you learned",
    }
    gaps = [text for rule_id, text in missing.items() if _has(flags, rule_id)]
    score = 100 - 35 * _has(flags, "no-own-action") - 35 * _has(flags, "no-result")
    score -= 30 * _has(flags, "no-reflection")
    if not gaps:
        return Dimension(score, "The story has your action, a result and a reflection.")
    return Dimension(score, "The story lacks " + ", ".join(gaps) + ".")


def framing(a: Analysis, flags: Sequence[Flag]) -> Dimension:
    if not a.words:
        return Dimension(None, "No answer to assess.")
    question_type = a.prompt.question_type
    if question_type == BEHAVIORAL:
        return _story(a, flags)
    framed = a.present("who") or a.present("why")
    if question_type not in FRAMED and not framed:
        return Dimension(None, "Framing a user is not what this question asks for.")
    if question_type in ANALYSING and not framed and not a.expects & {"who", "why"}:
        return Dimension(None, "The question does not ask who the user is.")
    score, notes = 0, []
    if a.present("who"):
        score += 40
    elif a.signal("generic_user"):
        score += 10
        notes.append("users are only generic")
    else:
        notes.append("no user named")
    if a.present("why"):
        score += 40
    else:
        notes.append("no user problem")
    if _has(flags, "solution-first"):
        notes.append("solution comes before the framing")
    else:
        score += 20
    reason = "Who and why are set before the solution." if not notes else _sentence(notes)
    return Dimension(score, reason)


def metrics(a: Analysis, flags: Sequence[Flag]) -> Dimension:
    cover = a.coverage["metrics"]
    if not cover.present:
        asked = "metrics" in a.expects
        if not asked and (not a.signal("vague_metric") or a.prompt.question_type not in FRAMED):
            return Dimension(None, "Metrics were not asked for and not named.")
        if a.signal("vague_metric"):
            return Dimension(15, "Only vague measures (engagement, KPIs), no named metric.")
        return Dimension(0, "No success metric named.")
    score = 40
    notes = [f"{len(cover.evidence)} named metric(s)"]
    if len(cover.evidence) >= 2:
        score += 10
    if a.signal("guardrail") and len(cover.evidence) >= 2:
        score += 15
        notes.append("with a guardrail")
    else:
        notes.append("no guardrail")
    if any(_DIGIT.search(span.text) for span in cover.evidence) or a.signal("metric_numbers"):
        score += 15
        notes.append("a numeric target")
    tech_at = a.first("tech")
    first_metric = cover.first_at if cover.first_at is not None else 0
    if tech_at is None or first_metric < tech_at:
        score += 20  # metrics before any talk of models: the order interviewers look for
    else:
        notes.append("but only after the technology")
    return Dimension(min(score, 100), _sentence(notes))


def ai_evaluation(a: Analysis, flags: Sequence[Flag]) -> Dimension:
    cover = a.coverage["eval_criteria"]
    expected = "eval_criteria" in a.expects or (a.is_ai and a.prompt.question_type in FRAMED)
    failure = bool(a.signal("failure_plan"))
    if not expected and not cover.present:
        return Dimension(None, "No AI output to evaluate in this answer.")
    if not a.words:
        return Dimension(None, "No answer to assess.")
    score, notes = 0, []
    if cover.present:
        score += 55 + min(20, 10 * (len(cover.evidence) - 1))
        notes.append("says how output quality is judged")
    else:
        notes.append("no criteria for a good output")
    if failure:
        score += 25
        notes.append("plans for wrong outputs")
    elif a.is_ai:
        notes.append("no plan for wrong outputs")
    return Dimension(min(score, 100), _sentence(notes))


def solution(a: Analysis, flags: Sequence[Flag]) -> Dimension:
    if not a.present("solution"):
        if a.prompt.question_type in PROPOSING and "who" in a.expects and a.words:
            return Dimension(10, "No concrete solution proposed.")
        return Dimension(None, "No solution was asked for or proposed.")
    score, notes = 40, ["a concrete proposal"]
    if not a.present("tech") or a.signal("why_ai"):
        score += 15
    else:
        notes.append("AI not justified")
    if a.present("tradeoffs"):
        score += 20
        notes.append("trade-offs weighed")
    if a.present("risks"):
        score += 15
        notes.append("risks named")
    if not _has(flags, "solution-first"):
        score += 10
    return Dimension(score, _sentence(notes))


def communication(a: Analysis, flags: Sequence[Flag]) -> Dimension:
    if not a.words:
        return Dimension(None, "No answer to assess.")
    score, notes = 100, []
    minimum = MIN_WORDS.get(a.level, 60)
    words = a.credited_words()
    if words < minimum:
        score = int(70 * words / minimum)
        notes.append("too short")
    rate = filler_rate(a)
    if rate > 0.02:
        score -= min(25, int(rate * 300))
        notes.append("many fillers")
    for rule_id, penalty, note in (
        ("seeks-validation", 10, "asks the interviewer to decide"),
        ("rambling", 25, "too long"),
        ("jargon-heavy", 15, "jargon-heavy"),
        ("framework-narration", 10, "recites a framework"),
        ("no-summary", 5, "no summary"),
    ):
        if _has(flags, rule_id):
            score -= penalty
            notes.append(note)
    reason = "Clear and well paced." if not notes else _sentence(notes)
    return Dimension(max(0, min(100, score)), reason)


SCORERS = {
    "framing": framing,
    "metrics": metrics,
    "ai_evaluation": ai_evaluation,
    "solution": solution,
    "communication": communication,
}


def dimensions(a: Analysis, flags: Sequence[Flag]) -> dict[str, Dimension]:
    return {name: scorer(a, flags) for name, scorer in SCORERS.items()}


def overall(dims: dict[str, Dimension], flags: Sequence[Flag], level: str) -> int:
    """Weighted mean of the assessed dimensions, minus error flags, shifted for the level."""
    assessed = {name: dim.score for name, dim in dims.items() if dim.score is not None}
    if not assessed:
        return 0
    total_weight = sum(WEIGHTS[name] for name in assessed)
    mean = sum(WEIGHTS[name] * score for name, score in assessed.items()) / total_weight
    errors = sum(1 for flag in flags if flag.severity is Severity.ERROR and not flag.tentative)
    value = mean - errors * ERROR_PENALTY[level] + LEVEL_SHIFT[level]
    return round(max(0.0, min(100.0, value)))


def grade(score: int) -> int:
    """1-5 grade from the overall score."""
    for floor, value in GRADE_FLOORS:
        if score >= floor:
            return value
    return 1
