"""Reading and writing reviews. Access is decided by the services before these are called."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coach.db.models import (
    Review,
    ReviewComment,
    ReviewElement,
    ReviewFlagDecision,
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
