"""Render an answer as HTML with each flag's evidence marked in place.

Every piece of the learner's text goes through :func:`html.escape`; the only tags in the output
are the ones built here (``div``, ``mark``, ``sup``). That is what lets ``st.html`` show an answer
containing ``<script>`` or markdown as plain text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from coach.ui.labels import SEVERITY_MARK, SEVERITY_RANK, flag_title
from scoring.report import Flag, Severity

_BOX_STYLE = (
    "white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.75;font-size:1rem;"
    "padding:0.75rem 1rem;border:1px solid rgba(128,128,128,0.35);border-radius:0.5rem;"
    "max-height:32rem;overflow-y:auto;"
)
_BADGE_STYLE = (
    "font-size:0.7em;font-weight:700;margin-left:0.1em;padding:0 0.3em;border-radius:0.6em;"
    "color:#fff;background:{colour};"
)


@dataclass(frozen=True, slots=True)
class Mark:
    """A span to highlight: number (as in the flag list), id, severity and tooltip text."""

    number: int
    flag_id: str
    severity: str
    start: int
    end: int
    title: str


def escape(text: str) -> str:
    """Escape user text for HTML (quotes too, so it is safe inside attributes)."""
    return html.escape(text, quote=True)


def marks_from_flags(flags: Sequence[Flag], length: int) -> list[Mark]:
    """Turn flags into marks, numbered in list order, clamped to the answer, empty ones dropped."""
    marks: list[Mark] = []
    for number, flag in enumerate(flags, start=1):
        start = max(0, min(flag.start, length))
        end = max(0, min(flag.end, length))
        if end > start:
            marks.append(
                Mark(
                    number=number,
                    flag_id=flag.id,
                    severity=Severity(flag.severity).value,
                    start=start,
                    end=end,
                    title=f"{number}. {flag_title(flag.id)}: {flag.message}",
                )
            )
    return marks


def marks_from_comments(spans: Sequence[tuple[int, int, str]], length: int) -> list[Mark]:
    """Turn a reviewer's span comments, (start, end, body), into marks numbered in list order
    (so badges match the comment list); spans outside the answer are dropped."""
    return [
        Mark(
            number=number,
            flag_id="comment",
            severity="comment",
            start=s,
            end=e,
            title=f"{number}. {body}",
        )
        for number, (s, e, body) in enumerate(spans, start=1)
        if 0 <= s < e <= length
    ]


def _mark_open(covering: list[Mark]) -> str:
    worst = min(covering, key=lambda mark: (SEVERITY_RANK.get(mark.severity, 9), mark.number))
    background, underline = SEVERITY_MARK.get(worst.severity, SEVERITY_MARK["info"])
    ids = " ".join(sorted({mark.flag_id for mark in covering}))
    title = "\n".join(mark.title for mark in sorted(covering, key=lambda mark: mark.number))
    style = (
        f"background:{background};color:#111827;border-bottom:2px solid {underline};"
        "padding:0.1em 0;border-radius:0;"
    )
    return (
        f'<mark class="flag flag-{escape(worst.severity)}" data-flags="{escape(ids)}" '
        f'title="{escape(title)}" style="{style}">'
    )


def _badge(numbers: Sequence[int], covering: Sequence[Mark]) -> str:
    worst = min(covering, key=lambda mark: (SEVERITY_RANK.get(mark.severity, 9), mark.number))
    _, colour = SEVERITY_MARK.get(worst.severity, SEVERITY_MARK["info"])
    ids = " ".join(dict.fromkeys(mark.flag_id for mark in covering))
    label = ",".join(str(number) for number in numbers)
    return (
        f'<sup class="flag-badge" data-flags="{escape(ids)}" '
        f'style="{_BADGE_STYLE.format(colour=colour)}">{label}</sup>'
    )


def _badge_ends(
    marks: Sequence[Mark], sentences: Sequence[tuple[int, int]]
) -> dict[int, list[Mark]]:
    """Place one badge per sentence, after the last flagged words in it (a mark outside every
    sentence gets its own badge)."""
    by_home: dict[tuple[int, int], list[Mark]] = {}
    for mark in marks:
        home = next(
            ((start, end) for start, end in sentences if start <= mark.start < end),
            (mark.start, mark.end),
        )
        by_home.setdefault(home, []).append(mark)
    ends: dict[int, list[Mark]] = {}
    for members in by_home.values():
        ends.setdefault(max(mark.end for mark in members), []).extend(members)
    return ends


def highlight_html(
    answer: str, marks: Sequence[Mark], sentences: Sequence[tuple[int, int]] = ()
) -> str:
    """Build the answer's HTML with every mark's span wrapped in ``<mark>`` (overlaps merged)
    and one numbered badge per sentence listing the flags found in it."""
    bounds = sorted({0, len(answer), *(m.start for m in marks), *(m.end for m in marks)})
    badges = _badge_ends(marks, sentences)
    parts: list[str] = [f'<div class="coach-answer" style="{_BOX_STYLE}">']
    for left, right in pairwise(bounds):
        piece = escape(answer[left:right])
        covering = [mark for mark in marks if mark.start <= left and right <= mark.end]
        if covering:
            parts.append(f"{_mark_open(covering)}{piece}</mark>")
        else:
            parts.append(piece)
        if right in badges:
            members = sorted(badges[right], key=lambda mark: mark.number)
            parts.append(_badge(sorted({mark.number for mark in members}), members))
    if not answer:
        parts.append("<em>(empty answer)</em>")
    parts.append("</div>")
    return "".join(parts)


def answer_html(
    answer: str, flags: Sequence[Flag] = (), sentences: Sequence[tuple[int, int]] = ()
) -> str:
    """Escape the answer and highlight the evidence of each flag (numbered as listed), with one
    marker per sentence of ``sentences`` listing its flags."""
    return highlight_html(answer, marks_from_flags(flags, len(answer)), sentences)
