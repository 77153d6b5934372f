"""Account, session, cohort and audit queries, one keyword-only function each.

Services own the transactions: nothing here commits. Tokens and codes arrive here already
hashed; nothing in this module ever sees a password or a raw token.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, delete, func, select, update
from sqlalchemy.orm import Session, aliased

from coach.db.models import (
    AuditEntry,
    AuthSession,
    Cohort,
    CohortMember,
    PasswordCredential,
    ResetCode,
    SignInFailure,
    User,
    utc_now,
)

# --- users and credentials -------------------------------------------------------------------


def get_user(session: Session, *, user_id: int) -> User | None:
    """Return the user with that id, if any."""
    return session.get(User, user_id)


def get_user_by_oidc(session: Session, *, issuer: str, subject: str) -> User | None:
    """Return the user bound to this OpenID Connect identity, if any."""
    return session.scalars(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    ).first()


def get_credential(session: Session, *, user_id: int) -> PasswordCredential | None:
    """Return the user's password credential, if they have one."""
    return session.get(PasswordCredential, user_id)


def set_password_hash(session: Session, *, user_id: int, password_hash: str, now: datetime) -> None:
    """Store a new password hash and clear any failed sign-ins and lock."""
    credential = session.get(PasswordCredential, user_id)
    if credential is None:
        credential = PasswordCredential(user_id=user_id)
        session.add(credential)
    credential.password_hash = password_hash
    credential.failed_attempts = 0
    credential.locked_until = None
    credential.changed_at = now
    session.flush()


def count_failure(session: Session, *, user_id: int) -> int:
    """Add one failed sign-in atomically (two replicas may count at once); return the total."""
    session.execute(
        update(PasswordCredential)
        .where(PasswordCredential.user_id == user_id)
        .values(failed_attempts=PasswordCredential.failed_attempts + 1)
    )
    return int(
        session.scalar(
            select(PasswordCredential.failed_attempts).where(PasswordCredential.user_id == user_id)
        )
        or 0
    )


def lock_credential(session: Session, *, user_id: int, until: datetime) -> None:
    """Refuse sign-ins until ``until`` and start counting failures again."""
    session.execute(
        update(PasswordCredential)
        .where(PasswordCredential.user_id == user_id)
        .values(locked_until=until, failed_attempts=0)
    )


def clear_failures(session: Session, *, user_id: int) -> None:
    """Forget failed sign-ins after a successful one."""
    session.execute(
        update(PasswordCredential)
        .where(PasswordCredential.user_id == user_id)
        .values(failed_attempts=0, locked_until=None)
    )


def list_users(session: Session) -> Sequence[Row[Any]]:
    """Return every user with whether they have a password, oldest first."""
    return session.execute(
        select(
            User.id,
            User.email,
            User.display_name,
            User.role,
            User.is_local,
            User.oidc_subject,
            PasswordCredential.user_id.is_not(None).label("has_password"),
        )
        .outerjoin(PasswordCredential, PasswordCredential.user_id == User.id)
        .order_by(User.id)
    ).all()


# --- sessions and reset codes ----------------------------------------------------------------


def add_session(
    session: Session, *, user_id: int, token_hash: str, created_at: datetime, expires_at: datetime
) -> None:
    """Record a new sign-in session."""
    session.add(
        AuthSession(
            user_id=user_id, token_hash=token_hash, created_at=created_at, expires_at=expires_at
        )
    )
    session.flush()


def live_session_user(session: Session, *, token_hash: str, now: datetime) -> User | None:
    """Return the user of an unexpired, unrevoked session (None once the user is deleted)."""
    return session.scalars(
        select(User)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(
            AuthSession.token_hash == token_hash,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
        )
    ).first()


def revoke_sessions(
    session: Session, *, now: datetime, user_id: int | None = None, token_hash: str | None = None
) -> int:
    """Revoke one session (by token hash) or all of a user's; return how many."""
    conditions = [AuthSession.revoked_at.is_(None)]
    if user_id is not None:
        conditions.append(AuthSession.user_id == user_id)
    if token_hash is not None:
        conditions.append(AuthSession.token_hash == token_hash)
    if user_id is None and token_hash is None:
        raise ValueError("revoke_sessions needs a user_id or a token_hash")
    result = session.execute(update(AuthSession).where(*conditions).values(revoked_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def add_reset_code(
    session: Session, *, user_id: int, code_hash: str, created_at: datetime, expires_at: datetime
) -> None:
    """Record a reset code; earlier unused codes of the user stop working."""
    session.execute(
        update(ResetCode)
        .where(ResetCode.user_id == user_id, ResetCode.used_at.is_(None))
        .values(used_at=created_at)
    )
    session.add(
        ResetCode(
            user_id=user_id, code_hash=code_hash, created_at=created_at, expires_at=expires_at
        )
    )
    session.flush()


def use_reset_code(session: Session, *, code_hash: str, user_id: int, now: datetime) -> bool:
    """Mark the user's live code as used; False when it is wrong, used or expired.

    One UPDATE with every condition, so two replicas cannot both use the same code.
    """
    result = session.execute(
        update(ResetCode)
        .where(
            ResetCode.code_hash == code_hash,
            ResetCode.user_id == user_id,
            ResetCode.used_at.is_(None),
            ResetCode.expires_at > now,
        )
        .values(used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- cohorts ---------------------------------------------------------------------------------


def get_cohort_by_name(session: Session, *, name: str) -> Cohort | None:
    """Return the cohort with that (case-insensitive) name, if any."""
    return session.scalars(select(Cohort).where(func.lower(Cohort.name) == name.lower())).first()


def add_cohort(session: Session, *, name: str) -> Cohort:
    """Add a cohort and flush so it has an id."""
    cohort = Cohort(name=name)
    session.add(cohort)
    session.flush()
    return cohort


def set_membership(
    session: Session, *, cohort_id: int, user_id: int, role: str, added_at: datetime | None = None
) -> None:
    """Put the user in the cohort with ``role`` (changing the role if already a member);
    a new member is stamped ``added_at`` (default now)."""
    member = session.scalars(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id
        )
    ).first()
    if member is None:
        session.add(
            CohortMember(
                cohort_id=cohort_id, user_id=user_id, role=role, added_at=added_at or utc_now()
            )
        )
    else:
        member.role = role
    session.flush()


def shares_cohort_as(
    session: Session, *, viewer_id: int, owner_id: int, viewer_roles: tuple[str, ...]
) -> bool:
    """Whether ``viewer`` holds one of ``viewer_roles`` in a cohort where ``owner`` learns."""
    viewer = aliased(CohortMember)
    owner = aliased(CohortMember)
    query = (
        select(viewer.id)
        .join(owner, and_(owner.cohort_id == viewer.cohort_id, owner.user_id == owner_id))
        .where(viewer.user_id == viewer_id, viewer.role.in_(viewer_roles), owner.role == "learner")
        .limit(1)
    )
    return session.scalar(query) is not None


def memberships(session: Session, *, user_id: int) -> Sequence[Row[Any]]:
    """Return (cohort_id, cohort name, role) of every cohort the user is in."""
    return session.execute(
        select(Cohort.id, Cohort.name, CohortMember.role)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id)
        .order_by(Cohort.name)
    ).all()


# --- audit -----------------------------------------------------------------------------------


def add_audit_entry(
    session: Session, *, actor_id: int | None, actor: str, action: str, target: str
) -> None:
    """Record one admin action."""
    session.add(AuditEntry(actor_id=actor_id, actor=actor, action=action, target=target[:400]))


def audit_entries(session: Session, *, limit: int = 100) -> Sequence[AuditEntry]:
    """Return the newest audit entries first."""
    return session.scalars(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    ).all()


def add_sign_in_failure(
    session: Session, *, source: str, at: datetime, keep_after: datetime
) -> None:
    """Record a failed sign-in from ``source`` and forget that source's failures older than
    ``keep_after`` (the table holds only what the throttle window needs)."""
    session.execute(
        delete(SignInFailure).where(SignInFailure.source == source, SignInFailure.at < keep_after)
    )
    session.add(SignInFailure(source=source, at=at))
    session.flush()


def sign_in_failures_since(
    session: Session, *, source: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many failures ``source`` had since ``since``, and the oldest of them."""
    count, oldest = session.execute(
        select(func.count(SignInFailure.id), func.min(SignInFailure.at)).where(
            SignInFailure.source == source, SignInFailure.at >= since
        )
    ).one()
    return int(count), oldest
