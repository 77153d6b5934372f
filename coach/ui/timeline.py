"""The answer timeline as plain HTML: where each part of the answer appears, on a 0-100% strip.

The Feedback page shows it on every submit, so it is drawn with a few positioned ``span``
elements instead of a plotly chart (whose drawing in the browser held the feedback back by
a tenth of a second or more). The learner's words appear only in ``title`` tooltips, escaped.
"""

from __future__ import annotations

from coach.ui.charts import Spans, timeline_rows, timeline_spans
from coach.ui.highlight import escape
from coach.ui.labels import ELEMENT_COLOURS, element_label
from scoring.report import Report

TITLE = "Answer timeline: where each part appears"
_SNIPPET = 90  # characters of the learner's words in a bar's tooltip
_ROW = "display:flex;align-items:center;gap:0.6rem;margin:0.2rem 0;font-size:0.85rem;"
_LABEL = "flex:0 0 8.5rem;text-align:right;"
_TRACK = (
    "position:relative;flex:1 1 auto;height:1.15rem;border-radius:0.2rem;"
    "background:rgba(128,128,128,0.10);"
)
_NOTE = "flex:0 0 6.5rem;font-size:0.8rem;"
_BAR = "position:absolute;top:{top};height:{height};left:{left:.1f}%;width:{width:.1f}%;"


def timeline_html(
    report: Report, answer_length: int, *, expects: frozenset[str] | set[str] = frozenset()
) -> str:
    """Return the timeline of ``report`` as HTML: per element a strip with faint bars for the
    sentences that discuss it and solid bars for its exact words, then where it first
    appears (or "missing" when the prompt expects it)."""
    segments, evidence = timeline_spans(report, answer_length)
    rows = []
    for name in timeline_rows(segments, evidence, expects):
        colour = ELEMENT_COLOURS.get(name, "#64748b")
        exact = evidence[name] or segments[name]
        bars = _bars(segments[name], colour, solid=False) + _bars(exact, colour, solid=True)
        if exact:
            note = f"first at {min(start for start, _, _ in exact):.0f}%"
            tone = "color:inherit;"
        elif name in expects:
            note, tone = "missing", "color:#b91c1c;font-weight:600;"
        else:
            note, tone = "not in answer", "color:#64748b;"
        rows.append(
            f'<div class="timeline-row" data-element="{escape(name)}" style="{_ROW}">'
            f'<span style="{_LABEL}">{escape(element_label(name))}</span>'
            f'<span class="timeline-track" style="{_TRACK}">{bars}</span>'
            f'<span class="timeline-note" style="{_NOTE}{tone}">{note}</span></div>'
        )
    scale = (
        f'<div style="{_ROW}color:#64748b;font-size:0.75rem;"><span style="{_LABEL}"></span>'
        '<span style="flex:1 1 auto;min-width:0;display:flex;justify-content:space-between;">'
        '<span>0%</span><span style="min-width:0;padding:0 0.3rem;overflow:hidden;'
        'white-space:nowrap;text-overflow:ellipsis;">position in your answer</span>'
        "<span>100%</span></span>"
        f'<span style="{_NOTE}"></span></div>'
    )
    return (
        f'<div class="coach-timeline"><div style="font-weight:600;margin-bottom:0.3rem;">'
        f"{TITLE}</div>{''.join(rows)}{scale}</div>"
    )


def _bars(spans: Spans, colour: str, *, solid: bool) -> str:
    kind = "evidence" if solid else "sentence"
    top, height = ("27%", "46%") if solid else ("0", "100%")
    opacity = 1.0 if solid else 0.22
    return "".join(
        f'<span class="timeline-{kind}" data-start="{start:.1f}" title="{_tooltip(start, text)}" '
        f'style="{_BAR.format(top=top, height=height, left=start, width=max(end - start, 0.8))}'
        f'background:{colour};opacity:{opacity};border-radius:0.15rem;"></span>'
        for start, end, text in spans
    )


def _tooltip(start: float, text: str) -> str:
    snippet = " ".join(text.split())
    if len(snippet) > _SNIPPET:
        snippet = snippet[: _SNIPPET - 1] + "…"
    return escape(f"{start:.0f}%: {snippet}")
