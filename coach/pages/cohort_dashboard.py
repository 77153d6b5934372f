"""Cohort dashboard: for a cohort's mentors and admins, and for site admins (any cohort), how
each learner is doing (trend, assignment completion, which flags fire, dimension spread, who
is falling or has stopped), a CSV export, and setting assignments (the cohort's leads only).

The numbers come aggregated from the database (``coach.services.cohort_dashboard``); learner
names and e-mail addresses are shown as text, never as HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from coach.errors import AssignmentError, CoachError
from coach.services import assignments, cohort_dashboard, cohorts, selection
from coach.services.cohort_dashboard import CHANGE_NEEDS, TREND_WINDOW
from coach.ui.charts import dimension_boxes, flag_rate_heatmap
from coach.ui.frame import current_frame
from coach.ui.labels import LEVEL_LABELS, LEVELS, NO_VALUE, cell_text
from coach.ui.pickers import current_filters, filter_row
from coach.ui.state import TARGET_LEVEL, flash, show_flash
from coach.ui.widgets import md_escape, rule_text

PICK, DRAW = "pick", "draw"
DUE_AT = time(23, 59)  # an assignment is due at the end of its due day (UTC)
WATCH_HEIGHT = 240  # the watch lists scroll: a cohort of 300 would push everything else away

frame = current_frame()
db, user, bank = frame.db, frame.user, frame.bank
state = st.session_state

st.title("Cohort dashboard")
show_flash()

shown = cohorts.dashboard_cohorts(db, user)
if not shown:
    st.info(
        "This page shows the cohorts you mentor or run. You are not a mentor or admin of any "
        "cohort yet: ask an admin to add you."
    )
    st.stop()

names = {cohort.cohort_id: cohort.name for cohort in shown}
if state.get("dashboard_cohort") not in names:
    state["dashboard_cohort"] = next(iter(names))
cohort_id = st.selectbox(
    "Cohort", list(names), format_func=lambda cid: names[cid], key="dashboard_cohort"
)

leads = next(cohort.leads for cohort in shown if cohort.cohort_id == cohort_id)
if not leads:
    st.caption(
        "You see this cohort as a site admin; its own mentors and admins set its assignments."
    )

try:
    board = cohort_dashboard.cohort_dashboard(db, user, cohort_id=cohort_id)
except CoachError as error:
    st.error(md_escape(str(error)))
    st.stop()
learners = board.learners

# --- headline --------------------------------------------------------------------------------
completion = learners["completion"].mean()
metrics = st.container(horizontal=True, key="dashboard_metrics")
metrics.metric("Learners", len(learners))
metrics.metric("Scores falling", len(board.falling))
metrics.metric("Stopped practising", len(board.stopped), help="No scored answer for 14 days")
metrics.metric("Assignments done", cell_text(completion, "{:.0%}"))

if learners.empty:
    st.info("No learners in this cohort yet: share its invite code (Cohorts page).")
else:
    watch_left, watch_right = st.columns(2)
    with watch_left.container(border=True, height=WATCH_HEIGHT, key="dashboard_falling"):
        st.markdown(
            f"**Scores falling** (last {TREND_WINDOW} answers vs the {TREND_WINDOW} before)"
        )
        if board.falling.empty:
            st.caption("Nobody.")
        for row in board.falling.itertuples():
            st.markdown(
                f"- {md_escape(row.learner)}: {row.previous_mean:.0f} → {row.recent_mean:.0f}"
            )
    with watch_right.container(border=True, height=WATCH_HEIGHT, key="dashboard_stopped"):
        st.markdown("**Stopped practising** (nothing for 14 days)")
        if board.stopped.empty:
            st.caption("Nobody.")
        for row in board.stopped.itertuples():
            when = "never practised" if row.attempts == 0 else f"{row.days_idle} days ago"
            st.markdown(f"- {md_escape(row.learner)}: {when}")

    st.subheader("Learners")
    # Missing values become text: the grid would print "None" in an empty number or date cell.
    table = learners.assign(
        email=learners["email"].map(cell_text),
        average=learners["average"].map(lambda value: cell_text(value, "{:.0f}")),
        change=learners["change"].map(lambda value: cell_text(value, "{:+.0f}")),
        completion=learners["completion"] * 100,
        last_attempt=learners["last_attempt"].map(lambda at: cell_text(at, "{:%d %b %Y}")),
    )[
        [
            "learner",
            "email",
            "attempts",
            "average",
            "trend",
            "change",
            "completion",
            "last_attempt",
            "falling",
            "stopped",
        ]
    ]
    st.dataframe(
        table,
        hide_index=True,
        key="dashboard_learners",
        column_config={
            "learner": st.column_config.TextColumn("Learner"),
            "email": st.column_config.TextColumn("E-mail"),
            "attempts": st.column_config.NumberColumn("Answers", help="Scored answers"),
            "average": st.column_config.TextColumn(
                "Average",
                alignment="right",
                help=f"Mean overall score; {NO_VALUE} before the first scored answer",
            ),
            "trend": st.column_config.LineChartColumn(
                "Trend (last 20)", y_min=0, y_max=100, width="medium"
            ),
            "change": st.column_config.TextColumn(
                "Change",
                alignment="right",
                help=(
                    f"Mean of the last {TREND_WINDOW} scores minus the {TREND_WINDOW} before; "
                    f"{NO_VALUE} until the learner has {CHANGE_NEEDS} scored answers"
                ),
            ),
            "completion": st.column_config.ProgressColumn(
                "Assignments",
                min_value=0,
                max_value=100,
                format="%.0f%%",
                help="Assigned prompts submitted; empty when nothing is assigned",
            ),
            "last_attempt": st.column_config.TextColumn(
                "Last answer", help=f"{NO_VALUE}: no scored answer yet"
            ),
            "falling": st.column_config.CheckboxColumn("Falling"),
            "stopped": st.column_config.CheckboxColumn("Stopped"),
        },
    )
    st.download_button(
        "Download CSV",
        cohort_dashboard.dashboard_csv(board),
        file_name=f"cohort-{cohort_id}-{board.generated_at:%Y%m%d}.csv",
        mime="text/csv",
        key="dashboard_csv",
        icon=":material/download:",
    )

    st.subheader("Flags by learner")
    st.caption(
        "How often each flag fires: the share of the learner's scored answers in which it was "
        "shown as an error or a warning. Hints and flags marked “worth checking” are not "
        "counted."
    )
    titles = {flag_id: rule_text(flag_id)[0] for flag_id in board.flag_rates.columns}
    if board.flag_rates.columns.empty:
        st.caption("No flags yet: nobody in this cohort has a scored answer.")
    else:
        st.plotly_chart(
            flag_rate_heatmap(board.flag_rates, titles),
            key="dashboard_heatmap",
            config={"displayModeBar": False},
        )
    st.subheader("Dimensions")
    if board.dimensions.empty:
        st.caption("No scored answers yet.")
    else:
        st.plotly_chart(
            dimension_boxes(board.dimensions),
            key="dashboard_dimensions",
            config={"displayModeBar": False},
        )

# --- assignments -----------------------------------------------------------------------------
st.divider()
st.subheader("Assignments")
listed = assignments.cohort_assignments(db, user, cohort_id=cohort_id)
if listed:
    st.dataframe(
        {
            "Title": [a.title for a in listed],
            "Prompts": [a.prompts for a in listed],
            "Level": [LEVEL_LABELS.get(a.level, a.level) for a in listed],
            "Due": [a.due_at for a in listed],
        },
        hide_index=True,
        key="dashboard_assignments",
        column_config={"Due": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
    )
else:
    st.caption("No assignments yet.")


def _chosen_prompts() -> list[str]:
    if state.get("assign_how") == DRAW:
        seed_text = str(state.get("assign_seed") or "").strip()
        return assignments.draw_prompts(
            bank,
            category=state["assign_category"],
            count=int(state["assign_count"]),
            seed=int(seed_text) if seed_text.isdigit() else None,
        )
    return list(state.get("assign_prompts") or [])


def _create_assignment() -> None:
    due_day = state.get("assign_due")
    try:
        if due_day is None:
            raise AssignmentError("Choose a due date.")
        created = assignments.create_assignment(
            db,
            user,
            cohort_id=cohort_id,
            bank=bank,
            prompt_ids=_chosen_prompts(),
            level=state["assign_level"],
            due_at=datetime.combine(due_day, DUE_AT, tzinfo=UTC),
            title=state.get("assign_title", ""),
        )
    except CoachError as error:
        flash("error", f"The assignment was not set: {md_escape(str(error))}")
        return
    flash("success", f"Assignment {created} set for {md_escape(names[cohort_id])}.")
    state["assign_prompts"] = []
    state["assign_title"] = ""


if not leads:
    st.stop()  # setting assignments is for the cohort's own mentors and admins

with st.expander("Set an assignment", icon=":material/assignment_add:", expanded=not listed):
    st.text_input("Title (optional)", key="assign_title", max_chars=assignments.TITLE_MAX_LENGTH)
    st.radio(
        "Prompts",
        [PICK, DRAW],
        format_func=lambda how: "Pick prompts" if how == PICK else "Draw from a category",
        horizontal=True,
        key="assign_how",
    )
    if state.get("assign_how", PICK) == PICK:
        filter_row("assign", bank, fields=("category", "difficulty", "query"))
        chosen = current_filters("assign")
        shown = [
            prompt.id
            for prompt in selection.find_prompts(
                bank, category=chosen.category, difficulty=chosen.difficulty, query=chosen.query
            )
        ]
        picked = [pid for pid in state.get("assign_prompts") or [] if pid in bank]
        st.multiselect(
            "Prompts to answer",
            list(dict.fromkeys([*picked, *shown])),  # picked ones stay while filters change
            format_func=lambda pid: bank.get(pid).text[:110],
            key="assign_prompts",
            max_selections=assignments.MAX_PROMPTS,
        )
    else:
        titles = {category.slug: category.title for category in bank.categories}
        left, middle, right = st.columns(3)
        left.selectbox(
            "Category", list(titles), format_func=lambda slug: titles[slug], key="assign_category"
        )
        middle.number_input(
            "How many", min_value=1, max_value=assignments.MAX_PROMPTS, value=3, key="assign_count"
        )
        right.text_input(
            "Seed (optional)",
            key="assign_seed",
            help="Empty: the category's first prompts. A number: the same random draw each time.",
        )
    level_column, due_column = st.columns(2)
    level_column.selectbox(
        "Level",
        LEVELS,
        index=LEVELS.index(state[TARGET_LEVEL]) if state.get(TARGET_LEVEL) in LEVELS else 0,
        format_func=lambda level: LEVEL_LABELS.get(level, level),
        key="assign_level",
    )
    today = datetime.now(UTC).date()
    due_column.date_input(
        "Due date (end of day, UTC)",
        value=today + timedelta(days=7),
        key="assign_due",
        help="A date that has passed is refused.",
    )
    st.button("Set assignment", key="assign_create", type="primary", on_click=_create_assignment)
