"""Cohorts on SQLite and PostgreSQL: invite codes (hashed, rotatable, expiring, seat limits),
joining and leaving, and every bad invite refused with a message and nothing changed."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coach.db.database import Database
from coach.db.models import AuditEntry, Cohort, CohortMember
from coach.errors import (
    AdminRequiredError,
    AttemptNotFoundError,
    CoachError,
    CohortNotFoundError,
    InvalidAccountDataError,
    InviteCodeError,
)
from coach.services import access, admin, attempts, cohorts
from coach.services.admin import ShellOperator
from coach.services.users import UserContext
from question_bank import Prompt
from tests.conftest import WEAK_ANSWER

SHELL = ShellOperator("test")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def person(db: Database, name: str, role: str = "learner") -> UserContext:
    return admin.create_account(
        db,
        SHELL,
        email=f"{name}@example.com",
        display_name=name.title(),
        role=role,  # type: ignore[arg-type]
    )


def members_of(db: Database, cohort_id: int) -> list[tuple[int, str]]:
    with db.session() as session:
        return sorted(
            (m.user_id, m.role)
            for m in session.scalars(
                select(CohortMember).where(CohortMember.cohort_id == cohort_id)
            )
        )


def test_a_new_cohort_gets_a_typeable_code_stored_only_as_its_digest(db: Database) -> None:
    invite = cohorts.create_cohort(db, SHELL, name="Spring", seats=30, expires_days=7, now=NOW)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}", invite.code)
    assert invite.expires_at == NOW + timedelta(days=7)
    assert invite.seat_limit == 30
    with db.session() as session:
        cohort = session.get(Cohort, invite.cohort_id)
        assert cohort is not None
        plain = invite.code.replace("-", "")
        assert cohort.invite_code_hash == hashlib.sha256(plain.encode()).hexdigest()
        stored = " ".join(
            f"{e.actor} {e.action} {e.target}" for e in session.scalars(select(AuditEntry))
        )
    assert plain not in stored and invite.code not in stored
    assert [row.action for row in admin.audit_log(db, SHELL)[:2]] == [
        "invite-code",
        "create-cohort",
    ]


def test_a_learner_joins_with_the_code_typed_loosely_and_sees_the_cohort(db: Database) -> None:
    invite = cohorts.create_cohort(db, SHELL, name="Spring", now=NOW)
    ann = person(db, "ann")
    typed = " " + invite.code.lower().replace("-", " ") + " "
    joined = cohorts.join_cohort(db, ann, code=typed, now=NOW + timedelta(days=1))
    assert joined == cohorts.Membership(invite.cohort_id, "Spring", "learner")
    assert cohorts.my_cohorts(db, ann) == [joined]
    assert cohorts.dashboard_cohorts(db, ann) == []


def assert_join_refused(
    db: Database, who: UserContext, code: str, message: str, when: datetime
) -> None:
    before = {c.id: members_of(db, c.id) for c in cohorts.all_cohorts(db, SHELL)}
    with pytest.raises(InviteCodeError, match=message):
        cohorts.join_cohort(db, who, code=code, now=when)
    assert {c.id: members_of(db, c.id) for c in cohorts.all_cohorts(db, SHELL)} == before


def test_bad_invite_codes_are_refused_with_a_reason_and_change_nothing(db: Database) -> None:
    old = cohorts.create_cohort(db, SHELL, name="Spring", seats=1, expires_days=3, now=NOW)
    ann, bea = person(db, "ann"), person(db, "bea")
    soon = NOW + timedelta(hours=1)
    assert_join_refused(db, ann, "NOT-A-REAL-CODE", "not valid", soon)
    assert_join_refused(db, ann, "", "not valid", soon)
    assert_join_refused(db, ann, old.code, "expired on 05 Mar 2026", NOW + timedelta(days=3))
    new = cohorts.rotate_code(db, SHELL, cohort_id=old.cohort_id, now=NOW)
    assert new.code != old.code and new.seat_limit == 1
    assert_join_refused(db, ann, old.code, "not valid", soon)  # the replaced code
    cohorts.join_cohort(db, ann, code=new.code, now=soon)
    assert_join_refused(db, ann, new.code, "already in 'Spring'", soon)
    assert_join_refused(db, bea, new.code, "'Spring' is full \\(1 seats\\)", soon)
    # Mentors do not take seats: the admin adds them, and the limit counts learners only.
    mo = person(db, "mo", role="mentor")
    cohorts.add_person(db, SHELL, cohort_id=old.cohort_id, email="MO@example.com")
    assert members_of(db, old.cohort_id) == sorted(
        [(ann.user_id, "learner"), (mo.user_id, "mentor")]
    )
    cohorts.set_seats(db, SHELL, cohort_id=old.cohort_id, seats=None)
    cohorts.join_cohort(db, bea, code=new.code, now=soon)
    assert [c.learners for c in cohorts.all_cohorts(db, SHELL)] == [2]


def test_invite_terms_out_of_range_are_refused(db: Database) -> None:
    for bad in ({"seats": 0}, {"seats": 10_001}, {"expires_days": 0}, {"expires_days": 366}):
        with pytest.raises(InvalidAccountDataError):
            cohorts.create_cohort(db, SHELL, name="Spring", **bad)  # type: ignore[arg-type]
    assert cohorts.all_cohorts(db, SHELL) == []
    with pytest.raises(CohortNotFoundError):
        cohorts.rotate_code(db, SHELL, cohort_id=404)
    invite = cohorts.create_cohort(db, SHELL, name="Spring")
    with pytest.raises(InvalidAccountDataError, match="learners join with the invite code"):
        cohorts.add_person(
            db, SHELL, cohort_id=invite.cohort_id, email="x@example.com", role="learner"
        )


def test_html_in_a_cohort_name_is_kept_as_typed(db: Database) -> None:
    invite = cohorts.create_cohort(db, SHELL, name="<b>Spring</b> & co")
    assert cohorts.all_cohorts(db, SHELL)[0].name == "<b>Spring</b> & co"
    assert invite.cohort_name == "<b>Spring</b> & co"


def test_leaving_keeps_the_learners_data_and_ends_the_mentors_access_at_once(
    db: Database, prompt: Prompt
) -> None:
    invite = cohorts.create_cohort(db, SHELL, name="Spring")
    ann, mo = person(db, "ann"), person(db, "mo", role="mentor")
    cohorts.add_person(db, SHELL, cohort_id=invite.cohort_id, email="mo@example.com")
    cohorts.join_cohort(db, ann, code=invite.code)
    attempt = attempts.submit_answer(
        db, ann, prompt=prompt, answer=WEAK_ANSWER, mode="practice", level="pm", started_at=NOW
    )
    assert attempts.view_attempt(db, mo, attempt.id).answer == WEAK_ANSWER
    cohorts.leave_cohort(db, ann, cohort_id=invite.cohort_id)
    assert not access.can_view_attempt(db, mo, ann.user_id)
    with pytest.raises(AttemptNotFoundError):
        attempts.view_attempt(db, mo, attempt.id)
    assert [a.id for a in attempts.list_attempts(db, ann)] == [attempt.id]
    assert cohorts.my_cohorts(db, ann) == []
    with pytest.raises(CohortNotFoundError):
        cohorts.leave_cohort(db, ann, cohort_id=invite.cohort_id)
    # The code still works for them: they may come back.
    cohorts.join_cohort(db, ann, code=invite.code)
    assert access.can_view_attempt(db, mo, ann.user_id)


def test_only_admins_manage_invites(db: Database) -> None:
    invite = cohorts.create_cohort(db, SHELL, name="Spring")
    for who in (person(db, "ann"), person(db, "mo", role="mentor")):
        with pytest.raises(AdminRequiredError):
            cohorts.rotate_code(db, who, cohort_id=invite.cohort_id)
        with pytest.raises(AdminRequiredError):
            cohorts.set_seats(db, who, cohort_id=invite.cohort_id, seats=3)
    root = person(db, "root", role="admin")
    rotated = cohorts.rotate_code(db, root, cohort_id=invite.cohort_id, expires_days=30)
    assert rotated.cohort_name == "Spring"
    assert admin.audit_log(db, SHELL)[0].actor == f"user {root.user_id} (Root)"


def test_two_learners_racing_for_the_last_seat_get_one_seat(db: Database) -> None:
    invite = cohorts.create_cohort(db, SHELL, name="Spring", seats=1)
    racers = [person(db, name) for name in ("ann", "bea", "cy", "dee")]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def join(who: UserContext) -> None:
        barrier.wait()
        try:
            cohorts.join_cohort(db, who, code=invite.code)
            outcomes.append("joined")
        except CoachError as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=join, args=(who,)) for who in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("joined") == 1, outcomes
    assert [c.learners for c in cohorts.all_cohorts(db, SHELL)] == [1]
