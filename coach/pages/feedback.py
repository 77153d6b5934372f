"""Feedback: score, red flags with their evidence highlighted in the answer, timeline, retry."""

from __future__ import annotations

import streamlit as st

from coach.errors import CoachError
from coach.services import attempts, data_io, interviewer
from coach.ui.charts import timeline_figure
from coach.ui.frame import current_frame
from coach.ui.highlight import answer_html
from coach.ui.labels import element_label, level_label
from coach.ui.llm import client_factory, disagreement_marks, scorer_notice, session_scorer
from coach.ui.state import (
    FEEDBACK_ATTEMPT,
    INTERVIEW_ID,
    INTERVIEW_PAGE,
    PRACTICE_PAGE,
    practise,
    show_flash,
)
from coach.ui.widgets import (
    comparison,
    flag_list_html,
    md_escape,
    prompt_material,
    score_cards,
)
from question_bank.schema import Prompt

frame = current_frame()
state = st.session_state

st.title("Feedback")
show_flash()

attempt_id = state.get(FEEDBACK_ATTEMPT)
if attempt_id is None:
    latest = attempts.list_attempts(frame.db, frame.user, limit=1)
    if not latest:
        st.info(
            "No feedback yet. Answer a prompt on the Practice page and your feedback shows up "
            "here: a score, the red flags in your own words, and how to fix them."
        )
        st.page_link(PRACTICE_PAGE, label="Go to Practice", icon=":material/edit_note:")
        st.stop()
    attempt_id = latest[0].id

try:
    view = attempts.get_attempt(frame.db, frame.user, attempt_id)
except CoachError:
    state[FEEDBACK_ATTEMPT] = None
    st.warning("That attempt no longer exists (it may have been deleted).")
    st.page_link(PRACTICE_PAGE, label="Go to Practice", icon=":material/edit_note:")
    st.stop()

prompt: Prompt | None = frame.bank.get(view.prompt_id) if view.prompt_id in frame.bank else None
prompt_text = prompt.text if prompt else view.prompt_text or view.prompt_id

with st.container(border=True):
    demo = " · demo data" if view.is_demo else ""
    st.caption(
        f"Attempt #{view.id} · {view.submitted_at:%d %b %Y %H:%M} UTC · {view.mode} · "
        f"level {level_label(view.level)}{demo}"
    )
    st.markdown(f"#### {md_escape(prompt_text)}")

report = view.report
if view.status != "scored" or report is None:
    # Stored but not scored: the answer is safe; let the learner try the scorer again.
    st.warning(
        "**Not scored.** Your answer is saved, but scoring did not finish"
        + (f": {md_escape(view.error)}" if view.error else ".")
    )
    if st.button("Retry scoring", key="feedback_retry", type="primary"):
        try:
            retried = attempts.retry_scoring(
                frame.db, frame.user, view.id, scorer=session_scorer(frame)
            )
        except CoachError as error:
            st.error(f"Scoring failed again: {error}")
        else:
            if retried.status == "scored":
                st.rerun()
            st.error(f"Scoring failed again: {retried.error or 'unknown error'}")
    st.subheader("Your answer")
    st.html(answer_html(view.answer))
    st.stop()

previous = attempts.previous_attempt(
    frame.db, frame.user, prompt_id=view.prompt_id, before_id=view.id
)
delta = (
    report.overall - previous.report.overall
    if previous is not None and previous.report is not None
    else None
)
scorer_notice(report)
score_cards(report, delta=delta)
disagreement_marks(report)

answer_col, flags_col = st.columns([3, 2], gap="large")
with answer_col:
    st.subheader("Your answer")
    st.caption("Highlighted: the exact words behind each red flag (numbers match the list).")
    st.html(answer_html(view.answer, report.flags))
with flags_col:
    st.subheader(f"Red flags ({len(report.flags)})")
    st.html(flag_list_html(report.flags))

expects = frozenset(prompt.expects if prompt else ())
st.plotly_chart(
    timeline_figure(report, len(view.answer), expects=expects),
    key="feedback_timeline",
    config={"displayModeBar": False},
)
first = {
    name: coverage.first_at
    for name, coverage in report.coverage.items()
    if coverage.present and coverage.first_at is not None
}
if first:
    length = max(len(view.answer), 1)
    order = sorted(first, key=lambda name: first[name])
    st.caption(
        "Order in your answer: "
        + " → ".join(f"{element_label(name)} ({100 * first[name] // length}%)" for name in order)
    )

if previous is not None:
    st.subheader("Compared with your previous try")
    comparison(previous, view, attempts.compare(previous, view, expects=expects or None))

if prompt is not None:
    st.subheader("Learn from the prompt")
    prompt_material(prompt)

actions = st.columns([1, 1.4, 1.6, 1.4])
if prompt is not None and actions[0].button(
    "Try again", key="feedback_try_again", type="primary", icon=":material/replay:"
):
    practise(prompt.id, clear_draft=True)
actions[1].download_button(
    "Download as Markdown",
    icon=":material/download:",
    data=data_io.attempt_markdown(view, prompt),
    file_name=f"aipm-coach-attempt-{view.id}.md",
    mime="text/markdown",
    key="feedback_download",
)
if actions[2].button("Continue as an interview", key="feedback_interview", icon=":material/forum:"):
    try:
        started = interviewer.start_interview(
            frame.db, frame.user, view.id, bank=frame.bank, client_factory=client_factory(frame)
        )
    except CoachError as error:
        st.error(f"The interview could not start: {error}")
    else:
        st.session_state[INTERVIEW_ID] = started.id
        st.switch_page(INTERVIEW_PAGE)
