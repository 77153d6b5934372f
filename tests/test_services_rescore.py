"""Rescoring after the engine changes: outdated attempts only, old report kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

import scoring
from coach.db.database import Database
from coach.db.models import Attempt
from coach.services import attempts, rescore
from coach.services.users import UserContext
from question_bank import Prompt
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER

T0 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)


def _submit(db: Database, user: UserContext, prompt: Prompt, answer: str) -> int:
    return attempts.submit_answer(
        db,
        user,
        prompt=prompt,
        answer=answer,
        mode="practice",
        level="pm",
        started_at=T0 - timedelta(minutes=5),
        submitted_at=T0,
    ).id


def _age(db: Database, attempt_id: int, *, overall: int = 1) -> None:
    """Pretend an older engine scored this attempt (different version and score)."""
    with db.session() as session:
        session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(scorer_version="0.9.0", overall=overall)
        )
        session.commit()


def test_rescore_updates_outdated_attempts_and_keeps_the_old_report(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt
) -> None:
    old = _submit(db, user, prompt, WEAK_ANSWER)
    current = _submit(db, user, prompt, STRONG_ANSWER)
    theirs = _submit(db, other_user, prompt, WEAK_ANSWER)
    _age(db, old)
    _age(db, theirs)
    old_report = attempts.get_attempt(db, user, old).report

    result = rescore.rescore_attempts(db)

    assert result == rescore.RescoreResult(considered=2, rescored=2, changed=2, failed=0)
    view = attempts.get_attempt(db, user, old)
    assert view.scorer_version == scoring.SCORER_VERSION
    assert view.previous_report == old_report
    assert view.report == scoring.analyze(WEAK_ANSWER, prompt.to_spec(), "pm")
    assert attempts.list_attempts(db, user, limit=None)[-1].overall == view.report.overall
    assert attempts.get_attempt(db, user, current).previous_report is None
    assert attempts.get_attempt(db, other_user, theirs).scorer_version == scoring.SCORER_VERSION


def test_rescore_all_includes_current_attempts(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    attempt_id = _submit(db, user, prompt, STRONG_ANSWER)
    assert rescore.rescore_attempts(db).considered == 0
    result = rescore.rescore_attempts(db, only_outdated=False)
    assert result == rescore.RescoreResult(considered=1, rescored=1, changed=0, failed=0)
    view = attempts.get_attempt(db, user, attempt_id)
    assert view.previous_report == view.report


def test_a_failing_engine_keeps_the_old_report_and_counts_the_failure(
    db: Database, user: UserContext, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempt_id = _submit(db, user, prompt, WEAK_ANSWER)
    _age(db, attempt_id, overall=33)
    before = attempts.get_attempt(db, user, attempt_id)
    monkeypatch.setattr(attempts, "analyze", lambda *args: 1 / 0)
    result = rescore.rescore_attempts(db)
    assert result == rescore.RescoreResult(considered=1, rescored=0, changed=0, failed=1)
    after = attempts.get_attempt(db, user, attempt_id)
    assert (after.status, after.report, after.scorer_version) == ("scored", before.report, "0.9.0")
    assert after.previous_report is None


def test_rescore_scores_attempts_that_never_got_a_score(
    db: Database, user: UserContext, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attempts, "analyze", lambda *args: 1 / 0)
    attempt_id = _submit(db, user, prompt, STRONG_ANSWER)
    assert rescore.rescore_attempts(db).failed == 1
    assert attempts.get_attempt(db, user, attempt_id).status == "not_scored"
    monkeypatch.undo()
    assert rescore.rescore_attempts(db).rescored == 1
    view = attempts.get_attempt(db, user, attempt_id)
    assert view.status == "scored"
    assert view.error is None
    assert view.previous_report is None


def test_rescoring_many_attempts_works_in_batches(
    db: Database, user: UserContext, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rescore, "BATCH_SIZE", 2)
    ids = [_submit(db, user, prompt, f"{WEAK_ANSWER} Take {n}.") for n in range(5)]
    for attempt_id in ids:
        _age(db, attempt_id)
    assert rescore.rescore_attempts(db).rescored == 5
    assert {attempts.get_attempt(db, user, i).scorer_version for i in ids} == {
        scoring.SCORER_VERSION
    }
