"""Practice: choose a prompt, answer it (optionally against the clock), submit for feedback.

The draft is stored as it is typed (see ``coach.ui.autosave``), so a page switch, a reload or a
restart never loses it; unfinished drafts are listed here.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import streamlit as st

from coach.errors import (
    CoachError,
    EmptyAnswerError,
    ScoreNotStoredError,
    StorageUnavailableError,
)
from coach.services import attempts, demo, drafts, selection, transcription
from coach.services.explain import ordered_flags
from coach.ui.assignments import assignment_panel
from coach.ui.countdown import countdown
from coach.ui.frame import current_frame, session_user
from coach.ui.labels import (
    DIFFICULTY_LABELS,
    DIMENSION_LABELS,
    LEVEL_LABELS,
    LEVELS,
    element_label,
    format_duration,
)
from coach.ui.llm import session_scorer, speech_recorder, typed_filler_stats
from coach.ui.pickers import current_filters, filter_row
from coach.ui.state import (
    DRAFTS,
    EDIT_FROM,
    FEEDBACK_CACHE,
    PROGRESS_PAGE,
    RECOMMENDED,
    SELECTED_PROMPT,
    STARTED_AT,
    TARGET_LEVEL,
    TIMER_STARTED,
    flash,
    level_choice,
    open_feedback,
    show_flash,
    sticky,
)
from coach.ui.widgets import md_escape, prompt_material, rule_text
from question_bank.schema import Prompt

ANSWER_KEY = "practice_answer"
ANSWER_LABEL = "Your answer"
ANSWER_FOR_KEY = "_practice_answer_for"  # which prompt the text box currently holds
ERROR_KEY = "_practice_error"
DRAFTS_LOADED = "_drafts_loaded"
WELCOMED = "_welcomed"
RATING_PREFIX = "practice_rate_"
RATING_CHOICES: dict[int, str] = {25: "weak", 50: "partial", 75: "good", 100: "strong"}

frame = current_frame()
bank = frame.bank
state = st.session_state

if not state.get(DRAFTS_LOADED):
    # Once per session: bring back the drafts stored by an earlier visit (or before a restart),
    # and the level the learner was answering at.
    stored = drafts.list_drafts(frame.db, frame.user)
    if stored and stored[0].level in LEVELS:
        state[TARGET_LEVEL] = stored[0].level
    if stored and state.get(SELECTED_PROMPT) is None and stored[0].prompt_id in bank:
        state[SELECTED_PROMPT] = stored[0].prompt_id  # back to what the learner was writing
    for saved in stored:
        state[DRAFTS].setdefault(saved.prompt_id, saved.text)
        if saved.started_at is not None:
            state[STARTED_AT].setdefault(saved.prompt_id, saved.started_at)
        if saved.timer_started_at is not None:
            state[TIMER_STARTED].setdefault(saved.prompt_id, saved.timer_started_at)
    state[DRAFTS_LOADED] = True


def _matches() -> list[Prompt]:
    """Return the prompts that pass the filter widgets' current values."""
    chosen = current_filters("practice")
    return selection.find_prompts(
        bank,
        category=chosen.category,
        difficulty=chosen.difficulty,
        tag=chosen.tag,
        query=chosen.query,
    )


def _select(prompt_id: str, reason: str | None = None) -> None:
    state[SELECTED_PROMPT] = prompt_id
    state["practice_prompt"] = prompt_id
    state[RECOMMENDED] = (prompt_id, reason) if reason else None
    state.pop(ERROR_KEY, None)


def _on_filter_change() -> None:
    matches = _matches()
    if matches and state.get(SELECTED_PROMPT) not in {prompt.id for prompt in matches}:
        _select(matches[0].id)


def _surprise() -> None:
    pool = _matches() or bank.prompts
    rng = random.Random()  # noqa: S311 - a practice pick, not security
    _select(selection.surprise_prompt(frame.db, frame.user, pool, rng=rng).id)


def _recommend() -> None:
    recommendation = selection.recommended_prompt(frame.db, frame.user, bank, now=datetime.now(UTC))
    _select(recommendation.prompt.id, recommendation.reason)


def _warm_up() -> None:
    state[WELCOMED] = True
    easy = [prompt for prompt in bank.prompts if prompt.difficulty == 1] or bank.prompts
    _select(easy[0].id, "a warm-up: a short prompt to see how the feedback works.")


def _store_draft(prompt_id: str, text: str) -> None:
    state[DRAFTS][prompt_id] = text
    try:
        drafts.save_draft(
            frame.db,
            frame.user,
            prompt_id=prompt_id,
            text=text,
            level=state[TARGET_LEVEL],
            started_at=state[STARTED_AT].get(prompt_id),
            timer_started_at=state[TIMER_STARTED].get(prompt_id),
        )
    except CoachError as error:
        state[ERROR_KEY] = ("warning", f"Your draft could not be stored ({error}); keep the tab.")


def _save_draft() -> None:
    prompt_id = state.get(ANSWER_FOR_KEY)
    if prompt_id:
        _store_draft(prompt_id, state.get(ANSWER_KEY, "") or "")


def _start_timer(prompt_id: str) -> None:
    now = datetime.now(UTC)
    state[TIMER_STARTED][prompt_id] = now
    state[STARTED_AT][prompt_id] = now
    _store_draft(prompt_id, state.get(ANSWER_KEY, "") or "")


def _reset_timer(prompt_id: str) -> None:
    state[TIMER_STARTED].pop(prompt_id, None)
    _store_draft(prompt_id, state.get(ANSWER_KEY, "") or "")


def _submit(prompt: Prompt) -> None:
    """Store, score and show the feedback: one service call returns the view, then one switch."""
    answer = state.get(ANSWER_KEY, "") or ""
    state[DRAFTS][prompt.id] = answer
    timer = state[TIMER_STARTED].get(prompt.id) if state.get("practice_timed") else None
    started = timer or state[STARTED_AT].get(prompt.id) or datetime.now(UTC)
    ratings = {
        name: int(state[f"{RATING_PREFIX}{name}"])
        for name in DIMENSION_LABELS
        if state.get(f"{RATING_PREFIX}{name}") is not None
    }
    try:
        # A retry after a storage failure: the database may have been recreated empty.
        frame.db.ensure_ready()
        feedback = attempts.submit(
            frame.db,
            session_user(frame),
            prompt=prompt,
            answer=answer,
            mode="timed" if timer else "practice",
            level=state[TARGET_LEVEL],
            started_at=started,
            scorer=session_scorer(frame),
            self_ratings=ratings,
        )
    except EmptyAnswerError:
        state[ERROR_KEY] = (
            "warning",
            "Your answer is empty. Type it out as you would say it in the interview, then submit.",
        )
        return
    except ScoreNotStoredError as error:
        # Stored already: clear the box so a second Submit cannot store the answer twice.
        _forget_answer(prompt)
        state[ERROR_KEY] = (
            "warning",
            f"Your answer is saved, but its score could not be: {md_escape(error.reason)} "
            "Once the database is back, open the answer from Progress and click Retry scoring.",
        )
        return  # a callback: the page is drawn next, with the box empty and the message
    except StorageUnavailableError as error:
        state[ERROR_KEY] = (
            "error",
            f"Your answer could not be saved: {md_escape(error.reason)} Your text is still in "
            "the box: click Submit for feedback again to retry once the database is back.",
        )
        return
    except CoachError as error:
        state[ERROR_KEY] = (
            "error",
            f"{error} Nothing was lost: your text is still in the box.",
        )
        return
    recording = state.get("practice_audio")
    if recording is not None and state.get("practice_keep_audio"):
        transcription.keep_audio(
            frame.db,
            session_user(frame),
            feedback.attempt.id,
            recording.getvalue(),
            mime=recording.type or "audio/wav",
        )
    _forget_answer(prompt)
    state[WELCOMED] = True
    state[FEEDBACK_CACHE] = feedback
    open_feedback(feedback.attempt.id, from_callback=True)


def _forget_answer(prompt: Prompt) -> None:
    """Clear the box and its clocks once the answer is stored as an attempt."""
    for store in (DRAFTS, STARTED_AT, TIMER_STARTED):
        state[store].pop(prompt.id, None)
    for name in DIMENSION_LABELS:
        state.pop(f"{RATING_PREFIX}{name}", None)
    state.pop(ANSWER_KEY, None)
    state[EDIT_FROM] = None


# --- first visit -------------------------------------------------------------------------------
st.title("Practice")
show_flash()
if frame.settings.auth != "none":  # cohorts, hence assignments, exist on shared deployments
    assignment_panel(frame.db, frame.user, bank)

if WELCOMED not in state:
    # Decided once per session: typing the first words must not make the welcome vanish
    # (the page would jump under the learner's next click).
    state[WELCOMED] = bool(state[DRAFTS]) or bool(
        attempts.list_attempts(frame.db, frame.user, limit=1)
    )
first_visit = not state[WELCOMED]
if first_visit:
    with st.container(border=True, key="welcome"):
        st.markdown(
            "**The coach checks that you name the user, their problem and a success metric "
            "before the model, and marks the sentences that don't.** "
            "Everything runs on this computer: nothing you type leaves the machine."
        )
        choices = st.container(horizontal=True, gap="small")
        choices.button("Warm-up prompt", key="welcome_warm_up", type="primary", on_click=_warm_up)
        if choices.button("Demo history", key="welcome_demo"):
            with st.spinner("Scoring a demo history…"):
                added = demo.load_demo(frame.db, frame.user, bank)
            state[WELCOMED] = True
            flash("success", f"Loaded {added} demo attempts (marked as demo).")
            st.switch_page(PROGRESS_PAGE)
        if choices.button("Dismiss", key="welcome_dismiss", type="tertiary"):
            state[WELCOMED] = True
            st.rerun()

# --- choose a prompt ---------------------------------------------------------------------------
# Drafts of the other prompts: the current one is in the box, and listing it would make the
# page jump the moment its first words are stored (a click landing then would miss its button).
current = state.get(SELECTED_PROMPT)
unfinished = [
    (pid, text)
    for pid, text in state[DRAFTS].items()
    if text.strip() and pid in bank and pid != current
]
if unfinished:
    with st.expander(f"Unfinished drafts ({len(unfinished)})", icon=":material/draft:"):
        for pid, text in unfinished:
            words = len(text.split())
            st.button(
                f"{bank.get(pid).text[:80]}… · {words} words",
                key=f"practice_resume_{pid}",
                on_click=_select,
                args=(pid,),
                type="tertiary",
            )

with st.expander("Filter prompts", icon=":material/filter_list:"):
    filter_row("practice", bank, on_change=_on_filter_change)

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

st.selectbox(
    f"Prompt ({len(matches)} of {len(bank)} match)",
    options,
    format_func=lambda prompt_id: bank.get(prompt_id).text[:110],
    key="practice_prompt",
    on_change=lambda: _select(state["practice_prompt"]),
)
pick = st.container(horizontal=True, gap="small")
pick.button("Surprise me", key="practice_surprise", on_click=_surprise, icon=":material/casino:")
pick.button(
    "Recommended next",
    key="practice_recommend",
    on_click=_recommend,
    icon=":material/auto_awesome:",
    help="Targets your weakest dimension or most frequent red flag, and brings back prompts "
    "whose flags have not cleared.",
)
if not matches:
    st.caption("No prompt matches these filters; the current prompt stays selected.")

prompt = bank.get(selected_id)
recommended = state.get(RECOMMENDED)
if recommended and recommended[0] == prompt.id:
    st.info(f"**Recommended next** · {md_escape(recommended[1])}", icon=":material/auto_awesome:")

categories = {category.slug: category for category in bank.categories}
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

sticky("practice_timed", False)
settings_row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
with settings_row:
    level = level_choice("practice_level", LEVELS, LEVEL_LABELS)
    timed = st.toggle(
        f"Timed mode ({format_duration(prompt.time_limit_s)})",
        key="practice_timed",
        help="A countdown with an interviewer's nudges when a part of the answer is overdue.",
    )

# --- the answer -------------------------------------------------------------------------------
if timed:
    if prompt.id in state[TIMER_STARTED]:
        countdown(bank, prompt, level, answer_key=ANSWER_KEY)
        st.button(
            "Reset clock", key="practice_timer_reset", on_click=_reset_timer, args=(prompt.id,)
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

edit_from = state.get(EDIT_FROM)
old = None
if edit_from is not None:
    try:
        old = attempts.get_attempt(frame.db, frame.user, int(edit_from))
    except CoachError:
        state[EDIT_FROM] = None
    if old is not None and old.prompt_id != prompt.id:
        old = None

box, beside = st.columns([3, 2]) if old is not None and old.report is not None else (st, None)
draft = box.text_area(
    ANSWER_LABEL,
    key=ANSWER_KEY,
    height=300,
    placeholder="Answer as you would out loud: who is it for, what hurts, how you'd measure "
    "success, then the solution and how you'd know the AI's output is good.",
    on_change=_save_draft,
)
if beside is not None and old is not None and old.report is not None:
    with beside.container(border=True):
        st.markdown(f"**Flags on your previous try** ({old.report.overall}/100)")
        for number, flag in enumerate(ordered_flags(old.report.flags), start=1):
            title, _ = rule_text(flag.id)
            st.markdown(f"{number}. **{md_escape(title)}**: {md_escape(flag.message)}")
        if not old.report.flags:
            st.caption("No red flags last time.")
words = len((draft or "").split())
saved = " · draft saved" if state[DRAFTS].get(prompt.id, "").strip() else ""
st.caption(f"{words} words · about {format_duration(round(words / 2.5))} spoken{saved}")
typed_filler_stats(draft or "")

with st.expander(
    "Rate yourself before the feedback (optional)", icon=":material/self_improvement:"
):
    st.caption(
        "One click per dimension, or skip it. Feedback shows your rating beside the coach's, "
        "and Progress tracks how the gap closes."
    )
    for name, label in DIMENSION_LABELS.items():
        st.segmented_control(
            label,
            list(RATING_CHOICES),
            format_func=RATING_CHOICES.__getitem__,
            key=f"{RATING_PREFIX}{name}",
        )

# A callback, so the switch to Feedback happens before Practice is drawn again: a click used to
# run and redraw the whole Practice page on its way to Feedback.
st.button(
    "Submit for feedback",
    key="practice_submit",
    type="primary",
    on_click=_submit,
    args=(prompt,),
)
if (problem := state.pop(ERROR_KEY, None)) is not None:
    kind, message = problem
    (st.warning if kind == "warning" else st.error)(message)

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
