"""Cohort queries: invites, members, assignments and the cohort dashboard's aggregates.

One keyword-only function each; nothing here commits (services own the transactions). The
dashboard's numbers are computed by the database (GROUP BY, window functions) through
SQLAlchemy Core, the same statements on SQLite and PostgreSQL; Python only reshapes the
aggregated rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    Row,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from coach.db.models import (
    DIMENSION_COLUMNS,
    Assignment,
    AssignmentPrompt,
    Attempt,
    AttemptFlag,
    Cohort,
    CohortMember,
    Review,
    User,
)

LEARNER = "learner"
# The flags a learner is shown as faults. Hints (info) are not counted; "worth checking" flags
# never reach attempt_flags (coach.services.attempts.apply_report).
COUNTED_SEVERITIES: tuple[str, ...] = ("error", "warning")

# --- cohorts, invites and members ------------------------------------------------------------


def get_cohort(session: Session, *, cohort_id: int) -> Cohort | None:
    """Return the cohort with that id, if any."""
    return session.get(Cohort, cohort_id)


def lock_cohort_by_invite(session: Session, *, code_hash: str) -> Cohort | None:
    """Return the cohort whose current invite code has this digest, holding a write lock on it
    until the transaction ends (None when no code matches).

    A no-op UPDATE takes the lock on both backends: PostgreSQL locks the row, SQLite takes its
    database write lock. Call it first in the transaction: SQLite cannot upgrade a read
    snapshot that another writer has overtaken.
    """
    cohort_id = session.scalar(
        update(Cohort)
        .where(Cohort.invite_code_hash == code_hash)
        .values(seat_limit=Cohort.seat_limit)
        .returning(Cohort.id)
    )
    return None if cohort_id is None else session.get(Cohort, cohort_id)


def member_role(session: Session, *, cohort_id: int, user_id: int) -> str | None:
    """Return the user's role in the cohort, or None when they are not in it."""
    return session.scalar(
        select(CohortMember.role).where(
            CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id
        )
    )


def count_learners(session: Session, *, cohort_id: int) -> int:
    """Return how many learners the cohort has (the seats in use)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(CohortMember)
            .where(CohortMember.cohort_id == cohort_id, CohortMember.role == LEARNER)
        )
        or 0
    )


def remove_member(session: Session, *, cohort_id: int, user_id: int) -> bool:
    """Take the user out of the cohort; False when they were not in it."""
    result = session.execute(
        delete(CohortMember).where(
            CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def cohort_names(session: Session) -> Sequence[Row[Any]]:
    """Return (id, name) of every cohort, by name (what a site admin may pick from)."""
    return session.execute(select(Cohort.id, Cohort.name).order_by(Cohort.name)).all()


def cohorts_with_counts(session: Session) -> Sequence[Row[Any]]:
    """Return every cohort with its invite terms and learner count, by name (for admins)."""
    learners = (
        select(CohortMember.cohort_id, func.count().label("learners"))
        .where(CohortMember.role == LEARNER)
        .group_by(CohortMember.cohort_id)
        .subquery()
    )
    return session.execute(
        select(
            Cohort.id,
            Cohort.name,
            Cohort.seat_limit,
            Cohort.invite_expires_at,
            Cohort.invite_code_hash.is_not(None).label("has_code"),
            func.coalesce(learners.c.learners, 0).label("learners"),
        )
        .outerjoin(learners, learners.c.cohort_id == Cohort.id)
        .order_by(Cohort.name)
    ).all()


def members(session: Session, *, cohort_id: int) -> Sequence[Row[Any]]:
    """Return (user_id, display_name, email, role) of the cohort's members, by role and name."""
    return session.execute(
        select(User.id.label("user_id"), User.display_name, User.email, CohortMember.role)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(CohortMember.role, User.display_name, User.id)
    ).all()


# --- assignments -----------------------------------------------------------------------------


def add_assignment(
    session: Session,
    *,
    cohort_id: int,
    created_by: int,
    title: str,
    level: str,
    due_at: datetime,
    created_at: datetime,
    prompt_ids: Sequence[str],
) -> Assignment:
    """Add an assignment with its prompts in order; flush so it has an id."""
    assignment = Assignment(
        cohort_id=cohort_id,
        created_by=created_by,
        title=title,
        level=level,
        due_at=due_at,
        created_at=created_at,
        prompts=[
            AssignmentPrompt(prompt_id=prompt_id, position=position)
            for position, prompt_id in enumerate(prompt_ids)
        ],
    )
    session.add(assignment)
    session.flush()
    return assignment


def _prompt_progress(cohort_ids: Select[Any], learner_id: int | None = None) -> Select[Any]:
    """One row per (assignment prompt, learner of its cohort who joined before it fell due):
    when the learner first
    submitted it after the assignment was set (demo attempts aside), and whether such an
    attempt was reviewed."""
    submitted = Attempt.submitted_at
    reviewed = (
        select(Review.id)
        .where(Review.attempt_id == Attempt.id, Review.status == "submitted")
        .exists()
    )
    # One row per assignment, prompt and learner: what is selected is what is grouped by.
    keys = (
        Assignment.cohort_id,
        Assignment.title,
        Assignment.level,
        Assignment.due_at,
        Assignment.created_at,
        AssignmentPrompt.prompt_id,
        AssignmentPrompt.position,
        CohortMember.user_id,
    )
    query = (
        select(
            Assignment.id.label("assignment_id"),
            *keys,
            func.min(submitted).label("first_submitted"),
            func.max(case((reviewed, 1), else_=0)).label("reviewed"),
        )
        .join(AssignmentPrompt, AssignmentPrompt.assignment_id == Assignment.id)
        .join(
            CohortMember,
            and_(
                CohortMember.cohort_id == Assignment.cohort_id,
                CohortMember.role == LEARNER,
                # Work that fell due before the learner joined is not theirs to catch up on.
                Assignment.due_at >= CohortMember.added_at,
            ),
        )
        .outerjoin(
            Attempt,
            and_(
                Attempt.user_id == CohortMember.user_id,
                Attempt.prompt_id == AssignmentPrompt.prompt_id,
                Attempt.submitted_at >= Assignment.created_at,
                Attempt.is_demo.is_(False),
            ),
        )
        .where(Assignment.cohort_id.in_(cohort_ids))
        .group_by(Assignment.id, *keys)
    )
    if learner_id is not None:
        query = query.where(CohortMember.user_id == learner_id)
    return query


def learner_assignment_prompts(session: Session, *, user_id: int) -> Sequence[Row[Any]]:
    """Return the prompts assigned to the user in every cohort they learn in, with their
    submission time and review mark (see ``_prompt_progress``), plus the cohort's name."""
    mine = select(CohortMember.cohort_id).where(
        CohortMember.user_id == user_id, CohortMember.role == LEARNER
    )
    progress = _prompt_progress(mine, learner_id=user_id).subquery()
    return session.execute(
        select(progress, Cohort.name.label("cohort_name"))
        .join(Cohort, Cohort.id == progress.c.cohort_id)
        .order_by(progress.c.due_at, progress.c.assignment_id, progress.c.position)
    ).all()


def cohort_assignments(session: Session, *, cohort_id: int) -> Sequence[Row[Any]]:
    """Return the cohort's assignments with how many prompts each has, newest due first."""
    return session.execute(
        select(
            Assignment.id,
            Assignment.title,
            Assignment.level,
            Assignment.due_at,
            Assignment.created_at,
            func.count(AssignmentPrompt.id).label("prompts"),
        )
        .join(AssignmentPrompt, AssignmentPrompt.assignment_id == Assignment.id)
        .where(Assignment.cohort_id == cohort_id)
        .group_by(
            Assignment.id,
            Assignment.title,
            Assignment.level,
            Assignment.due_at,
            Assignment.created_at,
        )
        .order_by(Assignment.due_at.desc(), Assignment.id.desc())
    ).all()


def completion_by_learner(session: Session, *, cohort_id: int) -> Sequence[Row[Any]]:
    """Return (user_id, assigned, submitted, reviewed) prompt counts per learner."""
    progress = _prompt_progress(select(literal(cohort_id))).subquery()
    return session.execute(
        select(
            progress.c.user_id,
            func.count().label("assigned"),
            func.count(progress.c.first_submitted).label("submitted"),
            func.coalesce(func.sum(progress.c.reviewed), 0).label("reviewed"),
        ).group_by(progress.c.user_id)
    ).all()


# --- the cohort dashboard --------------------------------------------------------------------


def _learner_ids(cohort_id: int) -> Select[Any]:
    return select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.role == LEARNER
    )


def _counts_scored(cohort_id: int) -> tuple[Any, ...]:
    """The conditions of an attempt the dashboard counts: a scored, non-demo attempt of one of
    the cohort's learners."""
    return (
        Attempt.user_id.in_(_learner_ids(cohort_id)),
        Attempt.status == "scored",
        Attempt.is_demo.is_(False),
    )


def _scored_attempts(cohort_id: int) -> Any:
    """The scored, non-demo attempts of the cohort's learners, newest first per learner
    (``recency`` 1 = the newest)."""
    recency = (
        func.row_number()
        .over(
            partition_by=Attempt.user_id,
            order_by=(Attempt.submitted_at.desc(), Attempt.id.desc()),
        )
        .label("recency")
    )
    return (
        select(
            Attempt.id,
            Attempt.user_id,
            Attempt.submitted_at,
            Attempt.overall,
            *(getattr(Attempt, name) for name in DIMENSION_COLUMNS),
            recency,
        )
        .where(*_counts_scored(cohort_id))
        .subquery()
    )


def learner_summaries(session: Session, *, cohort_id: int, window: int) -> Sequence[Row[Any]]:
    """Return one row per learner of the cohort: name, e-mail, scored attempts, average,
    last practice, the mean of the newest ``window`` scores and of the ``window`` before them,
    and the mean of each dimension."""
    scored = _scored_attempts(cohort_id)
    recent = case((scored.c.recency <= window, scored.c.overall))
    previous = case(
        (and_(scored.c.recency > window, scored.c.recency <= 2 * window), scored.c.overall)
    )
    per_learner = (
        select(
            scored.c.user_id,
            func.count().label("attempts"),
            func.avg(cast(scored.c.overall, Float)).label("average"),
            func.max(scored.c.submitted_at).label("last_attempt"),
            func.avg(cast(recent, Float)).label("recent_mean"),
            func.avg(cast(previous, Float)).label("previous_mean"),
            func.count(previous).label("previous_count"),
            *(
                func.avg(cast(getattr(scored.c, name), Float)).label(name)
                for name in DIMENSION_COLUMNS
            ),
        )
        .group_by(scored.c.user_id)
        .subquery()
    )
    return session.execute(
        select(
            User.id.label("user_id"),
            User.display_name,
            User.email,
            func.coalesce(per_learner.c.attempts, 0).label("attempts"),
            per_learner.c.average,
            per_learner.c.last_attempt,
            per_learner.c.recent_mean,
            per_learner.c.previous_mean,
            func.coalesce(per_learner.c.previous_count, 0).label("previous_count"),
            *(getattr(per_learner.c, name) for name in DIMENSION_COLUMNS),
        )
        .join(CohortMember, CohortMember.user_id == User.id)
        .outerjoin(per_learner, per_learner.c.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.role == LEARNER)
        .order_by(User.display_name, User.id)
    ).all()


def recent_scores(session: Session, *, cohort_id: int, limit: int) -> Sequence[Row[Any]]:
    """Return (user_id, overall) of each learner's newest ``limit`` scored attempts, oldest
    first per learner (the points of the trend sparklines)."""
    scored = _scored_attempts(cohort_id)
    return session.execute(
        select(scored.c.user_id, scored.c.overall)
        .where(scored.c.recency <= limit, scored.c.overall.is_not(None))
        .order_by(scored.c.user_id, scored.c.recency.desc())
    ).all()


def flag_rates(session: Session, *, cohort_id: int) -> Sequence[Row[Any]]:
    """Return (user_id, flag_id, attempts, rate): for each learner and flag, how many of the
    learner's scored attempts raised it as an error or warning (``COUNTED_SEVERITIES``) and
    what share of their scored attempts that is."""
    # No window here: the flag rows are found through their user_id index and joined to their
    # attempt by primary key (joining the ranked subquery instead cost several times more).
    counted = _counts_scored(cohort_id)
    totals = (
        select(Attempt.user_id, func.count().label("total"))
        .where(*counted)
        .group_by(Attempt.user_id)
        .subquery()
    )
    flagged = func.count(func.distinct(AttemptFlag.attempt_id))
    return session.execute(
        select(
            AttemptFlag.user_id,
            AttemptFlag.flag_id,
            flagged.label("attempts"),
            (cast(flagged, Float) / totals.c.total).label("rate"),
        )
        .join(Attempt, Attempt.id == AttemptFlag.attempt_id)
        .join(totals, totals.c.user_id == AttemptFlag.user_id)
        .where(
            AttemptFlag.user_id.in_(_learner_ids(cohort_id)),
            AttemptFlag.severity.in_(COUNTED_SEVERITIES),
            *counted,
        )
        .group_by(AttemptFlag.user_id, AttemptFlag.flag_id, totals.c.total)
        .order_by(AttemptFlag.user_id, AttemptFlag.flag_id)
    ).all()
