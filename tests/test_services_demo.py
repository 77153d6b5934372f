"""Demo data: about 60 really-scored attempts over 8 weeks, improving, marked and removable."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta

from coach.db.database import Database
from coach.services import attempts, demo, progress
from coach.services.users import UserContext
from question_bank import Bank, Prompt
from scoring import analyze
from tests.conftest import WEAK_ANSWER

NOW = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)


def test_demo_loads_about_60_attempts_over_8_weeks(
    db: Database, user: UserContext, bank: Bank
) -> None:
    assert demo.load_demo(db, user, bank, now=NOW) == 60
    listed = attempts.list_attempts(db, user)
    assert len(listed) == 60
    assert all(a.is_demo for a in listed)
    assert all(a.status == "scored" for a in listed)
    times = sorted(a.submitted_at for a in listed)
    assert times[-1] <= NOW
    assert timedelta(weeks=6) <= times[-1] - times[0] <= timedelta(weeks=8)
    assert len({a.category for a in listed}) >= 4
    prompt_ids = [a.prompt_id for a in listed]
    assert len(set(prompt_ids)) < len(prompt_ids), "a learner retries prompts; so does the demo"
    assert demo.has_demo(db, user)


def test_demo_history_ends_with_a_current_streak(
    db: Database, user: UserContext, bank: Bank
) -> None:
    demo.load_demo(db, user, bank, now=NOW)
    data = progress.load_progress(db, user, now=NOW)
    assert data.totals.streak_days >= 3


def test_demo_scores_improve_and_flags_are_real(
    db: Database, user: UserContext, bank: Bank
) -> None:
    demo.load_demo(db, user, bank, now=NOW)
    data = progress.load_progress(db, user, now=NOW)
    scores = list(data.attempts["overall"])
    first, last = statistics.mean(scores[:15]), statistics.mean(scores[-15:])
    assert last - first >= 15, (first, last)
    weekly = data.flags_per_week.groupby("week")["count"].sum()
    assert weekly.iloc[0] > weekly.iloc[-1]
    # The stored report is exactly what the engine says about the stored answer.
    for summary in attempts.list_attempts(db, user, limit=5):
        view = attempts.get_attempt(db, user, summary.id)
        assert view.report == analyze(view.answer, bank.get(view.prompt_id).to_spec(), view.level)


def test_demo_is_reproducible_and_reloading_replaces_it(
    db: Database, user: UserContext, bank: Bank
) -> None:
    demo.load_demo(db, user, bank, now=NOW)
    first = [(a.prompt_id, a.submitted_at, a.overall) for a in attempts.list_attempts(db, user)]
    demo.load_demo(db, user, bank, now=NOW)
    second = [(a.prompt_id, a.submitted_at, a.overall) for a in attempts.list_attempts(db, user)]
    assert first == second
    assert len(second) == 60


def test_deleting_the_demo_keeps_the_learners_own_attempts(
    db: Database, user: UserContext, bank: Bank, prompt: Prompt, other_user: UserContext
) -> None:
    own = attempts.submit_answer(
        db,
        user,
        prompt=prompt,
        answer=WEAK_ANSWER,
        mode="practice",
        level="pm",
        started_at=NOW - timedelta(minutes=5),
    )
    demo.load_demo(db, user, bank, now=NOW, attempts=12, weeks=2)
    demo.load_demo(db, other_user, bank, now=NOW, attempts=5, weeks=1)
    assert len(attempts.list_attempts(db, user)) == 13
    assert demo.delete_demo(db, user) == 12
    assert [a.id for a in attempts.list_attempts(db, user)] == [own.id]
    assert not demo.has_demo(db, user)
    assert demo.has_demo(db, other_user)


def test_synthesised_answers_get_better_with_quality(bank: Bank) -> None:
    rng = random.Random(3)
    low, high = [], []
    for prompt in bank.prompts[:20]:
        spec = prompt.to_spec()
        low.append(analyze(demo.synthesize_answer(prompt, 0.05, rng), spec, "pm"))
        high.append(analyze(demo.synthesize_answer(prompt, 1.0, rng), spec, "pm"))
    assert statistics.mean(r.overall for r in high) > statistics.mean(r.overall for r in low) + 20
    assert sum(len(r.flags) for r in low) > sum(len(r.flags) for r in high)
