"""Review an answer: the prompt, the answer with the coach's evidence highlighted, the report,
and the mentor's review form (comments, flag decisions, element verdicts, score override).

Opened from the review queue or at its own address (``?attempt=ID``).
"""

from __future__ import annotations

import streamlit as st

from coach.errors import AttemptNotFoundError, CoachError
from coach.services import reviews
from coach.ui.frame import current_frame
from coach.ui.highlight import answer_html
from coach.ui.labels import level_label
from coach.ui.review_form import review_form
from coach.ui.review_view import mentor_reviews
from coach.ui.state import ATTEMPT_PARAM, REVIEW_QUEUE_PAGE, flash, show_flash
from coach.ui.widgets import flag_list_html, md_escape, score_cards

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
with st.container(border=True):
    st.caption(
        f"Attempt #{view.id} · {md_escape(subject.learner_name)} · "
        f"{view.submitted_at:%d %b %Y %H:%M} UTC · level {level_label(view.level)}"
    )
    prompt_text = (
        frame.bank.get(view.prompt_id).text
        if view.prompt_id in frame.bank
        else view.prompt_text or view.prompt_id
    )
    st.markdown(f"#### {md_escape(prompt_text)}")

report = view.report
if not subject.reviewable or report is None:
    st.warning(
        "This attempt is not scored yet, so it cannot be reviewed: the learner can retry "
        "scoring on its Feedback page."
    )
    st.html(answer_html(view.answer))
    st.stop()

score_cards(report)
sentences = [(segment.start, segment.end) for segment in report.structure]
answer_col, flags_col = st.columns([3, 2], gap="large")
with answer_col:
    st.subheader("The answer")
    st.caption("Highlighted: the words behind each of the coach's red flags.")
    st.html(answer_html(view.answer, subject.flags, sentences))
with flags_col:
    st.subheader(f"The coach's red flags ({len(subject.flags)})")
    st.html(flag_list_html(subject.flags))

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
result = review_form(subject, key=f"review_{view.id}", draft=desk.draft)
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
