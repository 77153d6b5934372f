"""Review link: a mentor without an account reads one attempt and reviews it, and nothing else.

``app.py`` routes any ``?review=TOKEN`` address here before the sign-in gate, with no
navigation. A link takes one review: once it is in, and for an expired, revoked or unknown
link, the page shows a plain message and nothing of the attempt; so does a single-user local
app, which offers review files instead.
"""

from __future__ import annotations

import streamlit as st

from coach.errors import ReviewInputError, ReviewLinkError, ReviewLinkUsedError
from coach.services import review_links
from coach.services.review_content import review_target
from coach.ui.frame import current_setup
from coach.ui.mentor_form import clear_review_form, mentor_review_form
from coach.ui.review_share import attempt_for_review, review_caption
from coach.ui.state import REVIEW_PARAM
from coach.ui.widgets import md_escape

DONE_KEY = "_review_link_done"  # the token this session has just reviewed through
NAME_KEY = "_review_link_name"
FORM_KEY = "link_review"

setup = current_setup()
state = st.session_state
token = str(st.query_params.get(REVIEW_PARAM) or "")

st.title("Review an answer")
if setup.settings.auth == "none":
    st.info("Review links work only on a shared deployment of aipm-coach.")
    st.stop()
if token and state.get(DONE_KEY) == token:
    st.success("Thank you: your review was sent to the learner.")
    st.stop()
try:
    linked = review_links.open_link(setup.db, token)
except ReviewLinkUsedError as error:
    st.info(str(error))
    st.stop()
except ReviewLinkError as error:
    st.warning(str(error))
    st.stop()

view = linked.attempt
st.caption(
    f"A learner asked for your review of this answer. The link works until "
    f"{linked.expires_at:%d %b %Y %H:%M} UTC, for one review. You see only this answer; your "
    "review is stored with it under the name you give."
)
attempt_for_review(
    prompt=view.prompt_text or view.prompt_id,
    answer=view.answer,
    report=view.report,
    caption=review_caption(view.level, view.submitted_at),
)
st.subheader("Your review")
result = mentor_review_form(
    review_target(view.answer, view.report),
    key=FORM_KEY,
    allow_draft=False,  # a visitor without an account has nowhere to keep a draft
    ask_name=True,
    name=state.get(NAME_KEY, ""),
)
if result is not None:
    name = result.reviewer_name or ""
    state[NAME_KEY] = name
    try:
        review_links.submit_link_review(setup.db, token, name=name, review=result.data)
    except (ReviewInputError, ReviewLinkError) as error:
        st.error(f"Your review was not sent: {md_escape(str(error))}")
    else:
        state[DONE_KEY] = token
        clear_review_form(FORM_KEY)
        st.rerun()
