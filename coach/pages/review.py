"""Review an answer: the prompt, the answer with the coach's evidence highlighted, the report,
and the mentor's review form (comments, flag decisions, element verdicts, score override).

Opened from the review queue or at its own address (``?attempt=ID``).
"""

from __future__ import annotations

import streamlit as st

from coach.errors import AttemptNotFoundError, CoachError
from coach.services import reviews
from coach.ui.frame import current_frame
from coach.ui.mentor_form import mentor_review_form
from coach.ui.review_share import attempt_for_review, review_caption
from coach.ui.review_view import mentor_reviews
from coach.ui.state import ATTEMPT_PARAM, REVIEW_QUEUE_PAGE, flash, show_flash
from coach.ui.widgets import md_escape

frame = current_frame()

st.title("Review an answer")
show_flash()

raw = st.query_params.get(ATTEMPT_PARAM)
attempt_id = int(raw) if raw is not None and raw.isdigit() else None
if attempt_id is None:
    st.info("Pick an attempt to review in the review queue.")
    st.page_link(REVIEW_QUEUE_PAGE, label="Go to the review queue", icon=":material/inbox:")
    st.stop()

try:
    desk = reviews.open_review(frame.db, frame.user, attempt_id)
except AttemptNotFoundError as error:
    st.warning(f"{error} You can review the attempts of learners in the cohorts you mentor.")
    st.page_link(REVIEW_QUEUE_PAGE, label="Go to the review queue", icon=":material/inbox:")
    st.stop()

subject = desk.subject
view = subject.attempt
prompt_text = (
    frame.bank.get(view.prompt_id).text
    if view.prompt_id in frame.bank
    else view.prompt_text or view.prompt_id
)
with st.container(border=True):
    # The same view of the attempt as a review link's or a review file's reviewer gets.
    attempt_for_review(
        prompt=prompt_text,
        answer=view.answer,
        report=view.report if subject.reviewable else None,
        caption=f"Attempt #{view.id} · {md_escape(subject.learner_name)} · "
        + review_caption(view.level, view.submitted_at),
    )
if not subject.reviewable:
    st.warning(
        "This attempt is not scored yet, so it cannot be reviewed: the learner can retry "
        "scoring on its Feedback page."
    )
    st.stop()

if desk.submitted is not None:
    st.success(
        f"You submitted your review of this attempt on {desk.submitted_at:%d %b %Y %H:%M} UTC."
    )
    mentor_reviews(frame.db, frame.user, view.answer, [desk.submitted], owner=False)
    st.page_link(REVIEW_QUEUE_PAGE, label="Back to the review queue", icon=":material/inbox:")
    st.stop()

st.subheader("Your review")
if desk.draft is not None:
    st.caption("Your saved draft is loaded: submit it when it is ready.")
result = mentor_review_form(subject.target, key=f"review_{view.id}", draft=desk.draft)
if result is not None:
    try:
        saved = reviews.save_review(
            frame.db, frame.user, view.id, result.data, submit=result.submit
        )
    except CoachError as error:
        st.error(f"Nothing was saved: {error}")
    else:
        if saved.status == "submitted":
            flash("success", f"Review of attempt #{view.id} submitted: the learner can see it.")
            st.switch_page(REVIEW_QUEUE_PAGE)
        flash("success", "Draft saved.")
        st.rerun()
