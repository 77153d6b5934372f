"""Errors raised by the scoring engine (kept free of the app's own exception tree)."""

from __future__ import annotations


class ScoringError(ValueError):
    """Base class for input the engine refuses to score."""


class AnswerTooLongError(ScoringError):
    """The answer exceeds the documented word limit."""

    def __init__(self, words: int, limit: int) -> None:
        super().__init__(
            f"The answer has {words:,} words; the limit is {limit:,}. "
            "Shorten it (an interview answer is rarely over 2,000 words)."
        )
        self.words = words
        self.limit = limit


class UnknownLevelError(ScoringError):
    """The target level is not one of apm, pm, senior."""


class VocabularyError(ValueError):
    """A vocabulary data file is malformed; the message names the file, entry and field."""

    def __init__(self, location: str, entry: str | None, field: str | None, problem: str) -> None:
        where = location + (f", entry {entry!r}" if entry else "")
        where += f", field {field!r}" if field else ""
        super().__init__(f"{where}: {problem}")
        self.location = location  # the file, and the group when known ("pains.json: PAIN")
        self.entry = entry
        self.field = field
