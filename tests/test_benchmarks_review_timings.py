"""The mentor timings benchmark runs on a small seeded cohort, on SQLite and PostgreSQL."""

from __future__ import annotations

import random

import pytest

from benchmarks.review_timings import review_timings, seed_cohort
from coach.db.database import Database
from coach.services import reviews
from coach.services.users import create_user


def test_it_seeds_a_cohort_and_times_the_mentors_queue(db: Database) -> None:
    mentor = seed_cohort(db, learners=3, attempts_each=4, reviews_count=5, rng=random.Random(1))
    assert len(reviews.review_queue(db, mentor)) == 3 * 4 - 5  # reviewed ones are off it
    timings = review_timings(db, mentor, runs=1)
    assert timings.queue_length == 7
    assert min(timings.queue_ms, timings.open_oldest_ms, timings.open_newest_ms) > 0


def test_a_mentor_with_nothing_to_review_is_refused(db: Database) -> None:
    nobody = create_user(db, display_name="Nobody", email="nobody@example.com")
    with pytest.raises(ValueError, match="queue is empty"):
        review_timings(db, nobody, runs=1)
