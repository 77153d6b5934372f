"""Spoken answers: transcription through the endpoint, speech statistics, opted-in audio.

Speech stats work on any text: a transcript with its duration and segment timestamps gives
words per minute, filler words per minute and long pauses; a typed answer pasted from a
transcript gets the same filler figures at an assumed calm pace.
"""

from __future__ import annotations

import io
import itertools
import re
import wave
from dataclasses import dataclass

from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import AttemptAudio
from coach.errors import AttemptNotFoundError
from coach.services.llm_client import LLMClient, Transcript
from coach.services.users import UserContext

ASSUMED_WPM = 140  # a calm interview pace, for text with no recording behind it
LONG_PAUSE_S = 2.0
AUDIO_LIMIT_BYTES = 25 * 1024 * 1024  # what OpenAI's transcription endpoint accepts
FILLERS: tuple[str, ...] = (
    "um",
    "uh",
    "erm",
    "like",
    "you know",
    "basically",
    "sort of",
    "kind of",
)
_FILLER = re.compile(
    r"\b(" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in FILLERS) + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SpeechStats:
    """How an answer sounds (or would sound): pace, fillers, pauses."""

    words: int
    minutes: float
    measured: bool  # True when the duration comes from a recording, not an assumed pace
    words_per_minute: int
    fillers: dict[str, int]
    fillers_per_minute: float
    long_pauses: int | None  # None when there are no timestamps to tell

    @property
    def filler_total(self) -> int:
        return sum(self.fillers.values())


def speech_stats(
    text: str,
    *,
    duration_s: float | None = None,
    segments: tuple[tuple[float, float, str], ...] = (),
) -> SpeechStats:
    """Pace and fillers of ``text``; pass the recording's duration and segments when known."""
    words = len(text.split())
    measured = bool(duration_s and duration_s > 0)
    minutes = (duration_s / 60) if measured and duration_s else words / ASSUMED_WPM
    counts: dict[str, int] = {}
    for match in _FILLER.finditer(text):
        key = " ".join(match.group(1).lower().split())
        counts[key] = counts.get(key, 0) + 1
    pauses = None
    if segments:
        ordered = sorted(segments)
        pauses = sum(
            1
            for before, after in itertools.pairwise(ordered)
            if after[0] - before[1] >= LONG_PAUSE_S
        )
    return SpeechStats(
        words=words,
        minutes=round(minutes, 2),
        measured=measured,
        words_per_minute=round(words / minutes) if minutes else 0,
        fillers=counts,
        fillers_per_minute=round(sum(counts.values()) / minutes, 1) if minutes else 0.0,
        long_pauses=pauses,
    )


def wav_duration(data: bytes) -> float | None:
    """The length of a WAV recording in seconds (None for other formats or damaged files)."""
    try:
        with wave.open(io.BytesIO(data)) as recording:
            rate = recording.getframerate()
            return recording.getnframes() / rate if rate else None
    except (wave.Error, EOFError):
        return None


def transcribe(client: LLMClient, audio: bytes, *, mime: str = "audio/wav") -> Transcript:
    """Transcribe a recording; the duration falls back to the WAV header's.

    Raises:
        LLMUnavailableError: the endpoint gave no transcript within the budget.
        ValueError: the recording is empty or too large.
    """
    if not audio:
        raise ValueError("The recording is empty.")
    if len(audio) > AUDIO_LIMIT_BYTES:
        raise ValueError("The recording is over 25 MB: record a shorter answer.")
    extension = mime.split("/")[-1].split(";")[0] or "wav"
    transcript = client.transcribe(audio, filename=f"answer.{extension}", mime=mime)
    if transcript.duration_s is None:
        duration = wav_duration(audio)
        if duration is not None:
            transcript = Transcript(
                transcript.text, duration, transcript.segments, transcript.usage
            )
    return transcript


def keep_audio(
    db: Database, user: UserContext, attempt_id: int, audio: bytes, *, mime: str
) -> None:
    """Store the recording with the attempt (only called when the learner opted in)."""
    with db.session() as session:
        if repo.get_attempt(session, user_id=user.user_id, attempt_id=attempt_id) is None:
            raise AttemptNotFoundError(attempt_id)
        existing = repo.get_audio(session, user_id=user.user_id, attempt_id=attempt_id)
        if existing is not None:
            existing.data, existing.mime = audio, mime
        else:
            session.add(
                AttemptAudio(attempt_id=attempt_id, user_id=user.user_id, mime=mime, data=audio)
            )
        session.commit()


def kept_audio(db: Database, user: UserContext, attempt_id: int) -> tuple[bytes, str] | None:
    """The kept recording of one of the user's attempts, if the learner opted in."""
    with db.session() as session:
        row = repo.get_audio(session, user_id=user.user_id, attempt_id=attempt_id)
        return (row.data, row.mime) if row is not None else None
