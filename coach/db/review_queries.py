"""Reading and writing reviews. Access is decided by the services before these are called."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from coach.db.models import (
    Attempt,
    AttemptFlag,
    CohortMember,
    Review,
    ReviewComment,
    ReviewElement,
    ReviewFlagDecision,
    ReviewReply,
    User,
    utc_now,
)


class _Comment(Protocol):
    span_start: int | None
    span_end: int | None
    quote: str
    body: str


class _Decision(Protocol):
    flag_id: str
    span_start: int
    span_end: int
    decision: str
    reason: str


class ReviewContent(Protocol):
    """What a review says (``coach.services.review_content.ReviewInput`` once checked)."""

    overall_comment: str
    score_override: int | None
    override_reason: str

    @property
    def comments(self) -> Sequence[_Comment]: ...
    @property
    def decisions(self) -> Sequence[_Decision]: ...
    @property
    def elements(self) -> Mapping[str, bool]: ...


def add_review(
    session: Session,
    *,
    attempt_id: int,
    content: ReviewContent,
    reviewer_id: int | None,
    reviewer_name: str,
    source: str,
    submitted: bool,
    external_id: str | None = None,
    now: datetime | None = None,
) -> Review:
    """Insert a review with everything it says (``content`` must already be checked)."""
    now = now or utc_now()
    review = Review(
        attempt_id=attempt_id,
        reviewer_id=reviewer_id,
        reviewer_name=reviewer_name,
        source=source,
        external_id=external_id,
        created_at=now,
    )
    session.add(review)
    set_content(session, review, content, submitted=submitted, now=now)
    return review


def set_content(
    session: Session, review: Review, content: ReviewContent, *, submitted: bool, now: datetime
) -> None:
    """Replace what ``review`` says with ``content`` (a draft saved again, then submitted)."""
    review.overall_comment = content.overall_comment
    review.score_override = content.score_override
    review.override_reason = content.override_reason
    review.status = "submitted" if submitted else "draft"
    review.updated_at = now
    review.submitted_at = now if submitted else None
    # Delete the old parts first: a flush inserts before it deletes orphans, and the new
    # verdicts and decisions reuse the old ones' unique keys.
    review.comments.clear()
    review.decisions.clear()
    review.elements.clear()
    session.flush()
    review.comments = [
        ReviewComment(
            span_start=c.span_start, span_end=c.span_end, quote=c.quote, body=c.body, created_at=now
        )
        for c in content.comments
    ]
    review.decisions = [
        ReviewFlagDecision(
            flag_id=d.flag_id,
            span_start=d.span_start,
            span_end=d.span_end,
            decision=d.decision,
            reason=d.reason,
        )
        for d in content.decisions
    ]
    review.elements = [
        ReviewElement(element=name, present=present) for name, present in content.elements.items()
    ]
    session.flush()


def _with_parts():  # type: ignore[no-untyped-def]
    return (
        selectinload(Review.comments).selectinload(ReviewComment.reply),
        selectinload(Review.decisions),
        selectinload(Review.elements),
    )


def reviews_of_attempts(
    session: Session, *, attempt_ids: Sequence[int], submitted_only: bool = True
) -> Sequence[Review]:
    """The reviews of these attempts with their parts, oldest first."""
    query = select(Review).where(Review.attempt_id.in_(attempt_ids)).options(*_with_parts())
    if submitted_only:
        query = query.where(Review.status == "submitted")
    return session.scalars(query.order_by(Review.created_at, Review.id)).all()


def draft_by(session: Session, *, attempt_id: int, reviewer_id: int) -> Review | None:
    """The unsent review ``reviewer_id`` is writing on this attempt, if any."""
    return session.scalars(
        select(Review)
        .where(
            Review.attempt_id == attempt_id,
            Review.reviewer_id == reviewer_id,
            Review.status == "draft",
        )
        .options(*_with_parts())
    ).first()


def review_by_external_id(session: Session, *, external_id: str) -> Review | None:
    return session.scalars(select(Review).where(Review.external_id == external_id)).first()


# --- the mentor's queue and the learner's side ------------------------------------------------


def queue_rows(
    session: Session,
    *,
    reviewer_id: int,
    reviewer_roles: tuple[str, ...],
    learner_id: int | None = None,
    prompt_id: str | None = None,
    flag_id: str | None = None,
    limit: int = 200,
) -> Sequence[Row[Any]]:
    """Scored attempts (not demo data) of the learners in every cohort where ``reviewer_id``
    holds one of ``reviewer_roles``, with no submitted review yet, oldest first.

    One query. The learners come from an ``IN (subquery)``, which also keeps a learner met in
    two cohorts once and lets the planner walk each learner's (user_id, submitted_at) index
    (a correlated EXISTS made SQLite scan every attempt row, reports included: 0.8 s at
    18,000 attempts against 7 ms).
    Columns: id, user_id, learner (display name), prompt_id, category, submitted_at, overall,
    has_draft (the reviewer has an unsent review of it).
    """
    viewer = aliased(CohortMember)
    owner = aliased(CohortMember)
    my_learners = (
        select(owner.user_id)
        .join(viewer, viewer.cohort_id == owner.cohort_id)
        .where(
            viewer.user_id == reviewer_id,
            viewer.role.in_(reviewer_roles),
            owner.role == "learner",
        )
    )
    submitted = (
        select(Review.id)
        .where(Review.attempt_id == Attempt.id, Review.status == "submitted")
        .exists()
    )
    query = (
        select(
            Attempt.id,
            Attempt.user_id,
            User.display_name.label("learner"),
            Attempt.prompt_id,
            Attempt.category,
            Attempt.submitted_at,
            Attempt.overall,
        )
        .join(User, User.id == Attempt.user_id)
        .where(
            Attempt.status == "scored",
            Attempt.is_demo.is_(False),
            Attempt.user_id != reviewer_id,
            Attempt.user_id.in_(my_learners),
            ~submitted,
        )
    )
    if learner_id is not None:
        query = query.where(Attempt.user_id == learner_id)
    if prompt_id is not None:
        query = query.where(Attempt.prompt_id == prompt_id)
    if flag_id is not None:
        query = query.where(
            select(AttemptFlag.id)
            .where(AttemptFlag.attempt_id == Attempt.id, AttemptFlag.flag_id == flag_id)
            .exists()
        )
    page = query.order_by(Attempt.submitted_at, Attempt.id).limit(limit).subquery()
    # The reviewer's drafts are looked up for the page only: asked of every candidate row,
    # SQLite walked the reviewer's index once per attempt (all their reviews each time).
    my_draft = (
        select(Review.id)
        .where(
            Review.attempt_id == page.c.id,
            Review.reviewer_id == reviewer_id,
            Review.status == "draft",
        )
        .exists()
    )
    return (
        session.connection()
        .execute(
            select(*page.c, my_draft.label("has_draft")).order_by(page.c.submitted_at, page.c.id)
        )
        .all()
    )


def flags_of_attempts(session: Session, *, attempt_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each attempt's counted flag ids in report order (one query for a page of the queue)."""
    if not attempt_ids:
        return {}
    rows = session.connection().execute(
        select(AttemptFlag.attempt_id, AttemptFlag.flag_id)
        .where(AttemptFlag.attempt_id.in_(attempt_ids))
        .order_by(AttemptFlag.id)
    )
    flags: dict[int, list[str]] = {}
    for attempt_id, flag_id in rows:
        flags.setdefault(attempt_id, []).append(flag_id)
    return flags


def reviewable_learners(
    session: Session,
    *,
    reviewer_id: int,
    reviewer_roles: tuple[str, ...],
    limit: int | None = None,
) -> Sequence[Row[Any]]:
    """(id, display name) of the learners in the cohorts ``reviewer_id`` mentors or runs
    (``limit`` 1: whether there is any)."""
    viewer = aliased(CohortMember)
    owner = aliased(CohortMember)
    return session.execute(
        select(User.id, User.display_name)
        .join(owner, owner.user_id == User.id)
        .join(viewer, viewer.cohort_id == owner.cohort_id)
        .where(
            viewer.user_id == reviewer_id,
            viewer.role.in_(reviewer_roles),
            owner.role == "learner",
            User.id != reviewer_id,
        )
        .distinct()
        .order_by(User.display_name, User.id)
        .limit(limit)
    ).all()


def reviewed_ids(session: Session, *, owner_id: int) -> set[int]:
    """Ids of the owner's attempts that have at least one submitted review."""
    return set(
        session.scalars(
            select(Review.attempt_id)
            .join(Attempt, Attempt.id == Review.attempt_id)
            .where(Attempt.user_id == owner_id, Review.status == "submitted")
            .distinct()
        )
    )


def comment_with_owner(session: Session, *, comment_id: int) -> Row[Any] | None:
    """(comment, the attempt owner's id, review status) of a comment, for the reply rule."""
    return session.execute(
        select(ReviewComment, Attempt.user_id.label("owner_id"), Review.status)
        .join(Review, Review.id == ReviewComment.review_id)
        .join(Attempt, Attempt.id == Review.attempt_id)
        .where(ReviewComment.id == comment_id)
    ).first()


def add_reply(
    session: Session,
    *,
    comment_id: int,
    user_id: int,
    body: str,
    created_at: datetime | None = None,
) -> ReviewReply:
    """Insert the learner's reply (the unique comment_id refuses a second one); ``created_at``
    keeps an imported reply's time."""
    reply = ReviewReply(
        comment_id=comment_id, user_id=user_id, body=body, created_at=created_at or utc_now()
    )
    session.add(reply)
    session.flush()
    return reply


# --- agreement -------------------------------------------------------------------------------


def decision_counts(session: Session) -> Sequence[Row[Any]]:
    """(flag_id, decision, count) over every submitted review."""
    return session.execute(
        select(ReviewFlagDecision.flag_id, ReviewFlagDecision.decision, func.count())
        .join(Review, Review.id == ReviewFlagDecision.review_id)
        .where(Review.status == "submitted")
        .group_by(ReviewFlagDecision.flag_id, ReviewFlagDecision.decision)
        .order_by(ReviewFlagDecision.flag_id, ReviewFlagDecision.decision)
    ).all()


def submitted_reviews(session: Session) -> Sequence[Review]:
    """Every submitted review with its decisions and element verdicts (for the export)."""
    return session.scalars(
        select(Review)
        .where(Review.status == "submitted")
        .options(selectinload(Review.decisions), selectinload(Review.elements))
        .order_by(Review.submitted_at, Review.id)
    ).all()


def submitted_verdicts(session: Session) -> Sequence[Row[Any]]:
    """(attempt_id, element, present) of every element verdict in a submitted review: plain
    rows, as the agreement only counts them."""
    return (
        session.connection()
        .execute(
            select(Review.attempt_id, ReviewElement.element, ReviewElement.present)
            .join(Review, Review.id == ReviewElement.review_id)
            .where(Review.status == "submitted")
        )
        .all()
    )


def submitted_count(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Review).where(Review.status == "submitted"))
        or 0
    )


def attempt_columns(session: Session, *, attempt_ids: Sequence[int]) -> dict[int, Row[Any]]:
    """(id, prompt_text, prompt_id, answer, report) of these attempts, by id."""
    if not attempt_ids:
        return {}
    rows = session.execute(
        select(
            Attempt.id, Attempt.prompt_id, Attempt.prompt_text, Attempt.answer, Attempt.report
        ).where(Attempt.id.in_(attempt_ids))
    ).all()
    return {row.id: row for row in rows}
