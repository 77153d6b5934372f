"""The evidence the score rubrics read: elements present, order verdicts, measured quantities.

Each predicate is a question about the analysis, not about which flags fired. Where a red flag's
rule already judges the same thing (the solution came first, the story has no result), the
predicate asks that rule through scoring/findings.py instead of repeating its logic, so a
finding that is only "worth checking" costs no points here either.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scoring.analysis import Analysis
from scoring.findings import confidence, finds, unsure
from scoring.question_type import ANALYSING, FRAMED, PROPOSING
from scoring.rules.base import Rule
from scoring.rules.communication import (
    JARGON_HEAVY,
    MIN_WORDS,
    NO_SUMMARY,
    RAMBLING,
    SEEKS_VALIDATION,
    filler_rate,
)
from scoring.rules.craft import FRAMEWORK_NARRATION
from scoring.rules.framing import SOLUTION_FIRST
from scoring.rules.story import NO_OWN_ACTION, NO_REFLECTION, NO_RESULT, concrete_result

_DIGIT = re.compile(r"\d")
FILLER_ALLOWANCE = 0.02  # fillers per word a spoken answer may have before it costs points


# --- the answer as a whole -------------------------------------------------------------------
def no_answer(a: Analysis) -> bool:
    return not a.words


def answered(a: Analysis) -> bool:
    return a.words > 0


# --- framing: who, why, and framing before the solution -----------------------------------------
def user_named(a: Analysis) -> bool:
    return a.present("who")


def absence_unsure(rule: Rule) -> Callable[[Analysis], bool]:
    """Evidence that the missing-* ``rule`` reports an absence, but only as "worth checking"
    (its rule fires only when the element is absent)."""

    def evidence(a: Analysis) -> bool:
        return unsure(rule, a)

    return evidence


def credit_if_unsure(rule: Rule, points: int) -> Callable[[Analysis], int]:
    """The points an unsure absence still earns: it costs only as much as the engine is sure
    of it, ``points`` times how often such an absence was wrong."""

    def credit(a: Analysis) -> int:
        return round(points * (1 - confidence(rule, a)))

    return credit


def generic_users_only(a: Analysis) -> bool:
    return not a.present("who") and bool(a.signal("generic_user"))


def problem_named(a: Analysis) -> bool:
    return a.present("why")


def framed(a: Analysis) -> bool:
    return a.present("who") or a.present("why")


def framing_not_asked(a: Analysis) -> bool:
    """A kind of question that does not ask for a user, answered without one."""
    return a.prompt.question_type not in FRAMED and not framed(a)


def user_not_asked(a: Analysis) -> bool:
    """A metrics or evaluation question that does not ask who the user is, answered without."""
    asked = bool(a.expects & {"who", "why"})
    return a.prompt.question_type in ANALYSING and not framed(a) and not asked


def framing_before_solution(a: Analysis) -> bool:
    """No sure solution-first finding: the order verdict the flag's rule reaches."""
    return not finds(SOLUTION_FIRST, a)


# --- a behavioural answer is a story --------------------------------------------------------
def own_action_told(a: Analysis) -> bool:
    return not finds(NO_OWN_ACTION, a)


def result_told(a: Analysis) -> bool:
    return not finds(NO_RESULT, a)


def measured_result_told(a: Analysis) -> bool:
    """The story's result comes with a number ('escalations dropped 30%')."""
    return result_told(a) and concrete_result(a)


def reflection_told(a: Analysis) -> bool:
    return not finds(NO_REFLECTION, a)


# --- metrics ----------------------------------------------------------------------------------
def metric_count(a: Analysis) -> int:
    return len(a.coverage["metrics"].evidence)


def metrics_named(a: Analysis) -> bool:
    return a.present("metrics")


def vague_measures_only(a: Analysis) -> bool:
    return not a.present("metrics") and bool(a.signal("vague_metric"))


def metrics_not_asked(a: Analysis) -> bool:
    """No metric named, none asked for, and no vague stand-in in an answer that frames a user."""
    if a.present("metrics") or "metrics" in a.expects:
        return False
    return not a.signal("vague_metric") or a.prompt.question_type not in FRAMED


def no_metric(a: Analysis) -> bool:
    return not a.present("metrics")


def several_metrics(a: Analysis) -> bool:
    return metric_count(a) >= 2


def guardrail_with_metrics(a: Analysis) -> bool:
    """A guardrail counts beside a success metric, not as the only measure."""
    return bool(a.signal("guardrail")) and several_metrics(a)


def numeric_target(a: Analysis) -> bool:
    cover = a.coverage["metrics"]
    return any(_DIGIT.search(span.text) for span in cover.evidence) or bool(
        a.signal("metric_numbers")
    )


def metrics_before_tech(a: Analysis) -> bool:
    """Metrics come before any talk of models: the order interviewers look for."""
    tech_at = a.first("tech")
    first_metric = a.first("metrics")
    return tech_at is None or (first_metric if first_metric is not None else 0) < tech_at


# --- AI evaluation ----------------------------------------------------------------------------
def criteria_count(a: Analysis) -> int:
    return len(a.coverage["eval_criteria"].evidence)


def criteria_named(a: Analysis) -> bool:
    return a.present("eval_criteria")


def several_criteria(a: Analysis) -> bool:
    return criteria_count(a) >= 2


def extra_criteria_points(a: Analysis) -> int:
    return min(20, 10 * (criteria_count(a) - 1))


def no_ai_output_to_judge(a: Analysis) -> bool:
    expected = "eval_criteria" in a.expects or (a.is_ai and a.prompt.question_type in FRAMED)
    return not expected and not a.present("eval_criteria")


def failure_plan(a: Analysis) -> bool:
    return bool(a.signal("failure_plan"))


def ai_on_the_table(a: Analysis) -> bool:
    return a.is_ai


# --- solution ---------------------------------------------------------------------------------
def solution_proposed(a: Analysis) -> bool:
    return a.present("solution")


def proposal_missing(a: Analysis) -> bool:
    """A product question that asks for a user, answered without proposing anything."""
    proposing = a.prompt.question_type in PROPOSING and "who" in a.expects
    return not a.present("solution") and proposing and a.words > 0


def no_proposal(a: Analysis) -> bool:
    return not a.present("solution")


def no_ai_to_justify(a: Analysis) -> bool:
    return not a.present("tech")


def why_ai_given(a: Analysis) -> bool:
    return bool(a.signal("why_ai"))


def tradeoffs_weighed(a: Analysis) -> bool:
    return a.present("tradeoffs")


def risks_named(a: Analysis) -> bool:
    return a.present("risks")


# --- communication ----------------------------------------------------------------------------
def too_short(a: Analysis) -> bool:
    return a.credited_words() < MIN_WORDS.get(a.level, 60)


def short_answer_points(a: Analysis) -> int:
    """A short answer keeps up to 70 points, in proportion to the words the level expects."""
    return int(70 * a.credited_words() / MIN_WORDS.get(a.level, 60)) - 100


def many_fillers(a: Analysis) -> bool:
    return filler_rate(a) > FILLER_ALLOWANCE


def filler_points(a: Analysis) -> int:
    return -min(25, int(filler_rate(a) * 300))


def asks_interviewer_to_decide(a: Analysis) -> bool:
    return finds(SEEKS_VALIDATION, a)


def runs_too_long(a: Analysis) -> bool:
    return finds(RAMBLING, a)


def jargon_heavy(a: Analysis) -> bool:
    return finds(JARGON_HEAVY, a)


def recites_a_framework(a: Analysis) -> bool:
    return finds(FRAMEWORK_NARRATION, a)


def long_without_summary(a: Analysis) -> bool:
    return finds(NO_SUMMARY, a)
