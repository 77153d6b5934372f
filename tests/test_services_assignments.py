"""Assignments and the cohort dashboard on SQLite and PostgreSQL: who may set and see them,
each learner's status per prompt, and the dashboard's SQL aggregates checked against rows
whose scores and flags are known."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, insert, select

from coach.db.database import Database
from coach.db.models import Assignment, Attempt, AttemptFlag, Review
from coach.errors import AssignmentError, CohortLeadRequiredError, CohortNotFoundError
from coach.services import assignments, attempts, cohort_dashboard, cohorts
from coach.services.assignments import LATE, NOT_STARTED, REVIEWED, SUBMITTED
from coach.services.users import UserContext
from question_bank import Bank
from tests.conftest import WEAK_ANSWER
from tests.test_services_cohorts import SHELL, person

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def add_attempt(
    db: Database,
    user: UserContext,
    prompt_id: str,
    at: datetime,
    *,
    overall: int = 60,
    flags: Sequence[str] = (),
    dims: int | None = None,
    status: str = "scored",
    demo: bool = False,
    severity: str = "error",
) -> int:
    """Insert one scored attempt with known scores and flag rows; return its id."""
    score = overall if dims is None else dims
    with db.session() as session:
        attempt_id = session.scalar(
            insert(Attempt)
            .values(
                user_id=user.user_id,
                prompt_id=prompt_id,
                category="x",
                answer="an answer",
                mode="practice",
                level="pm",
                started_at=at - timedelta(minutes=5),
                submitted_at=at,
                status=status,
                overall=overall,
                grade=overall,
                framing=score,
                metrics=score,
                ai_evaluation=score,
                solution=score,
                communication=score,
                is_demo=demo,
            )
            .returning(Attempt.id)
        )
        for start, flag_id in enumerate(flags):
            session.execute(
                insert(AttemptFlag).values(
                    attempt_id=attempt_id,
                    user_id=user.user_id,
                    flag_id=flag_id,
                    severity=severity,
                    span_start=start,
                    span_end=start + 1,
                    submitted_at=at,
                )
            )
        session.commit()
        return int(attempt_id)


def add_review(db: Database, attempt_id: int, status: str = "submitted") -> None:
    with db.session() as session:
        session.add(Review(attempt_id=attempt_id, reviewer_name="Mo", status=status))
        session.commit()


class Spring:
    """A cohort with a mentor, two learners and an outsider mentor of another cohort."""

    def __init__(self, db: Database) -> None:
        invite = cohorts.create_cohort(db, SHELL, name="Spring", now=NOW - 30 * DAY)
        other = cohorts.create_cohort(db, SHELL, name="Autumn", now=NOW - 30 * DAY)
        self.id = invite.cohort_id
        self.mentor = person(db, "mo", role="mentor")
        self.ann = person(db, "ann")
        self.bea = person(db, "bea")
        self.outsider = person(db, "otto", role="mentor")
        cohorts.add_person(db, SHELL, cohort_id=self.id, email="mo@example.com")
        cohorts.add_person(db, SHELL, cohort_id=other.cohort_id, email="otto@example.com")
        for learner in (self.ann, self.bea):
            cohorts.join_cohort(db, learner, code=invite.code, now=NOW - 29 * DAY)


@pytest.fixture
def spring(db: Database) -> Spring:
    return Spring(db)


def _count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Assignment)) or 0)


def test_only_the_cohorts_mentors_set_assignments(db: Database, spring: Spring, bank: Bank) -> None:
    ids = [p.id for p in bank.prompts[:2]]

    def create(who: UserContext) -> int:
        return assignments.create_assignment(
            db, who, cohort_id=spring.id, bank=bank, prompt_ids=ids, level="pm",
            due_at=NOW + 7 * DAY, now=NOW,
        )  # fmt: skip

    with pytest.raises(CohortLeadRequiredError, match="Only a mentor or admin"):
        create(spring.ann)
    with pytest.raises(CohortNotFoundError, match=f"Cohort {spring.id} not found"):
        create(spring.outsider)
    assert _count(db) == 0
    assignment_id = create(spring.mentor)
    listed = assignments.cohort_assignments(db, spring.mentor, cohort_id=spring.id)
    assert [(a.id, a.prompts, a.level) for a in listed] == [(assignment_id, 2, "pm")]
    assert listed[0].title.startswith(bank.get(ids[0]).text[:40]) and "(+1 more)" in listed[0].title
    with pytest.raises(CohortLeadRequiredError):
        assignments.cohort_assignments(db, spring.bea, cohort_id=spring.id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"prompt_ids": []}, "at least one prompt"),
        ({"prompt_ids": ["no-such-prompt"]}, "Unknown prompt"),
        ({"level": "cto"}, "level must be one of"),
        ({"due_at": NOW - DAY}, "already passed"),
        ({"title": "x" * 201}, "at most 200"),
    ],
)
def test_bad_assignments_are_refused_with_a_message(
    db: Database, spring: Spring, bank: Bank, change: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {
        "prompt_ids": [bank.prompts[0].id],
        "level": "pm",
        "due_at": NOW + DAY,
        "title": "Week 1",
        **change,
    }
    with pytest.raises(AssignmentError, match=message):
        assignments.create_assignment(
            db,
            spring.mentor,
            cohort_id=spring.id,
            bank=bank,
            now=NOW,
            **fields,  # type: ignore[arg-type]
        )
    assert _count(db) == 0


def test_a_category_draw_is_the_first_n_or_the_same_for_a_seed(bank: Bank) -> None:
    category = bank.prompts[0].category
    pool = [p.id for p in bank.prompts if p.category == category]
    assert assignments.draw_prompts(bank, category=category, count=2) == pool[:2]
    drawn = assignments.draw_prompts(bank, category=category, count=3, seed=7)
    assert drawn == assignments.draw_prompts(bank, category=category, count=3, seed=7)
    assert len(set(drawn)) == 3 and set(drawn) <= set(pool)
    with pytest.raises(AssignmentError):
        assignments.draw_prompts(bank, category=category, count=len(pool) + 1)
    with pytest.raises(AssignmentError):
        assignments.draw_prompts(bank, category="no-such-category", count=1)


def test_each_learner_sees_their_own_status_per_prompt(
    db: Database, spring: Spring, bank: Bank
) -> None:
    p1, p2, p3, p4 = (p.id for p in bank.prompts[:4])
    add_attempt(db, spring.ann, p1, NOW - DAY)  # before the assignment: does not count
    assignment_id = assignments.create_assignment(
        db, spring.mentor, cohort_id=spring.id, bank=bank, prompt_ids=[p1, p2, p3, p4],
        level="senior", due_at=NOW + 3 * DAY, title="Week 1", now=NOW,
    )  # fmt: skip
    add_attempt(db, spring.ann, p2, NOW + DAY)  # on time
    reviewed = add_attempt(db, spring.ann, p3, NOW + DAY)
    add_review(db, reviewed)
    add_review(db, add_attempt(db, spring.ann, p4, NOW + 4 * DAY), status="draft")  # late
    add_attempt(db, spring.bea, p2, NOW + 5 * DAY)

    def statuses(who: UserContext, when: datetime) -> dict[str, str]:
        (assignment,) = assignments.my_assignments(db, who, now=when)
        assert (assignment.id, assignment.title, assignment.level) == (
            assignment_id,
            "Week 1",
            "senior",
        )
        assert assignment.cohort_name == "Spring"
        return {p.prompt_id: p.status for p in assignment.prompts}

    early = statuses(spring.ann, NOW + 2 * DAY)
    assert (early[p1], early[p2], early[p3]) == (NOT_STARTED, SUBMITTED, REVIEWED)
    assert statuses(spring.ann, NOW + 6 * DAY) == {
        p1: LATE,
        p2: SUBMITTED,
        p3: REVIEWED,
        p4: LATE,
    }
    assert statuses(spring.bea, NOW + 6 * DAY) == {p1: LATE, p2: LATE, p3: LATE, p4: LATE}
    # Mentors have no assignments of their own; a learner who left sees none.
    assert assignments.my_assignments(db, spring.mentor) == []
    cohorts.leave_cohort(db, spring.bea, cohort_id=spring.id)
    assert assignments.my_assignments(db, spring.bea) == []


def test_due_soon_lists_open_work_due_within_a_week(
    db: Database, spring: Spring, bank: Bank
) -> None:
    p1, p2 = (p.id for p in bank.prompts[:2])
    for due, prompt_id in ((NOW + 3 * DAY, p1), (NOW + 20 * DAY, p2)):
        assignments.create_assignment(
            db, spring.mentor, cohort_id=spring.id, bank=bank, prompt_ids=[prompt_id],
            level="pm", due_at=due, now=NOW,
        )  # fmt: skip
    mine = assignments.my_assignments(db, spring.ann, now=NOW)
    assert [a.prompts[0].prompt_id for a in assignments.due_soon(mine, now=NOW)] == [p1]
    # Overdue by less than a week it is still in the reminder; older, only in the list.
    for days, reminded in ((9, [p1]), (11, [])):
        later = NOW + days * DAY
        mine = assignments.my_assignments(db, spring.ann, now=later)
        assert [a.prompts[0].prompt_id for a in assignments.due_soon(mine, now=later)] == reminded
        assert mine[0].prompts[0].status == LATE
    add_attempt(db, spring.ann, p1, NOW + DAY)
    mine = assignments.my_assignments(db, spring.ann, now=NOW + DAY)
    assert assignments.due_soon(mine, now=NOW + DAY) == []


def test_work_due_before_a_learner_joined_is_not_theirs(
    db: Database, spring: Spring, bank: Bank
) -> None:
    p1, p2 = (p.id for p in bank.prompts[:2])
    for due, prompt_id in ((NOW + DAY, p1), (NOW + 9 * DAY, p2)):
        assignments.create_assignment(
            db, spring.mentor, cohort_id=spring.id, bank=bank, prompt_ids=[prompt_id],
            level="pm", due_at=due, now=NOW - 20 * DAY,
        )  # fmt: skip
    newcomer = person(db, "nia")
    code = cohorts.rotate_code(db, SHELL, cohort_id=spring.id, now=NOW).code
    cohorts.join_cohort(db, newcomer, code=code, now=NOW + 2 * DAY)
    mine = assignments.my_assignments(db, newcomer, now=NOW + 3 * DAY)
    assert [a.prompts[0].prompt_id for a in mine] == [p2]
    board = cohort_dashboard.cohort_dashboard(db, spring.mentor, cohort_id=spring.id, now=NOW)
    assigned = board.learners.set_index("learner")["assigned"]
    assert (assigned["Ann"], assigned["Nia"]) == (2, 1)


# --- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_aggregates_trend_flags_completion_and_who_to_watch(
    db: Database, spring: Spring, bank: Bank
) -> None:
    p1, p2 = (p.id for p in bank.prompts[:2])
    assignments.create_assignment(
        db, spring.mentor, cohort_id=spring.id, bank=bank, prompt_ids=[p1, p2], level="pm",
        due_at=NOW + 30 * DAY, now=NOW - 20 * DAY,
    )  # fmt: skip
    # Ann: ten attempts, the newest five 20 points lower (falling); a flag on 4 of 10.
    for n in range(10):
        add_attempt(
            db,
            spring.ann,
            p1 if n == 0 else "other",
            NOW - (19 - n) * DAY,
            overall=80 if n < 5 else 60,
            flags=["solution-first"] if n % 10 < 4 else [],
            dims=50 + n,
        )
    # Bea: two attempts a month ago, both flagged twice with the same flag (counted once each).
    for n in range(2):
        add_attempt(
            db, spring.bea, p2, NOW - (40 - n) * DAY, overall=70, flags=["no-metric", "no-metric"]
        )
    # Demo attempts, pending ones and the mentor's own never count.
    add_attempt(db, spring.mentor, p1, NOW - DAY, overall=10, flags=["no-metric"])
    add_attempt(db, spring.ann, p2, NOW - DAY, overall=5, flags=["no-metric"], demo=True)
    add_attempt(db, spring.ann, "other", NOW - DAY, overall=5, flags=["x"], status="pending")

    board = cohort_dashboard.cohort_dashboard(db, spring.mentor, cohort_id=spring.id, now=NOW)
    learners = board.learners.set_index("learner")
    assert list(learners.index) == ["Ann", "Bea"]
    ann, bea = learners.loc["Ann"], learners.loc["Bea"]
    assert (ann.attempts, ann.average, ann.recent_mean, ann.previous_mean) == (10, 70, 60, 80)
    assert ann.trend == [80] * 5 + [60] * 5
    assert bool(ann.falling) and not bool(bea.falling)
    assert not bool(ann.stopped) and bool(bea.stopped) and bea.days_idle == 39
    # Ann's p1 came after the assignment was set; her p2 is a demo; Bea's p2 came before it.
    assert (ann.assigned, ann.submitted, ann.completion) == (2, 1, 0.5)
    assert (bea.assigned, bea.submitted, bea.completion) == (2, 0, 0.0)
    assert board.flag_rates.loc["Ann", "solution-first"] == pytest.approx(0.4)
    assert board.flag_rates.loc["Bea", "no-metric"] == pytest.approx(1.0)
    assert board.flag_rates.loc["Ann", "no-metric"] == 0.0
    framing = board.dimensions.query("dimension == 'framing'").set_index("learner")["score"]
    assert framing["Ann"] == pytest.approx(54.5)
    assert list(board.falling["learner"]) == ["Ann"] and list(board.stopped["learner"]) == ["Bea"]


def test_change_stays_blank_until_both_trend_windows_are_full(db: Database, spring: Spring) -> None:
    """Three answers, or seven (five against two), give no change and are never "falling";
    at ten the newest five (40) are set against 90, 90, 90, 40, 40 (70)."""
    for n in range(3):
        add_attempt(db, spring.ann, "p", NOW - (9 - n) * DAY, overall=90)
    assert pd.isna(_learner(db, spring, "Ann").change)
    for n in range(4):
        add_attempt(db, spring.ann, "p", NOW - (6 - n) * DAY, overall=40)
    ann = _learner(db, spring, "Ann")
    assert ann.attempts == 7 and pd.isna(ann.change) and not bool(ann.falling)
    for n in range(3):
        add_attempt(db, spring.ann, "p", NOW - (2 - n) * DAY, overall=40)
    ann = _learner(db, spring, "Ann")
    assert ann.attempts == 10 and ann.change == pytest.approx(40 - 70) and bool(ann.falling)
    bea = _learner(db, spring, "Bea")
    assert bea.attempts == 0 and pd.isna(bea.average) and pd.isna(bea.last_attempt)


def _learner(db: Database, spring: Spring, name: str) -> pd.Series:
    board = cohort_dashboard.cohort_dashboard(db, spring.mentor, cohort_id=spring.id, now=NOW)
    return board.learners.set_index("learner").loc[name]


def test_flag_rates_count_errors_and_warnings_not_hints_or_worth_checking(
    db: Database, spring: Spring, bank: Bank
) -> None:
    add_attempt(db, spring.ann, "p", NOW - 3 * DAY, flags=["solution-first"])
    add_attempt(db, spring.ann, "p", NOW - 2 * DAY, flags=["no-metric"], severity="warning")
    add_attempt(db, spring.ann, "p", NOW - DAY, flags=["no-summary"], severity="info")
    # A real answer whose every flag the engine is unsure of: shown as "worth checking" only.
    scored = attempts.submit_answer(
        db, spring.ann, prompt=bank.prompts[0], answer=WEAK_ANSWER, mode="practice",
        level="pm", started_at=NOW - DAY,
    )  # fmt: skip
    assert scored.report is not None and scored.report.flags
    unsure = replace(
        scored.report, flags=tuple(replace(f, tentative=True) for f in scored.report.flags)
    )
    with db.session() as session:
        attempts.apply_report(session.get(Attempt, scored.id), unsure)
        session.commit()
    rates = cohort_dashboard.cohort_dashboard(
        db, spring.mentor, cohort_id=spring.id, now=NOW
    ).flag_rates
    assert sorted(rates.columns) == ["no-metric", "solution-first"]
    assert rates.loc["Ann"].to_dict() == {"solution-first": 0.25, "no-metric": 0.25}


def test_a_learner_who_never_practised_is_listed_as_stopped(db: Database, spring: Spring) -> None:
    board = cohort_dashboard.cohort_dashboard(db, spring.mentor, cohort_id=spring.id, now=NOW)
    assert list(board.learners["learner"]) == ["Ann", "Bea"]
    assert board.learners["stopped"].all() and (board.learners["attempts"] == 0).all()
    assert board.flag_rates.shape == (2, 0)
    assert board.dimensions.empty


def test_the_dashboard_is_for_the_cohorts_mentors_only(db: Database, spring: Spring) -> None:
    with pytest.raises(CohortLeadRequiredError):
        cohort_dashboard.cohort_dashboard(db, spring.ann, cohort_id=spring.id)
    with pytest.raises(CohortNotFoundError):
        cohort_dashboard.cohort_dashboard(db, spring.outsider, cohort_id=spring.id)
    # A site admin oversees every cohort without joining it.
    site_admin = person(db, "root", role="admin")
    board = cohort_dashboard.cohort_dashboard(db, site_admin, cohort_id=spring.id)
    assert list(board.learners["learner"]) == ["Ann", "Bea"]


def test_the_csv_export_has_one_row_per_learner_and_quotes_formulas(
    db: Database, spring: Spring, bank: Bank
) -> None:
    evil = person(db, "eve")
    with db.session() as session:
        from coach.db.models import User

        session.get(User, evil.user_id).display_name = "=HYPERLINK(1)"  # type: ignore[union-attr]
        session.commit()
    cohorts.join_cohort(db, evil, code=cohorts.rotate_code(db, SHELL, cohort_id=spring.id).code)
    add_attempt(db, evil, bank.prompts[0].id, NOW - DAY, flags=["no-metric"])
    board = cohort_dashboard.cohort_dashboard(db, spring.mentor, cohort_id=spring.id, now=NOW)
    rows = list(csv.DictReader(io.StringIO(cohort_dashboard.dashboard_csv(board).decode())))
    assert [row["learner"] for row in rows] == ["'=HYPERLINK(1)", "Ann", "Bea"]
    assert rows[0]["flag_rate:no-metric"] == "1.000" and rows[1]["flag_rate:no-metric"] == "0.000"
    assert rows[0]["email"] == "eve@example.com" and rows[0]["attempts"] == "1"
