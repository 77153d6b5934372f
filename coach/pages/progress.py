"""Progress: scores over time, dimension trends, red-flag rates, readiness, history and export.

The data is shaped in ``coach.services.progress``; this page only draws it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coach.services import attempts, demo, judge, progress, reviews
from coach.ui.charts import (
    calibration_chart,
    category_heatmap,
    dimension_trends,
    flag_rate_chart,
    score_over_time,
)
from coach.ui.frame import current_frame
from coach.ui.labels import LEVEL_LABELS, LEVELS, STATUS_LABELS, level_label
from coach.ui.pickers import filter_row, picked_row
from coach.ui.state import ALL, PRACTICE_PAGE, flash, level_choice, open_feedback, show_flash
from coach.ui.widgets import confirm_action, export_buttons, md_escape, rule_text

PICK_KEY = "progress_pick"
CONFIRM_KEY = "_progress_confirm_delete"
PICKER_LIMIT = 200

frame = current_frame()
state = st.session_state
titles = {category.slug: category.title for category in frame.bank.categories}

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


@st.cache_resource(max_entries=8, show_spinner=False)
def _figures(_data: progress.ProgressData, user_id: int, digest: int, heat_titles: tuple) -> tuple:
    """Build the charts that do not depend on a widget, once per user and data digest.

    cache_resource, not cache_data: cache_data unpickles a copy of every figure on each hit,
    which with 5,000 points cost more than building them; drawing never mutates a figure.
    """
    titles = dict(heat_titles)
    return (
        score_over_time(progress.rolling_average(_data)),
        dimension_trends(_data.attempts),
        category_heatmap(progress.category_heatmap(_data, list(titles)), titles),
    )


def _digest(data: progress.ProgressData) -> int:
    # What identifies the data cheaply: row count, newest attempt, sum of scores and flags.
    frame = data.attempts
    return hash(
        (
            len(frame),
            int(frame["id"].max()),
            float(frame["overall"].sum()),
            int(data.flags_per_week["count"].sum()) if not data.flags_per_week.empty else 0,
        )
    )


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
    st.caption("Includes demo attempts (marked “Demo” in the table).")

# --- charts ------------------------------------------------------------------------------------
if not (table["status"] == "scored").any():
    st.warning("None of your attempts is scored yet; open one below and retry scoring.")
else:
    overall, trends, heat = _figures(data, frame.user.user_id, _digest(data), tuple(titles.items()))
    left, right = st.columns(2)
    left.plotly_chart(overall, key="progress_overall_chart")
    right.plotly_chart(trends, key="progress_dimension_chart")
    left, right = st.columns(2)
    with left:
        rates = progress.flag_rates(data)
        if rates.empty:
            st.caption("No red flags so far.")
        else:
            order = (
                rates.groupby("flag_id")["rate"].sum().sort_values(ascending=False).index.tolist()
            )
            flag_id = st.selectbox(
                "Red flag",
                order,
                format_func=lambda flag: rule_text(flag)[0],
                key="progress_flag",
            )
            st.plotly_chart(
                flag_rate_chart(rates, flag_id, rule_text(flag_id)[0]), key="progress_flags_chart"
            )
    right.plotly_chart(heat, key="progress_heatmap")

# --- calibration -------------------------------------------------------------------------------
gap = progress.calibration_gap(frame.db, frame.user, data)
if not gap.empty:
    st.subheader("Self-rating vs the coach")
    latest = gap.iloc[-1]
    direction = "above" if latest["gap"] > 0 else "below" if latest["gap"] < 0 else "level with"
    st.caption(
        f"Latest week: you rated yourself {abs(latest['gap']):.0f} points {direction} the coach "
        "(0 means calibrated)."
    )
    st.plotly_chart(calibration_chart(gap), key="progress_calibration")

# --- readiness ---------------------------------------------------------------------------------
st.subheader("Readiness by category")
level = level_choice("progress_level", LEVELS, LEVEL_LABELS)
readiness = progress.readiness(data, level=level)
if readiness:
    for item in readiness:
        text = md_escape(item.verdict(titles.get(item.category, item.category), level_label(level)))
        (st.success if item.ready else st.info)(
            text, icon=":material/check_circle:" if item.ready else ":material/pending:"
        )
else:
    st.caption("No scored attempts at this level yet.")

# --- history -----------------------------------------------------------------------------------
st.subheader("Your attempts")
practised = sorted(table["category"].dropna().unique())
filters = st.columns([3, 2, 1], vertical_alignment="bottom")
chosen = filter_row(
    "progress", frame.bank, fields=("category",), categories=practised, container=filters[0]
)
status = filters[1].selectbox(
    "Status",
    [ALL, *STATUS_LABELS],
    format_func=lambda s: "All" if s == ALL else STATUS_LABELS[s],
    key="progress_filter_status",
)
include_demo = filters[2].toggle("Show demo", value=True, key="progress_show_demo")
shown = progress.attempts_table(
    data,
    category_titles=titles,
    category=chosen.category,
    status=None if status == ALL else status,
    include_demo=include_demo,
    reviewed=reviews.reviewed_attempt_ids(frame.db, frame.user),
)
ids = [int(value) for value in shown["id"]]
event = st.dataframe(
    shown.drop(columns=["id"]),
    hide_index=True,
    key="progress_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={"Submitted": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    height=min(38 + 35 * len(shown), 400),
)
if not ids:
    st.caption("No attempt matches these filters.")
    st.stop()
picked_row(event, ids, pick_key=PICK_KEY)

# The picker lists the newest attempts; older ones are picked by clicking their table row.
choices = ids[:PICKER_LIMIT]
if state.get(PICK_KEY) in ids and state[PICK_KEY] not in choices:
    choices = [*choices, state[PICK_KEY]]
if state.get(PICK_KEY) not in choices:
    state[PICK_KEY] = choices[0]
rows = shown.set_index("id").loc[choices]
labels = {
    int(attempt_id): f"#{attempt_id} · {row.Submitted:%Y-%m-%d %H:%M} · {row.Category} · "
    + ("not scored" if pd.isna(row.Score) else f"{int(row.Score)}/100")
    + (" · reviewed" if row.Reviewed else "")
    for attempt_id, row in zip(rows.index, rows.itertuples(), strict=True)
}
pick_col, open_col, delete_col = st.columns([4, 1, 1], vertical_alignment="bottom")
picked = pick_col.selectbox(
    "Attempt (newest first; click a row above for any other)",
    choices,
    format_func=labels.__getitem__,
    key=PICK_KEY,
)
if open_col.button("Open feedback", key="progress_open", width="stretch"):
    open_feedback(picked)
if delete_col.button("Delete…", key="progress_delete", width="stretch"):
    state[CONFIRM_KEY] = picked

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
