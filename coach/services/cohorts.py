"""Cohorts: invite codes, joining and leaving, and who leads which cohort.

An admin creates a cohort and gets an invite code: 15 letters and digits from an alphabet
without look-alikes, shown once and stored only as its SHA-256 digest. Rotating replaces it
(the old code stops working at once); it expires, and an optional seat limit caps how many
learners may join. Leaving a cohort removes the membership only: the learner's attempts stay
theirs, and the cohort's mentors lose access to them at once (access comes from membership).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.db import account_queries as accounts_repo
from coach.db import cohort_queries as cohorts_repo
from coach.db.database import Database
from coach.db.models import Cohort
from coach.errors import CohortNotFoundError, InvalidAccountDataError, InviteCodeError
from coach.services import access, accounts
from coach.services import admin as admin_service
from coach.services.access import REVIEWER_ROLES
from coach.services.admin import Admin
from coach.services.users import Role, UserContext

INVITE_GROUPS = 3  # 3 groups of 5: 15 characters, ~75 bits
DEFAULT_INVITE_DAYS = 14
MAX_INVITE_DAYS = 365
MAX_SEATS = 10_000


@dataclass(frozen=True, slots=True)
class NewInvite:
    """A cohort's fresh invite code: shown once, never stored in clear."""

    cohort_id: int
    cohort_name: str
    code: str
    expires_at: datetime
    seat_limit: int | None


@dataclass(frozen=True, slots=True)
class Membership:
    """One cohort the user is in, with their role there."""

    cohort_id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class DashboardCohort:
    """A cohort whose dashboard the user sees; ``role`` is theirs in it (None: a site admin
    who is not in it)."""

    cohort_id: int
    name: str
    role: str | None

    @property
    def leads(self) -> bool:
        """Whether the user leads it (sets its assignments), beyond seeing its dashboard."""
        return self.role in REVIEWER_ROLES


@dataclass(frozen=True, slots=True)
class CohortOverview:
    """One cohort as an admin manages it: invite terms and seats in use."""

    id: int
    name: str
    learners: int
    seat_limit: int | None
    invite_expires_at: datetime | None
    has_code: bool


# --- admins ----------------------------------------------------------------------------------


def create_cohort(
    db: Database,
    admin: Admin,
    *,
    name: str,
    seats: int | None = None,
    expires_days: int = DEFAULT_INVITE_DAYS,
    now: datetime | None = None,
) -> NewInvite:
    """Create a cohort and its first invite code (both recorded in the audit log).

    Raises:
        AdminRequiredError: ``admin`` is not an admin.
        InvalidAccountDataError: the name is empty, too long or taken; seats or days out of range.
    """
    admin_service.require_admin(admin)
    _check_seats(seats)
    _check_days(expires_days)
    cohort_id = admin_service.create_cohort(db, admin, name=name)
    return _new_code(db, admin, cohort_id, expires_days, now, seats=seats, set_seats=True)


def rotate_code(
    db: Database,
    admin: Admin,
    *,
    cohort_id: int,
    expires_days: int = DEFAULT_INVITE_DAYS,
    now: datetime | None = None,
) -> NewInvite:
    """Replace the cohort's invite code: the old one stops working at once.

    Raises:
        AdminRequiredError: ``admin`` is not an admin.
        CohortNotFoundError: no such cohort.
        InvalidAccountDataError: ``expires_days`` out of range.
    """
    admin_service.require_admin(admin)
    _check_days(expires_days)
    return _new_code(db, admin, cohort_id, expires_days, now)


def set_seats(db: Database, admin: Admin, *, cohort_id: int, seats: int | None) -> None:
    """Set how many learners may join with the code (None: no limit). Learners already in
    stay, even when the new limit is below their number.

    Raises:
        AdminRequiredError, CohortNotFoundError, InvalidAccountDataError.
    """
    admin_service.require_admin(admin)
    _check_seats(seats)
    with db.session() as session:
        cohort = _cohort(session, cohort_id)
        cohort.seat_limit = seats
        admin_service.audit(
            session,
            admin,
            "set-seats",
            f"cohort {cohort_id}: {'no limit' if seats is None else f'{seats} seats'}",
        )
        session.commit()


def all_cohorts(db: Database, admin: Admin) -> list[CohortOverview]:
    """Return every cohort with its invite terms and learners, by name."""
    admin_service.require_admin(admin)
    with db.session() as session:
        return [
            CohortOverview(
                id=row.id,
                name=row.name,
                learners=int(row.learners),
                seat_limit=row.seat_limit,
                invite_expires_at=row.invite_expires_at,
                has_code=bool(row.has_code),
            )
            for row in cohorts_repo.cohorts_with_counts(session)
        ]


def cohort_named(db: Database, admin: Admin, *, name: str) -> int:
    """Return the id of the cohort with that (case-insensitive) name, for the shell.

    Raises:
        AdminRequiredError, InvalidAccountDataError: no cohort of that name.
    """
    admin_service.require_admin(admin)
    with db.session() as session:
        found = accounts_repo.get_cohort_by_name(session, name=name.strip())
        if found is None:
            raise InvalidAccountDataError(f"No cohort named {name.strip()!r}.")
        return found.id


def add_person(
    db: Database, admin: Admin, *, cohort_id: int, email: str, role: Role = "mentor"
) -> None:
    """Put the account with ``email`` in the cohort as mentor or admin (learners join with the
    code, so the seat limit holds). Audited as ``add-member``.

    Raises:
        AdminRequiredError, CohortNotFoundError, InvalidAccountDataError (no such account,
        or a role other than mentor or admin).
    """
    admin_service.require_admin(admin)
    if role not in REVIEWER_ROLES:
        raise InvalidAccountDataError(
            f"Add mentors or admins here (not {role!r}); learners join with the invite code."
        )
    with db.session() as session:
        name = _cohort(session, cohort_id).name
    admin_service.add_member(db, admin, cohort=name, email=email, role=role)


# --- learners --------------------------------------------------------------------------------


def my_cohorts(db: Database, user: UserContext) -> list[Membership]:
    """Return the cohorts the user is in, with their role, by name."""
    with db.session() as session:
        return [
            Membership(cohort_id=row[0], name=row[1], role=row[2])
            for row in accounts_repo.memberships(session, user_id=user.user_id)
        ]


def dashboard_cohorts(db: Database, user: UserContext) -> list[DashboardCohort]:
    """Return the cohorts whose dashboards the user sees, by name: every cohort for a site
    admin (in it or not), else those where the user is a mentor or admin."""
    with db.session() as session:
        mine = accounts_repo.memberships(session, user_id=user.user_id)
        roles = {cohort_id: role for cohort_id, _, role in mine}
        if access.oversees_cohorts(user):
            # The menu asks on every rerun: names only, no learner counts.
            listed = [(row.id, row.name) for row in cohorts_repo.cohort_names(session)]
        else:
            listed = [(cohort_id, name) for cohort_id, name, role in mine if role in REVIEWER_ROLES]
    return [
        DashboardCohort(cohort_id=cohort_id, name=name, role=roles.get(cohort_id))
        for cohort_id, name in listed
    ]


def join_cohort(
    db: Database, user: UserContext, *, code: str, now: datetime | None = None
) -> Membership:
    """Join the cohort the invite code belongs to, as a learner.

    Raises:
        InviteCodeError: the code is wrong or was replaced, has expired, the cohort is full,
            or the user is in it already; nothing was changed.
    """
    now = now or datetime.now(UTC)
    digest = accounts.code_digest(code)
    with db.session() as session:
        # Locked until commit, so two learners cannot both take the last seat.
        cohort = cohorts_repo.lock_cohort_by_invite(session, code_hash=digest)
        if cohort is None:
            raise InviteCodeError(
                "That invite code is not valid: check it for typos, or ask your cohort's "
                "admin for the current code (a code stops working when it is replaced)."
            )
        if cohort.invite_expires_at is not None and cohort.invite_expires_at <= now:
            raise InviteCodeError(
                f"That invite code expired on {cohort.invite_expires_at:%d %b %Y}; ask your "
                "cohort's admin for a new one."
            )
        role = cohorts_repo.member_role(session, cohort_id=cohort.id, user_id=user.user_id)
        if role is not None:
            raise InviteCodeError(f"You are already in {cohort.name!r} (as {role}).")
        taken = cohorts_repo.count_learners(session, cohort_id=cohort.id)
        if cohort.seat_limit is not None and taken >= cohort.seat_limit:
            raise InviteCodeError(
                f"{cohort.name!r} is full ({cohort.seat_limit} seats); ask its admin for a seat."
            )
        try:
            accounts_repo.set_membership(
                session, cohort_id=cohort.id, user_id=user.user_id, role="learner", added_at=now
            )
            session.commit()
        except IntegrityError as error:  # The same user joining twice at once.
            raise InviteCodeError(f"You are already in {cohort.name!r}.") from error
        return Membership(cohort_id=cohort.id, name=cohort.name, role="learner")


def leave_cohort(db: Database, user: UserContext, *, cohort_id: int) -> None:
    """Leave the cohort. The user's attempts stay theirs; the cohort's mentors and admins can
    no longer read them.

    Raises:
        CohortNotFoundError: the user is not in that cohort.
    """
    with db.session() as session:
        if not cohorts_repo.remove_member(session, cohort_id=cohort_id, user_id=user.user_id):
            raise CohortNotFoundError(cohort_id)
        session.commit()


# --- helpers ---------------------------------------------------------------------------------


def _new_code(
    db: Database,
    admin: Admin,
    cohort_id: int,
    expires_days: int,
    now: datetime | None,
    *,
    seats: int | None = None,
    set_seats: bool = False,
) -> NewInvite:
    code = accounts.new_code(INVITE_GROUPS)
    expires_at = (now or datetime.now(UTC)) + timedelta(days=expires_days)
    with db.session() as session:
        cohort = _cohort(session, cohort_id)
        cohort.invite_code_hash = accounts.code_digest(code)
        cohort.invite_expires_at = expires_at
        if set_seats:
            cohort.seat_limit = seats
        # Never the code itself: the log is readable by every admin.
        admin_service.audit(
            session,
            admin,
            "invite-code",
            f"cohort {cohort_id}: new code, expires {expires_at:%Y-%m-%d}, "
            f"{'no seat limit' if cohort.seat_limit is None else f'{cohort.seat_limit} seats'}",
        )
        session.commit()
        return NewInvite(
            cohort_id=cohort_id,
            cohort_name=cohort.name,
            code=code,
            expires_at=expires_at,
            seat_limit=cohort.seat_limit,
        )


def _cohort(session: Session, cohort_id: int) -> Cohort:
    cohort = cohorts_repo.get_cohort(session, cohort_id=cohort_id)
    if cohort is None:
        raise CohortNotFoundError(cohort_id)
    return cohort


def _check_seats(seats: int | None) -> None:
    if seats is not None and not 1 <= seats <= MAX_SEATS:
        raise InvalidAccountDataError(
            f"A seat limit must be between 1 and {MAX_SEATS:,} learners (or no limit)."
        )


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_INVITE_DAYS:
        raise InvalidAccountDataError(
            f"An invite code must be valid for 1 to {MAX_INVITE_DAYS} days."
        )
