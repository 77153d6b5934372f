"""Nobody reads anyone else's answers: every service called with another user's ids is refused
(or sees only its own data), on SQLite and on PostgreSQL; cohort roles grant reading only.

A meta-test fails when a service function that takes the acting user is missing from the
table below, so new services (drafts, reviews, cohorts) must join it.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import coach.services
from coach.db import review_queries
from coach.db.database import Database
from coach.errors import (
    AccessDeniedError,
    AdminRequiredError,
    AttemptNotFoundError,
    CohortLeadRequiredError,
    CohortNotFoundError,
    InterviewNotFoundError,
    ReviewLinkError,
)
from coach.services import (
    access,
    accounts,
    admin,
    assignments,
    attempts,
    cohort_dashboard,
    cohorts,
    data_io,
    demo,
    drafts,
    interviewer,
    judge,
    progress,
    rescore,
    review_files,
    review_links,
    review_stats,
    reviews,
    selection,
    transcription,
)
from coach.services.admin import ShellOperator
from coach.services.review_content import parse_review
from coach.services.users import UserContext
from question_bank import Bank, Prompt
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER
from tests.review_support import answer, make_cohorts

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SHELL = ShellOperator("test")


@dataclass
class Victim:
    """The user whose data an intruder goes after, with one scored attempt."""

    user: UserContext
    attempt_id: int


@pytest.fixture
def victim(db: Database, user: UserContext, prompt: Prompt) -> Victim:
    view = attempts.submit_answer(
        db, user, prompt=prompt, answer=WEAK_ANSWER, mode="practice", level="pm", started_at=T0
    )
    return Victim(user=user, attempt_id=view.id)


def _snapshot(db: Database, victim: Victim) -> Any:
    """Everything of the victim's that an intruder must not change."""
    view = attempts.get_attempt(db, victim.user, victim.attempt_id)
    return (
        [a.id for a in attempts.list_attempts(db, victim.user)],
        view.answer,
        view.report,
        view.previous_report,
        view.scorer_version,
    )


Refusal = Callable[[Database, UserContext, Victim, Bank], Any]


def _refused(call: Refusal) -> Refusal:
    """The call must raise AttemptNotFoundError (the not-found wording, as for a missing id)."""

    def check(db: Database, intruder: UserContext, victim: Victim, bank: Bank) -> None:
        with pytest.raises(AttemptNotFoundError, match=f"Attempt {victim.attempt_id} not found"):
            call(db, intruder, victim, bank)

    return check


def _sees_nothing(call: Refusal) -> Refusal:
    """The call is scoped to the intruder: the victim's answer never appears in its result."""

    def check(db: Database, intruder: UserContext, victim: Victim, bank: Bank) -> None:
        result = call(db, intruder, victim, bank)
        assert WEAK_ANSWER[:40] not in repr(result)
        assert WEAK_ANSWER[:40] not in (result.decode() if isinstance(result, bytes) else "")

    return check


def _victim_export(db: Database, victim: Victim) -> bytes:
    return data_io.export_json(db, victim.user)


def _submits_own(submit: Callable[..., Any]) -> Refusal:
    """The intruder submits an answer of their own (with the submit service given)."""

    def call(db: Database, me: UserContext, v: Victim, b: Bank) -> Any:
        return submit(
            db,
            me,
            prompt=b.prompts[0],
            answer=STRONG_ANSWER,
            mode="practice",
            level="pm",
            started_at=T0,
        )

    return call


# Each entry: the service function it covers, and how an intruder tries it on the victim.
ATTEMPTS: dict[str, Refusal] = {
    "attempts.get_attempt": _refused(
        lambda db, me, v, b: attempts.get_attempt(db, me, v.attempt_id)
    ),
    "attempts.view_attempt": _refused(
        lambda db, me, v, b: attempts.view_attempt(db, me, v.attempt_id)
    ),
    "attempts.retry_scoring": _refused(
        lambda db, me, v, b: attempts.retry_scoring(db, me, v.attempt_id)
    ),
    "attempts.previous_attempt": _refused(
        lambda db, me, v, b: attempts.previous_attempt(
            db, me, prompt_id="test-support-reply-drafts", before_id=v.attempt_id
        )
    ),
    "attempts.delete_attempt": _refused(
        lambda db, me, v, b: attempts.delete_attempt(db, me, v.attempt_id)
    ),
    "attempts.list_attempts": _sees_nothing(lambda db, me, v, b: attempts.list_attempts(db, me)),
    "attempts.history_items": _sees_nothing(
        lambda db, me, v, b: attempts.history_items(db, me, include_demo=True)
    ),
    "attempts.submit_answer": _sees_nothing(_submits_own(attempts.submit_answer)),
    "data_io.export_json": _sees_nothing(lambda db, me, v, b: data_io.export_json(db, me)),
    "data_io.export_csv": _sees_nothing(lambda db, me, v, b: data_io.export_csv(db, me)),
    # Importing the victim's own export lands in the intruder's data, never in the victim's.
    "data_io.import_json": _sees_nothing(
        lambda db, me, v, b: (
            data_io.import_json(db, me, _victim_export(db, v)).added == 1
            and attempts.list_attempts(db, me)[0].id != v.attempt_id
        )
    ),
    "data_io.delete_all": _sees_nothing(lambda db, me, v, b: data_io.delete_all(db, me)),
    "demo.load_demo": _sees_nothing(lambda db, me, v, b: demo.load_demo(db, me, b, attempts=5)),
    "demo.delete_demo": _sees_nothing(lambda db, me, v, b: demo.delete_demo(db, me)),
    "demo.has_demo": _sees_nothing(lambda db, me, v, b: demo.has_demo(db, me)),
    "progress.load_progress": _sees_nothing(
        lambda db, me, v, b: progress.load_progress(db, me).attempts.to_dict()
    ),
    "selection.recommended_prompt": _sees_nothing(
        lambda db, me, v, b: selection.recommended_prompt(db, me, b, now=T0)
    ),
    "selection.surprise_prompt": _sees_nothing(
        lambda db, me, v, b: selection.surprise_prompt(db, me, b.prompts, rng=random.Random(1))
    ),
    "rescore.rescore_attempts": _sees_nothing(
        lambda db, me, v, b: rescore.rescore_attempts(db, only_outdated=False, user=me)
    ),
    "accounts.sign_out_everywhere": _sees_nothing(
        lambda db, me, v, b: accounts.sign_out_everywhere(db, me)
    ),
}


def _victims_interview(db: Database, v: Victim, b: Bank) -> int:
    return interviewer.start_interview(db, v.user, v.attempt_id, bank=b).id


def _victims_mock(db: Database, v: Victim, b: Bank) -> int:
    return interviewer.start_mock(db, v.user, b.prompts[:3], level="pm", chosen_by="test").id


def _interview_refused(call: Callable[[Database, UserContext, int, Bank], Any]) -> Refusal:
    """Someone else's interview reads exactly like a missing one."""

    def check(db: Database, intruder: UserContext, victim: Victim, bank: Bank) -> None:
        interview_id = _victims_interview(db, victim, bank)
        with pytest.raises(InterviewNotFoundError, match=f"^Interview {interview_id} not found"):
            call(db, intruder, interview_id, bank)

    return check


def _mock_refused(call: Callable[[Database, UserContext, int, Bank], Any]) -> Refusal:
    def check(db: Database, intruder: UserContext, victim: Victim, bank: Bank) -> None:
        mock_id = _victims_mock(db, victim, bank)
        with pytest.raises(InterviewNotFoundError, match=f"^Mock interview {mock_id} not found"):
            call(db, intruder, mock_id, bank)

    return check


def _finish_leaves_theirs_open(db: Database, me: UserContext, v: Victim, b: Bank) -> None:
    mock_id = _victims_mock(db, v, b)
    interviewer.finish_mock(db, me, mock_id)
    assert interviewer.get_mock(db, v.user, mock_id, bank=b).finished_at is None


def _audio_stays_theirs(db: Database, me: UserContext, v: Victim, b: Bank) -> None:
    transcription.keep_audio(db, v.user, v.attempt_id, b"RIFF-victim", mime="audio/wav")
    assert transcription.kept_audio(db, me, v.attempt_id) is None
    assert transcription.kept_audio(db, v.user, v.attempt_id) == (b"RIFF-victim", "audio/wav")


ATTEMPTS.update(
    {
        "interviewer.start_interview": _refused(
            lambda db, me, v, b: interviewer.start_interview(db, me, v.attempt_id, bank=b)
        ),
        "interviewer.get_interview": _interview_refused(
            lambda db, me, i, b: interviewer.get_interview(db, me, i)
        ),
        "interviewer.answer_follow_up": _interview_refused(
            lambda db, me, i, b: interviewer.answer_follow_up(db, me, i, "my answer")
        ),
        "interviewer.ask_another": _interview_refused(
            lambda db, me, i, b: interviewer.ask_another(db, me, i, bank=b)
        ),
        "interviewer.get_mock": _mock_refused(
            lambda db, me, m, b: interviewer.get_mock(db, me, m, bank=b)
        ),
        "interviewer.answer_mock_question": _mock_refused(
            lambda db, me, m, b: interviewer.answer_mock_question(
                db, me, m, bank=b, answer=STRONG_ANSWER, started_at=T0
            )
        ),
        "interviewer.finish_mock": _finish_leaves_theirs_open,
        "interviewer.start_mock": _sees_nothing(
            lambda db, me, v, b: interviewer.start_mock(
                db, me, b.prompts[:3], level="pm", chosen_by="test"
            )
        ),
        "interviewer.choose_mock_prompts": _sees_nothing(
            lambda db, me, v, b: interviewer.choose_mock_prompts(
                db, me, b, count=3, category=None, now=T0
            )
        ),
        "judge.llm_usage": _sees_nothing(lambda db, me, v, b: judge.llm_usage(db, me)),
        "transcription.keep_audio": _refused(
            lambda db, me, v, b: transcription.keep_audio(
                db, me, v.attempt_id, b"RIFF", mime="audio/wav"
            )
        ),
        "transcription.kept_audio": _audio_stays_theirs,
    }
)
VICTIM_PROMPT = "test-support-reply-drafts"
VICTIM_DRAFT = "The victim's unsent draft about night-shift nurses."


def _victims_draft(db: Database, v: Victim) -> None:
    drafts.save_draft(db, v.user, prompt_id=VICTIM_PROMPT, text=VICTIM_DRAFT)


def _draft_stays_theirs(call: Callable[[Database, UserContext, Victim, Bank], Any]) -> Refusal:
    """The victim's draft is neither shown to the intruder nor changed by them."""

    def check(db: Database, intruder: UserContext, victim: Victim, bank: Bank) -> None:
        _victims_draft(db, victim)
        result = call(db, intruder, victim, bank)
        assert VICTIM_DRAFT not in repr(result)
        mine = drafts.get_draft(db, victim.user, VICTIM_PROMPT)
        assert mine is not None and mine.text == VICTIM_DRAFT

    return check


def _dispute_stays_theirs(db: Database, me: UserContext, v: Victim, b: Bank) -> None:
    flag = attempts.get_attempt(db, v.user, v.attempt_id).report.flags[-1]
    attempts.dispute_flag(
        db, v.user, v.attempt_id, flag_id=flag.id, span_start=flag.start, reason="mine"
    )
    with pytest.raises(AttemptNotFoundError):
        attempts.dispute_flag(
            db, me, v.attempt_id, flag_id=flag.id, span_start=flag.start, reason="theirs"
        )
    attempts.withdraw_dispute(db, me, v.attempt_id, flag_id=flag.id, span_start=flag.start)
    view = attempts.feedback_view(db, v.user, v.attempt_id)
    assert view.disputes == {(flag.id, flag.start): "mine"}


def _not_practised_by_me(db: Database, me: UserContext, v: Victim, b: Bank) -> None:
    assert VICTIM_PROMPT in selection.practice_by_prompt(db, v.user)
    assert VICTIM_PROMPT not in selection.practice_by_prompt(db, me)


ATTEMPTS.update(
    {
        "attempts.answer_question": _refused(
            lambda db, me, v, b: attempts.answer_question(
                db, me, v.attempt_id, element="who", answer=True
            )
        ),
        "attempts.feedback_view": _refused(
            lambda db, me, v, b: attempts.feedback_view(db, me, v.attempt_id)
        ),
        "attempts.submit": _sees_nothing(_submits_own(attempts.submit)),
        "attempts.dispute_flag": _dispute_stays_theirs,
        "attempts.withdraw_dispute": _dispute_stays_theirs,
        "drafts.get_draft": _draft_stays_theirs(
            lambda db, me, v, b: drafts.get_draft(db, me, VICTIM_PROMPT)
        ),
        "drafts.list_drafts": _draft_stays_theirs(lambda db, me, v, b: drafts.list_drafts(db, me)),
        "drafts.save_draft": _draft_stays_theirs(
            lambda db, me, v, b: drafts.save_draft(
                db, me, prompt_id=VICTIM_PROMPT, text="the intruder's own draft"
            )
        ),
        "drafts.discard_draft": _draft_stays_theirs(
            lambda db, me, v, b: drafts.discard_draft(db, me, VICTIM_PROMPT)
        ),
        "progress.calibration_gap": _sees_nothing(
            lambda db, me, v, b: progress.calibration_gap(
                db, me, progress.load_progress(db, me)
            ).to_dict()
        ),
        "selection.practice_by_prompt": _not_practised_by_me,
        "selection.prompts_for_flag": _sees_nothing(
            lambda db, me, v, b: [
                p.id for p in selection.prompts_for_flag(db, me, b, "solution-first")
            ]
        ),
    }
)


def _victims_reviewed(db: Database, v: Victim) -> int:
    """A submitted review (through a review link) of the victim's attempt; its comment's id."""
    token = review_links.create_link(db, v.user, v.attempt_id).token
    review_links.submit_link_review(
        db, token, name="Mentor", review={"comments": [{"body": "Who is the user?"}]}
    )
    (shown,) = reviews.reviews_for_owner(db, v.user, v.attempt_id)
    return shown.comments[0].id


def _reply_refused(db: Database, me: UserContext, v: Victim, b: Bank) -> None:
    comment_id = _victims_reviewed(db, v)
    with pytest.raises(AccessDeniedError, match=f"^Comment {comment_id} not found"):
        reviews.reply(db, me, comment_id, "the intruder's reply")
    (shown,) = reviews.reviews_for_owner(db, v.user, v.attempt_id)
    assert shown.comments[0].reply is None


def _reviewed_marks_stay_theirs(db: Database, me: UserContext, v: Victim, b: Bank) -> None:
    _victims_reviewed(db, v)
    assert reviews.reviewed_attempt_ids(db, me) == frozenset()
    assert reviews.reviewed_attempt_ids(db, v.user) == frozenset({v.attempt_id})


def _link_stays_active(db: Database, me: UserContext, v: Victim, b: Bank) -> None:
    link = review_links.create_link(db, v.user, v.attempt_id).link
    with pytest.raises(ReviewLinkError, match=f"^Review link {link.id} not found"):
        review_links.revoke_link(db, me, link.id)
    assert [x.status for x in review_links.list_links(db, v.user, v.attempt_id)] == ["active"]


def _response_not_imported_onto_theirs(db: Database, me: UserContext, v: Victim, b: Bank) -> None:
    """The victim's review response, imported by the intruder, lands nowhere."""
    request = review_files.read_request(review_files.request_file(db, v.user, [v.attempt_id]))
    response = review_files.response_file(
        request,
        name="Mo",
        reviews={request.attempts[0].ref: review_files.FileReview(parse_review({}))},
    )
    result = review_files.import_response(db, me, response)
    assert result.added == [] and len(result.refused) == 1
    with db.session() as session:
        assert not review_queries.reviews_of_attempts(session, attempt_ids=[v.attempt_id])


def _victims_cohort(db: Database, v: Victim) -> int:
    """Put the victim in a cohort of their own (as a learner, with a week-long assignment)."""
    invite = cohorts.create_cohort(db, SHELL, name="Victims")
    cohorts.join_cohort(db, v.user, code=invite.code)
    return invite.cohort_id


def _cohort_refused(call: Callable[[Database, UserContext, int, Bank], Any]) -> Refusal:
    """Someone else's cohort reads like a missing one, and the victim stays in it."""

    def check(db: Database, intruder: UserContext, victim: Victim, bank: Bank) -> None:
        cohort_id = _victims_cohort(db, victim)
        with pytest.raises(CohortNotFoundError, match=f"^Cohort {cohort_id} not found"):
            call(db, intruder, cohort_id, bank)
        assert [m.cohort_id for m in cohorts.my_cohorts(db, victim.user)] == [cohort_id]

    return check


def _cohort_stays_theirs(call: Callable[[Database, UserContext, int, Bank], Any]) -> Refusal:
    """The intruder's call shows nothing of the victim's cohort and leaves it as it was."""

    def check(db: Database, intruder: UserContext, victim: Victim, bank: Bank) -> None:
        cohort_id = _victims_cohort(db, victim)
        result = call(db, intruder, cohort_id, bank)
        assert "Victims" not in repr(result) and WEAK_ANSWER[:40] not in repr(result)
        assert [m.cohort_id for m in cohorts.my_cohorts(db, victim.user)] == [cohort_id]

    return check


def _joins_own_cohort(db: Database, me: UserContext, cohort_id: int, b: Bank) -> Any:
    other = cohorts.create_cohort(db, SHELL, name="Intruders")
    return cohorts.join_cohort(db, me, code=other.code)


def _victims_mentor(db: Database, cohort_id: int) -> UserContext:
    """A mentor of the victim's cohort (to set the victim an assignment)."""
    mentor = admin.create_account(
        db, SHELL, email="mentor@example.com", display_name="Mentor", role="mentor"
    )
    cohorts.add_person(db, SHELL, cohort_id=cohort_id, email="mentor@example.com")
    return mentor


def _assign_week(db: Database, me: UserContext, cohort_id: int, b: Bank) -> int:
    return assignments.create_assignment(
        db,
        me,
        cohort_id=cohort_id,
        bank=b,
        prompt_ids=[b.prompts[0].id],
        level="pm",
        due_at=datetime.now(UTC) + timedelta(days=7),
    )


ATTEMPTS.update(
    {
        "reviews.review_queue": _sees_nothing(lambda db, me, v, b: reviews.review_queue(db, me)),
        "reviews.queue_learners": _sees_nothing(
            lambda db, me, v, b: reviews.queue_learners(db, me)
        ),
        "reviews.reviews_anything": _sees_nothing(
            lambda db, me, v, b: reviews.reviews_anything(db, me)
        ),
        "reviews.open_review": _refused(
            lambda db, me, v, b: reviews.open_review(db, me, v.attempt_id)
        ),
        "reviews.save_review": _refused(
            lambda db, me, v, b: reviews.save_review(
                db, me, v.attempt_id, {"overall_comment": "mine"}, submit=True
            )
        ),
        "reviews.reviews_for_owner": _refused(
            lambda db, me, v, b: reviews.reviews_for_owner(db, me, v.attempt_id)
        ),
        "reviews.reply": _reply_refused,
        "reviews.reviewed_attempt_ids": _reviewed_marks_stay_theirs,
        "review_links.create_link": _refused(
            lambda db, me, v, b: review_links.create_link(db, me, v.attempt_id)
        ),
        "review_links.list_links": _refused(
            lambda db, me, v, b: review_links.list_links(db, me, v.attempt_id)
        ),
        "review_links.revoke_link": _link_stays_active,
        "review_files.request_file": _refused(
            lambda db, me, v, b: review_files.request_file(db, me, [v.attempt_id])
        ),
        "review_files.import_response": _response_not_imported_onto_theirs,
    }
)


ATTEMPTS.update(
    {
        "cohorts.my_cohorts": _cohort_stays_theirs(lambda db, me, c, b: cohorts.my_cohorts(db, me)),
        "cohorts.dashboard_cohorts": _cohort_stays_theirs(
            lambda db, me, c, b: cohorts.dashboard_cohorts(db, me)
        ),
        "cohorts.join_cohort": _cohort_stays_theirs(_joins_own_cohort),
        "cohorts.leave_cohort": _cohort_refused(
            lambda db, me, c, b: cohorts.leave_cohort(db, me, cohort_id=c)
        ),
        "assignments.create_assignment": _cohort_refused(_assign_week),
        "assignments.cohort_assignments": _cohort_refused(
            lambda db, me, c, b: assignments.cohort_assignments(db, me, cohort_id=c)
        ),
        "assignments.my_assignments": _cohort_stays_theirs(
            lambda db, me, c, b: (
                _assign_week(db, _victims_mentor(db, c), c, b),
                assignments.my_assignments(db, me),
            )[1]
        ),
        "cohort_dashboard.cohort_dashboard": _cohort_refused(
            lambda db, me, c, b: cohort_dashboard.cohort_dashboard(db, me, cohort_id=c)
        ),
    }
)


# Functions that take the acting user but are covered elsewhere, and why.
COVERED_ELSEWHERE = {
    "access.can_view_attempt": "the policy itself: test_cohort_roles_grant_reading_only",
    "access.can_view_attempts_of": "the policy itself: test_cohort_roles_grant_reading_only",
    "access.can_change_attempts_of": "the policy itself: test_cohort_roles_grant_reading_only",
    "access.can_review_attempts_of": "the policy itself: test_services_reviews."
    "test_only_my_cohorts_mentors_may_open_a_review (other cohort's mentor, peer, site admin, "
    "owner) and test_mentors_review_only_their_cohorts below",
    "users.context_of": "builds a context from a row; no acting user",
    "judge.scorer_for": "a factory; its verdict cache is per user (test_services_judge)",
    "admin.require_admin": "the check itself: test_admin_actions_are_refused_to_learners_...",
    "admin.audit": "writes the log entry of an action already checked by require_admin",
    "access.cohort_role": "the policy itself: test_services_assignments (mentors only)",
    "access.require_cohort_lead": "test_the_dashboard_is_for_the_cohorts_mentors_only, "
    "test_only_the_cohorts_mentors_set_assignments",
    "access.oversees_cohorts": "the policy itself: test_a_site_admin_sees_every_cohort_...",
    "access.require_cohort_overview": "the policy itself: cohort_dashboard.cohort_dashboard "
    "and assignments.cohort_assignments above, test_a_site_admin_sees_every_cohort_...",
}
ADMIN_ONLY = {
    "admin.create_account": lambda db, me: admin.create_account(
        db, me, email="x@example.com", display_name="X", password=None
    ),
    "admin.create_cohort": lambda db, me: admin.create_cohort(db, me, name="Spring"),
    "admin.add_member": lambda db, me: admin.add_member(
        db, me, cohort="Spring", email="x@example.com", role="mentor"
    ),
    "admin.issue_reset_code": lambda db, me: admin.issue_reset_code(
        db, me, email="bea@example.com"
    ),
    "admin.delete_account": lambda db, me: admin.delete_account(db, me, email="bea@example.com"),
    "admin.list_users": lambda db, me: admin.list_users(db, me),
    "admin.audit_log": lambda db, me: admin.audit_log(db, me),
    "review_stats.agreement": lambda db, me: review_stats.agreement(db, me),
    "review_stats.export_reviews_jsonl": lambda db, me: review_stats.export_reviews_jsonl(db, me),
    "cohorts.create_cohort": lambda db, me: cohorts.create_cohort(db, me, name="Spring"),
    "cohorts.rotate_code": lambda db, me: cohorts.rotate_code(db, me, cohort_id=1),
    "cohorts.set_seats": lambda db, me: cohorts.set_seats(db, me, cohort_id=1, seats=3),
    "cohorts.all_cohorts": lambda db, me: cohorts.all_cohorts(db, me),
    "cohorts.cohort_named": lambda db, me: cohorts.cohort_named(db, me, name="Spring"),
    "cohorts.add_person": lambda db, me: cohorts.add_person(
        db, me, cohort_id=1, email="x@example.com"
    ),
}


def _acting_user_functions() -> set[str]:
    found = set()
    for module_info in pkgutil.iter_modules(coach.services.__path__):
        module = importlib.import_module(f"coach.services.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameters = set(inspect.signature(function).parameters)
            if parameters & {"user", "actor", "admin"}:
                found.add(f"{module_info.name}.{name}")
    return found


def test_every_service_taking_the_acting_user_is_in_the_access_table() -> None:
    listed = set(ATTEMPTS) | set(COVERED_ELSEWHERE) | set(ADMIN_ONLY)
    missing = _acting_user_functions() - listed
    assert not missing, f"add these to tests/test_services_access.py: {sorted(missing)}"
    assert not listed - _acting_user_functions(), "the table names functions that do not exist"


@pytest.mark.parametrize("service", sorted(ATTEMPTS))
def test_another_users_ids_are_refused(
    service: str, db: Database, victim: Victim, other_user: UserContext, bank: Bank
) -> None:
    before = _snapshot(db, victim)
    ATTEMPTS[service](db, other_user, victim, bank)
    assert _snapshot(db, victim) == before


def test_someone_elses_attempt_and_a_missing_one_read_the_same(
    db: Database, victim: Victim, other_user: UserContext
) -> None:
    missing_id = victim.attempt_id + 1000
    with pytest.raises(AttemptNotFoundError) as theirs:
        attempts.view_attempt(db, other_user, victim.attempt_id)
    with pytest.raises(AttemptNotFoundError) as missing:
        attempts.view_attempt(db, other_user, missing_id)
    assert str(theirs.value).replace(str(victim.attempt_id), "N") == str(missing.value).replace(
        str(missing_id), "N"
    )


@pytest.mark.parametrize("service", sorted(ADMIN_ONLY))
def test_admin_actions_are_refused_to_learners_and_mentors(
    service: str, db: Database, other_user: UserContext
) -> None:
    mentor = admin.create_account(
        db, SHELL, email="mo@example.com", display_name="Mo", password=None, role="mentor"
    )
    for who in (other_user, mentor):
        with pytest.raises(AdminRequiredError):
            ADMIN_ONLY[service](db, who)
    assert admin.audit_log(db, SHELL)[0].action == "create-user"


def test_cohort_roles_grant_reading_only(db: Database, victim: Victim, bank: Bank) -> None:
    """The victim learns in Spring; a mentor and a cohort admin there may read, nobody else."""
    admin.create_cohort(db, SHELL, name="Spring")
    admin.create_cohort(db, SHELL, name="Autumn")
    people = {
        name: admin.create_account(db, SHELL, email=f"{name}@example.com", display_name=name)
        for name in ("mentor", "cohortadmin", "peer", "outsider", "siteadmin")
    }
    with db.session() as session:
        from coach.db.models import User

        session.get(User, victim.user.user_id).email = "victim@example.com"  # type: ignore[union-attr]
        session.commit()
    for email, cohort, role in (
        ("victim", "Spring", "learner"),
        ("mentor", "Spring", "mentor"),
        ("cohortadmin", "Spring", "admin"),
        ("peer", "Spring", "learner"),
        ("outsider", "Autumn", "mentor"),
    ):
        admin.add_member(db, SHELL, cohort=cohort, email=f"{email}@example.com", role=role)
    site_admin = admin.create_account(
        db, SHELL, email="root@example.com", display_name="Root", role="admin"
    )
    readers = [people["mentor"], people["cohortadmin"]]
    strangers = [people["peer"], people["outsider"], people["siteadmin"], site_admin]

    for reader in readers:
        assert access.can_view_attempt(db, reader, victim.user.user_id)
        assert attempts.view_attempt(db, reader, victim.attempt_id).answer == WEAK_ANSWER
        assert not access.can_change_attempts_of(reader, victim.user.user_id)
    for stranger in strangers:
        assert not access.can_view_attempt(db, stranger, victim.user.user_id)
        with pytest.raises(AttemptNotFoundError):
            attempts.view_attempt(db, stranger, victim.attempt_id)
    # The learner cannot read their mentor's attempts the other way round.
    mentor_attempt = attempts.submit_answer(
        db,
        people["mentor"],
        prompt=bank.prompts[0],
        answer=STRONG_ANSWER,
        mode="practice",
        level="pm",
        started_at=T0,
    )
    with pytest.raises(AttemptNotFoundError):
        attempts.view_attempt(db, victim.user, mentor_attempt.id)
    # Reading is all a cohort role grants: every change stays with the owner.
    before = _snapshot(db, victim)
    for reader in readers:
        for check in ("attempts.delete_attempt", "attempts.retry_scoring", "attempts.get_attempt"):
            ATTEMPTS[check](db, reader, victim, bank)
        assert WEAK_ANSWER[:40] not in data_io.export_json(db, reader).decode()
    assert _snapshot(db, victim) == before


def test_deleting_my_data_deletes_only_mine(
    db: Database, victim: Victim, other_user: UserContext, prompt: Prompt
) -> None:
    attempts.submit_answer(
        db,
        other_user,
        prompt=prompt,
        answer=STRONG_ANSWER,
        mode="practice",
        level="pm",
        started_at=T0,
    )
    assert data_io.delete_all(db, other_user) == 1
    assert [a.id for a in attempts.list_attempts(db, victim.user)] == [victim.attempt_id]
    exported = json.loads(data_io.export_json(db, victim.user))
    assert [a["answer"] for a in exported["attempts"]] == [WEAK_ANSWER]


def test_admin_actions_are_recorded_with_who_what_and_when(db: Database) -> None:
    root = admin.create_account(
        db, SHELL, email="root@example.com", display_name="Root", role="admin"
    )
    before = datetime.now(UTC) - timedelta(seconds=5)
    admin.create_cohort(db, root, name="Spring")
    admin.create_account(db, root, email="ann@example.com", display_name="Ann", password=None)
    admin.add_member(db, root, cohort="spring", email="ANN@example.com", role="learner")
    code = admin.issue_reset_code(db, root, email="ann@example.com")
    admin.delete_account(db, root, email="ann@example.com")
    log = admin.audit_log(db, SHELL)
    assert [row.action for row in log[:5]] == [
        "delete-user",
        "reset-password",
        "add-member",
        "create-user",
        "create-cohort",
    ]
    assert all(row.actor == f"user {root.user_id} (Root)" for row in log[:5])
    assert all(row.at >= before for row in log[:5])
    assert log[-1].actor == "shell:test"
    assert all(code not in row.target for row in log)
    with pytest.raises(AccessDeniedError):
        admin.audit_log(db, UserContext(999, "Nobody", "learner"))


def test_mentors_review_only_their_cohorts(db: Database, prompt: Prompt) -> None:
    """Spring's mentor and cohort admin review Ann's attempt; Autumn's mentor, Ann's peer, a
    site admin in no cohort and Ann herself cannot; Autumn's attempts are not Mo's to review."""
    people = make_cohorts(db)
    spring = answer(db, people.ann, prompt)
    autumn_learner = admin.create_account(
        db, SHELL, email="al@example.com", display_name="Al", password=None
    )
    admin.add_member(db, SHELL, cohort="Autumn", email="al@example.com", role="learner")
    autumn = answer(db, autumn_learner, prompt)
    for reviewer in (people.mo, people.cy):
        assert reviews.open_review(db, reviewer, spring).subject.attempt.id == spring
        with pytest.raises(AttemptNotFoundError):
            reviews.open_review(db, reviewer, autumn)
    assert reviews.open_review(db, people.oz, autumn).subject.attempt.id == autumn
    for stranger in (people.oz, people.bea, people.root, people.ann):
        with pytest.raises(AttemptNotFoundError, match=f"^Attempt {spring} not found"):
            reviews.open_review(db, stranger, spring)
        assert spring not in [item.attempt_id for item in reviews.review_queue(db, stranger)]


def test_a_site_admin_sees_every_cohort_mentors_their_own_learners_none(
    db: Database, bank: Bank
) -> None:
    """Root (site admin, in no cohort) sees Spring's and Autumn's dashboards and assignments but
    sets no work there; Oz (Autumn's mentor) is refused Spring; Ann (Spring's learner) is
    refused her own cohort's dashboard."""
    people = make_cohorts(db)
    spring = cohorts.cohort_named(db, SHELL, name="Spring")
    autumn = cohorts.cohort_named(db, SHELL, name="Autumn")
    answer(db, people.ann, bank.prompts[0])
    _assign_week(db, people.mo, spring, bank)

    def seen(who: UserContext) -> list[tuple[str, bool]]:
        return [(c.name, c.leads) for c in cohorts.dashboard_cohorts(db, who)]

    assert seen(people.root) == [("Autumn", False), ("Spring", False)]
    board = cohort_dashboard.cohort_dashboard(db, people.root, cohort_id=spring)
    assert list(board.learners["learner"]) == ["Ann", "Bea"]
    assert board.learners["attempts"].tolist() == [1, 0]
    assert len(assignments.cohort_assignments(db, people.root, cohort_id=spring)) == 1
    assert cohort_dashboard.cohort_dashboard(db, people.root, cohort_id=autumn).learners.empty
    with pytest.raises(CohortLeadRequiredError, match="may set assignments"):
        _assign_week(db, people.root, spring, bank)
    with pytest.raises(CohortNotFoundError, match=f"^Cohort {autumn + 100} not found"):
        cohort_dashboard.cohort_dashboard(db, people.root, cohort_id=autumn + 100)

    assert seen(people.oz) == [("Autumn", True)]
    assert seen(people.mo) == [("Spring", True)] and seen(people.cy) == [("Spring", True)]
    for call in (cohort_dashboard.cohort_dashboard, assignments.cohort_assignments):
        with pytest.raises(CohortNotFoundError, match=f"^Cohort {spring} not found"):
            call(db, people.oz, cohort_id=spring)
        with pytest.raises(CohortLeadRequiredError):
            call(db, people.ann, cohort_id=spring)
    assert seen(people.ann) == []
    # A site-wide mentor role grants nothing: only membership or the admin role does.
    roaming = admin.create_account(
        db, SHELL, email="rm@example.com", display_name="Rm", password=None, role="mentor"
    )
    assert seen(roaming) == []
    with pytest.raises(CohortNotFoundError):
        cohort_dashboard.cohort_dashboard(db, roaming, cohort_id=spring)
