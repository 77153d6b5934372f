"""The mentor's review actions the cohort benchmark times, on its seeding (SQLite and
PostgreSQL): each action does what its name says, on the queue the seeding leaves."""

from __future__ import annotations

import random

import pytest

from benchmarks import cohort
from benchmarks.progress import sample_reports
from benchmarks.review_timings import review_actions
from coach.db.database import Database
from coach.services.users import create_user


@pytest.mark.usefixtures("data_dir")
def test_the_actions_read_the_seeded_mentors_queue(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cohort, "LEARNERS", 3)
    monkeypatch.setattr(cohort, "ATTEMPTS_EACH", 4)
    monkeypatch.setattr(cohort, "REVIEWS", 5)
    seeded = cohort.seed_cohort(fresh_database_url, sample_reports(random.Random(1))[:4])
    try:
        actions = review_actions(seeded.db, seeded.mentor)
        assert actions.queue_length == 3 * 4 - 5  # reviewed attempts are off the queue
        queue = actions.queue()
        assert isinstance(queue, list) and len(queue) == actions.queue_length
        by_flag = actions.queue_by_flag()
        assert isinstance(by_flag, list) and 0 < len(by_flag) <= len(queue)
        oldest, newest = actions.open_oldest(), actions.open_newest()
        assert oldest.subject.attempt.id == queue[0].attempt_id  # type: ignore[attr-defined]
        assert newest.subject.attempt.id == queue[-1].attempt_id  # type: ignore[attr-defined]
    finally:
        seeded.db.close()


def test_a_mentor_with_nothing_to_review_is_refused(db: Database) -> None:
    nobody = create_user(db, display_name="Nobody", email="nobody@example.com")
    with pytest.raises(ValueError, match="queue is empty"):
        review_actions(db, nobody)
