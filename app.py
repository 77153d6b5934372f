"""aipm-coach: the Streamlit entry point. Routes to the pages and builds the shared frame."""

from __future__ import annotations

import streamlit as st

from coach.ui.auth import SignInNeeded, account_menu, show_notice, write_cookie
from coach.ui.autosave import autosave
from coach.ui.frame import FRAME_KEY, FrameError, load_frame, render_frame_error
from coach.ui.navigation import cohort_sections, mentor_sections
from coach.ui.state import (
    BANK_PAGE,
    FEEDBACK_PAGE,
    INTERVIEW_PAGE,
    MOCK_PAGE,
    PRACTICE_PAGE,
    PROGRESS_PAGE,
    REVIEW_FILE_PAGE,
    REVIEW_LINK_PAGE,
    REVIEW_PARAM,
    SETTINGS_PAGE,
    SIGN_IN_PAGE,
    follow_queued_page,
    init_state,
)

st.set_page_config(page_title="AI-PM Interview Coach", page_icon=":material/target:", layout="wide")

if REVIEW_PARAM in st.query_params:
    # A review link: one page for a visitor without an account, before any sign-in, no menu.
    st.navigation([st.Page(REVIEW_LINK_PAGE, title="Review an answer")], position="hidden").run()
    st.stop()

try:
    frame = load_frame()
except FrameError as error:
    render_frame_error(error)
else:
    write_cookie()
    if isinstance(frame, SignInNeeded):
        # Nobody signed in: the sign-in page is the only page there is.
        st.session_state.pop(FRAME_KEY, None)
        st.navigation([st.Page(SIGN_IN_PAGE, title="Sign in", icon=":material/login:")]).run()
    else:
        st.session_state[FRAME_KEY] = frame
        init_state(frame.settings.default_level)
        account_menu(frame.db, frame.settings, frame.user)
        show_notice()
        page = st.navigation(
            {
                "Practise": [
                    st.Page(
                        PRACTICE_PAGE, title="Practice", icon=":material/edit_note:", default=True
                    ),
                    st.Page(FEEDBACK_PAGE, title="Feedback", icon=":material/fact_check:"),
                    st.Page(INTERVIEW_PAGE, title="Interview", icon=":material/forum:"),
                    st.Page(MOCK_PAGE, title="Mock interview", icon=":material/timer:"),
                ],
                "Review": [
                    st.Page(PROGRESS_PAGE, title="Progress", icon=":material/monitoring:"),
                    st.Page(BANK_PAGE, title="Question bank", icon=":material/menu_book:"),
                ],
                **cohort_sections(frame),
                "Data": [
                    st.Page(SETTINGS_PAGE, title="Settings & data", icon=":material/settings:"),
                    st.Page(REVIEW_FILE_PAGE, title="Review a file", icon=":material/rate_review:"),
                ],
                **mentor_sections(frame),
            }
        )
        follow_queued_page()  # e.g. Submit's callback opening Feedback: before any page is drawn
        autosave()  # drafts committed while typing, one history entry per move (all pages)
        page.run()
