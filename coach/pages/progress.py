"""Progress: scores over time, dimension trends, flags per week, readiness, history and export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coach.services import attempts, demo, judge, progress
from coach.ui.charts import category_heatmap, dimension_trends, flags_per_week, score_over_time
from coach.ui.frame import current_frame
from coach.ui.labels import LEVEL_LABELS, LEVELS, STATUS_LABELS
from coach.ui.state import (
    ALL,
    PRACTICE_PAGE,
    flash,
    level_choice,
    memo,
    open_feedback,
    show_flash,
)
from coach.ui.widgets import confirm_action, export_buttons

PICK_KEY = "progress_pick"
LAST_ROWS_KEY = "_progress_table_rows"
CONFIRM_KEY = "_progress_confirm_delete"
PICKER_LIMIT = 200

frame = current_frame()
state = st.session_state

st.title("Progress")
show_flash()

data = progress.load_progress(frame.db, frame.user)
table: pd.DataFrame = data.attempts

if table.empty:
    st.info(
        "**No attempts yet.** Pick a prompt on the Practice page, type your answer and submit: "
        "every scored answer adds a point to these charts. Practise a few times a week and "
        "watch the red flags go away."
    )
    st.page_link(PRACTICE_PAGE, label="Start practising", icon=":material/edit_note:")
    st.caption(
        "Want to see what this page looks like with history? Load a demo history "
        "(marked as demo data; Settings & data removes it again in one click)."
    )
    if st.button("Load demo history", key="progress_load_demo"):
        with st.spinner("Scoring a demo history…"):
            added = demo.load_demo(frame.db, frame.user, frame.bank)
        flash("success", f"Loaded {added} demo attempts (marked as demo).")
        st.rerun()
    st.stop()

# --- headline numbers --------------------------------------------------------------------------
totals = data.totals
metrics = st.columns(4)
metrics[0].metric("Attempts", totals.attempts, border=True)
metrics[1].metric("Prompts practised", totals.prompts, border=True)
metrics[2].metric(
    "Streak", f"{totals.streak_days} day{'' if totals.streak_days == 1 else 's'}", border=True
)
metrics[3].metric(
    "Average score", "—" if totals.average is None else f"{totals.average:.0f}", border=True
)
if bool(table["is_demo"].any()):
    st.caption("Includes demo attempts (marked “demo” in the table).")

# --- charts ------------------------------------------------------------------------------------
if not (table["status"] == "scored").any():
    st.warning("None of your attempts is scored yet; open one below and retry scoring.")
else:
    # Building the four figures is most of this page's time: redo it only when the data moved.
    fingerprint = (
        int(pd.util.hash_pandas_object(table, index=False).sum()),
        int(pd.util.hash_pandas_object(data.flags_per_week, index=False).sum()),
    )
    figures = memo(
        "progress_figures",
        fingerprint,
        lambda: (
            score_over_time(progress.rolling_average(data)),
            dimension_trends(table),
            flags_per_week(data.flags_per_week),
            category_heatmap(progress.category_heatmap(data)),
        ),
    )
    keys = (
        "progress_overall_chart",
        "progress_dimension_chart",
        "progress_flags_chart",
        "progress_heatmap",
    )
    for column, figure, key in zip(st.columns(2) + st.columns(2), figures, keys, strict=True):
        column.plotly_chart(figure, key=key)

# --- readiness ---------------------------------------------------------------------------------
st.subheader("Readiness by category")
level = level_choice("progress_level", LEVELS, LEVEL_LABELS)
readiness = progress.readiness(data, level=level)
if readiness:
    st.dataframe(
        pd.DataFrame(
            {
                "Category": [item.category for item in readiness],
                "Ready": [item.ready for item in readiness],
                "Last scores": [
                    ", ".join(str(score) for score in item.last_scores) for item in readiness
                ],
                "Open errors": [", ".join(item.error_flags) for item in readiness],
                "Why": [item.reason for item in readiness],
            }
        ),
        hide_index=True,
        key="progress_readiness",
        height=38 + 35 * len(readiness),
    )
else:
    st.caption("No scored attempts at this level yet.")

# --- history -----------------------------------------------------------------------------------
st.subheader("Your attempts")
filters = st.columns([2, 2, 1], vertical_alignment="bottom")
categories = sorted(table["category"].dropna().unique())
category = filters[0].selectbox(
    "Category",
    [ALL, *categories],
    format_func=lambda c: "All" if c == ALL else c,
    key="progress_filter_category",
)
status = filters[1].selectbox(
    "Status",
    [ALL, *STATUS_LABELS],
    format_func=lambda s: "All" if s == ALL else STATUS_LABELS[s],
    key="progress_filter_status",
)
include_demo = filters[2].toggle("Show demo", value=True, key="progress_show_demo")

view = table.sort_values("submitted_at", ascending=False)
if category != ALL:
    view = view[view["category"] == category]
if status != ALL:
    view = view[view["status"] == status]
if not include_demo:
    view = view[~view["is_demo"].astype(bool)]
ids = [int(value) for value in view["id"]]

shown = pd.DataFrame(
    {
        "id": view["id"].astype(int),
        "submitted": pd.to_datetime(view["submitted_at"], utc=True).dt.strftime("%Y-%m-%d %H:%M"),
        "prompt": view["prompt_id"],
        "category": view["category"],
        "score": view["overall"],
        "grade": view["grade"],
        "level": view["level"],
        "status": view["status"].map(lambda s: STATUS_LABELS.get(s, s)),
        "demo": view["is_demo"].astype(bool),
    }
)


event = st.dataframe(
    shown,
    hide_index=True,
    key="progress_table",
    on_select="rerun",
    selection_mode="single-row",
    height=min(38 + 35 * len(shown), 400),
)
if not ids:
    st.caption("No attempt matches these filters.")
    st.stop()

# A newly clicked row picks its attempt; the picker below stays free to choose another.
clicked = list(event.selection.rows)
if clicked and clicked != state.get(LAST_ROWS_KEY) and clicked[0] < len(ids):
    state[PICK_KEY] = ids[clicked[0]]
state[LAST_ROWS_KEY] = clicked

# The picker lists the newest attempts; older ones are picked by clicking their table row.
choices = ids[:PICKER_LIMIT]
if state.get(PICK_KEY) in ids and state[PICK_KEY] not in choices:
    choices = [*choices, state[PICK_KEY]]
if state.get(PICK_KEY) not in choices:
    state[PICK_KEY] = choices[0]
rows = shown.set_index("id").loc[choices]
labels = {
    int(attempt_id): f"#{attempt_id} · {row.submitted} · {row.prompt} · "
    + ("not scored" if pd.isna(row.score) else f"{int(row.score)}/100")
    for attempt_id, row in zip(rows.index, rows.itertuples(), strict=True)
}
pick_col, open_col, delete_col = st.columns([4, 1, 1], vertical_alignment="bottom")
chosen = pick_col.selectbox(
    "Attempt (newest first; click a row above for any other)",
    choices,
    format_func=labels.__getitem__,
    key=PICK_KEY,
)
if open_col.button("Open feedback", key="progress_open", width="stretch"):
    open_feedback(chosen)
if delete_col.button("Delete…", key="progress_delete", width="stretch"):
    state[CONFIRM_KEY] = chosen

pending = state.get(CONFIRM_KEY)


def _delete_pending() -> str:
    attempts.delete_attempt(frame.db, frame.user, int(pending))
    return f"Deleted attempt #{pending}."


confirm_action(
    pending_key=CONFIRM_KEY,
    question=f"Delete attempt **#{pending}** for good? This cannot be undone.",
    confirm_label="Yes, delete it",
    key="progress_delete",
    action=_delete_pending,
    failure=f"Could not delete attempt #{pending}",
)

# --- export ------------------------------------------------------------------------------------
st.subheader("Export")
export_buttons(frame.db, frame.user, key="progress")

# --- AI judge usage ----------------------------------------------------------------------------
usage = judge.llm_usage(frame.db, frame.user)
if usage:
    st.subheader("AI judge usage")
    known = [row.cost_usd for row in usage if row.cost_usd is not None]
    st.caption(
        f"{sum(row.tokens for row in usage)} tokens over {len(usage)} attempt(s)"
        + (f" · estimated ${sum(known):.4f} at list prices" if known else "")
        + " · cached verdicts cost nothing"
    )
    st.dataframe(
        [
            {
                "Attempt": row.attempt_id,
                "When (UTC)": row.submitted_at.strftime("%d %b %Y %H:%M"),
                "Prompt": row.prompt_id,
                "Scorer": row.scorer,
                "Tokens": row.tokens,
                "Est. cost (US$)": row.cost_usd,
            }
            for row in usage
        ],
        hide_index=True,
        key="progress_llm_usage",
    )
