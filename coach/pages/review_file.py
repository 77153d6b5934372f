"""Review a file: a mentor opens a learner's review request, reviews its attempts and downloads
the review response.

A read-only session in ``st.session_state`` only: nothing of the file ever reaches this app's
database or the mentor's own history, and closing the tab ends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from coach.errors import ReviewInputError
from coach.services import review_files
from coach.services.review_content import review_of, review_target, reviewer_name
from coach.services.review_files import FileReview, ReviewRequest
from coach.ui.frame import current_frame
from coach.ui.mentor_form import mentor_review_form
from coach.ui.review_share import attempt_for_review, review_caption
from coach.ui.state import flash, show_flash
from coach.ui.widgets import md_escape

SESSION_KEY = "_review_file_session"


@dataclass
class ReviewSession:
    """The open request, the upload it came from, the reviews written so far (by ref)."""

    request: ReviewRequest
    file_id: str
    reviews: dict[str, FileReview] = field(default_factory=dict)
    name: str = ""


current_frame()  # the router's frame: only its sign-in matters here, nothing is stored
state = st.session_state

st.title("Review a file")
show_flash()
st.caption(
    "Open a review request a learner sent you, review each attempt, then download the review "
    "response and send it back. Nothing from the file is stored in this app or added to your "
    "history; the session ends when you close the tab, so download the response first."
)
upload = st.file_uploader("A review request (.json)", type=["json"], key="review_file_upload")
session: ReviewSession | None = state.get(SESSION_KEY)
if upload is not None and (session is None or session.file_id != upload.file_id):
    try:
        request = review_files.read_request(upload.getvalue())
    except ReviewInputError as error:
        # The open session, if any, stays as it was.
        st.error(f"This file cannot be reviewed: {md_escape(str(error))}")
    else:
        session = ReviewSession(request=request, file_id=upload.file_id)
        state[SESSION_KEY] = session
if session is None:
    st.stop()

request = session.request
st.markdown(
    f"From **{md_escape(request.learner or 'a learner')}** · {len(request.attempts)} attempt(s) "
    f"· {len(session.reviews)} reviewed"
)
numbers = {item.ref: number for number, item in enumerate(request.attempts, start=1)}
ref = st.selectbox(
    "Attempt",
    list(numbers),
    format_func=lambda r: (
        f"{numbers[r]}. {request.attempt(r).prompt[:80]}"
        + (" · reviewed" if r in session.reviews else "")
    ),
    key="review_file_attempt",
)
attempt = request.attempt(ref)
attempt_for_review(
    prompt=attempt.prompt,
    answer=attempt.answer,
    report=attempt.report,
    caption=review_caption(attempt.level, attempt.submitted_at),
)
st.subheader("Your review")
earlier = session.reviews.get(ref)
if earlier is not None:
    st.info("You reviewed this attempt: submitting again replaces that review.")
result = mentor_review_form(
    review_target(attempt.answer, attempt.report),
    key=f"review_file_{numbers[ref]}",
    draft=earlier.content if earlier else None,
    allow_draft=False,  # the session is the only store: a kept review is the draft
    ask_name=True,
    name=session.name,
)
if result is not None:
    try:
        name = reviewer_name(result.reviewer_name)
        content = review_of(result.data, answer=attempt.answer, report=attempt.report)
    except ReviewInputError as error:
        st.error(f"The review was not kept: {md_escape(str(error))}")
    else:
        session.reviews[ref] = (
            FileReview(content, review_id=earlier.review_id) if earlier else FileReview(content)
        )
        session.name = name
        flash("success", f"Review of attempt {numbers[ref]} kept. Download the response below.")
        st.rerun()

st.subheader("Send the review back")
if session.reviews and session.name:
    st.download_button(
        f"Download the review response ({len(session.reviews)} review(s))",
        icon=":material/download:",
        data=review_files.response_file(request, name=session.name, reviews=session.reviews),
        file_name=f"aipm-coach-review-response-{request.request_id[:8]}.json",
        mime="application/json",
        key="review_file_download",
        type="primary",
    )
else:
    st.caption("Submit a review of at least one attempt to download the response.")
