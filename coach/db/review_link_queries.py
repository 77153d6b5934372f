"""Reading and writing review links. Access is decided by the services before these are called;
every lookup that starts from the owner is scoped by the owner's user id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
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


def claim_for_review(session: Session, *, token_hash: str, now: datetime) -> int | None:
    """Mark the link as reviewed when it is active and unused; return its id, or None when no
    such link (unknown, expired, revoked or already reviewed).

    One conditional UPDATE, so two visitors submitting at once cannot both claim the link: on
    PostgreSQL the second waits for the first's row lock and then no longer matches; on SQLite
    it waits for the database write lock. Call it first in the transaction (SQLite cannot
    upgrade a read snapshot that another writer has overtaken); a rollback gives the link back.
    """
    return session.scalar(
        update(ReviewLink)
        .where(
            ReviewLink.token_hash == token_hash,
            ReviewLink.reviewed_at.is_(None),
            ReviewLink.revoked_at.is_(None),
            ReviewLink.expires_at > now,
        )
        .values(reviewed_at=now, last_used_at=now)
        .returning(ReviewLink.id)
    )
