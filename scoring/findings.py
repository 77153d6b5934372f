"""What a rule finds in an analysis, and how sure the finding is.

Flags (scoring/engine.py) and scores (scoring/scores.py) both read a rule's finding from here,
so a score that depends on a rule's evidence runs the rule's own check, never a copy of it, and
a finding the engine is unsure of ("worth checking") costs no points in either place.
"""

from __future__ import annotations

from scoring import calibration as cal
from scoring.analysis import Analysis
from scoring.order import ORDER_RULES
from scoring.report import Severity, Span
from scoring.rules.base import Rule


def occurrences(rule: Rule, analysis: Analysis) -> list[Span]:
    """The evidence of each occurrence the rule finds (none when it does not apply here)."""
    if not rule.applies(analysis.prompt.question_type):
        return []
    found = rule.check(analysis)
    if found is None:
        return []
    return [found] if isinstance(found, Span) else list(found)


def basis(rule_id: str, analysis: Analysis) -> str:
    """The kind of evidence behind a finding, the key its calibrated confidence is read by."""
    kind = cal.group(analysis.prompt.question_type)
    if rule_id in ORDER_RULES:
        _, framing = ORDER_RULES[rule_id]
        missing = any(not analysis.present(element) for element in framing)
        return f"{kind}:{'absent' if missing else 'late'}"
    if rule_id.startswith("missing-"):
        return cal.absence_key(analysis.prompt.question_type, analysis.words, analysis.language)
    return cal.ALL


def is_tentative(severity: Severity, confidence: float) -> bool:
    """A low-confidence error is only "worth checking": shown, but it costs nothing."""
    return severity is Severity.ERROR and confidence < cal.TENTATIVE_BELOW


def finds(rule: Rule, analysis: Analysis) -> bool:
    """Whether the rule finds something it is sure enough of to cost points."""
    if not occurrences(rule, analysis):
        return False
    return not is_tentative(rule.severity, confidence(rule, analysis))


def unsure(rule: Rule, analysis: Analysis) -> bool:
    """Whether the rule finds something here, but only as "worth checking"."""
    if not occurrences(rule, analysis):
        return False
    return is_tentative(rule.severity, confidence(rule, analysis))


def confidence(rule: Rule, analysis: Analysis) -> float:
    """How often a finding of this rule on this kind of evidence was right (calibrated)."""
    return cal.confidence(rule.id, basis(rule.id, analysis))
