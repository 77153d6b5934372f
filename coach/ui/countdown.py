"""Timed mode on Practice: the clock, the phase bar and the interviewer's nudges, redrawn every
second as a fragment.

Defined here, not in the page, so the fragment and its cache are built once per process: a page
file runs again on every rerun, and decorating them there cost ~0.2 ms of each one.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from coach.services.coaching import analyze_draft, phase_nudges
from coach.ui.labels import format_duration
from coach.ui.state import TIMER_STARTED
from question_bank import Bank
from question_bank.schema import Prompt
from scoring.report import Report


@st.cache_data(max_entries=64, show_spinner=False)
def _draft_report(_bank: Bank, prompt_id: str, draft: str, level: str) -> Report | None:
    """Analyse the draft for the nudges (cached: the clock reruns every second)."""
    return analyze_draft(_bank.get(prompt_id), draft, level)


@st.fragment(run_every=1)
def countdown(bank: Bank, prompt: Prompt, level: str, *, answer_key: str) -> None:
    """Draw the time left and the nudges for the draft in the ``answer_key`` box, once the
    clock of this prompt is started."""
    state = st.session_state
    started = state[TIMER_STARTED].get(prompt.id)
    if started is None:
        return
    elapsed = (datetime.now(UTC) - started).total_seconds()
    draft = state.get(answer_key, "") or ""
    coaching = phase_nudges(
        _draft_report(bank, prompt.id, draft, level),
        elapsed_s=elapsed,
        limit_s=prompt.time_limit_s,
        expects=frozenset(prompt.expects),
        category=prompt.category,
    )
    clock, bar = st.columns([1, 4], vertical_alignment="center")
    clock.metric(
        "Time left" if coaching.remaining_s >= 0 else "Over time",
        format_duration(coaching.remaining_s),
    )
    bar.progress(min(coaching.used, 1.0), text=f"Phase: {coaching.phase} · {coaching.phase_hint}")
    for nudge in coaching.nudges:
        {"error": st.error, "warning": st.warning}.get(nudge.tone, st.info)(
            f"Interviewer: {nudge.message}", icon=":material/record_voice_over:"
        )
