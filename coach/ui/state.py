"""Session keys shared between pages and the moves from one page to another."""

from __future__ import annotations

from typing import Any

import streamlit as st

PRACTICE_PAGE = "coach/pages/practice.py"
FEEDBACK_PAGE = "coach/pages/feedback.py"
PROGRESS_PAGE = "coach/pages/progress.py"
BANK_PAGE = "coach/pages/question_bank.py"
SETTINGS_PAGE = "coach/pages/settings.py"
INTERVIEW_PAGE = "coach/pages/interview.py"
MOCK_PAGE = "coach/pages/mock_interview.py"
SIGN_IN_PAGE = "coach/pages/sign_in.py"
REVIEW_QUEUE_PAGE = "coach/pages/review_queue.py"
REVIEW_PAGE = "coach/pages/review.py"
AGREEMENT_PAGE = "coach/pages/agreement.py"
REVIEW_LINK_PAGE = "coach/pages/review_link.py"
REVIEW_FILE_PAGE = "coach/pages/review_file.py"
COHORTS_PAGE = "coach/pages/cohorts.py"
DASHBOARD_PAGE = "coach/pages/cohort_dashboard.py"

# Non-widget keys: they survive page switches (widget keys are dropped when not drawn).
SELECTED_PROMPT = "selected_prompt_id"
TARGET_LEVEL = "target_level"
DRAFTS = "drafts"  # prompt id -> draft text
STARTED_AT = "started_at"  # prompt id -> aware datetime the learner started this prompt
TIMER_STARTED = "timer_started"  # prompt id -> aware datetime the timed run started
FEEDBACK_ATTEMPT = "feedback_attempt_id"
INTERVIEW_ID = "interview_id"  # the interview the Interview page shows
MOCK_ID = "mock_interview_id"  # the mock interview in progress
ATTEMPT_PARAM = "attempt"  # ?attempt=ID: the address of one attempt's feedback
REVIEW_PARAM = "review"  # ?review=TOKEN: a review link, opened without signing in
EDIT_FROM = "edit_from_attempt"  # attempt id whose answer and flags Practice shows for an edit
RECOMMENDED = "_practice_reason"  # (prompt id, why it was recommended)
FEEDBACK_CACHE = "_feedback_view"  # the view submit returned, shown without reading it again
FLASH = "flash"  # one-shot message shown on the next page drawn: (kind, text)
QUEUED_PAGE = "_queued_page"  # (page, query params) a widget callback asked to open
ALL = "*"  # "no filter" in a selectbox (None would show as an empty choice once seeded)
ANY_DIFFICULTY = 0


def init_state(default_level: str) -> None:
    """Initialise the shared session keys once per session."""
    defaults: dict[str, Any] = {
        SELECTED_PROMPT: None,
        TARGET_LEVEL: default_level,
        DRAFTS: {},
        STARTED_AT: {},
        TIMER_STARTED: {},
        FEEDBACK_ATTEMPT: None,
        INTERVIEW_ID: None,
        MOCK_ID: None,
        EDIT_FROM: None,
    }
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value


def none_if_all(value: Any) -> Any:
    """Map the "no filter" choices to None for the services."""
    return None if value in (ALL, ANY_DIFFICULTY, None) else value


def flash(kind: str, text: str) -> None:
    """Queue a message for the next page drawn (survives a page switch)."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    """Show and clear the queued message, if any."""
    queued = st.session_state.pop(FLASH, None)
    if queued:
        kind, text = queued
        {"success": st.success, "warning": st.warning, "error": st.error}.get(kind, st.info)(text)


def open_feedback(attempt_id: int, *, from_callback: bool = False) -> None:
    """Switch to the Feedback page at this attempt's own address (``?attempt=ID``).

    A widget callback runs before ``st.navigation`` has named the pages, so there the switch
    is queued and the router makes it (:func:`follow_queued_page`) before any page is drawn.
    """
    st.session_state[FEEDBACK_ATTEMPT] = attempt_id
    query = {ATTEMPT_PARAM: str(attempt_id)}
    if from_callback:
        st.session_state[QUEUED_PAGE] = (FEEDBACK_PAGE, query)
    else:
        st.switch_page(FEEDBACK_PAGE, query_params=query)


def follow_queued_page() -> None:
    """Make the page switch a callback queued, if any (the router calls this)."""
    queued = st.session_state.pop(QUEUED_PAGE, None)
    if queued is not None:
        page, query = queued
        st.switch_page(page, query_params=query)


def open_review_page(attempt_id: int) -> None:
    """Switch to the mentor's review page for this attempt (``?attempt=ID``)."""
    st.switch_page(REVIEW_PAGE, query_params={ATTEMPT_PARAM: str(attempt_id)})


def practise(
    prompt_id: str,
    *,
    draft: str | None = None,
    edit_from: int | None = None,
    reason: str | None = None,
) -> None:
    """Switch to the Practice page with this prompt selected; ``draft`` replaces the text in
    the box (the caller has stored it), ``edit_from`` shows that attempt's flags beside it."""
    state = st.session_state
    state[SELECTED_PROMPT] = prompt_id
    state[EDIT_FROM] = edit_from
    state[RECOMMENDED] = (prompt_id, reason) if reason else None
    if draft is not None:
        state[DRAFTS][prompt_id] = draft
        state.pop("_practice_answer_for", None)  # make Practice reload the box from DRAFTS
        state[STARTED_AT].pop(prompt_id, None)
        state[TIMER_STARTED].pop(prompt_id, None)
    st.switch_page(PRACTICE_PAGE)


def seed_widget(widget_key: str, value: Any) -> None:
    """Give a widget its remembered value when it is drawn again (e.g. after a page switch)."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value


def level_choice(widget_key: str, levels: tuple[str, ...], labels: dict[str, str]) -> str:
    """Draw the target-level selector; the choice is shared by every page that shows one."""
    seed_widget(widget_key, st.session_state[TARGET_LEVEL])

    def remember() -> None:
        st.session_state[TARGET_LEVEL] = st.session_state[widget_key]

    return str(
        st.radio(
            "Target level",
            levels,
            format_func=lambda level: labels.get(level, level),
            horizontal=True,
            key=widget_key,
            on_change=remember,
            help="The same answer grades lower for a senior role than for an APM role.",
        )
    )


def sticky(widget_key: str, default: Any) -> None:
    """Keep a widget's value across page switches (Streamlit drops state of undrawn widgets).

    Call before drawing the widget: the current value is copied aside while the widget is
    alive, and restored when the page is drawn again after a switch.
    """
    keep = f"_keep::{widget_key}"
    if widget_key in st.session_state:
        st.session_state[keep] = st.session_state[widget_key]
    else:
        st.session_state[widget_key] = st.session_state.get(keep, default)
