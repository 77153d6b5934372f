"""The learner's assignments on Practice: a reminder of what is due this week, and each
assignment's prompts with their status and a button that starts one at the assigned level."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from coach.errors import CoachError
from coach.services import assignments
from coach.services.assignments import LearnerAssignment
from coach.services.store import Database
from coach.services.users import UserContext
from coach.ui.labels import LEVEL_LABELS
from coach.ui.state import SELECTED_PROMPT, TARGET_LEVEL
from coach.ui.widgets import md_escape
from question_bank import Bank

STATUS_BADGES: dict[str, str] = {
    assignments.NOT_STARTED: ":gray-badge[not started]",
    assignments.SUBMITTED: ":blue-badge[submitted]",
    assignments.LATE: ":red-badge[late]",
    assignments.REVIEWED: ":green-badge[reviewed]",
}
LEVEL_WIDGET = "practice_level"
PROMPT_WIDGET = "practice_prompt"


def _start(prompt_id: str, level: str) -> None:
    """Select the prompt on Practice at the assignment's level (a widget callback)."""
    state = st.session_state
    state[SELECTED_PROMPT] = prompt_id
    state[PROMPT_WIDGET] = prompt_id
    state[TARGET_LEVEL] = level
    state[LEVEL_WIDGET] = level


def _due(assignment: LearnerAssignment, now: datetime) -> str:
    days = (assignment.due_at - now).total_seconds() / 86400
    when = f"{assignment.due_at:%a %d %b, %H:%M} UTC"
    if days < 0:
        return f"was due {when}"
    return f"due {when}" + (" (today)" if days < 1 else "")


def assignment_panel(db: Database, user: UserContext, bank: Bank) -> None:
    """Draw the reminder and the assignment list (nothing when the user has none)."""
    now = datetime.now(UTC)
    try:
        mine = assignments.my_assignments(db, user, now=now)
    except CoachError as error:
        st.warning(f"Your assignments could not be loaded: {md_escape(str(error))}")
        return
    if not mine:
        return
    soon = assignments.due_soon(mine, now=now)
    if soon:
        lines = [
            f"- **{md_escape(a.title)}** ({md_escape(a.cohort_name)}): "
            f"{len(a.open_prompts)} of {len(a.prompts)} prompt(s) to submit, {_due(a, now)}"
            for a in soon
        ]
        st.info("**Due this week**\n" + "\n".join(lines), icon=":material/event:")
    to_do = sum(len(a.open_prompts) for a in mine)
    with st.expander(
        f"Assignments ({to_do} prompt(s) to submit)",
        icon=":material/assignment:",
        expanded=bool(soon),
    ):
        for assignment in mine:
            level = LEVEL_LABELS.get(assignment.level, assignment.level)
            st.markdown(
                f"**{md_escape(assignment.title)}** · {md_escape(assignment.cohort_name)} · "
                f"{level} · {_due(assignment, now)}"
            )
            for item in assignment.prompts:
                row = st.container(horizontal=True, vertical_alignment="center")
                text = bank.get(item.prompt_id).text if item.prompt_id in bank else item.prompt_id
                row.markdown(f"{STATUS_BADGES[item.status]} {md_escape(text[:110])}")
                if item.prompt_id in bank:
                    row.button(
                        "Start",
                        key=f"practice_assignment_{assignment.id}_{item.prompt_id}",
                        on_click=_start,
                        args=(item.prompt_id, assignment.level),
                        type="tertiary",
                        icon=":material/play_arrow:",
                    )
