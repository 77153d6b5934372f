"""Who may see whose work: the one place the role rules are written down.

- Everyone sees and changes their own attempts, drafts and exports.
- A mentor or admin *of a cohort* may read (never change, delete or export) the attempts of
  that cohort's learners. Being in the same cohort as a learner, or being a mentor elsewhere,
  grants nothing.
- The deployment-wide ``admin`` role manages accounts and cohorts; by itself it reads no one's
  answers. It oversees every cohort: sees its dashboard and its assignments without joining
  it, but sets no assignments there unless it also leads the cohort.
- A mentor or admin *of a cohort* leads it: sets its assignments and sees its dashboard. A
  learner of the cohort sees only their own assignments; a mentor of another cohort nothing.

Services call these rules; pages only ask services.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from coach.db import account_queries as accounts_repo
from coach.db import cohort_queries as cohorts_repo
from coach.db.database import Database
from coach.errors import CohortLeadRequiredError, CohortNotFoundError
from coach.services.users import UserContext

REVIEWER_ROLES: tuple[str, ...] = ("mentor", "admin")
SITE_ADMIN = "admin"  # the deployment-wide role (UserContext.role), not a role in a cohort


def can_view_attempts_of(session: Session, actor: UserContext, owner_id: int) -> bool:
    """Whether ``actor`` may read the attempts of the user ``owner_id``."""
    if actor.user_id == owner_id:
        return True
    return accounts_repo.shares_cohort_as(
        session, viewer_id=actor.user_id, owner_id=owner_id, viewer_roles=REVIEWER_ROLES
    )


def can_review_attempts_of(session: Session, actor: UserContext, owner_id: int) -> bool:
    """Whether ``actor`` may review ``owner_id``'s attempts: the reading rule of
    :func:`can_view_attempts_of` (a mentor or admin of a cohort where the owner learns), but
    never one's own attempts. A review is the reviewer's record; the attempt stays untouched."""
    if actor.user_id == owner_id:
        return False
    return accounts_repo.shares_cohort_as(
        session, viewer_id=actor.user_id, owner_id=owner_id, viewer_roles=REVIEWER_ROLES
    )


def can_change_attempts_of(actor: UserContext, owner_id: int) -> bool:
    """Whether ``actor`` may change, delete, rescore, import into or export ``owner_id``'s
    attempts: only the owner (a mentor reviews; the review issue adds its own records)."""
    return actor.user_id == owner_id


def can_view_attempt(db: Database, actor: UserContext, owner_id: int) -> bool:
    """The same rule as :func:`can_view_attempts_of`, in its own short session."""
    with db.session() as session:
        return can_view_attempts_of(session, actor, owner_id)


def cohort_role(session: Session, actor: UserContext, cohort_id: int) -> str | None:
    """Return ``actor``'s role in the cohort, or None when they are not in it."""
    return cohorts_repo.member_role(session, cohort_id=cohort_id, user_id=actor.user_id)


def require_cohort_lead(session: Session, actor: UserContext, cohort_id: int, action: str) -> None:
    """Refuse unless ``actor`` leads the cohort.

    Raises:
        CohortNotFoundError: ``actor`` is not in the cohort (worded like a missing cohort).
        CohortLeadRequiredError: ``actor`` is a learner there, or a site admin outside it (who
            sees the cohort, so "not found" would be untrue); ``action`` says what was refused.
    """
    role = cohort_role(session, actor, cohort_id)
    if role is None:
        if oversees_cohorts(actor) and cohorts_repo.get_cohort(session, cohort_id=cohort_id):
            raise CohortLeadRequiredError(action)
        raise CohortNotFoundError(cohort_id)
    if role not in REVIEWER_ROLES:
        raise CohortLeadRequiredError(action)


def oversees_cohorts(actor: UserContext) -> bool:
    """Whether ``actor`` sees every cohort's dashboard without being in it (a site admin)."""
    return actor.role == SITE_ADMIN


def require_cohort_overview(
    session: Session, actor: UserContext, cohort_id: int, action: str
) -> None:
    """Refuse unless ``actor`` leads the cohort or oversees every cohort (a site admin): the
    rule for reading a cohort's dashboard and assignments.

    Raises:
        CohortNotFoundError: no such cohort, or ``actor`` is neither in it nor a site admin.
        CohortLeadRequiredError: ``actor`` is a learner there (and no site admin).
    """
    if oversees_cohorts(actor):
        if cohorts_repo.get_cohort(session, cohort_id=cohort_id) is None:
            raise CohortNotFoundError(cohort_id)
        return
    require_cohort_lead(session, actor, cohort_id, action)
