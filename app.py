"""aipm-coach: the Streamlit entry point. Routes to the pages and builds the shared frame."""

from __future__ import annotations

import streamlit as st

from coach.ui.autosave import autosave
from coach.ui.frame import FRAME_KEY, FrameError, load_frame, render_frame_error
from coach.ui.state import (
    BANK_PAGE,
    FEEDBACK_PAGE,
    PRACTICE_PAGE,
    PROGRESS_PAGE,
    SETTINGS_PAGE,
    init_state,
)

st.set_page_config(page_title="AI-PM Interview Coach", page_icon=":material/target:", layout="wide")

try:
    frame = load_frame()
except FrameError as error:
    render_frame_error(error)
else:
    st.session_state[FRAME_KEY] = frame
    init_state(frame.settings.default_level)
    page = st.navigation(
        {
            "Practise": [
                st.Page(PRACTICE_PAGE, title="Practice", icon=":material/edit_note:", default=True),
                st.Page(FEEDBACK_PAGE, title="Feedback", icon=":material/fact_check:"),
            ],
            "Review": [
                st.Page(PROGRESS_PAGE, title="Progress", icon=":material/monitoring:"),
                st.Page(BANK_PAGE, title="Question bank", icon=":material/menu_book:"),
            ],
            "Data": [
                st.Page(SETTINGS_PAGE, title="Settings & data", icon=":material/settings:"),
            ],
        }
    )
    autosave()  # drafts committed while typing, one history entry per move (all pages)
    page.run()
