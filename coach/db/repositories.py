"""Queries, one keyword-only function each; every attempt query is scoped by ``user_id``.

Services own the transactions: nothing here commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Row, and_, bindparam, delete, func, or_, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from coach.db.models import (
    DIMENSION_COLUMNS,
    Attempt,
    AttemptAudio,
    AttemptFlag,
    Draft,
    FlagDispute,
    Interview,
    InterviewTurn,
    JudgeCacheEntry,
    MockInterview,
    SelfRating,
    User,
)

# --- users -----------------------------------------------------------------------------------


def get_local_user(session: Session) -> User | None:
    """Return the no-login learner of this install, if created."""
    return session.scalars(select(User).where(User.is_local.is_(True))).first()


def get_user_by_email(session: Session, *, email: str) -> User | None:
    """Return the user with that (case-insensitive) e-mail address, if any."""
    return session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()


def add_user(
    session: Session, *, display_name: str, email: str | None, role: str, is_local: bool = False
) -> User:
    """Add a user and flush so it has an id."""
    user = User(display_name=display_name, email=email, role=role, is_local=is_local)
    session.add(user)
    session.flush()
    return user


def user_ids(session: Session) -> list[int]:
    """Return every user id (for maintenance jobs that then work user by user)."""
    return list(session.scalars(select(User.id).order_by(User.id)))


# --- attempts --------------------------------------------------------------------------------


def get_attempt(session: Session, *, user_id: int, attempt_id: int) -> Attempt | None:
    """Return the user's attempt with that id, or None (also when it is someone else's)."""
    return session.scalars(
        select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user_id)
    ).first()


def get_attempt_by_id(session: Session, *, attempt_id: int) -> Attempt | None:
    """Return any user's attempt by id: only for callers that then apply the access rules."""
    return session.get(Attempt, attempt_id)


def previous_attempt(
    session: Session, *, user_id: int, prompt_id: str, before: Attempt, scored_only: bool = True
) -> Attempt | None:
    """Return the user's latest attempt at ``prompt_id`` submitted before ``before``."""
    earlier = or_(
        Attempt.submitted_at < before.submitted_at,
        and_(Attempt.submitted_at == before.submitted_at, Attempt.id < before.id),
    )
    query = select(Attempt).where(
        Attempt.user_id == user_id, Attempt.prompt_id == prompt_id, Attempt.id != before.id, earlier
    )
    if scored_only:
        query = query.where(Attempt.status == "scored")
    return session.scalars(
        query.order_by(Attempt.submitted_at.desc(), Attempt.id.desc()).limit(1)
    ).first()


def list_attempts(
    session: Session,
    *,
    user_id: int,
    category: str | None = None,
    prompt_id: str | None = None,
    limit: int | None = None,
) -> Sequence[Row[Any]]:
    """Return summary columns (no answer, no report) of the user's attempts, newest first."""
    query = _summary_query(
        by_category=category is not None, by_prompt=prompt_id is not None, limited=limit is not None
    )
    values = {"user_id": user_id, "category": category, "prompt_id": prompt_id, "limit": limit}
    # Plain columns: run on the session's connection, skipping ORM row processing (a third
    # of the time for a long history).
    return session.connection().execute(query, values).all()


@lru_cache(maxsize=8)
def _summary_query(*, by_category: bool, by_prompt: bool, limited: bool) -> Any:
    # Built once per shape, values bound at execution: Practice asks on every rerun, and
    # building the expression and its cache key cost more than running it.
    query = select(
        Attempt.id,
        Attempt.prompt_id,
        Attempt.category,
        Attempt.submitted_at,
        Attempt.overall,
        Attempt.grade,
        Attempt.level,
        Attempt.status,
        Attempt.is_demo,
    ).where(Attempt.user_id == bindparam("user_id"))
    if by_category:
        query = query.where(Attempt.category == bindparam("category"))
    if by_prompt:
        query = query.where(Attempt.prompt_id == bindparam("prompt_id"))
    query = query.order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
    return query.limit(bindparam("limit")) if limited else query


def flag_ids_by_attempt(
    session: Session, *, user_id: int, attempt_ids: Iterable[int] | None = None
) -> dict[int, list[str]]:
    """Return each attempt's flag ids in report order (all the user's attempts when None)."""
    query = select(AttemptFlag.attempt_id, AttemptFlag.flag_id).where(
        AttemptFlag.user_id == user_id
    )
    if attempt_ids is not None:
        ids = list(attempt_ids)
        if not ids:
            return {}
        query = query.where(AttemptFlag.attempt_id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        # One row per attempt instead of one per flag: fetching rows dominates on a server
        # (a learner with 1,000 attempts has ~6,500 flags).
        listed = func.string_agg(
            AttemptFlag.flag_id, aggregate_order_by(text("' '"), AttemptFlag.id)
        )
        aggregated = query.with_only_columns(AttemptFlag.attempt_id, listed).group_by(
            AttemptFlag.attempt_id
        )
        rows = session.connection().execute(aggregated)
        return {attempt_id: ids.split(" ") for attempt_id, ids in rows}
    flags: dict[int, list[str]] = defaultdict(list)
    for attempt_id, flag_id in session.connection().execute(query.order_by(AttemptFlag.id)).all():
        flags[attempt_id].append(flag_id)
    return dict(flags)


def prompt_stats(session: Session, *, user_id: int) -> Sequence[Row[Any]]:
    """Return (prompt_id, attempts, best overall, last submitted_at) per practised prompt."""
    return session.execute(
        select(
            Attempt.prompt_id,
            func.count().label("attempts"),
            func.max(Attempt.overall).label("best"),
            func.max(Attempt.submitted_at).label("last"),
        )
        .where(Attempt.user_id == user_id)
        .group_by(Attempt.prompt_id)
    ).all()


def flag_counts_by_prompt(session: Session, *, user_id: int, flag_id: str) -> Sequence[Row[Any]]:
    """Return (prompt_id, count) where ``flag_id`` fired for the user, most often first."""
    return session.execute(
        select(Attempt.prompt_id, func.count().label("count"))
        .join(AttemptFlag, AttemptFlag.attempt_id == Attempt.id)
        .where(Attempt.user_id == user_id, AttemptFlag.flag_id == flag_id)
        .group_by(Attempt.prompt_id)
        .order_by(func.count().desc(), Attempt.prompt_id)
    ).all()


def score_rows(session: Session, *, user_id: int, include_demo: bool = True) -> Sequence[Row[Any]]:
    """Return one row of score columns per attempt, oldest first (the progress charts' data)."""
    query = select(
        Attempt.id,
        Attempt.submitted_at,
        Attempt.prompt_id,
        Attempt.category,
        Attempt.overall,
        Attempt.grade,
        Attempt.level,
        Attempt.status,
        Attempt.is_demo,
        *(getattr(Attempt, name) for name in DIMENSION_COLUMNS),
    ).where(Attempt.user_id == user_id)
    if not include_demo:
        query = query.where(Attempt.is_demo.is_(False))
    return session.execute(query.order_by(Attempt.submitted_at, Attempt.id)).all()


def error_flag_rows(
    session: Session, *, user_id: int, include_demo: bool = True
) -> Sequence[Row[Any]]:
    """Return (attempt_id, flag_id) for every error-level flag of the user."""
    query = select(AttemptFlag.attempt_id, AttemptFlag.flag_id).where(
        AttemptFlag.user_id == user_id, AttemptFlag.severity == "error"
    )
    if not include_demo:
        query = query.join(Attempt).where(Attempt.is_demo.is_(False))
    return session.execute(query.order_by(AttemptFlag.attempt_id, AttemptFlag.id)).all()


class week_start(GenericFunction[Any]):
    """The Monday (UTC) of a timestamp's ISO week, as a date."""

    type = Date()
    inherit_cache = True


@compiles(week_start, "sqlite")
def _week_start_sqlite(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite stores UTC text; 'weekday 0' moves to the coming Sunday (or stays), -6 days: Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@compiles(week_start, "postgresql")
def _week_start_postgresql(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('week', {moment} AT TIME ZONE 'UTC') AS DATE)"


@compiles(week_start)
def _week_start_other(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"week_start() is not implemented for {compiler.dialect.name}")


def flags_per_week(
    session: Session, *, user_id: int, include_demo: bool = True
) -> Sequence[Row[Any]]:
    """Return (week, flag_id, count): how many of the user's answers had the flag that week
    (an answer where a flag fires twice counts once), aggregated in SQL."""
    week = week_start(AttemptFlag.submitted_at).label("week")
    answers = func.count(func.distinct(AttemptFlag.attempt_id)).label("count")
    query = select(week, AttemptFlag.flag_id, answers).where(AttemptFlag.user_id == user_id)
    if not include_demo:
        query = query.join(Attempt).where(Attempt.is_demo.is_(False))
    query = query.group_by(week, AttemptFlag.flag_id).order_by(week, AttemptFlag.flag_id)
    return session.execute(query).all()


def attempts_for_export(session: Session, *, user_id: int) -> Sequence[Attempt]:
    """Return every attempt of the user (full rows), oldest first."""
    return session.scalars(
        select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.submitted_at, Attempt.id)
    ).all()


def attempt_identities(session: Session, *, user_id: int) -> Sequence[Row[Any]]:
    """Return (prompt_id, submitted_at, answer) of the user's attempts, to spot duplicates."""
    return session.execute(
        select(Attempt.prompt_id, Attempt.submitted_at, Attempt.answer).where(
            Attempt.user_id == user_id
        )
    ).all()


def attempt_ids_to_rescore(
    session: Session, *, user_id: int, scorer_version: str | None
) -> list[int]:
    """Return ids of the user's attempts scored by another version (all when version is None).

    Attempts judged by the LLM (or hybrid) keep their judgement: a new rule engine does not
    replace the report the learner saw from the judge.
    """
    query = select(Attempt.id).where(
        Attempt.user_id == user_id,
        or_(Attempt.scorer_name.is_(None), Attempt.scorer_name.not_in(("llm", "hybrid"))),
    )
    if scorer_version is not None:
        query = query.where(
            or_(Attempt.scorer_version.is_(None), Attempt.scorer_version != scorer_version)
        )
    return list(session.scalars(query.order_by(Attempt.id)))


def attempt_ids(session: Session, *, user_id: int) -> list[int]:
    """Return the ids of all the user's attempts, oldest first."""
    return list(
        session.scalars(select(Attempt.id).where(Attempt.user_id == user_id).order_by(Attempt.id))
    )


def attempts_by_ids(session: Session, *, user_id: int, attempt_ids: list[int]) -> list[Attempt]:
    """Return the user's attempts with those ids (others are silently absent)."""
    if not attempt_ids:
        return []
    return list(
        session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.id.in_(attempt_ids))
            .order_by(Attempt.id)
        )
    )


def count_attempts(session: Session, *, user_id: int, demo_only: bool = False) -> int:
    """Return how many attempts the user has (only demo ones when asked)."""
    query = select(func.count()).select_from(Attempt).where(Attempt.user_id == user_id)
    if demo_only:
        query = query.where(Attempt.is_demo.is_(True))
    return int(session.scalar(query) or 0)


def delete_attempts(
    session: Session, *, user_id: int, attempt_id: int | None = None, demo_only: bool = False
) -> int:
    """Delete the user's attempts (one, the demo ones, or all) with their flags; return count."""
    where = [Attempt.user_id == user_id]
    if attempt_id is not None:
        where.append(Attempt.id == attempt_id)
    if demo_only:
        where.append(Attempt.is_demo.is_(True))
    ids = select(Attempt.id).where(*where)
    # Delete flags explicitly too: a SQLite connection opened elsewhere may have foreign keys off.
    session.execute(
        delete(AttemptFlag).where(AttemptFlag.user_id == user_id, AttemptFlag.attempt_id.in_(ids)),
        execution_options={"synchronize_session": False},
    )
    result = session.execute(
        delete(Attempt).where(*where), execution_options={"synchronize_session": False}
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- LLM judge cache, interviews, mock interviews, audio ---------------------------------------


def get_cached_verdict(session: Session, *, user_id: int, key: str) -> str | None:
    """Return the user's cached judge verdict for ``key``, if any."""
    return session.scalars(
        select(JudgeCacheEntry.value).where(
            JudgeCacheEntry.user_id == user_id, JudgeCacheEntry.key == key
        )
    ).first()


def put_cached_verdict(session: Session, *, user_id: int, key: str, value: str) -> None:
    """Store (or replace) the user's cached judge verdict for ``key``."""
    entry = session.scalars(
        select(JudgeCacheEntry).where(
            JudgeCacheEntry.user_id == user_id, JudgeCacheEntry.key == key
        )
    ).first()
    if entry is None:
        session.add(JudgeCacheEntry(user_id=user_id, key=key, value=value))
    else:
        entry.value = value


def delete_llm_data(session: Session, *, user_id: int) -> None:
    """Delete the user's cached verdicts, interviews, mock interviews and kept recordings."""
    # Explicit, like the flags: a SQLite connection opened elsewhere may have foreign keys off.
    for model in (
        InterviewTurn,
        Interview,
        MockInterview,
        JudgeCacheEntry,
        AttemptAudio,
    ):
        session.execute(
            delete(model).where(model.user_id == user_id),
            execution_options={"synchronize_session": False},
        )


def get_interview(session: Session, *, user_id: int, interview_id: int) -> Interview | None:
    """Return the user's interview with that id, or None."""
    return session.scalars(
        select(Interview).where(Interview.id == interview_id, Interview.user_id == user_id)
    ).first()


def interview_for_attempt(session: Session, *, user_id: int, attempt_id: int) -> Interview | None:
    """Return the user's latest interview that continues this attempt, or None."""
    return session.scalars(
        select(Interview)
        .where(Interview.user_id == user_id, Interview.attempt_id == attempt_id)
        .order_by(Interview.id.desc())
        .limit(1)
    ).first()


def interviews_by_attempt(session: Session, *, user_id: int) -> dict[int, list[Interview]]:
    """Return every interview of the user with its turns, grouped by attempt (for the export)."""
    grouped: dict[int, list[Interview]] = defaultdict(list)
    for interview in session.scalars(
        select(Interview)
        .where(Interview.user_id == user_id)
        .options(selectinload(Interview.turns))
        .order_by(Interview.id)
    ):
        grouped[interview.attempt_id].append(interview)
    return dict(grouped)


def mock_interviews(session: Session, *, user_id: int) -> Sequence[MockInterview]:
    """Return the user's mock interviews, newest first."""
    return session.scalars(
        select(MockInterview)
        .where(MockInterview.user_id == user_id)
        .order_by(MockInterview.started_at.desc(), MockInterview.id.desc())
    ).all()


def get_mock_interview(session: Session, *, user_id: int, mock_id: int) -> MockInterview | None:
    """Return the user's mock interview with that id, or None."""
    return session.scalars(
        select(MockInterview).where(MockInterview.id == mock_id, MockInterview.user_id == user_id)
    ).first()


def interviews_of_mock(session: Session, *, user_id: int, mock_id: int) -> list[Interview]:
    """Return the interviews (one per prompt) of a mock interview, in the order answered."""
    return list(
        session.scalars(
            select(Interview)
            .where(Interview.user_id == user_id, Interview.mock_id == mock_id)
            .order_by(Interview.id)
        )
    )


def get_audio(session: Session, *, user_id: int, attempt_id: int) -> AttemptAudio | None:
    """Return the kept recording of one of the user's attempts, or None."""
    return session.scalars(
        select(AttemptAudio).where(
            AttemptAudio.user_id == user_id, AttemptAudio.attempt_id == attempt_id
        )
    ).first()


def llm_usage_rows(session: Session, *, user_id: int) -> Sequence[Row[Any]]:
    """Return (id, submitted_at, prompt_id, scorer_name, llm_tokens, llm_cost_usd) of the
    user's attempts scored with an LLM, newest first."""
    return session.execute(
        select(
            Attempt.id,
            Attempt.submitted_at,
            Attempt.prompt_id,
            Attempt.scorer_name,
            Attempt.llm_tokens,
            Attempt.llm_cost_usd,
        )
        .where(Attempt.user_id == user_id, Attempt.llm_tokens.is_not(None))
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
    ).all()


# --- drafts ----------------------------------------------------------------------------------


def get_draft(session: Session, *, user_id: int, prompt_id: str) -> Draft | None:
    """Return the user's draft for that prompt, if any."""
    return session.scalars(
        select(Draft).where(Draft.user_id == user_id, Draft.prompt_id == prompt_id)
    ).first()


def list_drafts(session: Session, *, user_id: int) -> Sequence[Draft]:
    """Return the user's drafts, most recently edited first."""
    return session.scalars(
        select(Draft).where(Draft.user_id == user_id).order_by(Draft.updated_at.desc(), Draft.id)
    ).all()


def delete_draft(session: Session, *, user_id: int, prompt_id: str) -> int:
    """Delete the user's draft for that prompt; return how many rows went."""
    result = session.execute(
        delete(Draft).where(Draft.user_id == user_id, Draft.prompt_id == prompt_id),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- self-ratings and disputed flags ---------------------------------------------------------


def self_ratings(session: Session, *, user_id: int, attempt_id: int) -> dict[str, int]:
    """Return the user's self-rating per dimension for one attempt."""
    rows = session.execute(
        select(SelfRating.dimension, SelfRating.score).where(
            SelfRating.user_id == user_id, SelfRating.attempt_id == attempt_id
        )
    )
    return {dimension: score for dimension, score in rows}


def self_rating_rows(session: Session, *, user_id: int) -> Sequence[Row[Any]]:
    """Return (attempt_id, dimension, self score) of every self-rating of the user."""
    return session.execute(
        select(SelfRating.attempt_id, SelfRating.dimension, SelfRating.score)
        .where(SelfRating.user_id == user_id)
        .order_by(SelfRating.attempt_id, SelfRating.dimension)
    ).all()


def disputes(session: Session, *, user_id: int, attempt_id: int) -> Sequence[FlagDispute]:
    """Return the user's disputes on one attempt's flags."""
    return session.scalars(
        select(FlagDispute)
        .where(FlagDispute.user_id == user_id, FlagDispute.attempt_id == attempt_id)
        .order_by(FlagDispute.id)
    ).all()


def disputes_by_attempt(session: Session, *, user_id: int) -> dict[int, list[FlagDispute]]:
    """Return every dispute of the user, grouped by attempt (for the export)."""
    grouped: dict[int, list[FlagDispute]] = defaultdict(list)
    for dispute in session.scalars(
        select(FlagDispute).where(FlagDispute.user_id == user_id).order_by(FlagDispute.id)
    ):
        grouped[dispute.attempt_id].append(dispute)
    return dict(grouped)


def stored_confirmations(session: Session) -> Sequence[str]:
    """Return every attempt's stored answers to the engine's questions (JSON texts)."""
    return session.scalars(
        select(Attempt.confirmations).where(Attempt.confirmations.is_not(None))
    ).all()


def dispute_counts(session: Session) -> Sequence[Row[Any]]:
    """Return (flag_id, disputes, learners) over every user: a signal for the rules' authors."""
    return session.execute(
        select(
            FlagDispute.flag_id,
            func.count().label("disputes"),
            func.count(func.distinct(FlagDispute.user_id)).label("learners"),
        )
        .group_by(FlagDispute.flag_id)
        .order_by(func.count().desc(), FlagDispute.flag_id)
    ).all()
