"""A cohort with a learner, a peer, their mentor and a mentor of another cohort, for the review
tests (no tests here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from coach.db.database import Database
from coach.services import admin, attempts, reviews
from coach.services.admin import ShellOperator
from coach.services.review_content import flag_place
from coach.services.users import UserContext
from question_bank import Prompt
from scoring import PromptSpec, Report
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER

SHELL = ShellOperator("test")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
QUOTE = "fine-tune a large language model"  # words of WEAK_ANSWER a span comment quotes


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


def full_review(db: Database, people: Cohorts, attempt_id: int, **extra: Any) -> dict[str, Any]:
    """Mo's full review of the weak answer: a span comment, a comment on the whole answer, a
    decision on every flag (the first rejected), a missed flag, verdicts, an override."""
    subject = reviews.open_review(db, people.mo, attempt_id).subject
    first, *rest = subject.target.flags
    data: dict[str, Any] = {
        "overall_comment": "Start from the user.",
        "comments": [{"body": "Which model and why?", "quote": QUOTE}, {"body": "Too short."}],
        "decisions": [
            {
                "flag_id": first.id,
                "decision": "reject",
                "span_start": flag_place(first)[0],
                "reason": "Not here.",
            },
            *(
                {"flag_id": f.id, "decision": "accept", "span_start": flag_place(f)[0]}
                for f in rest
            ),
            {"flag_id": "solution-first", "decision": "add", "reason": "Model in sentence one."},
        ],
        "elements": {"who": False, "why": False, "metrics": False, "tech": True},
        "score_override": 20,
        "override_reason": "No framing at all.",
    }
    data.update(extra)
    return data
