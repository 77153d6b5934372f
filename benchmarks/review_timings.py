"""Mentor-side timings: the review queue and opening a review.

    python -m benchmarks.review_timings [--learners N] [--attempts-each M] [--reviews R]
                                        [--runs K] [--postgres URL] [--skip-postgres]

:func:`review_timings` measures any seeded database for a given mentor (``benchmarks.cohort``
calls it on its own seeding). Run as a module, this file seeds a stand-alone case of its own:
one cohort of N learners x M attempts (default 300 x 60 = 18,000 scored attempts with their
flag rows) mentored by one mentor, with R submitted reviews (default 2,000), on SQLite and on
a throw-away PostgreSQL database. The mentor sees every learner: the longest queue there is.
Targets (issue 9): the queue < 300 ms, opening a review < 200 ms.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import asdict, dataclass

from sqlalchemy import insert, select, text

# The throw-away PostgreSQL database and the median timer of the access benchmark.
from benchmarks.access import _median_ms, _postgres_database
from benchmarks.progress import sample_reports, seed
from coach.db.database import Database, open_database
from coach.db.models import Attempt, Cohort, CohortMember, Review, ReviewFlagDecision, utc_now
from coach.services import reviews
from coach.services.users import UserContext, create_user
from coach.settings import load_settings

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"  # no database: one is made


@dataclass(frozen=True, slots=True)
class ReviewTimings:
    """Median milliseconds of each mentor action, and what the queue held."""

    queue_ms: float
    queue_by_flag_ms: float
    open_oldest_ms: float
    open_newest_ms: float
    queue_length: int


def review_timings(db: Database, mentor: UserContext, *, runs: int = 15) -> ReviewTimings:
    """Time ``mentor``'s queue (unfiltered and by its most frequent flag) and opening the
    oldest and the newest attempt in it. The mentor must have something to review."""
    queue = reviews.review_queue(db, mentor)
    if not queue:
        raise ValueError("the mentor's queue is empty: seed learners' attempts first")
    flags = [flag for item in queue for flag in item.flag_ids]
    common = max(set(flags), key=flags.count) if flags else None
    oldest, newest = queue[0].attempt_id, queue[-1].attempt_id
    return ReviewTimings(
        queue_ms=_median_ms(lambda: reviews.review_queue(db, mentor), runs),
        queue_by_flag_ms=_median_ms(lambda: reviews.review_queue(db, mentor, flag_id=common), runs),
        open_oldest_ms=_median_ms(lambda: reviews.open_review(db, mentor, oldest), runs),
        open_newest_ms=_median_ms(lambda: reviews.open_review(db, mentor, newest), runs),
        queue_length=len(queue),
    )


# --- the stand-alone case ----------------------------------------------------------------------


def seed_cohort(
    db: Database, *, learners: int, attempts_each: int, reviews_count: int, rng: random.Random
) -> UserContext:
    """One cohort of scored learners and its mentor, with submitted reviews; the mentor."""
    samples = sample_reports(rng)
    mentor = create_user(db, display_name="Mentor", email="mentor@example.com")
    people = [
        create_user(db, display_name=f"Learner {n}", email=f"l{n}@example.com")
        for n in range(learners)
    ]
    for number, person in enumerate(people):
        seed(db, person, attempts=attempts_each, seed=number, samples=samples)
    with db.session() as session:
        cohort = Cohort(name="Benchmark cohort")
        session.add(cohort)
        session.flush()
        session.execute(
            insert(CohortMember.__table__),
            [{"cohort_id": cohort.id, "user_id": mentor.user_id, "role": "mentor"}]
            + [{"cohort_id": cohort.id, "user_id": p.user_id, "role": "learner"} for p in people],
        )
        ids = list(session.scalars(select(Attempt.id).order_by(Attempt.id)))
        chosen = rng.sample(ids, min(reviews_count, len(ids)))
        now = utc_now()
        session.execute(
            insert(Review.__table__),
            [
                {
                    "attempt_id": attempt_id,
                    "reviewer_id": mentor.user_id,
                    "reviewer_name": "Mentor",
                    "source": "account",
                    "status": "submitted",
                    "overall_comment": "Seeded review.",
                    "override_reason": "",
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": now,
                }
                for attempt_id in chosen
            ],
        )
        review_ids = list(session.scalars(select(Review.id)))
        session.execute(
            insert(ReviewFlagDecision.__table__),
            [
                {
                    "review_id": review_id,
                    "flag_id": "solution-first",
                    "span_start": -1,
                    "span_end": -1,
                    "decision": rng.choice(("accept", "reject")),
                    "reason": "seeded",
                }
                for review_id in review_ids
            ],
        )
        if db.backend == "postgresql":
            # Autovacuum would do this shortly after a bulk load; do not time its absence.
            # (SQLite is timed without ANALYZE: the app never runs it.)
            session.execute(text("ANALYZE"))
        session.commit()
    return mentor


def _measure(db: Database, args: argparse.Namespace, label: str) -> None:
    started = time.perf_counter()
    mentor = seed_cohort(
        db,
        learners=args.learners,
        attempts_each=args.attempts_each,
        reviews_count=args.reviews,
        rng=random.Random(9),
    )
    seeded_s = time.perf_counter() - started
    timings = review_timings(db, mentor, runs=args.runs)
    print(
        f"{label}: seeded in {seeded_s:.1f} s; "
        + ", ".join(
            f"{name} {value:.1f}" if isinstance(value, float) else f"{name} {value}"
            for name, value in asdict(timings).items()
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--attempts-each", type=int, default=60)
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postgres", default=DEFAULT_SERVER, help="server URL (no database)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(load_settings(environ={"COACH_DATA_DIR": folder}))
        try:
            _measure(db, args, "sqlite")
        finally:
            db.close()
    if args.skip_postgres:
        return
    with _postgres_database(args.postgres) as url:
        db = open_database(load_settings(environ={"COACH_DATABASE_URL": url}))
        try:
            _measure(db, args, "postgresql")
        finally:
            db.close()


if __name__ == "__main__":
    main()
