"""Widgets and session state for the optional AI features (judge, interviewer, spoken answers)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from coach.errors import CoachError
from coach.services import transcription
from coach.services.judge import Scorer, scorer_for, scorer_label
from coach.services.llm_client import LLMClient
from coach.services.transcription import SpeechStats, speech_stats
from coach.ui.frame import Frame
from coach.ui.labels import dimension_label, element_label
from coach.ui.widgets import md_escape, rule_text
from scoring.report import Report

SCORER_CHOICE = "scorer_choice"  # the session's scorer: rules, llm or hybrid (survives pages)
SCORER_WIDGET = "settings_scorer"  # the Settings radio (widget state is dropped off-page)
SCORER_LABELS = {
    "rules": "Rules only (offline, free, deterministic)",
    "llm": "AI judge (falls back to the rules on failure)",
    "hybrid": "Rules + AI judge, disagreements marked",
}
TRANSCRIPT = "_speech_transcript"  # (audio digest, Transcript) of the last transcription
MISSING = (
    "The AI interviewer needs an OpenAI-compatible endpoint: set `OPENAI_API_KEY` (OpenAI) or "
    "`OPENAI_BASE_URL` (a local server such as Ollama, vLLM or llama.cpp), optionally "
    "`COACH_LLM_MODEL`, then restart the app. Everything else works without it."
)


def scorer_choice(frame: Frame) -> str:
    """The scorer this session uses (the Settings page can change it; default from settings)."""
    if SCORER_CHOICE not in st.session_state:
        st.session_state[SCORER_CHOICE] = frame.settings.scorer
    return str(st.session_state[SCORER_CHOICE])


def session_scorer(frame: Frame) -> Scorer | None:
    """The scorer to hand to the services for this session's choice (None: the rule engine)."""
    if scorer_choice(frame) == "rules":
        return None
    return scorer_for(
        frame.settings, scorer_choice(frame), db=frame.db, user=frame.user, bank=frame.bank
    )


def client_factory(frame: Frame) -> Callable[[], LLMClient] | None:
    """Build LLM clients on demand when an endpoint is configured (else None: offline)."""
    if not frame.settings.llm_configured:
        return None
    settings = frame.settings
    return lambda: LLMClient(settings)


def scorer_notice(report: Report) -> None:
    """Say what scored the report, and loudly when the judge fell back to the rules."""
    if report.scorer.fallback:
        st.warning(
            "**The AI judge was unavailable, so the rules scored this answer.** "
            f"{md_escape(report.scorer.fallback)}",
            icon=":material/cloud_off:",
        )
        return
    judge = report.extras.get("judge") or {}
    note = f"Scored by {md_escape(scorer_label(report))}"
    if judge:
        note += f" · {judge.get('ungrounded_quotes', 0)} ungrounded quote(s) dropped"
        if judge.get("clamped_dimensions"):
            note += f" · capped for lack of quotes: {', '.join(judge['clamped_dimensions'])}"
    usage = report.extras.get("llm") or {}
    if usage.get("calls"):
        cost = usage.get("cost_usd")
        note += f" · {usage['prompt_tokens'] + usage['completion_tokens']} tokens"
        note += f" (≈ ${cost:.4f})" if cost is not None else ""
    st.caption(note)


def disagreement_marks(report: Report) -> None:
    """In hybrid mode, list each verdict where the rules and the judge disagree."""
    marks = report.extras.get("disagreements") or []
    if not marks:
        return
    with st.container(border=True, key="hybrid_disagreements"):
        st.markdown(f"**Rules and AI judge disagree on {len(marks)} point(s)**")
        for mark in marks:
            st.markdown(
                f"- {md_escape(_mark_label(mark['kind'], mark['key']))}: the rules say "
                f"**{md_escape(mark['rules'])}**, the judge says **{md_escape(mark['judge'])}**"
            )


def _mark_label(kind: str, key: str) -> str:
    if kind == "flag":
        return f"Red flag “{rule_text(key)[0]}”"
    if kind == "dimension":
        return f"{dimension_label(key)} score"
    return element_label(key)


def stats_line(stats: SpeechStats) -> str:
    """One caption with pace, fillers and pauses."""
    fillers = ", ".join(f"{word} ×{n}" for word, n in sorted(stats.fillers.items())) or "none"
    parts = [f"{stats.fillers_per_minute} fillers/min ({fillers})"]
    if stats.measured:
        parts.insert(0, f"{stats.words_per_minute} words/min (measured)")
    else:  # typed text has no pace of its own: the rate assumes a calm one
        parts[0] += f" at an assumed {transcription.ASSUMED_WPM} words/min"
    if stats.long_pauses is not None:
        parts.append(f"{stats.long_pauses} long pause(s) over {transcription.LONG_PAUSE_S:.0f} s")
    return " · ".join(parts)


def typed_filler_stats(text: str) -> None:
    """Filler statistics for a typed (or pasted) answer."""
    if text.strip():
        st.caption("Speech check: " + stats_line(speech_stats(text)))


def speech_recorder(
    frame: Frame, *, key: str, on_transcript: Callable[[str], None]
) -> bytes | None:
    """Record a spoken answer; with an endpoint, transcribe it into the editable answer box.

    Returns the recording (for keeping it when the learner opts in), or None.
    """
    recording = st.audio_input("Record a spoken answer", key=f"{key}_audio")
    factory = client_factory(frame)
    if factory is None:
        st.caption(
            "Recording works, but turning it into text needs an OpenAI-compatible endpoint "
            "(`OPENAI_API_KEY` or `OPENAI_BASE_URL`). Until then, type your answer below."
        )
        return recording.getvalue() if recording is not None else None
    if recording is None:
        return None
    audio = recording.getvalue()
    mime = recording.type or "audio/wav"

    def run() -> None:
        try:
            result = transcription.transcribe(factory(), audio, mime=mime)
        except (CoachError, ValueError) as error:
            st.session_state[TRANSCRIPT] = (hash(audio), None, str(error))
            return
        st.session_state[TRANSCRIPT] = (hash(audio), result, None)
        on_transcript(result.text)

    st.button(
        "Transcribe into the answer box",
        key=f"{key}_transcribe",
        icon=":material/transcribe:",
        on_click=run,
    )
    done = st.session_state.get(TRANSCRIPT)
    if done and done[0] == hash(audio):
        if done[2]:
            st.error(f"Transcription failed: {done[2]} Your recording is still here; try again.")
        else:
            result = done[1]
            stats = speech_stats(
                result.text, duration_s=result.duration_s, segments=result.segments
            )
            st.caption("Spoken: " + stats_line(stats) + " · edit the transcript before submitting")
    return audio
