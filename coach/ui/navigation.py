"""The pages a signed-in user sees beyond practising: cohorts, mentors' review pages, admins'
agreement."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from coach.errors import CoachError
from coach.services import reviews
from coach.services.cohorts import dashboard_cohorts
from coach.ui.frame import Frame
from coach.ui.state import (
    AGREEMENT_PAGE,
    COHORTS_PAGE,
    DASHBOARD_PAGE,
    REVIEW_PAGE,
    REVIEW_QUEUE_PAGE,
)


def cohort_sections(frame: Frame) -> dict[str, list[st.Page]]:
    """A "Cohorts" section on a shared deployment (cohorts make no sense for the one local
    learner): joining and leaving for everyone, the dashboard for a cohort's mentors and admins
    and for site admins (who see every cohort's)."""
    if frame.settings.auth == "none":
        return {}
    pages = [st.Page(COHORTS_PAGE, title="Cohorts", icon=":material/groups:")]
    if _database_says(lambda: dashboard_cohorts(frame.db, frame.user)):
        pages.append(st.Page(DASHBOARD_PAGE, title="Cohort dashboard", icon=":material/dashboard:"))
    return {"Cohorts": pages}


def _database_says(question: Callable[[], object]) -> bool:
    """The answer to a yes/no question for the menu; no when the database fails (the pages
    say so themselves, and the menu goes without the extra section)."""
    try:
        return bool(question())
    except CoachError:
        return False


def mentor_sections(frame: Frame) -> dict[str, list[st.Page]]:
    """A "Mentor" section: the review queue and review page for mentors and admins of a cohort
    with learners, the agreement page for deployment admins. None for everyone else (the
    no-login learner)."""
    pages: list[st.Page] = []
    # The one local learner (no sign-in) is in no cohort: no need to ask on every rerun.
    shared = frame.settings.auth != "none"
    if shared and _database_says(lambda: reviews.reviews_anything(frame.db, frame.user)):
        pages += [
            st.Page(REVIEW_QUEUE_PAGE, title="Review queue", icon=":material/inbox:"),
            st.Page(REVIEW_PAGE, title="Review an answer", icon=":material/rate_review:"),
        ]
    if frame.user.role == "admin":
        pages.append(st.Page(AGREEMENT_PAGE, title="Agreement", icon=":material/balance:"))
    return {"Mentor": pages} if pages else {}
