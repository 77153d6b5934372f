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


class ScoreNotStoredError(StorageUnavailableError):
    """The answer was stored, then the database failed before its score was: the attempt
    waits, unscored, for "Retry scoring" (submitting the text again would store it twice)."""

    def __init__(self, attempt_id: int, reason: str) -> None:
        super().__init__(reason)
        self.attempt_id = attempt_id


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


class AttemptNotFoundError(AccessDeniedError):
    """No attempt with that id that this user may see: the same words whether it is missing or
    someone else's, so the message never hints that it exists."""

    def __init__(self, attempt_id: int) -> None:
        super().__init__(f"Attempt {attempt_id} not found.")
        self.attempt_id = attempt_id


class InterviewNotFoundError(AccessDeniedError):
    """No interview (or mock interview) with that id that this user may see; worded like a
    missing id so it never hints that someone else's exists."""

    def __init__(self, kind: str, item_id: int) -> None:
        super().__init__(f"{kind} {item_id} not found.")
        self.item_id = item_id


class AccountError(CoachError):
    """An account request was refused; the message says why and nothing was changed."""


class InvalidAccountDataError(AccountError):
    """A name, e-mail address or password does not meet the rules (which ones is said)."""


class SignInFailedError(AccountError):
    """Wrong e-mail or password (never says which)."""

    def __init__(self) -> None:
        super().__init__("That e-mail address and password do not match an account.")


class AccountLockedError(AccountError):
    """Too many failed sign-ins in a row: sign-in is paused until ``minutes`` have passed."""

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"Too many failed sign-ins: this account is locked for {minutes} more minute(s). "
            "Wait, or ask an admin for a password-reset code."
        )
        self.minutes = minutes


class TooManySignInsError(AccountError):
    """Too many failed sign-ins from this network address, across all accounts."""

    def __init__(self, minutes: int) -> None:
        super().__init__(
            "Too many failed sign-ins from your network: sign-in from here is paused for "
            f"{minutes} more minute(s)."
        )
        self.minutes = minutes


class SessionEndedError(AccountError):
    """The browser's sign-in session expired, was signed out, or its user no longer exists."""

    def __init__(self) -> None:
        super().__init__("Your session has ended. Please sign in again.")


class ResetCodeError(AccountError):
    """A password-reset code is wrong, used already, or expired."""

    def __init__(self) -> None:
        super().__init__(
            "That reset code is not valid (wrong, already used or expired). "
            "Ask an admin for a new one."
        )


class AdminRequiredError(AccessDeniedError):
    """Only a deployment admin may do this."""


class AnswerTooLongError(CoachError):
    """The answer is over the engine's word limit; nothing was stored."""

    def __init__(self, words: int, limit: int) -> None:
        super().__init__(
            f"Your answer has {words:,} words; the limit is {limit:,}. "
            "Cut it down and submit again."
        )
        self.words = words
        self.limit = limit


class ReviewInputError(CoachError):
    """A review, comment, reply or review file is invalid; nothing was stored."""


class ReviewLinkError(AccessDeniedError):
    """A review link is unknown, expired or revoked: the plain message says which."""


class ReviewLinkUsedError(ReviewLinkError):
    """A review link has already taken its one review."""


class ReviewNotFoundError(AccessDeniedError):
    """No review comment (or review) with that id that this user may see; worded like a
    missing id so it never hints that someone else's exists."""

    def __init__(self, kind: str, item_id: int) -> None:
        super().__init__(f"{kind} {item_id} not found.")
        self.item_id = item_id


class CohortNotFoundError(AccessDeniedError):
    """No cohort with that id that this user may manage or read; worded like a missing id so
    it never hints that someone else's cohort exists."""

    def __init__(self, cohort_id: int) -> None:
        super().__init__(f"Cohort {cohort_id} not found.")
        self.cohort_id = cohort_id


class CohortLeadRequiredError(AccessDeniedError):
    """Only the cohort's mentors and admins may do this (the user is a learner there)."""

    def __init__(self, action: str) -> None:
        super().__init__(f"Only a mentor or admin of this cohort may {action}.")


class InviteCodeError(CoachError):
    """An invite code cannot be used (wrong, replaced, expired, cohort full, already a
    member); the message says which, and nothing was changed."""


class AssignmentError(CoachError):
    """An assignment request is invalid (no prompts, unknown level, due date passed); the
    message says what to fix, and nothing was stored."""
