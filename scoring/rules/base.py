"""What a rule is: one small declared unit with its id, texts, check and examples."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from scoring.analysis import Analysis
from scoring.report import Severity, Span

# A check returns the evidence of one occurrence, of each occurrence, or None.
Check = Callable[[Analysis], "Span | list[Span] | None"]


@dataclass(frozen=True, slots=True)
class Example:
    """An answer a rule must fire on (or must not), with the prompt context it assumes."""

    answer: str
    expects: frozenset[str] | None = None  # None: the default who/why/metrics
    prompt: str = ""
    level: str = "pm"


@dataclass(frozen=True, slots=True)
class Rule:
    """One red flag the coach teaches.

    ``message`` may quote the evidence with ``{quote}``. ``why`` says why it matters in an
    AI-PM interview; ``fix`` what to do instead. ``must_flag`` / ``must_pass`` examples are
    run as tests and printed in docs/rules.md.
    """

    id: str
    title: str
    severity: Severity
    message: str
    why: str
    fix: str
    check: Check
    must_flag: Sequence[Example] = field(default_factory=tuple)
    must_pass: Sequence[Example] = field(default_factory=tuple)
    # The kinds of question the rule judges (scoring.question_type); None: every kind.
    applies_to: frozenset[str] | None = None
    # "answer": the rule is about something absent, so it points at no sentence.
    scope: str = "span"

    def applies(self, question_type: str) -> bool:
        return self.applies_to is None or question_type in self.applies_to

    def render_message(self, evidence: Span) -> str:
        quote = evidence.text if len(evidence.text) <= 80 else evidence.text[:77].rstrip() + "..."
        return self.message.format(quote=quote)


def ex(
    answer: str, *, expects: Sequence[str] | None = None, prompt: str = "", level: str = "pm"
) -> Example:
    """Shorthand for declaring examples."""
    return Example(answer, frozenset(expects) if expects is not None else None, prompt, level)


def whole_answer(analysis: Analysis) -> Span:
    """Point at the opening sentence when a flag is about something absent."""
    if not analysis.segments:
        return Span(0, 0, "")
    first = analysis.segments[0]
    return Span(first.start, first.end, analysis.answer[first.start : first.end])
