"""Session keys shared between pages and the moves from one page to another."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

import streamlit as st

T = TypeVar("T")

PRACTICE_PAGE = "coach/pages/practice.py"
FEEDBACK_PAGE = "coach/pages/feedback.py"
PROGRESS_PAGE = "coach/pages/progress.py"
BANK_PAGE = "coach/pages/question_bank.py"
SETTINGS_PAGE = "coach/pages/settings.py"
INTERVIEW_PAGE = "coach/pages/interview.py"
MOCK_PAGE = "coach/pages/mock_interview.py"
SIGN_IN_PAGE = "coach/pages/sign_in.py"

# Non-widget keys: they survive page switches (widget keys are dropped when not drawn).
SELECTED_PROMPT = "selected_prompt_id"
TARGET_LEVEL = "target_level"
DRAFTS = "drafts"  # prompt id -> draft text
STARTED_AT = "started_at"  # prompt id -> aware datetime the learner started this prompt
TIMER_STARTED = "timer_started"  # prompt id -> aware datetime the timed run started
FEEDBACK_ATTEMPT = "feedback_attempt_id"
INTERVIEW_ID = "interview_id"  # the interview the Interview page shows
MOCK_ID = "mock_interview_id"  # the mock interview in progress
FLASH = "flash"  # one-shot message shown on the next page drawn: (kind, text)
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


def open_feedback(attempt_id: int) -> None:
    """Switch to the Feedback page showing this attempt."""
    st.session_state[FEEDBACK_ATTEMPT] = attempt_id
    st.switch_page(FEEDBACK_PAGE)


def practise(prompt_id: str, *, clear_draft: bool = False) -> None:
    """Switch to the Practice page with this prompt selected."""
    st.session_state[SELECTED_PROMPT] = prompt_id
    if clear_draft:
        st.session_state[DRAFTS].pop(prompt_id, None)
        st.session_state[STARTED_AT].pop(prompt_id, None)
        st.session_state[TIMER_STARTED].pop(prompt_id, None)
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


def memo(name: str, fingerprint: Hashable, build: Callable[[], T]) -> T:
    """Reuse what ``build`` returned on an earlier rerun of this session while ``fingerprint``
    (a cheap digest of its inputs) is unchanged."""
    key = f"_memo::{name}"
    cached = st.session_state.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cast("T", cached[1])
    value = build()
    st.session_state[key] = (fingerprint, value)
    return value
