"""Practice: choose a prompt, answer it (optionally against the clock), submit for feedback."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import streamlit as st

from coach.errors import CoachError, EmptyAnswerError, StorageUnavailableError
from coach.services import attempts, selection, transcription
from coach.services.coaching import analyze_draft, phase_nudges
from coach.ui.frame import current_frame, session_user
from coach.ui.labels import (
    DIFFICULTY_LABELS,
    LEVEL_LABELS,
    LEVELS,
    element_label,
    format_duration,
)
from coach.ui.llm import session_scorer, speech_recorder, typed_filler_stats
from coach.ui.state import (
    ALL,
    ANY_DIFFICULTY,
    DRAFTS,
    SELECTED_PROMPT,
    STARTED_AT,
    TARGET_LEVEL,
    TIMER_STARTED,
    level_choice,
    none_if_all,
    open_feedback,
    show_flash,
    sticky,
)
from coach.ui.widgets import md_escape, prompt_material
from question_bank.schema import Prompt
from scoring import AnswerTooLongError
from scoring.report import Report

ANSWER_KEY = "practice_answer"
ANSWER_FOR_KEY = "_practice_answer_for"  # which prompt the text box currently holds
GOTO_KEY = "_practice_goto_feedback"
ERROR_KEY = "_practice_error"
REASON_KEY = "_practice_reason"
DRAFT_REPORT_KEY = "_practice_draft_report"

frame = current_frame()
bank = frame.bank
state = st.session_state

# A submit in the previous click's callback leaves the attempt id here: show its feedback.
if (goto := state.pop(GOTO_KEY, None)) is not None:
    open_feedback(goto)


def _matches() -> list[Prompt]:
    """Return the prompts that pass the filter widgets' current values."""
    return selection.find_prompts(
        bank,
        category=none_if_all(state.get("practice_category")),
        difficulty=none_if_all(state.get("practice_difficulty")),
        tag=none_if_all(state.get("practice_tag")),
        query=(state.get("practice_query") or "").strip() or None,
    )


def _select(prompt_id: str, reason: str | None = None) -> None:
    state[SELECTED_PROMPT] = prompt_id
    state["practice_prompt"] = prompt_id
    state[REASON_KEY] = (prompt_id, reason) if reason else None
    state.pop(ERROR_KEY, None)


def _on_filter_change() -> None:
    matches = _matches()
    if matches and state.get(SELECTED_PROMPT) not in {prompt.id for prompt in matches}:
        _select(matches[0].id)


def _on_prompt_change() -> None:
    _select(state["practice_prompt"])


def _surprise() -> None:
    pool = _matches() or bank.prompts
    rng = random.Random()  # noqa: S311 - a practice pick, not security
    _select(selection.surprise_prompt(frame.db, frame.user, pool, rng=rng).id)


def _recommend() -> None:
    recommendation = selection.recommended_prompt(frame.db, frame.user, bank, now=datetime.now(UTC))
    _select(recommendation.prompt.id, recommendation.reason)


def _save_draft() -> None:
    prompt_id = state.get(ANSWER_FOR_KEY)
    if prompt_id:
        state[DRAFTS][prompt_id] = state.get(ANSWER_KEY, "")


def _start_timer(prompt_id: str) -> None:
    now = datetime.now(UTC)
    state[TIMER_STARTED][prompt_id] = now
    state[STARTED_AT][prompt_id] = now


def _reset_timer(prompt_id: str) -> None:
    state[TIMER_STARTED].pop(prompt_id, None)


def _submit(prompt_id: str) -> None:
    prompt = bank.get(prompt_id)
    answer = state.get(ANSWER_KEY, "")
    state[DRAFTS][prompt_id] = answer
    timer = state[TIMER_STARTED].get(prompt_id) if state.get("practice_timed") else None
    started = timer or state[STARTED_AT].get(prompt_id) or datetime.now(UTC)
    try:
        # A retry after a storage failure: the database may have been recreated empty.
        frame.db.ensure_ready()
        view = attempts.submit_answer(
            frame.db,
            session_user(frame),
            prompt=prompt,
            answer=answer,
            mode="timed" if timer else "practice",
            level=state[TARGET_LEVEL],
            started_at=started,
            scorer=session_scorer(frame),
        )
    except EmptyAnswerError:
        state[ERROR_KEY] = (
            "warning",
            "Your answer is empty. Type it out as you would say it in the interview, then submit.",
        )
        return
    except AnswerTooLongError as error:
        state[ERROR_KEY] = (
            "error",
            f"{error} Nothing was saved; your text is still in the box so you can cut it down.",
        )
        return
    except StorageUnavailableError as error:
        state[ERROR_KEY] = (
            "error",
            f"Your answer could not be saved: {md_escape(error.reason)} Your text is still in "
            "the box: click Submit for feedback again to retry once the database is back.",
        )
        return
    except CoachError as error:
        state[ERROR_KEY] = ("error", f"Your answer could not be saved: {error}")
        return
    recording = state.get("practice_audio")
    if recording is not None and state.get("practice_keep_audio"):
        transcription.keep_audio(
            frame.db, frame.user, view.id, recording.getvalue(), mime=recording.type or "audio/wav"
        )
    for store in (DRAFTS, STARTED_AT, TIMER_STARTED):
        state[store].pop(prompt_id, None)
    state[ANSWER_KEY] = ""
    state[GOTO_KEY] = view.id


def _draft_report(prompt: Prompt, draft: str, level: str) -> Report | None:
    """Analyse the draft for the nudges, reusing the last result while the draft is unchanged."""
    cache_key = (prompt.id, level, draft)
    cached = state.get(DRAFT_REPORT_KEY)
    if cached and cached[0] == cache_key:
        return cached[1]
    report = analyze_draft(prompt, draft, level)
    state[DRAFT_REPORT_KEY] = (cache_key, report)
    return report


@st.fragment(run_every=1)
def _countdown(prompt: Prompt, level: str) -> None:
    started = state[TIMER_STARTED].get(prompt.id)
    if started is None:
        return
    elapsed = (datetime.now(UTC) - started).total_seconds()
    draft = state.get(ANSWER_KEY, "") or ""
    coaching = phase_nudges(
        _draft_report(prompt, draft, level),
        elapsed_s=elapsed,
        limit_s=prompt.time_limit_s,
        expects=frozenset(prompt.expects),
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


# --- choose a prompt -------------------------------------------------------------------------
st.title("Practice")
show_flash()

categories = {category.slug: category for category in bank.categories}
for widget_key, default in (
    ("practice_category", ALL),
    ("practice_difficulty", ANY_DIFFICULTY),
    ("practice_tag", ALL),
    ("practice_query", ""),
    ("practice_timed", False),
):
    sticky(widget_key, default)
row = st.columns([3, 2, 2, 3])
row[0].selectbox(
    "Category",
    [ALL, *categories],
    format_func=lambda slug: "All categories" if slug == ALL else categories[slug].title,
    key="practice_category",
    on_change=_on_filter_change,
)
row[1].selectbox(
    "Difficulty",
    [ANY_DIFFICULTY, 1, 2, 3],
    format_func=lambda level: "Any" if level == ANY_DIFFICULTY else DIFFICULTY_LABELS[level],
    key="practice_difficulty",
    on_change=_on_filter_change,
)
row[2].selectbox(
    "Tag",
    [ALL, *bank.tags],
    format_func=lambda tag: "Any tag" if tag == ALL else tag,
    key="practice_tag",
    on_change=_on_filter_change,
)
row[3].text_input(
    "Search",
    key="practice_query",
    placeholder="e.g. support, evaluation, nurses",
    on_change=_on_filter_change,
)

matches = _matches()
selected_id = state.get(SELECTED_PROMPT)
if selected_id not in bank:
    selected_id = (matches or bank.prompts)[0].id
    state[SELECTED_PROMPT] = selected_id
options = [prompt.id for prompt in matches]
if selected_id not in options:
    options.insert(0, selected_id)  # the current prompt stays choosable while filters change
if state.get("practice_prompt") != selected_id:
    state["practice_prompt"] = selected_id

pick, surprise, recommend = st.columns([5, 1.3, 1.7], vertical_alignment="bottom")
pick.selectbox(
    f"Prompt ({len(matches)} of {len(bank)} match)",
    options,
    format_func=lambda prompt_id: f"{bank.get(prompt_id).text[:110]}  ·  {prompt_id}",
    key="practice_prompt",
    on_change=_on_prompt_change,
)
surprise.button(
    "Surprise me",
    key="practice_surprise",
    on_click=_surprise,
    width="stretch",
    icon=":material/casino:",
)
recommend.button(
    "Recommended next",
    key="practice_recommend",
    on_click=_recommend,
    width="stretch",
    icon=":material/auto_awesome:",
    help="Targets your weakest dimension or most frequent red flag, and brings back prompts "
    "whose flags have not cleared.",
)
if not matches:
    st.caption("No prompt matches these filters; the current prompt stays selected.")

prompt = bank.get(selected_id)
recommended = state.get(REASON_KEY)
if recommended and recommended[0] == prompt.id:
    st.info(f"**Recommended next** · {md_escape(recommended[1])}", icon=":material/auto_awesome:")

with st.container(border=True):
    category = categories.get(prompt.category)
    st.caption(
        f"{md_escape(category.title if category else prompt.category)} · "
        f"difficulty {DIFFICULTY_LABELS[prompt.difficulty]} · "
        f"suggested time {format_duration(prompt.time_limit_s)} · "
        f"expects: {', '.join(element_label(name) for name in prompt.expects)}"
    )
    st.markdown(f"#### {md_escape(prompt.text)}")
    prompt_material(prompt, ("hints",))

settings_row = st.columns([3, 2], vertical_alignment="center")
with settings_row[0]:
    level = level_choice("practice_level", LEVELS, LEVEL_LABELS)
with settings_row[1]:
    timed = st.toggle(
        f"Timed mode ({format_duration(prompt.time_limit_s)})",
        key="practice_timed",
        help="A countdown with an interviewer's nudges when a part of the answer is overdue.",
    )

# --- the answer -------------------------------------------------------------------------------
if timed:
    if prompt.id in state[TIMER_STARTED]:
        _countdown(prompt, level)
        st.button(
            "Reset clock", key="practice_timer_reset", on_click=_reset_timer, args=(prompt.id,)
        )
        st.caption(
            "The interviewer reads your draft each time you click outside the box "
            "(or press Ctrl+Enter)."
        )
    else:
        st.button(
            "Start the clock",
            key="practice_timer_start",
            type="primary",
            icon=":material/timer:",
            on_click=_start_timer,
            args=(prompt.id,),
        )

if state.get(ANSWER_FOR_KEY) != prompt.id or ANSWER_KEY not in state:
    # The box was showing another prompt, or this page was just opened: bring back the draft.
    state[ANSWER_KEY] = state[DRAFTS].get(prompt.id, "")
    state[ANSWER_FOR_KEY] = prompt.id
state[STARTED_AT].setdefault(prompt.id, datetime.now(UTC))


def _use_transcript(text: str) -> None:
    state[ANSWER_KEY] = text
    state[DRAFTS][prompt.id] = text


with st.expander("Answer out loud (record, transcribe, edit)", icon=":material/mic:"):
    if speech_recorder(frame, key="practice", on_transcript=_use_transcript) is not None:
        st.checkbox(
            "Keep the recording with this attempt",
            key="practice_keep_audio",
            help="Off by default: the audio is used for the transcript and then dropped.",
        )

draft = st.text_area(
    "Your answer",
    key=ANSWER_KEY,
    height=300,
    placeholder="Answer as you would out loud: who is it for, what hurts, how you'd measure "
    "success, then the solution and how you'd know the AI's output is good.",
    on_change=_save_draft,
)
state[DRAFTS][prompt.id] = draft or ""
words = len((draft or "").split())
st.caption(f"{words} words · about {format_duration(round(words / 2.5))} spoken")
typed_filler_stats(draft or "")

if (problem := state.pop(ERROR_KEY, None)) is not None:
    kind, message = problem
    (st.warning if kind == "warning" else st.error)(message)

st.button(
    "Submit for feedback",
    key="practice_submit",
    type="primary",
    on_click=_submit,
    args=(prompt.id,),
)

try:
    previous = attempts.list_attempts(frame.db, frame.user, prompt_id=prompt.id, limit=1)
except StorageUnavailableError:
    previous = []  # the page stays usable (and the typed answer on screen) while it is down
if previous:
    last = previous[0]
    score = "not scored" if last.overall is None else f"{last.overall}/100"
    if st.button(
        f"Your last try on this prompt: {score} ({last.submitted_at:%d %b %Y}) · open its feedback",
        key="practice_open_last",
        type="tertiary",
    ):
        open_feedback(last.id)
