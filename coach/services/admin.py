"""Running a deployment: accounts, cohorts and memberships, reset codes, and the audit log.

Every action is done by an admin (a user whose deployment role is ``admin``) or by the
operator at the shell (``coach admin ...``, who already holds the database URL), and is
recorded in the audit log with who, what and when; never a password or a code.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.db import account_queries as accounts_repo
from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import ROLES, User
from coach.errors import AdminRequiredError, InvalidAccountDataError
from coach.services import accounts
from coach.services.users import Role, UserContext


@dataclass(frozen=True, slots=True)
class ShellOperator:
    """Whoever runs ``coach admin`` on the server: trusted, since they hold the database URL."""

    name: str

    @classmethod
    def current(cls) -> ShellOperator:
        try:
            return cls(getpass.getuser())
        except (KeyError, OSError):  # No passwd entry, e.g. in some containers.
            return cls("unknown")


Admin = UserContext | ShellOperator


@dataclass(frozen=True, slots=True)
class UserRow:
    """One account as ``coach admin list-users`` shows it."""

    id: int
    email: str | None
    display_name: str
    role: str
    sign_in: str
    cohorts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    target: str


def create_account(
    db: Database,
    admin: Admin,
    *,
    email: str,
    display_name: str,
    password: str | None = None,
    role: Role = "learner",
) -> UserContext:
    """Create an account (no password: the user signs in through OIDC with this address)."""
    require_admin(admin)
    _check_role(role)
    user = accounts.register(
        db, email=email, password=password, display_name=display_name, role=role
    )
    _record(db, admin, "create-user", f"user {user.user_id} ({email.strip().lower()}, {role})")
    return user


def create_cohort(db: Database, admin: Admin, *, name: str) -> int:
    """Create a cohort; return its id."""
    require_admin(admin)
    name = accounts.clean_display_name(name)
    with db.session() as session:
        if accounts_repo.get_cohort_by_name(session, name=name) is not None:
            raise InvalidAccountDataError(f"A cohort named {name!r} already exists.")
        try:
            cohort = accounts_repo.add_cohort(session, name=name)
            audit(session, admin, "create-cohort", f"cohort {cohort.id} ({name})")
            session.commit()
        except IntegrityError as error:
            raise InvalidAccountDataError(f"A cohort named {name!r} already exists.") from error
        return cohort.id


def add_member(db: Database, admin: Admin, *, cohort: str, email: str, role: Role) -> None:
    """Put the user with ``email`` in ``cohort`` as learner, mentor or admin."""
    require_admin(admin)
    _check_role(role)
    with db.session() as session:
        found = accounts_repo.get_cohort_by_name(session, name=cohort.strip())
        if found is None:
            raise InvalidAccountDataError(f"No cohort named {cohort!r}.")
        user = _user_by_email(session, email)
        accounts_repo.set_membership(session, cohort_id=found.id, user_id=user.id, role=role)
        audit(session, admin, "add-member", f"user {user.id} to cohort {found.id} as {role}")
        session.commit()


def issue_reset_code(db: Database, admin: Admin, *, email: str) -> str:
    """Return a one-time password-reset code for the user (valid RESET_CODE_HOURS hours).

    Only its hash is stored; any earlier unused code of the user stops working.
    """
    require_admin(admin)
    code = accounts.new_reset_code()
    now = datetime.now(UTC)
    with db.session() as session:
        user = _user_by_email(session, email)
        accounts_repo.add_reset_code(
            session,
            user_id=user.id,
            code_hash=accounts.code_digest(code),
            created_at=now,
            expires_at=now + timedelta(hours=accounts.RESET_CODE_HOURS),
        )
        audit(session, admin, "reset-password", f"user {user.id}")
        session.commit()
    return code


def delete_account(db: Database, admin: Admin, *, email: str) -> int:
    """Delete the user with all their attempts, sessions and memberships; return their id."""
    require_admin(admin)
    with db.session() as session:
        user = _user_by_email(session, email)
        user_id = user.id
        repo.delete_attempts(session, user_id=user_id)
        session.delete(user)
        audit(session, admin, "delete-user", f"user {user_id}")
        session.commit()
    return user_id


def list_users(db: Database, admin: Admin) -> list[UserRow]:
    """Return every account with its sign-in method and cohorts."""
    require_admin(admin)
    with db.session() as session:
        rows = []
        for row in accounts_repo.list_users(session):
            methods = [
                name
                for name, present in (
                    ("password", row.has_password),
                    ("oidc", row.oidc_subject is not None),
                    ("local", row.is_local),
                )
                if present
            ]
            cohorts = tuple(
                f"{name}:{role}"
                for _, name, role in accounts_repo.memberships(session, user_id=row.id)
            )
            rows.append(
                UserRow(
                    id=row.id,
                    email=row.email,
                    display_name=row.display_name,
                    role=row.role,
                    sign_in="+".join(methods) or "none",
                    cohorts=cohorts,
                )
            )
    return rows


def audit_log(db: Database, admin: Admin, *, limit: int = 100) -> list[AuditRow]:
    """Return the newest admin actions first."""
    require_admin(admin)
    with db.session() as session:
        return [
            AuditRow(at=e.at, actor=e.actor, action=e.action, target=e.target)
            for e in accounts_repo.audit_entries(session, limit=limit)
        ]


# --- helpers ---------------------------------------------------------------------------------


def require_admin(admin: Admin) -> None:
    """Refuse anyone but a deployment admin or the shell operator."""
    if isinstance(admin, UserContext) and admin.role != "admin":
        raise AdminRequiredError("Only an admin may manage accounts and cohorts.")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidAccountDataError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def _user_by_email(session: Session, email: str) -> User:
    user = repo.get_user_by_email(session, email=email.strip().lower())
    if user is None:
        raise InvalidAccountDataError(f"No account with the e-mail address {email.strip()!r}.")
    return user


def _actor(admin: Admin) -> tuple[int | None, str]:
    if isinstance(admin, ShellOperator):
        return None, f"shell:{admin.name}"
    return admin.user_id, f"user {admin.user_id} ({admin.display_name})"


def audit(session: Session, admin: Admin, action: str, target: str) -> None:
    """Add one audit-log entry for ``admin``'s action (committed with the caller's change)."""
    actor_id, actor = _actor(admin)
    accounts_repo.add_audit_entry(
        session, actor_id=actor_id, actor=actor, action=action, target=target
    )


def _record(db: Database, admin: Admin, action: str, target: str) -> None:
    with db.session() as session:
        audit(session, admin, action, target)
        session.commit()
