"""The app's exception tree: one base class, narrow subclasses that carry context."""

from __future__ import annotations


class CoachError(Exception):
    """Base class for every error the app reports to a user (never as a traceback)."""


class QuestionBankError(CoachError):
    """A question-bank file is invalid; carries every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class InputFileError(CoachError):
    """A file named on the command line cannot be read (missing, a folder, no permission);
    the CLI exits 2, like a usage error."""


class PromptNotFoundError(CoachError):
    """No prompt with that id in the loaded bank."""

    def __init__(self, prompt_id: str) -> None:
        super().__init__(f"no prompt with id {prompt_id!r}; `coach bank list` shows the ids")
        self.prompt_id = prompt_id


class DatabaseUnavailableError(CoachError):
    """The database cannot be opened or migrated; says what to do."""


class StorageUnavailableError(DatabaseUnavailableError):
    """The database failed while in use (server or database gone, file turned read-only);
    nothing of that use case was stored. ``reason`` says why in plain words; the next use
    reconnects and checks the schema again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AccessDeniedError(CoachError):
    """The signed-in user may not see or change this record."""


class EmptyAnswerError(CoachError):
    """The answer is empty or only whitespace; nothing was stored."""

    def __init__(self) -> None:
        super().__init__("The answer is empty: write or record something before submitting.")


class DataImportError(CoachError):
    """An import file is not an aipm-coach JSON export (or is damaged); nothing was imported."""


class LLMNotConfiguredError(CoachError):
    """An LLM feature was asked for but no OpenAI-compatible endpoint is configured."""

    def __init__(self, feature: str) -> None:
        super().__init__(
            f"{feature} needs an OpenAI-compatible endpoint: set OPENAI_API_KEY (OpenAI) or "
            "OPENAI_BASE_URL (a local server such as Ollama, vLLM or llama.cpp), optionally "
            "COACH_LLM_MODEL, then restart the app."
        )
        self.feature = feature


class LLMUnavailableError(CoachError):
    """The endpoint did not give a usable answer within the time budget."""

    def __init__(self, attempts: int, reason: str) -> None:
        super().__init__(
            f"the AI endpoint gave no usable answer after {attempts} call(s): {reason}"
        )
        self.attempts = attempts
        self.reason = reason
