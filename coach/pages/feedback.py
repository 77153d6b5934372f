"""Feedback: score, red flags with their evidence highlighted in the answer, timeline, next steps.

Every attempt has its own address (``?attempt=ID``), so back, reload and a shared link work.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from coach.errors import CoachError
from coach.services import attempts, data_io, drafts, interviewer, reviews, selection
from coach.services.explain import dimension_explanation, ordered_flags, overall_explanation
from coach.ui.frame import current_frame
from coach.ui.highlight import answer_html
from coach.ui.labels import element_label, format_duration, level_label
from coach.ui.llm import client_factory, disagreement_marks, scorer_notice, session_scorer
from coach.ui.review_share import get_a_review
from coach.ui.review_view import flag_notes, mentor_reviews, score_overrides
from coach.ui.state import (
    ATTEMPT_PARAM,
    FEEDBACK_ATTEMPT,
    FEEDBACK_CACHE,
    INTERVIEW_ID,
    INTERVIEW_PAGE,
    PRACTICE_PAGE,
    practise,
    show_flash,
)
from coach.ui.timeline import timeline_html
from coach.ui.widgets import (
    comparison,
    dispute_box,
    flag_list_html,
    md_escape,
    prompt_material,
    rule_text,
    score_cards,
)
from question_bank.schema import Prompt

frame = current_frame()
state = st.session_state

st.title("Feedback")
show_flash()


def _requested_id() -> int | None:
    raw = st.query_params.get(ATTEMPT_PARAM)
    if raw is not None:
        try:
            return int(raw)
        except ValueError:
            return None
    return state.get(FEEDBACK_ATTEMPT)


attempt_id = _requested_id()
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

cached = state.get(FEEDBACK_CACHE)
try:
    if cached is not None and cached.attempt.id == attempt_id:
        feedback = cached  # submit just returned it: no second read
    else:
        feedback = attempts.feedback_view(frame.db, frame.user, attempt_id)
except CoachError:
    state[FEEDBACK_ATTEMPT] = None
    st.warning(f"Attempt #{attempt_id} does not exist (it may have been deleted).")
    st.page_link(PRACTICE_PAGE, label="Go to Practice", icon=":material/edit_note:")
    st.stop()
state[FEEDBACK_CACHE] = feedback
state[FEEDBACK_ATTEMPT] = attempt_id
if st.query_params.get(ATTEMPT_PARAM) != str(attempt_id):
    st.query_params[ATTEMPT_PARAM] = str(attempt_id)  # the address always names the attempt

view = feedback.attempt
prompt: Prompt | None = frame.bank.get(view.prompt_id) if view.prompt_id in frame.bank else None
prompt_text = prompt.text if prompt else view.prompt_text or view.prompt_id

with st.container(border=True):
    demo = " · demo data" if view.is_demo else ""
    mode = "timed" if view.mode == "timed" else "practice"
    st.caption(
        f"Attempt #{view.id} · {view.submitted_at:%d %b %Y %H:%M} UTC · {mode} · "
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
            state.pop(FEEDBACK_CACHE, None)
            if retried.status == "scored":
                st.rerun()
            st.error(f"Scoring failed again: {retried.error or 'unknown error'}")
    st.subheader("Your answer")
    st.html(answer_html(view.answer))
    st.stop()

previous = feedback.previous
delta = (
    report.overall - previous.report.overall
    if previous is not None and previous.report is not None
    else None
)
scorer_notice(report)
score_cards(report, delta=delta, self_ratings=feedback.self_ratings)
mentor_said = reviews.reviews_for_owner(frame.db, frame.user, view.id)
score_overrides(report, mentor_said)
disagreement_marks(report)
with st.popover("How the scores are computed", icon=":material/calculate:"):
    st.markdown("**Each dimension**, from the evidence in your answer:")
    st.markdown("\n".join(f"- {md_escape(line)}" for line in dimension_explanation(report)))
    st.markdown("**The overall score:**")
    st.markdown("\n".join(overall_explanation(report)))

if view.mode == "timed" and prompt is not None:
    took, limit = feedback.duration_s, prompt.time_limit_s
    verdict = "within" if took <= limit else f"{format_duration(took - limit)} over"
    st.info(
        f"**Timed answer:** {format_duration(took)} against a suggested "
        f"{format_duration(limit)} ({verdict} the time).",
        icon=":material/timer:",
    )

# Flags the engine is unsure of are shown apart, as "worth checking": they cost no points.
flags = ordered_flags([flag for flag in report.flags if not flag.tentative])
unsure = ordered_flags([flag for flag in report.flags if flag.tentative])


# --- next steps: one click each -----------------------------------------------------------------
def _edit_and_resubmit() -> None:
    drafts.save_draft(
        frame.db, frame.user, prompt_id=view.prompt_id, text=view.answer, level=view.level
    )
    practise(view.prompt_id, draft=view.answer, edit_from=view.id)


def _from_scratch() -> None:
    drafts.discard_draft(frame.db, frame.user, view.prompt_id)
    practise(view.prompt_id, draft="")


def _next_recommended() -> None:
    pick = selection.recommended_prompt(frame.db, frame.user, frame.bank, now=datetime.now(UTC))
    practise(pick.prompt.id, reason=pick.reason)


def _drill(flag_id: str) -> None:
    title, _ = rule_text(flag_id)
    options = selection.prompts_for_flag(
        frame.db, frame.user, frame.bank, flag_id, exclude=view.prompt_id
    )
    target = options[0] if options else prompt
    if target is not None:
        practise(target.id, reason=f"practise “{title}”: a prompt where it tends to fire.")


steps = st.container(horizontal=True, gap="small")
if prompt is not None:
    if steps.button(
        "Edit and resubmit", key="feedback_edit", type="primary", icon=":material/edit:"
    ):
        _edit_and_resubmit()
    if steps.button("Try again from scratch", key="feedback_try_again", icon=":material/replay:"):
        _from_scratch()
if steps.button("Next recommended prompt", key="feedback_next", icon=":material/auto_awesome:"):
    _next_recommended()
if flags:
    top_title, _ = rule_text(flags[0].id)
    if steps.button(
        f"Practise this red flag: {top_title}", key="feedback_drill", icon=":material/flag:"
    ):
        _drill(flags[0].id)

# --- the answer and its flags ------------------------------------------------------------------
sentences = [(segment.start, segment.end) for segment in report.structure]
answer_col, flags_col = st.columns([3, 2], gap="large")
with answer_col:
    st.subheader("Your answer")
    st.caption(
        "Highlighted: the exact words behind each red flag; one marker per sentence lists its "
        "flags (numbers match the list)."
    )
    st.html(answer_html(view.answer, flags, sentences))
with flags_col:
    st.subheader(f"Red flags ({len(flags)})")
    st.html(
        flag_list_html(flags, disputes=feedback.disputes, reviewed=flag_notes(flags, mentor_said))
    )
    if flags:
        dispute_box(frame.db, frame.user, view.id, flags, feedback.disputes)
    if unsure:
        with st.expander(f"Worth checking ({len(unsure)})", icon=":material/help:"):
            st.caption(
                "The coach is often wrong on answers like this one, so these cost no points "
                "and do not drive recommendations. Check them yourself."
            )
            st.html(flag_list_html(unsure, disputes=feedback.disputes))

if mentor_said:
    st.subheader("Mentor's review")
    mentor_reviews(frame.db, frame.user, view.answer, mentor_said)


def _settle(element: str, answer: bool) -> None:
    try:
        state[FEEDBACK_CACHE] = attempts.answer_question(
            frame.db, frame.user, view.id, element=element, answer=answer
        )
    except (CoachError, ValueError) as error:
        state["_feedback_question_error"] = str(error)


if report.questions:
    st.subheader("The coach is not sure: you decide")
    st.caption(
        "Where the coach cannot tell from the words alone, it asks instead of guessing. Your "
        "answer is kept with this attempt and the feedback is recomputed."
    )
    for question in report.questions:
        with st.container(border=True):
            st.markdown(md_escape(question.text))
            yes, no = st.columns(2)
            yes.button(
                "Yes",
                key=f"feedback_question_yes_{question.element}",
                icon=":material/check:",
                on_click=_settle,
                args=(question.element, True),
            )
            no.button(
                "No",
                key=f"feedback_question_no_{question.element}",
                icon=":material/close:",
                on_click=_settle,
                args=(question.element, False),
            )
    if problem := state.pop("_feedback_question_error", None):
        st.error(f"Your answer could not be saved: {problem}")

expects = frozenset(prompt.expects if prompt else ())
st.html(timeline_html(report, len(view.answer), expects=expects))
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

if previous is not None and feedback.comparison is not None:
    st.subheader("Compared with your previous try")
    comparison(previous, view, feedback.comparison)

if prompt is not None:
    st.subheader("Learn from the prompt")
    prompt_material(prompt)

st.download_button(
    "Download as Markdown",
    icon=":material/download:",
    data=data_io.attempt_markdown(view, prompt),
    file_name=f"aipm-coach-attempt-{view.id}.md",
    mime="text/markdown",
    key="feedback_download",
)
get_a_review(frame, view)
if st.button("Continue as an interview", key="feedback_interview", icon=":material/forum:"):
    try:
        started = interviewer.start_interview(
            frame.db, frame.user, view.id, bank=frame.bank, client_factory=client_factory(frame)
        )
    except CoachError as error:
        st.error(f"The interview could not start: {error}")
    else:
        st.session_state[INTERVIEW_ID] = started.id
        st.switch_page(INTERVIEW_PAGE)
