"""A cohort with a learner, a peer, their mentor and a mentor of another cohort, for the review
tests (no tests here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from coach.db.database import Database
from coach.services import admin, attempts
from coach.services.admin import ShellOperator
from coach.services.users import UserContext
from question_bank import Prompt
from scoring import PromptSpec, Report
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER

SHELL = ShellOperator("test")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@dataclass
class Cohorts:
    """Spring: learner Ann and peer Bea, mentor Mo, cohort admin Cy. Autumn: mentor Oz.
    Root is a deployment admin in no cohort."""

    ann: UserContext
    bea: UserContext
    mo: UserContext
    cy: UserContext
    oz: UserContext
    root: UserContext


def make_cohorts(db: Database, *, password: str | None = None) -> Cohorts:
    admin.create_cohort(db, SHELL, name="Spring")
    admin.create_cohort(db, SHELL, name="Autumn")
    people: dict[str, UserContext] = {}
    for name, role in (
        ("ann", "learner"),
        ("bea", "learner"),
        ("mo", "learner"),
        ("cy", "learner"),
        ("oz", "learner"),
        ("root", "admin"),
    ):
        people[name] = admin.create_account(
            db,
            SHELL,
            email=f"{name}@example.com",
            display_name=name.capitalize(),
            password=password,
            role=role,
        )
    for name, cohort, role in (
        ("ann", "Spring", "learner"),
        ("bea", "Spring", "learner"),
        ("mo", "Spring", "mentor"),
        ("cy", "Spring", "admin"),
        ("oz", "Autumn", "mentor"),
    ):
        admin.add_member(db, SHELL, cohort=cohort, email=f"{name}@example.com", role=role)
    return Cohorts(**people)


def answer(
    db: Database,
    user: UserContext,
    prompt: Prompt,
    *,
    text: str = WEAK_ANSWER,
    minutes: int = 0,
    scorer: Any = None,
) -> int:
    """Submit an answer ``minutes`` after T0; return the attempt id."""
    return attempts.submit_answer(
        db,
        user,
        prompt=prompt,
        answer=text,
        mode="practice",
        level="pm",
        started_at=T0,
        submitted_at=T0 + timedelta(minutes=minutes),
        scorer=scorer,
    ).id


def broken_scorer(answer_text: str, spec: PromptSpec, level: str) -> Report:
    raise RuntimeError("scorer down")


__all__ = ["STRONG_ANSWER", "WEAK_ANSWER", "answer", "broken_scorer", "make_cohorts"]
