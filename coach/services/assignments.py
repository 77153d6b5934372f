"""Assignments: a cohort's mentors set prompts at a level, due by a date; learners see what
is due and how far they are.

A learner's status per assigned prompt (worked out from the learner's attempts, nothing is
ticked by hand):

- ``not started``: no attempt at the prompt since the assignment was set, and not yet due;
- ``submitted``: an attempt at the prompt since the assignment was set, on time;
- ``late``: the first such attempt came after the due date, or there is none and the due
  date has passed;
- ``reviewed``: such an attempt has a submitted mentor review (this wins over ``late``: the
  work is done and seen).

A learner sees the assignments that fall due after they joined the cohort (older ones are
not theirs to catch up on). A due date in the past is refused on creation (a new assignment
that is late for everyone would only make noise); pick a later date.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from coach.db import cohort_queries as cohorts_repo
from coach.db.database import Database
from coach.errors import AssignmentError
from coach.services import access
from coach.services.users import UserContext
from question_bank import Bank
from scoring.report import LEVELS

NOT_STARTED, SUBMITTED, LATE, REVIEWED = "not started", "submitted", "late", "reviewed"
STATUSES: tuple[str, ...] = (NOT_STARTED, SUBMITTED, LATE, REVIEWED)
MAX_PROMPTS = 20
TITLE_MAX_LENGTH = 200
DUE_SOON = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class AssignedPrompt:
    """One prompt of an assignment with the learner's status on it."""

    prompt_id: str
    status: str
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class LearnerAssignment:
    """An assignment as its learner sees it."""

    id: int
    cohort_name: str
    title: str
    level: str
    due_at: datetime
    prompts: tuple[AssignedPrompt, ...]

    @property
    def open_prompts(self) -> tuple[AssignedPrompt, ...]:
        """The prompts still to submit (not started, or late without a submission)."""
        return tuple(p for p in self.prompts if p.submitted_at is None)


@dataclass(frozen=True, slots=True)
class AssignmentSummary:
    """An assignment as its cohort's mentors list it."""

    id: int
    title: str
    level: str
    due_at: datetime
    created_at: datetime
    prompts: int


def prompt_status(
    *, first_submitted: datetime | None, reviewed: bool, due_at: datetime, now: datetime
) -> str:
    """Return the status of one assigned prompt (see the module docstring)."""
    if first_submitted is None:
        return LATE if now > due_at else NOT_STARTED
    if reviewed:
        return REVIEWED
    return LATE if first_submitted > due_at else SUBMITTED


def draw_prompts(bank: Bank, *, category: str, count: int, seed: int | None = None) -> list[str]:
    """Pick ``count`` prompt ids of a category: the first ones in bank order, or a draw that
    is the same every time for the same ``seed``.

    Raises:
        AssignmentError: unknown category, or a count out of range.
    """
    pool = [prompt.id for prompt in bank.prompts if prompt.category == category]
    if not pool:
        raise AssignmentError(f"No prompts in the category {category!r}.")
    if not 1 <= count <= min(len(pool), MAX_PROMPTS):
        raise AssignmentError(
            f"Choose between 1 and {min(len(pool), MAX_PROMPTS)} prompts from this category."
        )
    if seed is None:
        return pool[:count]
    return random.Random(seed).sample(pool, count)  # noqa: S311 - a reproducible pick


def create_assignment(
    db: Database,
    user: UserContext,
    *,
    cohort_id: int,
    bank: Bank,
    prompt_ids: Sequence[str],
    level: str,
    due_at: datetime,
    title: str = "",
    now: datetime | None = None,
) -> int:
    """Set an assignment for the cohort; return its id.

    Raises:
        CohortNotFoundError: the user is not in that cohort.
        CohortLeadRequiredError: the user is a learner there.
        AssignmentError: no or unknown prompts, unknown level, a title too long, or a due
            date that has passed; nothing was stored.
    """
    now = now or datetime.now(UTC)
    chosen = list(dict.fromkeys(prompt_ids))  # keep the order, drop repeats
    if not chosen:
        raise AssignmentError("Choose at least one prompt.")
    if len(chosen) > MAX_PROMPTS:
        raise AssignmentError(f"An assignment can hold at most {MAX_PROMPTS} prompts.")
    unknown = [prompt_id for prompt_id in chosen if prompt_id not in bank]
    if unknown:
        raise AssignmentError(f"Unknown prompt(s): {', '.join(unknown)}.")
    if level not in LEVELS:
        raise AssignmentError(f"The level must be one of {', '.join(LEVELS)}, not {level!r}.")
    if due_at.tzinfo is None:
        raise AssignmentError("The due date needs a time zone.")
    if due_at <= now:
        raise AssignmentError(
            f"The due date {due_at:%d %b %Y %H:%M} UTC has already passed: choose a later one."
        )
    title = " ".join(title.split()) or _default_title(bank, chosen)
    if len(title) > TITLE_MAX_LENGTH:
        raise AssignmentError(f"A title can be at most {TITLE_MAX_LENGTH} characters.")
    with db.session() as session:
        access.require_cohort_lead(session, user, cohort_id, "set assignments")
        assignment = cohorts_repo.add_assignment(
            session,
            cohort_id=cohort_id,
            created_by=user.user_id,
            title=title,
            level=level,
            due_at=due_at,
            created_at=now,
            prompt_ids=chosen,
        )
        session.commit()
        return assignment.id


def cohort_assignments(
    db: Database, user: UserContext, *, cohort_id: int
) -> list[AssignmentSummary]:
    """Return the cohort's assignments, latest due first (for its mentors and admins, and
    site admins: they read a cohort's dashboard whole).

    Raises:
        CohortNotFoundError, CohortLeadRequiredError.
    """
    with db.session() as session:
        access.require_cohort_overview(session, user, cohort_id, "list its assignments")
        return [
            AssignmentSummary(
                id=row.id,
                title=row.title,
                level=row.level,
                due_at=row.due_at,
                created_at=row.created_at,
                prompts=int(row.prompts),
            )
            for row in cohorts_repo.cohort_assignments(session, cohort_id=cohort_id)
        ]


def my_assignments(
    db: Database, user: UserContext, *, now: datetime | None = None
) -> list[LearnerAssignment]:
    """Return the user's assignments in every cohort they learn in, soonest due first."""
    now = now or datetime.now(UTC)
    with db.session() as session:
        rows = cohorts_repo.learner_assignment_prompts(session, user_id=user.user_id)
    grouped: dict[int, list[Any]] = {}
    for row in rows:  # already aggregated in SQL: one row per assigned prompt
        grouped.setdefault(row.assignment_id, []).append(row)
    return [
        LearnerAssignment(
            id=assignment_id,
            cohort_name=first.cohort_name,
            title=first.title,
            level=first.level,
            due_at=first.due_at,
            prompts=tuple(
                AssignedPrompt(
                    prompt_id=row.prompt_id,
                    status=prompt_status(
                        first_submitted=row.first_submitted,
                        reviewed=bool(row.reviewed),
                        due_at=row.due_at,
                        now=now,
                    ),
                    submitted_at=row.first_submitted,
                )
                for row in prompt_rows
            ),
        )
        for assignment_id, prompt_rows in grouped.items()
        for first in prompt_rows[:1]
    ]


def due_soon(
    assignments: Sequence[LearnerAssignment], *, now: datetime, within: timedelta = DUE_SOON
) -> list[LearnerAssignment]:
    """Return the assignments with prompts still to submit that fall due this week: within
    ``within`` from now, or overdue by less than that (older overdue work stays listed with
    the assignments, but no longer in the reminder)."""
    return [a for a in assignments if a.open_prompts and now - within <= a.due_at <= now + within]


def _default_title(bank: Bank, prompt_ids: Sequence[str]) -> str:
    first = bank.get(prompt_ids[0]).text
    short = first if len(first) <= 60 else first[:59] + "…"
    more = f" (+{len(prompt_ids) - 1} more)" if len(prompt_ids) > 1 else ""
    return short + more
