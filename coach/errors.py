"""The app's exception tree: one base class, narrow subclasses that carry context."""

from __future__ import annotations


class CoachError(Exception):
    """Base class for every error the app reports to a user (never as a traceback)."""


class QuestionBankError(CoachError):
    """A question-bank file is invalid; carries every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class PromptNotFoundError(CoachError):
    """No prompt with that id in the loaded bank."""

    def __init__(self, prompt_id: str) -> None:
        super().__init__(f"no prompt with id {prompt_id!r}; `coach bank list` shows the ids")
        self.prompt_id = prompt_id


class DatabaseUnavailableError(CoachError):
    """The database cannot be opened or migrated; says what to do."""


class AccessDeniedError(CoachError):
    """The signed-in user may not see or change this record."""


class EmptyAnswerError(CoachError):
    """The answer is empty or only whitespace; nothing was stored."""

    def __init__(self) -> None:
        super().__init__("The answer is empty: write or record something before submitting.")


class DataImportError(CoachError):
    """An import file is not an aipm-coach JSON export (or is damaged); nothing was imported."""


class AnswerTooLongError(CoachError):
    """The answer is over the engine's word limit; nothing was stored."""

    def __init__(self, words: int, limit: int) -> None:
        super().__init__(
            f"Your answer has {words:,} words; the limit is {limit:,}. "
            "Cut it down and submit again."
        )
        self.words = words
        self.limit = limit
