"""Submit, score, read, compare and delete the signed-in user's attempts.

An answer is committed BEFORE it is scored, so a scorer failure can never lose it: the attempt
then stays ``not_scored`` with the error, and :func:`retry_scoring` tries again later.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

import scoring
from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import (
    DIMENSION_COLUMNS,
    MODES,
    Attempt,
    AttemptFlag,
    FlagDispute,
    SelfRating,
)
from coach.errors import (
    AnswerTooLongError,
    AttemptNotFoundError,
    EmptyAnswerError,
    ScoreNotStoredError,
    StorageUnavailableError,
)
from coach.services import access
from coach.services.users import UserContext
from question_bank.selection import HistoryItem
from scoring import AnswerTooLongError as EngineTooLongError
from scoring import PromptSpec, Report, analyze
from scoring.report import DIMENSIONS, ELEMENTS, LEVELS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from question_bank import Prompt

logger = logging.getLogger(__name__)

ERROR_TEXT_LIMIT = 2000
# "tech" is detected but never required: mentioning the model is not a gap to close.
COMPARED_ELEMENTS: tuple[str, ...] = tuple(element for element in ELEMENTS if element != "tech")


@dataclass(frozen=True, slots=True)
class AttemptView:
    """One attempt as the pages show it (the report parsed, the answer exactly as typed)."""

    id: int
    user_id: int
    prompt_id: str
    category: str | None
    answer: str
    mode: str
    level: str
    started_at: datetime
    submitted_at: datetime
    status: str
    report: Report | None
    error: str | None
    scorer_version: str | None
    is_demo: bool
    prompt_text: str = ""
    previous_report: Report | None = None


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """One history row (no answer, no report)."""

    id: int
    prompt_id: str
    category: str | None
    submitted_at: datetime
    overall: int | None
    grade: int | None
    level: str
    status: str
    flag_ids: tuple[str, ...]
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class AttemptComparison:
    """What changed between two attempts at the same prompt."""

    score_delta: int | None
    fixed_flags: tuple[str, ...]
    new_flags: tuple[str, ...]
    remaining_flags: tuple[str, ...]
    newly_covered: tuple[str, ...]
    still_missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedbackView:
    """Everything the Feedback page shows, read in one go: the attempt, the previous try at the
    same prompt with what changed, the learner's self-ratings and disputed flags."""

    attempt: AttemptView
    previous: AttemptView | None
    comparison: AttemptComparison | None
    self_ratings: dict[str, int]
    disputes: dict[tuple[str, int], str]  # (flag id, span start) -> the learner's reason

    @property
    def duration_s(self) -> int:
        """Seconds from opening the prompt (or starting the clock) to submitting."""
        return max(0, round((self.attempt.submitted_at - self.attempt.started_at).total_seconds()))


# --- use cases -------------------------------------------------------------------------------

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def storable_text(text: str) -> str:
    """Replace what no database can store (NUL, lone surrogates) with U+FFFD, keeping length.

    >>> storable_text("a\x00b")
    'a\ufffdb'
    """
    return _UNSTORABLE.sub("\ufffd", text)


def submit(
    db: Database,
    user: UserContext,
    *,
    prompt: Prompt,
    answer: str,
    mode: str,
    level: str,
    started_at: datetime,
    submitted_at: datetime | None = None,
    scorer: Callable[[str, PromptSpec, str], Report] | None = None,
    self_ratings: Mapping[str, int] | None = None,
) -> FeedbackView:
    """Store the answer (and its self-ratings), drop its draft, score it, and return what the
    Feedback page shows; the stored attempt survives any scorer failure.

    ``scorer`` defaults to the rule engine; the LLM judge (``coach.services.judge.Scorer``,
    which falls back to the rules itself) is called only after the commit.

    Raises:
        EmptyAnswerError: the answer is blank (nothing stored).
        AnswerTooLongError: the answer is over ``scoring.MAX_WORDS`` words (nothing stored).
        ValueError: unknown mode, level or self-rated dimension, or a naive ``started_at``.
        StorageUnavailableError: the database failed; nothing was stored.
        ScoreNotStoredError: the answer was stored, then the database failed before its
            score was; the attempt is pending ("Retry scoring" finishes it).
    """
    answer = storable_text(answer)
    if not answer.strip():
        raise EmptyAnswerError()
    words = len(answer.split())  # The engine's own word count for its limit.
    if words > scoring.MAX_WORDS:
        raise AnswerTooLongError(words, scoring.MAX_WORDS)
    _check_choices(mode=mode, level=level, started_at=started_at)
    ratings = _check_ratings(self_ratings or {})
    spec = prompt.to_spec()
    stored: list[int] = []  # the attempt's id once its first commit has landed
    try:
        return _store_and_score(
            db,
            user,
            prompt,
            answer,
            spec,
            ratings,
            stored,
            scorer,
            mode=mode,
            level=level,
            started_at=started_at,
            submitted_at=submitted_at,
        )
    except StorageUnavailableError as error:
        if stored:
            raise ScoreNotStoredError(stored[0], error.reason) from error
        raise


def _store_and_score(
    db: Database,
    user: UserContext,
    prompt: Prompt,
    answer: str,
    spec: PromptSpec,
    ratings: Mapping[str, int],
    stored: list[int],
    scorer: Callable[[str, PromptSpec, str], Report] | None,
    *,
    mode: str,
    level: str,
    started_at: datetime,
    submitted_at: datetime | None,
) -> FeedbackView:
    with db.session() as session:
        row = Attempt(
            user_id=user.user_id,
            prompt_id=prompt.id,
            category=prompt.category,
            prompt_text=prompt.text,
            prompt_expects=",".join(sorted(spec.expects)),
            answer=answer,
            mode=mode,
            level=level,
            started_at=started_at,
            submitted_at=submitted_at or datetime.now(UTC),
            status="pending",
        )
        session.add(row)
        session.flush()
        session.add_all(
            SelfRating(attempt_id=row.id, user_id=user.user_id, dimension=name, score=score)
            for name, score in ratings.items()
        )
        # The attempt now holds the text: its draft goes in the same commit, never before.
        repo.delete_draft(session, user_id=user.user_id, prompt_id=prompt.id)
        session.commit()  # Stored first: from here on the answer cannot be lost.
        stored.append(row.id)
        outcome = run_scorer(row, scorer)
        if isinstance(outcome, EngineTooLongError):
            # The engine counted more words than the pre-check: honour "nothing stored".
            repo.delete_attempts(session, user_id=user.user_id, attempt_id=row.id)
            session.commit()
            raise AnswerTooLongError(outcome.words, outcome.limit) from outcome
        record_outcome(row, outcome)
        session.commit()
        return _feedback(session, user, row)


def submit_answer(db: Database, user: UserContext, **answer: Any) -> AttemptView:
    """Store and score an answer (the keywords of :func:`submit`); return only the attempt."""
    return submit(db, user, **answer).attempt


def feedback_view(db: Database, user: UserContext, attempt_id: int) -> FeedbackView:
    """Return one of the user's attempts with its previous try, the comparison, self-ratings
    and disputes, in one session; AccessDeniedError for anyone else's (or none)."""
    with db.session() as session:
        return _feedback(session, user, _owned(session, user, attempt_id))


def _feedback(session: Session, user: UserContext, row: Attempt) -> FeedbackView:
    view = to_view(row)
    before = repo.previous_attempt(
        session, user_id=user.user_id, prompt_id=row.prompt_id, before=row
    )
    previous = to_view(before) if before is not None else None
    stored = set(row.prompt_expects.split(","))
    expects = [name for name in ELEMENTS if name in stored] or None  # in the engine's order
    return FeedbackView(
        attempt=view,
        previous=previous,
        comparison=compare(previous, view, expects=expects) if previous is not None else None,
        self_ratings=repo.self_ratings(session, user_id=user.user_id, attempt_id=row.id),
        disputes={
            (dispute.flag_id, dispute.span_start): dispute.reason
            for dispute in repo.disputes(session, user_id=user.user_id, attempt_id=row.id)
        },
    )


def dispute_flag(
    db: Database, user: UserContext, attempt_id: int, *, flag_id: str, span_start: int, reason: str
) -> None:
    """Record that the learner disagrees with one flag of their attempt (an edit replaces the
    reason). AccessDeniedError for another user's attempt; ValueError for a flag it lacks."""
    with db.session() as session:
        row = _owned(session, user, attempt_id)
        if not any(f.flag_id == flag_id and f.span_start == span_start for f in row.flags):
            raise ValueError(f"attempt {attempt_id} has no flag {flag_id!r} at {span_start}")
        existing = next(
            (
                d
                for d in repo.disputes(session, user_id=user.user_id, attempt_id=attempt_id)
                if d.flag_id == flag_id and d.span_start == span_start
            ),
            None,
        )
        if existing is None:
            existing = FlagDispute(
                attempt_id=attempt_id, user_id=user.user_id, flag_id=flag_id, span_start=span_start
            )
            session.add(existing)
        existing.reason = storable_text(reason.strip())[:ERROR_TEXT_LIMIT]
        session.commit()


def withdraw_dispute(
    db: Database, user: UserContext, attempt_id: int, *, flag_id: str, span_start: int
) -> None:
    """Take back a dispute on one flag of the learner's attempt."""
    with db.session() as session:
        for dispute in repo.disputes(session, user_id=user.user_id, attempt_id=attempt_id):
            if dispute.flag_id == flag_id and dispute.span_start == span_start:
                session.delete(dispute)
        session.commit()


def question_answers(db: Database) -> dict[str, dict[str, int]]:
    """Per element, how often learners answered the engine's question yes and no (over every
    user, no text): how often the engine had to ask and how often its doubt was right."""
    counts: dict[str, dict[str, int]] = {}
    with db.session() as session:
        for stored in repo.stored_confirmations(session):
            try:
                given = json.loads(stored)
            except ValueError:
                continue
            for element, answer in given.items() if isinstance(given, dict) else ():
                said = answer.get("answer") if isinstance(answer, dict) else None
                if isinstance(said, bool):
                    tally = counts.setdefault(element, {"yes": 0, "no": 0})
                    tally["yes" if said else "no"] += 1
    return counts


def disputed_rules(db: Database) -> list[tuple[str, int, int]]:
    """Return (rule id, disputes, learners) over every learner, most disputed first."""
    with db.session() as session:
        return [(r.flag_id, int(r.disputes), int(r.learners)) for r in repo.dispute_counts(session)]


def retry_scoring(
    db: Database,
    user: UserContext,
    attempt_id: int,
    *,
    scorer: Callable[[str, PromptSpec, str], Report] | None = None,
) -> AttemptView:
    """Score a pending or not-scored attempt again (a scored one is returned unchanged)."""
    with db.session() as session:
        row = _owned(session, user, attempt_id)
        if row.status != "scored":
            record_outcome(row, run_scorer(row, scorer))
            session.commit()
        return to_view(row)


def get_attempt(db: Database, user: UserContext, attempt_id: int) -> AttemptView:
    """Return one of the user's own attempts; AttemptNotFoundError for anyone else's (or none)."""
    with db.session() as session:
        return to_view(_owned(session, user, attempt_id))


def view_attempt(db: Database, user: UserContext, attempt_id: int) -> AttemptView:
    """Return an attempt the user may read: their own, or a learner's in a cohort they mentor
    or run (what ``?attempt=ID`` opens).

    Raises:
        AttemptNotFoundError: no such attempt, or the user may not see it (the same error).
    """
    with db.session() as session:
        row = repo.get_attempt_by_id(session, attempt_id=attempt_id)
        if row is None or not access.can_view_attempts_of(session, user, row.user_id):
            raise _denied(attempt_id)
        return to_view(row)


def previous_attempt(
    db: Database, user: UserContext, *, prompt_id: str, before_id: int
) -> AttemptView | None:
    """Return the user's latest scored attempt at ``prompt_id`` before attempt ``before_id``."""
    with db.session() as session:
        before = _owned(session, user, before_id)
        row = repo.previous_attempt(
            session, user_id=user.user_id, prompt_id=prompt_id, before=before
        )
        return to_view(row) if row is not None else None


def compare(
    previous: AttemptView, current: AttemptView, *, expects: Iterable[str] | None = None
) -> AttemptComparison:
    """Say what improved from ``previous`` to ``current`` (flags by id, coverage by element).

    ``expects`` narrows the coverage lists to what the prompt asks for (default: every
    element except ``tech``).
    """
    before_flags = _unique(previous.report.flag_ids() if previous.report else [])
    after_flags = _unique(current.report.flag_ids() if current.report else [])
    elements = tuple(expects) if expects is not None else COMPARED_ELEMENTS
    covered_before = _covered(previous.report)
    covered_after = _covered(current.report)
    delta = None
    if previous.report is not None and current.report is not None:
        delta = current.report.overall - previous.report.overall
    return AttemptComparison(
        score_delta=delta,
        fixed_flags=tuple(f for f in before_flags if f not in after_flags),
        new_flags=tuple(f for f in after_flags if f not in before_flags),
        remaining_flags=tuple(f for f in after_flags if f in before_flags),
        newly_covered=tuple(e for e in elements if e in covered_after and e not in covered_before),
        still_missing=tuple(e for e in elements if e not in covered_after),
    )


def delete_attempt(db: Database, user: UserContext, attempt_id: int) -> None:
    """Delete one of the user's attempts and its flags; AttemptNotFoundError for anyone else's."""
    with db.session() as session:
        if not repo.delete_attempts(session, user_id=user.user_id, attempt_id=attempt_id):
            raise _denied(attempt_id)
        session.commit()


def list_attempts(
    db: Database,
    user: UserContext,
    *,
    category: str | None = None,
    prompt_id: str | None = None,
    limit: int | None = None,
) -> list[AttemptSummary]:
    """Return the user's attempts, newest first, without answers or reports."""
    with db.session() as session:
        rows = repo.list_attempts(
            session, user_id=user.user_id, category=category, prompt_id=prompt_id, limit=limit
        )
        ids = None if limit is None else [r.id for r in rows]
        flags = repo.flag_ids_by_attempt(session, user_id=user.user_id, attempt_ids=ids)
    return [
        AttemptSummary(
            id=r.id,
            prompt_id=r.prompt_id,
            category=r.category,
            submitted_at=r.submitted_at,
            overall=r.overall,
            grade=r.grade,
            level=r.level,
            status=r.status,
            flag_ids=tuple(flags.get(r.id, ())),
            is_demo=r.is_demo,
        )
        for r in rows
    ]


def history_items(
    db: Database, user: UserContext, *, include_demo: bool = False
) -> list[HistoryItem]:
    """Return the user's history for ``recommend_next`` from score columns (no report parsing).

    Demo attempts are left out by default: recommendations follow the learner's own practice.
    """
    with db.session() as session:
        rows = repo.score_rows(session, user_id=user.user_id, include_demo=include_demo)
        flags = repo.flag_ids_by_attempt(session, user_id=user.user_id)
    return [
        HistoryItem(
            prompt_id=r.prompt_id,
            submitted_at=r.submitted_at,
            overall=r.overall,
            dimensions={name: getattr(r, name) for name in DIMENSION_COLUMNS},
            flag_ids=tuple(flags.get(r.id, ())),
        )
        for r in rows
    ]


# --- shared with demo, rescore and data_io ---------------------------------------------------


def spec_for(row: Attempt) -> PromptSpec:
    """Rebuild the prompt spec stored with the attempt (so scoring never needs the bank)."""
    expects = frozenset(filter(None, row.prompt_expects.split(",")))
    spec = PromptSpec(text=row.prompt_text, id=row.prompt_id, category=row.category)
    return replace(spec, expects=expects) if expects else spec


def run_scorer(
    row: Attempt, scorer: Callable[[str, PromptSpec, str], Report] | None = None
) -> Report | Exception:
    """Run the scorer (default: the engine, honouring the learner's answers to its questions)
    on a stored attempt; return the report, or the exception it raised."""
    try:
        given = confirmations(row)
        if scorer is None and given:
            return analyze(row.answer, spec_for(row), row.level, confirmations=given)
        return (scorer or analyze)(row.answer, spec_for(row), row.level)
    except Exception as error:
        # Any scorer bug must leave the answer stored and retryable, never crash the page.
        logger.warning("Scoring attempt %s failed: %s", row.id, error, exc_info=True)
        return error


def confirmations(row: Attempt) -> dict[str, Any]:
    """The learner's stored answers to the engine's questions (none: an empty mapping)."""
    try:
        stored = json.loads(row.confirmations) if row.confirmations else {}
    except ValueError:
        return {}
    return stored if isinstance(stored, dict) else {}


def answer_question(
    db: Database, user: UserContext, attempt_id: int, *, element: str, answer: bool
) -> FeedbackView:
    """Record the learner's yes / no to the report's question about ``element``, rescore the
    attempt with it, and return the new Feedback view.

    Raises:
        AttemptNotFoundError: not one of the user's attempts.
        ValueError: the report asks nothing about ``element``.
    """
    with db.session() as session:
        row = _owned(session, user, attempt_id)
        report = parse_report(row.report)
        asked = [q for q in (report.questions if report else ()) if q.element == element]
        if not asked:
            raise ValueError(f"attempt {attempt_id} has no question about {element!r}")
        given = confirmations(row)
        given[element] = {"answer": answer, "start": asked[0].start, "end": asked[0].end}
        row.confirmations = json.dumps(given)
        outcome = run_scorer(row)
        record_outcome(row, outcome)
        session.commit()
        return _feedback(session, user, row)


def record_outcome(row: Attempt, outcome: Report | Exception) -> None:
    """Write a scorer outcome onto the row: the report's columns, or not_scored and the error."""
    if isinstance(outcome, Exception):
        row.status = "not_scored"
        row.error = f"{type(outcome).__name__}: {outcome}"[:ERROR_TEXT_LIMIT]
        return
    apply_report(row, outcome)


def apply_report(row: Attempt, report: Report) -> None:
    """Copy a report into the row's score columns and flag rows (replacing the old ones)."""
    row.status = "scored"
    row.error = None
    row.scorer_version = report.scorer.version
    row.scorer_name = report.scorer.name
    usage = report.extras.get("llm") or {}
    tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
    row.llm_tokens = tokens if usage else None
    row.llm_cost_usd = usage.get("cost_usd")
    row.overall = report.overall
    row.grade = report.grade
    for name in DIMENSION_COLUMNS:
        dimension = report.dimensions.get(name)
        setattr(row, name, dimension.score if dimension is not None else None)
    row.report = report.to_json()
    row.flags = [
        AttemptFlag(
            user_id=row.user_id,
            flag_id=flag.id,
            severity=flag.severity.value,
            span_start=flag.start,
            span_end=flag.end,
            submitted_at=row.submitted_at,
        )
        # A flag the engine is unsure of ("worth checking") is shown on Feedback from the
        # report but is not a counted red flag: it drives no rates and no recommendation.
        for flag in report.flags
        if not flag.tentative
    ]


def parse_report(text: str | None) -> Report | None:
    """Rebuild a stored report; None when absent or unreadable (a rescore rewrites it)."""
    if not text:
        return None
    try:
        return Report.from_dict(json.loads(text))
    except (ValueError, TypeError, KeyError) as error:
        logger.warning("Stored report could not be read: %s", error)
        return None


def to_view(row: Attempt) -> AttemptView:
    """Turn a row into the view the pages use."""
    return AttemptView(
        id=row.id,
        user_id=row.user_id,
        prompt_id=row.prompt_id,
        category=row.category,
        answer=row.answer,
        mode=row.mode,
        level=row.level,
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        status=row.status,
        report=parse_report(row.report),
        error=row.error,
        scorer_version=row.scorer_version,
        is_demo=row.is_demo,
        prompt_text=row.prompt_text,
        previous_report=parse_report(row.previous_report),
    )


# --- helpers ---------------------------------------------------------------------------------


def _check_choices(*, mode: str, level: str, started_at: datetime) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware (e.g. datetime.now(UTC))")


def _check_ratings(ratings: Mapping[str, int]) -> dict[str, int]:
    unknown = sorted(set(ratings) - set(DIMENSIONS))
    if unknown:
        raise ValueError(f"unknown dimension(s) {', '.join(unknown)}; use {', '.join(DIMENSIONS)}")
    return {name: max(0, min(100, int(score))) for name, score in ratings.items()}


def _owned(session: Session, user: UserContext, attempt_id: int) -> Attempt:
    row = repo.get_attempt(session, user_id=user.user_id, attempt_id=attempt_id)
    if row is None:
        raise _denied(attempt_id)
    return row


def _denied(attempt_id: int) -> AttemptNotFoundError:
    # The same error for a missing id and someone else's: no hint that it exists.
    return AttemptNotFoundError(attempt_id)


def _covered(report: Report | None) -> set[str]:
    if report is None:
        return set()
    return {name for name, coverage in report.coverage.items() if coverage.present}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
