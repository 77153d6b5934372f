"""Cohorts: the groups I am in (join with a code, leave), and, for admins, creating cohorts,
their invite codes, seat limits and mentors.

Only on a shared deployment (COACH_AUTH=password or oidc): the router hides this page in the
single-learner mode. Cohort and people names are shown as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from coach.errors import CoachError
from coach.services import cohorts
from coach.services.cohorts import NewInvite
from coach.ui.frame import current_frame
from coach.ui.state import flash, show_flash
from coach.ui.widgets import md_escape

NEW_CODE = "_cohorts_new_code"  # the code just made: shown on the next run only
LEAVING = "_cohorts_leaving"  # cohort id waiting for the "really leave?" answer

frame = current_frame()
db, user = frame.db, frame.user
state = st.session_state


def _attempt(action: str, run: Callable[[], object]) -> bool:
    """Run a service call; a refusal becomes an error message (escaped), never a traceback."""
    try:
        run()
    except CoachError as error:
        flash("error", f"{action}: {md_escape(str(error))}")
        return False
    return True


def _invite_days(label: str, *, key: str) -> None:
    """How many days a new invite code stays valid."""
    st.number_input(
        label,
        min_value=1,
        max_value=cohorts.MAX_INVITE_DAYS,
        value=cohorts.DEFAULT_INVITE_DAYS,
        key=key,
    )


def _show_code(invite: NewInvite) -> None:
    state[NEW_CODE] = invite


def _join() -> None:
    code = state.get("cohorts_code", "")

    def run() -> None:
        joined = cohorts.join_cohort(db, user, code=code)
        flash("success", f"You joined {md_escape(joined.name)}.")

    if _attempt("Could not join", run):
        state["cohorts_code"] = ""


st.title("Cohorts")
show_flash()

# --- my cohorts ------------------------------------------------------------------------------
st.subheader("My cohorts")
mine = cohorts.my_cohorts(db, user)
if not mine:
    st.caption("You are not in a cohort yet. Join one with the invite code you were given.")
for membership in mine:
    row = st.container(
        horizontal=True, vertical_alignment="center", key=f"cohort_{membership.cohort_id}"
    )
    row.markdown(f"**{md_escape(membership.name)}** · {membership.role}")
    if row.button("Leave", key=f"cohorts_leave_{membership.cohort_id}", type="tertiary"):
        state[LEAVING] = membership.cohort_id
        st.rerun()
    if state.get(LEAVING) == membership.cohort_id:
        with st.container(border=True):
            st.warning(
                f"Leave {md_escape(membership.name)}? Your attempts stay yours; the cohort's "
                "mentors will no longer see them. You can join again with a current code."
            )
            yes, no = st.columns(2)
            if yes.button("Leave the cohort", key="cohorts_leave_confirm", type="primary"):
                state.pop(LEAVING, None)
                if _attempt(
                    "Could not leave",
                    lambda cohort_id=membership.cohort_id: cohorts.leave_cohort(
                        db, user, cohort_id=cohort_id
                    ),
                ):
                    flash("success", f"You left {md_escape(membership.name)}.")
                st.rerun()
            if no.button("Stay", key="cohorts_leave_cancel"):
                state.pop(LEAVING, None)
                st.rerun()

with st.form("cohorts_join_form", border=True):
    st.text_input(
        "Invite code",
        key="cohorts_code",
        placeholder="ABCDE-FGHJK-LMNPQ",
        help="Letters and digits; case, spaces and dashes do not matter.",
    )
    st.form_submit_button("Join", key="cohorts_join", on_click=_join)

# --- admins ----------------------------------------------------------------------------------
if user.role == "admin":
    st.divider()
    st.subheader("Manage cohorts")
    invite = state.pop(NEW_CODE, None)
    if isinstance(invite, NewInvite):
        with st.container(border=True, key="cohorts_code_box"):
            st.success(
                f"Invite code for {md_escape(invite.cohort_name)}, valid until "
                f"{invite.expires_at:%d %b %Y %H:%M} UTC. Copy it now: it is not shown again."
            )
            st.code(invite.code, language=None)

    def _create() -> None:
        seats = int(state.get("cohorts_new_seats") or 0)
        created = _attempt(
            "Could not create the cohort",
            lambda: _show_code(
                cohorts.create_cohort(
                    db,
                    user,
                    name=state.get("cohorts_new_name", ""),
                    seats=seats or None,
                    expires_days=int(state.get("cohorts_new_days") or 0),
                )
            ),
        )
        if created:
            state["cohorts_new_name"] = ""  # kept on a refusal, to correct it

    with st.form("cohorts_create_form", border=True):
        st.markdown("**New cohort**")
        st.text_input("Name", key="cohorts_new_name", max_chars=120)
        left, right = st.columns(2)
        left.number_input(
            "Seats for learners (0 = no limit)", min_value=0, step=1, key="cohorts_new_seats"
        )
        with right:
            _invite_days("Invite code valid for (days)", key="cohorts_new_days")
        st.form_submit_button("Create cohort", key="cohorts_create", on_click=_create)

    overview = cohorts.all_cohorts(db, user)
    if overview:
        st.dataframe(
            pd.DataFrame(
                {
                    "Cohort": [c.name for c in overview],
                    "Learners": [c.learners for c in overview],
                    "Seats": [
                        "no limit" if c.seat_limit is None else str(c.seat_limit) for c in overview
                    ],
                    "Code valid until": [c.invite_expires_at for c in overview],
                }
            ),
            hide_index=True,
            key="cohorts_table",
            column_config={
                "Seats": st.column_config.TextColumn(help="How many learners may join"),
                "Code valid until": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
            },
        )
        names = {c.id: c.name for c in overview}
        chosen = st.selectbox(
            "Cohort to manage",
            list(names),
            format_func=lambda cohort_id: names[cohort_id],
            key="cohorts_manage",
        )
        current = next(c for c in overview if c.id == chosen)
        codes, seats_column, people = st.columns(3)
        with codes.container(border=True):
            st.markdown("**Invite code**")
            _invite_days("New code valid for (days)", key="cohorts_rotate_days")
            if st.button("Replace the code", key="cohorts_rotate"):
                _attempt(
                    "Could not replace the code",
                    lambda: _show_code(
                        cohorts.rotate_code(
                            db,
                            user,
                            cohort_id=chosen,
                            expires_days=int(state["cohorts_rotate_days"]),
                        )
                    ),
                )
                st.rerun()
        with seats_column.container(border=True):
            st.markdown("**Seats**")
            st.number_input(
                "Seats for learners (0 = no limit)",
                min_value=0,
                step=1,
                value=current.seat_limit or 0,
                key=f"cohorts_seats_{chosen}",
            )
            if st.button("Set seats", key="cohorts_set_seats"):
                seats = int(state[f"cohorts_seats_{chosen}"]) or None
                if _attempt(
                    "Could not set the seats",
                    lambda: cohorts.set_seats(db, user, cohort_id=chosen, seats=seats),
                ):
                    flash("success", f"Seats set for {md_escape(current.name)}.")
                st.rerun()
        with people.container(border=True):
            st.markdown("**Add a mentor or admin**")
            st.text_input("Their e-mail address", key="cohorts_person_email")
            st.selectbox("Role in the cohort", ["mentor", "admin"], key="cohorts_person_role")
            if st.button("Add", key="cohorts_add_person"):
                email = state.get("cohorts_person_email", "")
                if _attempt(
                    "Could not add them",
                    lambda: cohorts.add_person(
                        db,
                        user,
                        cohort_id=chosen,
                        email=email,
                        role=state["cohorts_person_role"],
                    ),
                ):
                    flash(
                        "success", f"Added {md_escape(email.strip())} to {md_escape(current.name)}."
                    )
                st.rerun()
