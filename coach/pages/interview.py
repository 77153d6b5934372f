"""Interview: go on after feedback as in a real interview, with follow-up questions.

The interviewer asks about what the answer lacks; the learner answers; the whole exchange is
scored as one conversation, its timeline spanning every turn.
"""

from __future__ import annotations

import streamlit as st

from coach.errors import CoachError
from coach.services import interviewer
from coach.ui.charts import timeline_figure
from coach.ui.frame import current_frame
from coach.ui.highlight import answer_html
from coach.ui.llm import client_factory, disagreement_marks, scorer_notice, session_scorer
from coach.ui.state import FEEDBACK_PAGE, INTERVIEW_ID, MOCK_PAGE, open_feedback, show_flash
from coach.ui.widgets import flag_list_html, md_escape, score_cards

REPLY_KEY = "interview_reply"
ERROR_KEY = "_interview_error"
SOURCE_LABELS = {"gap": "aimed at a gap", "bank": "from the question bank", "llm": "AI interviewer"}

frame = current_frame()
state = st.session_state

st.title("Interview")
show_flash()

interview_id = state.get(INTERVIEW_ID)
if interview_id is None:
    st.info(
        "No interview yet. Open an answer's feedback and choose **Continue as an interview**: "
        "the interviewer asks a follow-up aimed at what your answer left out."
    )
    st.page_link(FEEDBACK_PAGE, label="Go to Feedback", icon=":material/fact_check:")
    st.stop()

try:
    view = interviewer.get_interview(frame.db, frame.user, interview_id)
except CoachError:
    state[INTERVIEW_ID] = None
    st.warning("That interview no longer exists.")
    st.stop()


def _answer(interview: int) -> None:
    try:
        interviewer.answer_follow_up(
            frame.db, frame.user, interview, state.get(REPLY_KEY, ""), scorer=session_scorer(frame)
        )
    except CoachError as error:
        state[ERROR_KEY] = str(error)
        return
    state[REPLY_KEY] = ""


def _another(interview: int) -> None:
    interviewer.ask_another(
        frame.db, frame.user, interview, bank=frame.bank, client_factory=client_factory(frame)
    )


with st.container(border=True):
    st.caption(f"Interview #{view.id} · continues attempt #{view.attempt.id}")
    st.markdown(f"#### {md_escape(view.attempt.prompt_text or view.attempt.prompt_id)}")
    st.markdown("**Your answer**")
    st.text(view.attempt.answer)
    for turn in view.turns:
        with st.chat_message("assistant", avatar=":material/record_voice_over:"):
            st.markdown(f"**Interviewer:** {md_escape(turn.question)}")
            st.caption(SOURCE_LABELS.get(turn.source, turn.source))
        if turn.answer is not None:
            with st.chat_message("user"):
                st.text(turn.answer)

pending = view.pending
if pending is not None:
    st.text_area(
        "Your reply",
        key=REPLY_KEY,
        height=180,
        placeholder="Answer the follow-up as you would out loud.",
    )
    if (problem := state.pop(ERROR_KEY, None)) is not None:
        st.warning(problem)
    st.button(
        "Answer the follow-up",
        key="interview_answer",
        type="primary",
        on_click=_answer,
        args=(view.id,),
    )
else:
    st.button(
        "Ask me another follow-up",
        key="interview_another",
        icon=":material/add_comment:",
        on_click=_another,
        args=(view.id,),
    )

report = view.report
if view.status == "not_scored":
    st.warning(f"Your replies are saved, but scoring did not finish: {view.error}")
if report is not None:
    st.subheader("The whole conversation, scored as one answer")
    scorer_notice(report)
    base = view.attempt.report
    score_cards(report, delta=report.overall - base.overall if base else None)
    disagreement_marks(report)
    transcript = view.transcript
    figure = timeline_figure(report, len(transcript))
    length = max(len(transcript), 1)
    for number, turn in enumerate(report.extras.get("turns", [])[1:], start=1):
        at = 100 * turn["start"] / length
        figure.add_vline(x=at, line_dash="dot", line_color="#888")
        figure.add_annotation(
            x=at, y=1.08, yref="paper", text=f"follow-up {number}", showarrow=False
        )
    st.plotly_chart(figure, key="interview_timeline", config={"displayModeBar": False})
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.html(answer_html(transcript, report.flags))
    with right:
        st.subheader(f"Red flags ({len(report.flags)})")
        st.html(flag_list_html(report.flags))

actions = st.columns([1, 1, 3])
if actions[0].button("Back to the feedback", key="interview_back"):
    open_feedback(view.attempt.id)
if view.mock_id is not None and actions[1].button(
    "Back to the mock interview", key="interview_mock"
):
    st.switch_page(MOCK_PAGE)
