"""Asking instead of asserting: where the engine is unsure of who, why or metrics, it names
what it read and asks the learner; the learner's answer then decides the verdict."""

from __future__ import annotations

from collections.abc import Mapping

from scoring.analysis import Analysis
from scoring.calibration import ASK_BELOW
from scoring.report import Coverage, Question, Span

ASKED_ELEMENTS: dict[str, str] = {
    "who": "Is \u201c{quote}\u201d who this is for?",
    "why": "Is \u201c{quote}\u201d a problem your user has?",
    "metrics": "Is \u201c{quote}\u201d how you would measure success?",
}
CONFIRMED = "confirmed by you"
# Rejections a reader could reasonably overturn; the rest (the model's own failure, quoted
# words, the speaker's team) are not worth a question.
ASKABLE_REJECTIONS = (
    "modifies the noun",
    "a bare role",
    "a person in a non-product answer",
    "a team or process role",
    "in a list of stakeholders",
    "no one named suffering it",
    "one word with no one named suffering it",
)


def questions(analysis: Analysis, coverage: Mapping[str, Coverage]) -> tuple[Question, ...]:
    """A question per framing element whose verdict is below the asking confidence."""
    unsure = [e for e in ASKED_ELEMENTS if coverage[e].confidence < ASK_BELOW]
    if not unsure or not analysis.words:
        return ()  # the common case: no decision spans need building
    rejected: dict[str, Span] = {}
    for decision in analysis.decisions():
        askable = decision.reason.startswith(ASKABLE_REJECTIONS)
        if not decision.accepted and askable and decision.span.text.strip():
            rejected.setdefault(decision.element, decision.span)
    found = []
    for element in unsure:
        template = ASKED_ELEMENTS[element]
        cover = coverage[element]
        span = cover.evidence[0] if cover.present else rejected.get(element)
        if span is None:
            continue
        text = template.format(quote=span.text)
        found.append(Question(element, text, span.start, span.end, span.text))
    return tuple(found)


def apply_confirmations(analysis: Analysis, confirmations: Mapping[str, object]) -> set[str]:
    """Let the learner's yes / no decide an element (the span asked about becomes evidence).

    ``confirmations`` maps an element to ``{"answer": bool, "start": int, "end": int}``.
    Returns the elements the learner settled (malformed entries are ignored).
    """
    settled = set()
    for element, given in confirmations.items():
        if element not in ASKED_ELEMENTS or not isinstance(given, Mapping):
            continue
        if given.get("answer") is True:
            start, end = int(given.get("start", 0)), int(given.get("end", 0))
            if not 0 <= start < end <= len(analysis.answer):
                continue
            span = Span(start, end, analysis.answer[start:end], CONFIRMED)
            kept = tuple(s for s in analysis.coverage[element].evidence if s.start != start)
            evidence = tuple(sorted((span, *kept), key=lambda s: s.start))
            analysis.coverage[element] = Coverage(True, evidence, evidence[0].start)
            settled.add(element)
        elif given.get("answer") is False:
            analysis.coverage[element] = Coverage(False)
            settled.add(element)
    return settled
