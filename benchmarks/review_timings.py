"""Mentor-side timings: the review queue and opening a review, on any seeded database.

``python -m benchmarks.cohort`` seeds the issue-9 cohort (300 learners x 60 attempts, 2,000
reviews) once and times these actions (median and worst of its runs) in its table beside the
dashboard's; this module only says what the actions are. Targets (issue 9): the queue
< 300 ms, opening a review < 200 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coach.db.database import Database
from coach.services import reviews
from coach.services.users import UserContext


@dataclass(frozen=True, slots=True)
class ReviewActions:
    """A mentor's actions, ready to time, and what their queue held."""

    queue: Callable[[], object]
    queue_by_flag: Callable[[], object]
    open_oldest: Callable[[], object]
    open_newest: Callable[[], object]
    queue_length: int


def review_actions(db: Database, mentor: UserContext) -> ReviewActions:
    """``mentor``'s queue (unfiltered and by its most frequent flag) and opening the oldest and
    the newest attempt in it. The mentor must have something to review."""
    queue = reviews.review_queue(db, mentor)
    if not queue:
        raise ValueError("the mentor's queue is empty: seed learners' attempts first")
    flags = [flag for item in queue for flag in item.flag_ids]
    common = max(set(flags), key=flags.count) if flags else None
    oldest, newest = queue[0].attempt_id, queue[-1].attempt_id
    return ReviewActions(
        queue=lambda: reviews.review_queue(db, mentor),
        queue_by_flag=lambda: reviews.review_queue(db, mentor, flag_id=common),
        open_oldest=lambda: reviews.open_review(db, mentor, oldest),
        open_newest=lambda: reviews.open_review(db, mentor, newest),
        queue_length=len(queue),
    )
