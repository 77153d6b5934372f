"""Mock interview: 3-5 prompts in a row, each timed, a follow-up after each, then a summary."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from coach.errors import CoachError
from coach.services import interviewer
from coach.ui.frame import current_frame
from coach.ui.labels import format_duration
from coach.ui.llm import client_factory, session_scorer
from coach.ui.state import INTERVIEW_ID, INTERVIEW_PAGE, MOCK_ID, TARGET_LEVEL, show_flash
from coach.ui.widgets import md_escape, rule_text

RECOMMENDED = "*recommended*"
ANSWER_KEY = "mock_answer"
REPLY_KEY = "mock_reply"
STARTED_KEY = "_mock_started"  # (mock id, question index) -> aware datetime shown
ERROR_KEY = "_mock_error"

frame = current_frame()
state = st.session_state
bank = frame.bank

st.title("Mock interview")
show_flash()


def _start() -> None:
    category = state.get("mock_source")
    try:
        prompts = interviewer.choose_mock_prompts(
            frame.db,
            frame.user,
            bank,
            count=int(state.get("mock_count", 3)),
            category=None if category in (None, RECOMMENDED) else category,
            now=datetime.now(UTC),
        )
        mock = interviewer.start_mock(
            frame.db,
            frame.user,
            prompts,
            level=state[TARGET_LEVEL],
            chosen_by=category or RECOMMENDED,
        )
    except (CoachError, ValueError) as error:
        state[ERROR_KEY] = str(error)
        return
    state[MOCK_ID] = mock.id


def _submit(mock_id: int, index: int) -> None:
    started = state.setdefault(STARTED_KEY, {}).get((mock_id, index), datetime.now(UTC))
    try:
        interviewer.answer_mock_question(
            frame.db,
            frame.user,
            mock_id,
            bank=bank,
            answer=state.get(ANSWER_KEY, ""),
            started_at=started,
            scorer=session_scorer(frame),
            client_factory=client_factory(frame),
        )
    except CoachError as error:
        state[ERROR_KEY] = str(error)
        return
    state[ANSWER_KEY] = ""


def _reply(interview_id: int) -> None:
    try:
        interviewer.answer_follow_up(
            frame.db,
            frame.user,
            interview_id,
            state.get(REPLY_KEY, ""),
            scorer=session_scorer(frame),
        )
    except CoachError as error:
        state[ERROR_KEY] = str(error)
        return
    state[REPLY_KEY] = ""


def _new() -> None:
    state[MOCK_ID] = None


def _problem() -> None:
    if (problem := state.pop(ERROR_KEY, None)) is not None:
        st.warning(problem)


mock_id = state.get(MOCK_ID)
if mock_id is None:
    st.markdown(
        "Chain 3-5 prompts like a real interview loop: each one against its clock, a follow-up "
        "after each answer, and a summary at the end."
    )
    categories = {category.slug: category.title for category in bank.categories}
    st.selectbox(
        "Questions",
        [RECOMMENDED, *categories],
        format_func=lambda slug: "Recommended for me" if slug == RECOMMENDED else categories[slug],
        key="mock_source",
    )
    st.radio("How many", interviewer.MOCK_SIZES, horizontal=True, key="mock_count")
    _problem()
    st.button("Start the mock interview", key="mock_start", type="primary", on_click=_start)
    st.stop()

try:
    mock = interviewer.get_mock(frame.db, frame.user, mock_id, bank=bank)
except CoachError:
    state[MOCK_ID] = None
    st.warning("That mock interview no longer exists.")
    st.stop()

total = len(mock.questions)
index = mock.current
st.progress(
    (total if index is None else index) / total,
    text=f"Question {min((index or total) + 1, total)} of {total}"
    if index is not None
    else "Finished",
)

if index is not None:
    question = mock.questions[index]
    prompt = question.prompt
    with st.container(border=True):
        st.caption(
            f"Question {index + 1} of {total} · time limit {format_duration(prompt.time_limit_s)}"
        )
        st.markdown(f"#### {md_escape(prompt.text)}")
    if question.stage == "answer":
        started = state.setdefault(STARTED_KEY, {}).setdefault((mock.id, index), datetime.now(UTC))

        @st.fragment(run_every=1)
        def _clock() -> None:
            left = prompt.time_limit_s - (datetime.now(UTC) - started).total_seconds()
            st.metric("Time left" if left >= 0 else "Over time", format_duration(round(left)))

        _clock()
        st.text_area("Your answer", key=ANSWER_KEY, height=260)
        _problem()
        st.button(
            "Submit this answer",
            key="mock_submit",
            type="primary",
            on_click=_submit,
            args=(mock.id, index),
        )
    else:
        interview = question.interview
        assert interview is not None and interview.pending is not None
        score = question.score
        st.caption(f"Your answer scored {score}/100." if score is not None else "Answer saved.")
        with st.chat_message("assistant", avatar=":material/record_voice_over:"):
            st.markdown(f"**Interviewer:** {md_escape(interview.pending.question)}")
        st.text_area("Your reply", key=REPLY_KEY, height=160)
        _problem()
        st.button(
            "Answer and go on",
            key="mock_reply_submit",
            type="primary",
            on_click=_reply,
            args=(interview.id,),
        )
    st.stop()

interviewer.finish_mock(frame.db, frame.user, mock.id)
summary = interviewer.mock_summary(mock)
st.subheader("Summary")
st.metric("Average score", "—" if summary.average is None else f"{summary.average}/100")
st.dataframe(
    [
        {
            "Question": text[:90],
            "Score": score,
            "Time used": format_duration(used),
            "Time limit": format_duration(limit),
        }
        for _, text, score, used, limit in summary.scores
    ],
    hide_index=True,
    key="mock_summary_table",
)
st.markdown("**Red flags that came back**")
if summary.recurring_flags:
    for flag_id, count in summary.recurring_flags:
        st.markdown(f"- **{md_escape(rule_text(flag_id)[0])}** in {count} answers")
else:
    st.markdown("- None recurred: each answer had its own issues.")
st.markdown("**What to practise next**")
for item in summary.practise_next:
    st.markdown(f"- {md_escape(item)}")
for question in mock.questions:
    if question.interview is not None and st.button(
        f"Open the conversation on {question.prompt.id}", key=f"mock_open_{question.prompt.id}"
    ):
        state[INTERVIEW_ID] = question.interview.id
        st.switch_page(INTERVIEW_PAGE)
st.button("Start another mock interview", key="mock_new", on_click=_new)
