"""Time the cohort pages on a large cohort, on SQLite and on PostgreSQL.

    python -m benchmarks.cohort [--runs R] [--postgres URL] [--skip-postgres]

Seeds one cohort of 300 learners x 60 scored attempts (18,000 attempts with their flag rows,
bulk-inserted from reports the real engine produced), a mentor, four assignments, and 2,000
submitted reviews by the mentor; then times each entry of ``MEASUREMENTS`` (median of R runs
after one warm-up) and prints one table. Targets (issue 9): the dashboard's data < 1 s; the
dashboard page's full render (AppTest, signed in as the mentor) < 1.5 s; the mentor's review
queue < 300 ms; opening a review < 200 ms (the actions of ``benchmarks.review_timings``).

The seeding returns the ids a measurement needs (``Seeded``); a new measurement is one more
``Measurement`` in the list.

PostgreSQL: a throw-away database is created on the server (default
postgresql+psycopg://postgres@127.0.0.1:5432) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text
from streamlit.testing.v1 import AppTest

from benchmarks.access import DEFAULT_SERVER, open_url, postgres_database
from benchmarks.progress import Sample, sample_reports, seed
from benchmarks.review_timings import ReviewActions, review_actions
from coach.db.database import Database
from coach.db.models import Attempt, CohortMember, Review
from coach.services import accounts, assignments, cohort_dashboard, cohorts
from coach.services.admin import ShellOperator
from coach.services.users import UserContext, create_user
from question_bank import load_bank

LEARNERS = 300
ATTEMPTS_EACH = 60
REVIEWS = 2000
ASSIGNMENTS = 4
PROMPTS_PER_ASSIGNMENT = 5
MENTOR_EMAIL = "mentor@example.com"
PASSWORD = "correct horse battery staple"  # noqa: S105 - a benchmark account
ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DASHBOARD_PAGE = "coach/pages/cohort_dashboard.py"


@dataclass(frozen=True, slots=True)
class Seeded:
    """What the seeding made: the database (and its URL) and the ids measurements need."""

    db: Database
    url: str
    cohort_id: int
    mentor: UserContext
    learner_ids: list[int]
    attempt_ids: list[int]
    review_ids: list[int]
    assignment_ids: list[int]


@dataclass(frozen=True, slots=True)
class Measurement:
    """One timed action: ``prepare`` gets the seeded data and returns the action to time."""

    name: str
    target_ms: float
    prepare: Callable[[Seeded], Callable[[], object]]


@dataclass
class Result:
    backend: str
    name: str
    target_ms: float
    samples: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000


# --- seeding ---------------------------------------------------------------------------------


def seed_cohort(url: str, samples: list[Sample]) -> Seeded:
    """Create the cohort, its mentor and learners with their attempts, assignments and reviews."""
    db = open_url(url)
    shell = ShellOperator("benchmark")
    now = datetime.now(UTC)
    cohort_id = cohorts.create_cohort(db, shell, name="Benchmark cohort").cohort_id
    mentor = accounts.register(
        db, email=MENTOR_EMAIL, password=PASSWORD, display_name="Mentor", role="mentor"
    )
    cohorts.add_person(db, shell, cohort_id=cohort_id, email=MENTOR_EMAIL)
    learner_ids = []
    for number in range(LEARNERS):
        learner = create_user(db, display_name=f"Learner {number:03d}", email=f"l{number}@x.org")
        # One learner in ten stopped practising a month ago.
        end = now - timedelta(days=30) if number % 10 == 0 else now
        seed(db, learner, attempts=ATTEMPTS_EACH, seed=number, samples=samples, end=end)
        learner_ids.append(learner.user_id)
    bank = load_bank()
    rng = random.Random(5)
    joined = now - timedelta(days=90)
    with db.session() as session:
        session.execute(
            insert(CohortMember),
            [
                # In the cohort before every assignment fell due, so each one counts.
                {"cohort_id": cohort_id, "user_id": uid, "role": "learner", "added_at": joined}
                for uid in learner_ids
            ],
        )
        session.commit()
    assignment_ids = [
        assignments.create_assignment(
            db,
            mentor,
            cohort_id=cohort_id,
            bank=bank,
            prompt_ids=rng.sample([p.id for p in bank.prompts], PROMPTS_PER_ASSIGNMENT),
            level="pm",
            due_at=now - timedelta(days=60 - 20 * index) + timedelta(days=14),
            now=now - timedelta(days=60 - 20 * index),
        )
        for index in range(ASSIGNMENTS)
    ]
    with db.session() as session:
        attempt_ids = list(session.scalars(select(Attempt.id).order_by(Attempt.id)))
        reviewed = rng.sample(attempt_ids, REVIEWS)
        review_ids = list(
            session.scalars(
                insert(Review).returning(Review.id),
                [
                    {
                        "attempt_id": attempt_id,
                        "reviewer_id": mentor.user_id,
                        "reviewer_name": "Mentor",
                        "source": "account",
                        "status": "submitted",
                        "overall_comment": "Name the user before the model.",
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    }
                    for attempt_id in reviewed
                ],
            )
        )
        if db.backend == "postgresql":
            # Autovacuum would do this shortly after a bulk load; do not time its absence.
            session.execute(text("ANALYZE"))
        session.commit()
    return Seeded(
        db=db,
        url=url,
        cohort_id=cohort_id,
        mentor=mentor,
        learner_ids=learner_ids,
        attempt_ids=attempt_ids,
        review_ids=review_ids,
        assignment_ids=assignment_ids,
    )


# --- measurements ----------------------------------------------------------------------------


def dashboard_data(seeded: Seeded) -> Callable[[], object]:
    def run() -> object:
        board = cohort_dashboard.cohort_dashboard(
            seeded.db, seeded.mentor, cohort_id=seeded.cohort_id
        )
        if len(board.learners) != LEARNERS:
            raise RuntimeError(f"expected {LEARNERS} learners, got {len(board.learners)}")
        return board

    return run


@contextmanager
def _app_environment(url: str) -> Iterator[None]:
    """Point the app at the seeded database with password sign-in, for AppTest."""
    names = ("COACH_DATABASE_URL", "COACH_AUTH", "COACH_DATA_DIR")
    before = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(COACH_DATABASE_URL=url, COACH_AUTH="password", COACH_DATA_DIR=folder)
        try:
            yield
        finally:
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _check(at: AppTest) -> AppTest:
    if at.exception:
        raise RuntimeError(f"the app raised: {[item.message for item in at.exception]}")
    return at


def dashboard_page(seeded: Seeded) -> Callable[[], object]:
    """Sign in as the mentor, open the dashboard once, then time full reruns of it."""
    at = _check(AppTest.from_file(APP, default_timeout=120).run())
    at.text_input(key="sign_in_email").input(MENTOR_EMAIL)
    at.text_input(key="sign_in_password").input(PASSWORD)
    _check(at.button[0].click().run())
    _check(at.switch_page(DASHBOARD_PAGE).run())
    if at.title[0].value != "Cohort dashboard" or len(at.get("plotly_chart")) != 2:
        raise RuntimeError("the dashboard did not render its two charts")
    return lambda: _check(at.run())


def mentor_action(
    pick: Callable[[ReviewActions], Callable[[], object]],
) -> Callable[[Seeded], Callable[[], object]]:
    """A measurement's ``prepare`` that times one of the seeded mentor's review actions."""
    return lambda seeded: pick(review_actions(seeded.db, seeded.mentor))


MEASUREMENTS: list[Measurement] = [
    Measurement("dashboard data (cohort_dashboard)", 1000, dashboard_data),
    Measurement("dashboard page, full render (AppTest)", 1500, dashboard_page),
    Measurement("mentor queue (review_queue)", 300, mentor_action(lambda a: a.queue)),
    Measurement("mentor queue, one flag", 300, mentor_action(lambda a: a.queue_by_flag)),
    Measurement("open a review, oldest (open_review)", 200, mentor_action(lambda a: a.open_oldest)),
    Measurement("open a review, newest", 200, mentor_action(lambda a: a.open_newest)),
]


def measure(backend: str, seeded: Seeded, runs: int) -> list[Result]:
    results = []
    with _app_environment(seeded.url):
        for measurement in MEASUREMENTS:
            action = measurement.prepare(seeded)
            action()  # warm-up: first queries, imports, plans
            result = Result(backend, measurement.name, measurement.target_ms)
            for _ in range(runs):
                started = time.perf_counter()
                action()
                result.samples.append(time.perf_counter() - started)
            results.append(result)
    return results


def print_table(results: list[Result], runs: int) -> None:
    print(f"\nmedian of {runs} runs after a warm-up")
    header = f"{'backend':<11} {'measurement':<40} {'median':>9} {'max':>9} {'target':>9}  verdict"
    print(header)
    print("-" * len(header))
    for result in results:
        worst = max(result.samples) * 1000
        verdict = "OK" if result.median_ms < result.target_ms else "OVER TARGET"
        print(
            f"{result.backend:<11} {result.name:<40} {result.median_ms:>6.0f} ms "
            f"{worst:>6.0f} ms {result.target_ms:>6.0f} ms  {verdict}"
        )


def run_backend(backend: str, url: str, samples: list[Sample], runs: int) -> list[Result]:
    started = time.perf_counter()
    seeded = seed_cohort(url, samples)
    try:
        with seeded.db.session() as session:
            total = session.scalar(select(func.count()).select_from(Attempt))
        print(
            f"{backend}: seeded {total:,} attempts of {LEARNERS} learners, "
            f"{len(seeded.review_ids):,} reviews, {ASSIGNMENTS} assignments in "
            f"{time.perf_counter() - started:.0f} s"
        )
        return measure(backend, seeded, runs)
    finally:
        seeded.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default=DEFAULT_SERVER, help="server URL (no database)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    samples = sample_reports(random.Random(11))
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results += run_backend("SQLite", f"sqlite:///{folder}/bench.db", samples, args.runs)
    if not args.skip_postgres:
        with postgres_database(args.postgres) as url:
            results += run_backend("PostgreSQL", url, samples, args.runs)
    print_table(results, args.runs)


if __name__ == "__main__":
    main()
