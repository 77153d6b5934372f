"""Who is practising: the default no-login learner, or a signed-in user (see accounts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import IntegrityError

from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import ROLES, User

Role = Literal["learner", "mentor", "admin"]
LOCAL_DISPLAY_NAME = "Local learner"


@dataclass(frozen=True, slots=True)
class UserContext:
    """The signed-in user every service call is scoped by."""

    user_id: int
    display_name: str
    role: Role


def context_of(user: User) -> UserContext:
    """Return the context services are called with for this user row."""
    return UserContext(user_id=user.id, display_name=user.display_name, role=user.role)  # type: ignore[arg-type]


def local_learner(db: Database) -> UserContext:
    """Get or create the default learner of a single-user install (no login)."""
    with db.session() as session:
        user = repo.get_local_user(session)
        if user is not None:
            return context_of(user)
        try:
            user = repo.add_user(
                session, display_name=LOCAL_DISPLAY_NAME, email=None, role="learner", is_local=True
            )
            session.commit()
        except IntegrityError:
            # Another session created it first (unique index on is_local): use theirs.
            session.rollback()
            user = repo.get_local_user(session)
            if user is None:
                raise
        return context_of(user)


def create_user(
    db: Database, *, display_name: str, email: str | None = None, role: Role = "learner"
) -> UserContext:
    """Create a user (for admin tools and tests); raises ValueError for an unknown role."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    with db.session() as session:
        user = repo.add_user(
            session,
            display_name=display_name,
            email=email.strip().lower() if email else None,
            role=role,
        )
        session.commit()
        return context_of(user)
