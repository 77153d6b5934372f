"""Reading and writing review links. Access is decided by the services before these are called;
every lookup that starts from the owner is scoped by the owner's user id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.db.models import Attempt, ReviewLink


def add_link(
    session: Session,
    *,
    attempt_id: int,
    created_by: int,
    token_hash: str,
    expires_at: datetime,
    now: datetime,
) -> ReviewLink:
    link = ReviewLink(
        attempt_id=attempt_id,
        created_by=created_by,
        token_hash=token_hash,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(link)
    session.flush()
    return link


def links_of_attempt(session: Session, *, attempt_id: int) -> Sequence[ReviewLink]:
    """The links to one attempt, newest first."""
    return session.scalars(
        select(ReviewLink)
        .where(ReviewLink.attempt_id == attempt_id)
        .order_by(ReviewLink.created_at.desc(), ReviewLink.id.desc())
    ).all()


def owned_link(session: Session, *, link_id: int, user_id: int) -> ReviewLink | None:
    """The link ``link_id`` when it points at one of ``user_id``'s attempts."""
    return session.scalars(
        select(ReviewLink)
        .join(Attempt, Attempt.id == ReviewLink.attempt_id)
        .where(ReviewLink.id == link_id, Attempt.user_id == user_id)
    ).first()


def link_by_token_hash(session: Session, *, token_hash: str) -> ReviewLink | None:
    return session.scalars(select(ReviewLink).where(ReviewLink.token_hash == token_hash)).first()
