"""Human labels and colours for the engine's ids (elements, dimensions, levels, severities)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from coach.services.explain import ELEMENT_TITLES
from coach.services.progress import LEVEL_TITLES
from scoring import rule_by_id
from scoring.report import LEVELS as ENGINE_LEVELS

ELEMENT_LABELS: dict[str, str] = ELEMENT_TITLES
# The order a strong answer usually takes; the timeline reads top to bottom in this order.
TIMELINE_ORDER: tuple[str, ...] = (
    "who",
    "why",
    "metrics",
    "eval_criteria",
    "solution",
    "tech",
    "tradeoffs",
    "risks",
)
ELEMENT_COLOURS: dict[str, str] = {
    "who": "#2563eb",
    "why": "#7c3aed",
    "metrics": "#059669",
    "eval_criteria": "#0d9488",
    "solution": "#d97706",
    "tech": "#dc2626",
    "tradeoffs": "#64748b",
    "risks": "#be185d",
}
DIMENSION_LABELS: dict[str, str] = {
    "framing": "Framing",
    "metrics": "Metrics",
    "ai_evaluation": "AI evaluation",
    "solution": "Solution",
    "communication": "Communication",
}
LEVEL_LABELS: dict[str, str] = LEVEL_TITLES  # one declaration, shared with the services
LEVELS: tuple[str, ...] = ENGINE_LEVELS
DIFFICULTY_LABELS: dict[int, str] = {1: "1 · warm-up", 2: "2 · PM", 3: "3 · senior"}
# Highlight colours chosen for contrast with dark text on both light and dark themes.
SEVERITY_MARK: dict[str, tuple[str, str]] = {
    "error": ("#fecaca", "#b91c1c"),  # background, underline
    "warning": ("#fde68a", "#b45309"),
    "info": ("#bfdbfe", "#1d4ed8"),
    "comment": ("#bbf7d0", "#15803d"),  # a reviewer's comment on a span, not a flag
}
SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2, "comment": 3}
STATUS_LABELS: dict[str, str] = {
    "scored": "scored",
    "pending": "pending",
    "not_scored": "not scored",
}


def element_label(element: str) -> str:
    """Label an element id, falling back to the id itself for new elements."""
    return ELEMENT_LABELS.get(element, element.replace("_", " ").capitalize())


def flag_title(flag_id: str) -> str:
    """Label a flag by its rule's title, falling back to the id for a rule retired since."""
    try:
        return rule_by_id(flag_id).title
    except (KeyError, LookupError, ValueError):
        return flag_id


def dimension_label(dimension: str) -> str:
    """Label a dimension id, falling back to the id itself."""
    return DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize())


def level_label(level: str) -> str:
    """Label a level id (apm, pm, senior)."""
    return LEVEL_LABELS.get(level, level)


def format_duration(seconds: int) -> str:
    """Format seconds as m:ss (with a minus sign in overtime)."""
    sign = "-" if seconds < 0 else ""
    minutes, secs = divmod(abs(int(seconds)), 60)
    return f"{sign}{minutes}:{secs:02d}"


NO_VALUE = "—"


def cell_text(value: Any, template: str = "{}") -> str:
    """Format a table cell as text, or ``NO_VALUE`` when it is missing.

    A data grid draws a missing number or date as the word "None": a text cell lets the
    blank state read as one.
    """
    return NO_VALUE if value is None or pd.isna(value) else template.format(value)
