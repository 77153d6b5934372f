"""Plotly figures: the answer timeline and the progress charts (pure: data in, figure out).

Figures are built as plain specs and wrapped without plotly's per-property validation: with
5,000 attempts, validating the traces costs more than the rest of the Progress page. The specs
are validated in the tests instead (``validated(figure)``).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from coach.ui.labels import (
    DIMENSION_LABELS,
    ELEMENT_COLOURS,
    TIMELINE_ORDER,
    dimension_label,
    element_label,
)
from scoring.report import Report

SOLUTION_FIRST = "solution-first"
READY_AT = 70  # the readiness bar: the score the readiness verdicts ask for
Spans = list[tuple[float, float, str]]
_FONT = {"size": 13}
_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
_LEGEND_TOP = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"}
# An explicit scale: named scales are resolved by plotly's validation, which is skipped here.
_RED_AMBER_GREEN = [[0.0, "#b91c1c"], [0.5, "#fcd34d"], [1.0, "#15803d"]]
_WEEK_MS = 7 * 24 * 3600 * 1000
# One tick per week, on Mondays (the weeks' first day), so a short history has no repeated dates.
_WEEKLY_AXIS = {"tickformat": "%d %b", "dtick": _WEEK_MS, "tick0": "2024-01-01"}
_LEGEND_BELOW = {"orientation": "h", "y": -0.12, "yanchor": "top"}


def _title(text: str) -> dict[str, Any]:
    return {"text": text, "font": {"size": 15}}


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """Wrap a spec in a Figure without re-validating every property (see the module doc)."""
    return go.Figure(
        {"data": data, "layout": {"font": _FONT, "margin": _MARGIN, **layout}}, _validate=False
    )


def validated(figure: go.Figure) -> go.Figure:
    """Rebuild a figure with full validation (tests use this to catch spec mistakes)."""
    return go.Figure(figure.to_dict())


def _hover(text: str, limit: int = 90) -> str:
    """Escape a snippet of user text for a plotly hover label (plotly renders a few tags)."""
    snippet = " ".join(text.split())
    if len(snippet) > limit:
        snippet = snippet[: limit - 1] + "…"
    return html.escape(snippet)


# --- the answer timeline ---------------------------------------------------------------------


def timeline_spans(report: Report, answer_length: int) -> tuple[dict[str, Spans], dict[str, Spans]]:
    """Map each element to where the answer covers it, as (start %, end %, text) spans.

    Returns two maps: the sentence-sized segments of ``report.structure`` that discuss the
    element, and the exact evidence spans of ``report.coverage``.
    """
    length = max(answer_length, 1)

    def pct(start: int, end: int) -> tuple[float, float]:
        return 100 * start / length, 100 * end / length

    segments: dict[str, Spans] = {name: [] for name in TIMELINE_ORDER}
    evidence: dict[str, Spans] = {name: [] for name in TIMELINE_ORDER}
    for segment in report.structure:
        for move in segment.moves:
            if move in segments:
                segments[move].append((*pct(segment.start, segment.end), segment.text))
    for name, coverage in report.coverage.items():
        if name in evidence and coverage.present:
            for span in coverage.evidence:
                evidence[name].append((*pct(span.start, span.end), span.text))
    return segments, evidence


_ALWAYS_SHOWN = ("who", "why", "metrics", "solution", "tech")


def timeline_rows(
    segments: dict[str, Spans], evidence: dict[str, Spans], expects: frozenset[str] | set[str]
) -> list[str]:
    """The timeline's rows, in order: elements found, expected, or always worth a row."""
    return [
        name
        for name in TIMELINE_ORDER
        if segments[name] or evidence[name] or name in expects or name in _ALWAYS_SHOWN
    ]


def _bars(name: str, label: str, items: Spans, *, solid: bool) -> dict[str, Any]:
    return {
        "type": "bar",
        "name": label if solid else f"{label} (sentence)",
        "orientation": "h",
        "y": [label] * len(items),
        "base": [round(start, 1) for start, _, _ in items],
        "x": [max(round(end - start, 1), 0.8) for start, end, _ in items],
        "width": 0.45 if solid else 0.8,
        "marker": {
            "color": ELEMENT_COLOURS.get(name, "#64748b"),
            "opacity": 1.0 if solid else 0.22,
        },
        "customdata": [[round(start), _hover(text)] for start, _, text in items],
        "hovertemplate": "%{customdata[0]}%: %{customdata[1]}<extra>%{y}</extra>",
        "meta": name if solid else f"{name}:sentence",
        "showlegend": False,
    }


def timeline_figure(
    report: Report, answer_length: int, *, expects: frozenset[str] | set[str] = frozenset()
) -> go.Figure:
    """Draw where each element appears in the answer, in order, on a 0-100% strip.

    Solid bars are the exact words (coverage evidence), faint bars the sentences around them;
    the label left of a row is where the element first appears.
    """
    segments, evidence = timeline_spans(report, answer_length)
    rows = timeline_rows(segments, evidence, expects)
    labels = {name: element_label(name) for name in rows}
    data: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for name in rows:
        if segments[name]:
            data.append(_bars(name, labels[name], segments[name], solid=False))
        exact = evidence[name] or segments[name]
        if exact:
            data.append(_bars(name, labels[name], exact, solid=True))
            first = min(start for start, _, _ in exact)
            notes.append(
                {
                    "x": first,
                    "y": labels[name],
                    "text": f"{first:.0f}%",
                    "showarrow": False,
                    "xanchor": "right",
                    "xshift": -4,
                    "font": {"size": 11},
                }
            )
        else:
            missing = name in expects
            notes.append(
                {
                    "x": 1,
                    "y": labels[name],
                    "text": "missing" if missing else "not in answer",
                    "showarrow": False,
                    "xanchor": "left",
                    "font": {"size": 11, "color": "#b91c1c" if missing else "#64748b"},
                }
            )
    ticks = [0, 20, 40, 60, 80, 100]
    return _figure(
        data,
        {
            "title": _title("Answer timeline: where each part appears"),
            "barmode": "overlay",
            "height": 90 + 34 * len(rows),
            "annotations": notes,
            "xaxis": {
                "range": [-7, 101],
                "tickvals": ticks,
                "ticktext": [f"{t}%" for t in ticks],
                "title": {"text": "position in your answer", "font": {"size": 12}},
                "zeroline": False,
            },
            "yaxis": {
                "type": "category",
                "categoryorder": "array",
                "categoryarray": [labels[name] for name in reversed(rows)],
            },
        },
    )


# --- progress ----------------------------------------------------------------------------------


def _naive_utc(when: pd.Series) -> Any:
    """Return UTC datetimes as a plain datetime64 array (tz-aware ones serialise slowly)."""
    return when.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()


def _scored(attempts: pd.DataFrame) -> pd.DataFrame:
    frame = attempts[attempts["status"] == "scored"]
    return frame.sort_values("submitted_at")


def score_over_time(rolling: pd.DataFrame, *, window: int = 5) -> go.Figure:
    """Plot each scored attempt's overall score and its rolling average.

    ``rolling`` is :func:`coach.services.progress.rolling_average`'s frame (id, submitted_at,
    category, overall, rolling).
    """
    frame = rolling.sort_values("submitted_at")
    when = _naive_utc(frame["submitted_at"])
    return _figure(
        [
            {
                "type": "scatter",
                "name": "Attempt",
                "mode": "markers",
                "x": when,
                "y": frame["overall"].to_numpy(),
                "marker": {"size": 9, "color": "#2563eb", "opacity": 0.75},
                "customdata": frame["id"].to_numpy(),
                "text": frame["category"].fillna("").to_numpy(dtype=str),
                "hovertemplate": "#%{customdata} %{text}<br>%{y}<extra></extra>",
            },
            {
                "type": "scatter",
                "name": f"Rolling average ({window})",
                "mode": "lines",
                "x": when,
                "y": frame["rolling"].round(1).to_numpy(),
                "line": {"width": 3, "color": "#f97316"},
            },
        ],
        {
            "title": _title("Overall score over time"),
            "height": 340,
            "legend": _LEGEND_TOP,
            "yaxis": {"range": [0, 105]},
            "shapes": [
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": READY_AT,
                    "y1": READY_AT,
                    "line": {"color": "#15803d", "width": 2, "dash": "dash"},
                }
            ],
            "annotations": [
                {
                    "xref": "paper",
                    "x": 0,
                    "y": READY_AT,
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "text": f"interview-ready ({READY_AT})",
                    "showarrow": False,
                    "font": {"size": 11, "color": "#15803d"},
                }
            ],
        },
    )


def dimension_trends(attempts: pd.DataFrame) -> go.Figure:
    """Plot each dimension's weekly average (attempts where it was not assessed are skipped)."""
    frame = _scored(attempts)
    data: list[dict[str, Any]] = []
    if not frame.empty:
        weeks = frame["submitted_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("W")
        for dimension in DIMENSION_LABELS:
            if dimension not in frame:
                continue
            weekly = frame[dimension].groupby(weeks.dt.start_time).mean().dropna().round(1)
            if not weekly.empty:
                data.append(
                    {
                        "type": "scatter",
                        "name": dimension_label(dimension),
                        "mode": "lines+markers",
                        "line": {"width": 2},
                        "marker": {"size": 7},
                        "x": weekly.index.to_numpy(),
                        "y": weekly.to_numpy(),
                    }
                )
    return _figure(
        data,
        {
            "title": _title("Dimension trends (weekly average)"),
            "height": 340,
            "legend": _LEGEND_BELOW,
            "xaxis": _WEEKLY_AXIS,
            "yaxis": {"range": [0, 105]},
        },
    )


def flag_rate_chart(rates: pd.DataFrame, flag_id: str, title: str) -> go.Figure:
    """Plot one flag's weekly rate: the share of that week's answers where it fired."""
    frame = rates[rates["flag_id"] == flag_id].sort_values("week")
    return _figure(
        [
            {
                "type": "scatter",
                "name": title,
                "mode": "lines+markers",
                "x": _naive_utc(frame["week"]) if not frame.empty else [],
                "y": (frame["rate"] * 100).round(0).to_numpy() if not frame.empty else [],
                "line": {"width": 3, "color": "#b91c1c"},
                "marker": {"size": 8},
                "hovertemplate": "week of %{x|%d %b}: %{y}% of answers<extra></extra>",
            }
        ],
        {
            "title": _title(f"“{title}”: share of answers per week"),
            "height": 340,
            "xaxis": _WEEKLY_AXIS,
            "yaxis": {"range": [0, 105], "ticksuffix": "%"},
        },
    )


def calibration_chart(gap: pd.DataFrame) -> go.Figure:
    """Plot the weekly gap between the learner's self-rating and the coach (0 = calibrated)."""
    return _figure(
        [
            {
                "type": "bar",
                "name": "Your rating - coach",
                "x": _naive_utc(gap["week"].dt.tz_localize("UTC")) if not gap.empty else [],
                "y": gap["gap"].to_numpy() if not gap.empty else [],
                "marker": {"color": "#7c3aed"},
                "hovertemplate": "week of %{x|%d %b}: %{y:+.0f} points<extra></extra>",
            }
        ],
        {
            "title": _title("Self-rating minus the coach's score (0 = calibrated)"),
            "height": 300,
            "xaxis": _WEEKLY_AXIS,
            "yaxis": {"zeroline": True, "zerolinewidth": 2},
        },
    )


def _cell_text(value: float, empty_row: bool) -> str:
    if not pd.isna(value):
        return f"{value:.0f}"
    return "no attempts" if empty_row else "not assessed"


def category_heatmap(table: pd.DataFrame, titles: dict[str, str] | None = None) -> go.Figure:
    """Plot the average score per category and dimension (blank where never assessed).

    ``table`` is :func:`coach.services.progress.category_heatmap`'s frame (one row per category,
    one column per dimension).
    """
    dimensions = [name for name in DIMENSION_LABELS if name in table.columns]
    data: list[dict[str, Any]] = []
    if not table.empty and dimensions:
        values = table[dimensions].to_numpy(dtype=float)
        data.append(
            {
                "type": "heatmap",
                "z": values,
                "x": [dimension_label(name) for name in dimensions],
                "y": [(titles or {}).get(str(name), str(name)) for name in table.index],
                "zmin": 0,
                "zmax": 100,
                "colorscale": _RED_AMBER_GREEN,
                # A blank cell says why: that dimension was never assessed in that category.
                "text": [
                    [_cell_text(v, all(pd.isna(x) for x in row)) for v in row] for row in values
                ],
                "texttemplate": "%{text}",
                "hovertemplate": "%{y} · %{x}: %{text}<extra></extra>",
                "colorbar": {"thickness": 12},
            }
        )
    return _figure(
        data,
        {
            "title": _title("Average score by category and dimension"),
            "height": max(300, 140 + 40 * len(table.index)),
            "margin": {**_MARGIN, "b": 70},
            "xaxis": {"tickangle": -25},
            "yaxis": {"autorange": "reversed"},
        },
    )


# --- the cohort dashboard --------------------------------------------------------------------

_WHITE_RED = [[0.0, "#ffffff"], [1.0, "#b91c1c"]]


def flag_rate_heatmap(rates: pd.DataFrame, titles: dict[str, str] | None = None) -> go.Figure:
    """Plot learners x flags: the share of each learner's scored answers that raised the flag.

    ``rates`` is the dashboard's ``flag_rates`` frame (learners as index, flag ids as
    columns, 0..1). Names are the learners' own text: escaped, since plotly renders a few tags.
    """
    data: list[dict[str, Any]] = []
    if not rates.empty and len(rates.columns):
        data.append(
            {
                "type": "heatmap",
                "z": (rates.to_numpy(dtype=float) * 100).round(0).tolist(),
                "x": [html.escape((titles or {}).get(str(f), str(f))) for f in rates.columns],
                "y": [html.escape(str(name)) for name in rates.index],
                "zmin": 0,
                "zmax": 100,
                "colorscale": _WHITE_RED,
                "hovertemplate": "%{y} · %{x}: %{z:.0f}% of answers<extra></extra>",
                "colorbar": {"thickness": 12, "ticksuffix": "%"},
                "xgap": 1,
                "ygap": 1,
            }
        )
    # The flag names go on top: with a few hundred learners the bottom is far below the fold.
    return _figure(
        data,
        {
            "height": max(320, 190 + 22 * len(rates.index)),
            "margin": {**_MARGIN, "t": 180},
            "xaxis": {"tickangle": -35, "side": "top"},
            "yaxis": {"autorange": "reversed", "automargin": True},
        },
    )


def dimension_boxes(dimensions: pd.DataFrame) -> go.Figure:
    """Plot the spread of the learners' mean score per dimension (one box per dimension).

    ``dimensions`` is the dashboard's long frame (``learner``, ``dimension``, ``score``).
    """
    data = [
        {
            "type": "box",
            "name": dimension_label(name),
            "y": group["score"].round(1).to_numpy(),
            "text": [html.escape(str(learner)) for learner in group["learner"]],
            "boxpoints": "all",
            "jitter": 0.4,
            "pointpos": 0,
            "marker": {"size": 5, "opacity": 0.6},
            "hovertemplate": "%{text}: %{y:.0f}<extra></extra>",
        }
        for name, group in dimensions.groupby("dimension", sort=False)
    ]
    return _figure(
        data,
        {
            "title": _title("Learners' average score per dimension"),
            "height": 360,
            "showlegend": False,
            "yaxis": {"range": [0, 105]},
        },
    )
