"""The pages a signed-in user sees beyond practising: mentors' review pages, admins' agreement."""

from __future__ import annotations

import streamlit as st

from coach.services import reviews
from coach.ui.frame import Frame
from coach.ui.state import AGREEMENT_PAGE, REVIEW_PAGE, REVIEW_QUEUE_PAGE


def mentor_sections(frame: Frame) -> dict[str, list[st.Page]]:
    """A "Mentor" section: the review queue and review page for mentors and admins of a cohort
    with learners, the agreement page for deployment admins. None for everyone else (the
    no-login learner)."""
    pages: list[st.Page] = []
    if reviews.reviews_anything(frame.db, frame.user):
        pages += [
            st.Page(REVIEW_QUEUE_PAGE, title="Review queue", icon=":material/inbox:"),
            st.Page(REVIEW_PAGE, title="Review an answer", icon=":material/rate_review:"),
        ]
    if frame.user.role == "admin":
        pages.append(st.Page(AGREEMENT_PAGE, title="Agreement", icon=":material/balance:"))
    return {"Mentor": pages} if pages else {}
