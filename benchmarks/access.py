"""Accounts and scoped access under load: argon2id sign-in, the scoped attempt list, and
concurrent submitters on PostgreSQL.

    python -m benchmarks.access [--runs R] [--postgres URL] [--skip-postgres]

1. Sign-in with the production argon2id parameters, pinned to one CPU core: the raw hash
   check and the whole ``accounts.sign_in`` (lookup, check, new session). Target < 500 ms.
2. ``attempts.list_attempts`` for one learner with 1,000 attempts among 300 learners x 60
   attempts (19,000 attempts with their flag rows), on SQLite and on PostgreSQL.
   Target < 100 ms.
3. 20 users submitting at once through ``attempts.submit_answer`` (real scorer) on
   PostgreSQL: every attempt stored, no deadlock, no error.

PostgreSQL: a throw-away database is created on the server (default
postgresql+psycopg://postgres@127.0.0.1:5432) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from benchmarks.progress import Sample, sample_reports, seed
from coach.db.database import Database, open_database
from coach.db.models import Attempt
from coach.services import accounts, attempts
from coach.services.users import UserContext, create_user
from coach.settings import load_settings
from question_bank import load_bank

LEARNERS = 300
ATTEMPTS_EACH = 60
TARGET_ATTEMPTS = 1000
SUBMITTERS = 20
SUBMISSIONS_EACH = 10
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PASSWORD = "correct horse battery staple"  # noqa: S105 - a benchmark account


def median_ms(action: Callable[[], object], runs: int) -> float:
    """The median of ``runs`` timings of ``action``, in milliseconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


@contextmanager
def _one_core() -> Iterator[int]:
    """Pin this process to one CPU core for the duration (where the OS allows it)."""
    if not hasattr(os, "sched_setaffinity"):
        yield -1
        return
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A throw-away database on ``server`` (a URL without a database): its URL, dropped after."""
    url = make_url(server)
    name = f"aipm_bench_{secrets.token_hex(5)}"
    admin = dict(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**admin) as connection:  # type: ignore[arg-type]
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**admin) as connection:  # type: ignore[arg-type]
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def open_url(url: str) -> Database:
    """The app's database at ``url``, migrated to head."""
    return open_database(load_settings(environ={"COACH_DATABASE_URL": url}))


# --- 1. sign-in ------------------------------------------------------------------------------


def bench_sign_in(runs: int) -> None:
    accounts.HASHER = accounts.production_hasher()
    with tempfile.TemporaryDirectory() as folder:
        db = open_url(f"sqlite:///{folder}/bench.db")
        try:
            accounts.register(db, email="ada@example.com", password=PASSWORD, display_name="Ada")
            stored = accounts.HASHER.hash(PASSWORD)
            with _one_core() as core:
                verify_ms = median_ms(lambda: accounts.HASHER.verify(stored, PASSWORD), runs)
                sign_in_ms = median_ms(
                    lambda: accounts.sign_in(
                        db, email="ada@example.com", password=PASSWORD, lifetime=timedelta(days=1)
                    ),
                    runs,
                )
        finally:
            db.close()
    hasher = accounts.HASHER
    print(
        f"argon2id (t={hasher.time_cost}, m={hasher.memory_cost // 1024} MiB, "
        f"p={hasher.parallelism}) on CPU core {core}, median of {runs}:"
    )
    print(
        f"  password check {verify_ms:.0f} ms; whole sign-in {sign_in_ms:.0f} ms (target < 500 ms)"
    )


# --- 2. scoped list --------------------------------------------------------------------------


def _seed_learners(db: Database, samples: list[Sample]) -> UserContext:
    for number in range(LEARNERS):
        learner = create_user(db, display_name=f"Learner {number}", email=f"l{number}@example.com")
        seed(db, learner, attempts=ATTEMPTS_EACH, seed=number, samples=samples)
    target = create_user(db, display_name="Busy learner", email="busy@example.com")
    seed(db, target, attempts=TARGET_ATTEMPTS, seed=7, samples=samples)
    return target


def bench_scoped_list(url: str, label: str, samples: list[Sample], runs: int) -> None:
    db = open_url(url)
    try:
        started = time.perf_counter()
        target = _seed_learners(db, samples)
        seeded_s = time.perf_counter() - started
        with db.session() as session:
            total = session.scalar(select(func.count()).select_from(Attempt))
            if db.backend == "postgresql":
                # Autovacuum would do this shortly after a bulk load; do not time its absence.
                session.execute(text("ANALYZE"))
                session.commit()
        listed = attempts.list_attempts(db, target)
        assert len(listed) == TARGET_ATTEMPTS
        full_ms = median_ms(lambda: attempts.list_attempts(db, target), runs)
        page_ms = median_ms(lambda: attempts.list_attempts(db, target, limit=50), runs)
    finally:
        db.close()
    print(
        f"{label}: {total:,} attempts of {LEARNERS + 1} learners (seeded in {seeded_s:.0f} s); "
        f"median of {runs}:"
    )
    print(
        f"  list_attempts, all {TARGET_ATTEMPTS:,} of one learner: {full_ms:.1f} ms "
        f"(target < 100 ms); newest 50: {page_ms:.1f} ms"
    )


# --- 3. concurrent submitters ----------------------------------------------------------------


def bench_concurrent_submitters(url: str) -> None:
    db = open_url(url)
    prompts = load_bank().prompts
    users = [
        create_user(db, display_name=f"Submitter {n}", email=f"s{n}@example.com")
        for n in range(SUBMITTERS)
    ]
    rng = random.Random(3)
    answers = [
        attempts_text
        for attempts_text in (
            f"I'd start with the user: {rng.choice(['nurses', 'agents', 'drivers'])} who lose "
            f"time on handovers. Metric: minutes saved per shift, guardrail: error rate. "
            f"Evaluate with a golden set of {rng.randint(100, 500)} real cases." * 2
            for _ in range(SUBMITTERS * SUBMISSIONS_EACH)
        )
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(SUBMITTERS)

    def submit(index: int, user: UserContext) -> None:
        barrier.wait()
        for number in range(SUBMISSIONS_EACH):
            try:
                attempts.submit_answer(
                    db,
                    user,
                    prompt=prompts[(index + number) % len(prompts)],
                    answer=answers[index * SUBMISSIONS_EACH + number],
                    mode="practice",
                    level="pm",
                    started_at=datetime.now(UTC),
                )
            except BaseException as error:  # Count every failure, deadlocks included.
                errors.append(error)

    threads = [
        threading.Thread(target=submit, args=(index, user)) for index, user in enumerate(users)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    try:
        stored = {user.user_id: len(attempts.list_attempts(db, user)) for user in users}
    finally:
        db.close()
    expected = SUBMITTERS * SUBMISSIONS_EACH
    print(
        f"PostgreSQL: {SUBMITTERS} users x {SUBMISSIONS_EACH} submissions at once through "
        f"submit_answer (real scorer): {sum(stored.values())} of {expected} stored, "
        f"{len(errors)} errors, {elapsed:.1f} s ({expected / elapsed:.0f} submissions/s)"
    )
    if errors:
        print(f"  first error: {type(errors[0]).__name__}: {errors[0]}")
    if any(count != SUBMISSIONS_EACH for count in stored.values()):
        print(f"  LOST ATTEMPTS: {stored}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--postgres", default=DEFAULT_SERVER, help="server URL (no database)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    bench_sign_in(args.runs)
    samples = sample_reports(random.Random(11))
    with tempfile.TemporaryDirectory() as folder:
        bench_scoped_list(f"sqlite:///{folder}/bench.db", "SQLite", samples, args.runs)
    if args.skip_postgres:
        return
    with postgres_database(args.postgres) as url:
        bench_scoped_list(url, "PostgreSQL", samples, args.runs)
    with postgres_database(args.postgres) as url:
        bench_concurrent_submitters(url)


if __name__ == "__main__":
    main()
