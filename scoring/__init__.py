"""Pure-Python analysis of AI-PM interview answers (no Streamlit, database or app imports)."""

from scoring.analysis import warm_up
from scoring.engine import MAX_WORDS, SCORER_NAME, SCORER_VERSION, analyze, explain
from scoring.errors import AnswerTooLongError, ScoringError, UnknownLevelError
from scoring.prompt_spec import PromptSpec
from scoring.report import (
    DIMENSIONS,
    ELEMENTS,
    LEVELS,
    Coverage,
    Dimension,
    Flag,
    Report,
    Segment,
    Severity,
    Span,
)
from scoring.rules import RULES, Rule, rule_by_id
from scoring.scores import explain_score

__all__ = [
    "DIMENSIONS",
    "ELEMENTS",
    "LEVELS",
    "MAX_WORDS",
    "RULES",
    "SCORER_NAME",
    "SCORER_VERSION",
    "AnswerTooLongError",
    "Coverage",
    "Dimension",
    "Flag",
    "PromptSpec",
    "Report",
    "Rule",
    "ScoringError",
    "Segment",
    "Severity",
    "Span",
    "UnknownLevelError",
    "analyze",
    "explain",
    "explain_score",
    "rule_by_id",
    "warm_up",
]
