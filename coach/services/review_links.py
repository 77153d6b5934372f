"""Read-only review links: a learner on a shared deployment lets a mentor without an account
review one attempt.

The link carries a long random token (``secrets.token_urlsafe(32)``); only its SHA-256 is
stored, so the database never holds a usable link. The owner creates, lists and revokes links
to their own attempts. A visitor with the token sees that one attempt and may submit one
review, until the link expires or is revoked; once the review is in, or the link has ended,
every use gets a plain message and nothing of the attempt. Offering links only on a shared
deployment is the page's decision (a local app is not reachable by a mentor; it offers review
files, see ``review_files``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from coach.db import repositories as repo
from coach.db import review_link_queries as links_repo
from coach.db import review_queries
from coach.db.database import Database
from coach.db.models import ReviewLink
from coach.errors import (
    AttemptNotFoundError,
    ReviewInputError,
    ReviewLinkError,
    ReviewLinkUsedError,
)
from coach.services.accounts import digest
from coach.services.attempts import AttemptView, to_view
from coach.services.review_content import review_of, reviewer_name
from coach.services.users import UserContext

DEFAULT_DAYS = 14
MIN_DAYS, MAX_DAYS = 1, 30
# A visit marks the link as used at most this often (every rerun of the page opens it).
_TOUCH_EVERY = timedelta(minutes=1)

LinkStatus = Literal["active", "used", "expired", "revoked"]
UNKNOWN = "This review link is not valid: check that it was copied in full, or ask for a new one."
EXPIRED = "This review link has expired. Ask the learner for a new one."
REVOKED = "This review link was revoked by its owner."
USED = "This link has already been used for a review. Thank you!"


@dataclass(frozen=True, slots=True)
class LinkView:
    """One link as its owner sees it (never the token: only its hash is stored)."""

    id: int
    attempt_id: int
    created_at: datetime
    expires_at: datetime
    status: LinkStatus
    last_used_at: datetime | None
    revoked_at: datetime | None
    reviewed_at: datetime | None


@dataclass(frozen=True, slots=True)
class CreatedLink:
    """A new link: the token is shown to the owner once, here, and never again."""

    token: str
    link: LinkView


@dataclass(frozen=True, slots=True)
class LinkedAttempt:
    """What a visitor of a valid link may see: the one attempt, and until when."""

    attempt: AttemptView
    expires_at: datetime


def create_link(
    db: Database,
    user: UserContext,
    attempt_id: int,
    *,
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> CreatedLink:
    """Create a review link to one of the user's attempts, valid for ``days`` (1-30).

    Raises:
        AttemptNotFoundError: no such attempt of this user (someone else's reads the same).
        ReviewInputError: ``days`` is outside 1-30 (nothing stored).
    """
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ReviewInputError(f"A review link lasts {MIN_DAYS} to {MAX_DAYS} days, not {days}.")
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with db.session() as session:
        _owned_attempt(session, user, attempt_id)
        link = links_repo.add_link(
            session,
            attempt_id=attempt_id,
            created_by=user.user_id,
            token_hash=digest(token),
            expires_at=now + timedelta(days=days),
            now=now,
        )
        session.commit()
        return CreatedLink(token=token, link=_view(link, now))


def list_links(
    db: Database, user: UserContext, attempt_id: int, *, now: datetime | None = None
) -> list[LinkView]:
    """The links to one of the user's attempts, newest first, with their status.

    Raises:
        AttemptNotFoundError: no such attempt of this user.
    """
    now = now or datetime.now(UTC)
    with db.session() as session:
        _owned_attempt(session, user, attempt_id)
        return [
            _view(link, now) for link in links_repo.links_of_attempt(session, attempt_id=attempt_id)
        ]


def revoke_link(
    db: Database, user: UserContext, link_id: int, *, now: datetime | None = None
) -> LinkView:
    """Revoke a link to one of the user's attempts (revoking it again changes nothing).

    Raises:
        ReviewLinkError: no such link to this user's attempts (someone else's reads the same).
    """
    now = now or datetime.now(UTC)
    with db.session() as session:
        link = links_repo.owned_link(session, link_id=link_id, user_id=user.user_id)
        if link is None:
            raise ReviewLinkError(f"Review link {link_id} not found.")
        if link.revoked_at is None:
            link.revoked_at = now
            session.commit()
        return _view(link, now)


def open_link(db: Database, token: str, *, now: datetime | None = None) -> LinkedAttempt:
    """The attempt a link shows, for a visitor without an account; marks the link as used.

    Raises:
        ReviewLinkError: the token is unknown, or the link expired or was revoked (the message
            says which, and nothing of the attempt is returned).
    """
    now = now or datetime.now(UTC)
    with db.session() as session:
        link = _usable(session, token, now)
        if link.last_used_at is None or now - link.last_used_at >= _TOUCH_EVERY:
            link.last_used_at = now
        row = repo.get_attempt_by_id(session, attempt_id=link.attempt_id)
        if row is None:  # the cascade removes a deleted attempt's links; defensive only
            raise ReviewLinkError(UNKNOWN)
        session.commit()
        return LinkedAttempt(attempt=to_view(row), expires_at=link.expires_at)


def submit_link_review(
    db: Database, token: str, *, name: str, review: object, now: datetime | None = None
) -> int:
    """Store the one review a link takes (checked against the attempt); return its id.

    The link is claimed and the review stored in one transaction: of two visitors submitting
    at once, one stores the review and the other gets ``ReviewLinkUsedError``; a refused review
    leaves the link unused.

    Raises:
        ReviewLinkUsedError: the link has already taken its review (nothing stored).
        ReviewLinkError: the link is unknown, expired or revoked (nothing stored).
        ReviewInputError: the name or the review is invalid (nothing stored).
    """
    now = now or datetime.now(UTC)
    with db.session() as session:
        link_id = (
            links_repo.claim_for_review(session, token_hash=digest(token), now=now)
            if token
            else None
        )
        if link_id is None:
            _usable(session, token, now)  # raises the reason: unknown, used, expired, revoked
            raise ReviewLinkUsedError(USED)  # defensive: it ended between the two statements
        link = session.get(ReviewLink, link_id)
        row = repo.get_attempt_by_id(session, attempt_id=link.attempt_id) if link else None
        if row is None:
            raise ReviewLinkError(UNKNOWN)
        view = to_view(row)
        content = review_of(review, answer=view.answer, report=view.report)
        stored = review_queries.add_review(
            session,
            attempt_id=row.id,
            content=content,
            reviewer_id=None,
            reviewer_name=reviewer_name(name),
            source="link",
            submitted=True,
            now=now,
        )
        session.commit()
        return stored.id


def status_of(link: ReviewLink, now: datetime) -> LinkStatus:
    """Revoked wins over used, used over expired: the owner's act is the more useful thing to
    say, then that the link did its job."""
    if link.revoked_at is not None:
        return "revoked"
    if link.reviewed_at is not None:
        return "used"
    if link.expires_at <= now:
        return "expired"
    return "active"


def _usable(session: Session, token: str, now: datetime) -> ReviewLink:
    link = links_repo.link_by_token_hash(session, token_hash=digest(token)) if token else None
    if link is None:
        raise ReviewLinkError(UNKNOWN)
    status = status_of(link, now)
    if status == "used":
        raise ReviewLinkUsedError(USED)
    if status != "active":
        raise ReviewLinkError(REVOKED if status == "revoked" else EXPIRED)
    return link


def _owned_attempt(session: Session, user: UserContext, attempt_id: int) -> None:
    if repo.get_attempt(session, user_id=user.user_id, attempt_id=attempt_id) is None:
        raise AttemptNotFoundError(attempt_id)


def _view(link: ReviewLink, now: datetime) -> LinkView:
    return LinkView(
        id=link.id,
        attempt_id=link.attempt_id,
        created_at=link.created_at,
        expires_at=link.expires_at,
        status=status_of(link, now),
        last_used_at=link.last_used_at,
        revoked_at=link.revoked_at,
        reviewed_at=link.reviewed_at,
    )
