"""Time ``load_progress`` and the derived frames on 5,000 stored attempts (SQLite).

    python -m benchmarks.progress [--attempts N] [--runs R]

Seeds a temporary database with bulk inserts of realistic rows: reports produced by the real
engine on synthesised answers of varied quality, with their flag rows. Prints the median time
of the data part (load_progress) and of the derived frames. Target: well under 500 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from coach.db.database import Database, open_database
from coach.db.models import DIMENSION_COLUMNS, Attempt, AttemptFlag
from coach.services import progress
from coach.services.demo import synthesize_answer
from coach.services.users import UserContext, local_learner
from coach.settings import load_settings
from question_bank import Prompt, load_bank
from scoring import Report, analyze

DISTINCT_REPORTS = 40


Sample = tuple[Prompt, str, Report, str]


def sample_reports(rng: random.Random) -> list[Sample]:
    """Score DISTINCT_REPORTS synthesised answers of rising quality with the real engine."""
    prompts = load_bank().prompts
    samples = []
    for index in range(DISTINCT_REPORTS):
        prompt = prompts[index % len(prompts)]
        answer = synthesize_answer(prompt, index / (DISTINCT_REPORTS - 1), rng)
        report = analyze(answer, prompt.to_spec(), "pm")
        samples.append((prompt, answer, report, report.to_json()))
    return samples


def seed(
    db: Database,
    user: UserContext,
    *,
    attempts: int = 5000,
    seed: int = 11,
    samples: list[Sample] | None = None,
    end: datetime | None = None,
) -> None:
    """Bulk-insert ``attempts`` scored attempts (with flag rows) for ``user`` over the year
    before ``end`` (default now), drawn from ``samples`` (scored here when not given)."""
    rng = random.Random(seed)
    samples = samples or sample_reports(rng)
    end = end or datetime.now(UTC)
    start = end - timedelta(days=365)
    step = (end - start) / attempts
    with db.session() as session:
        first_id = (session.scalar(select(func.max(Attempt.id))) or 0) + 1
        attempt_rows, flag_rows = [], []
        for offset in range(attempts):
            prompt, answer, report, report_json = samples[rng.randrange(len(samples))]
            at = start + step * offset
            attempt_id = first_id + offset
            attempt_rows.append(
                {
                    "id": attempt_id,
                    "user_id": user.user_id,
                    "prompt_id": prompt.id,
                    "category": prompt.category,
                    "prompt_text": prompt.text,
                    "prompt_expects": ",".join(sorted(prompt.expects)),
                    "answer": answer,
                    "mode": "practice",
                    "level": "pm",
                    "started_at": at - timedelta(minutes=6),
                    "submitted_at": at,
                    "status": "scored",
                    "scorer_version": report.scorer.version,
                    "overall": report.overall,
                    "grade": report.grade,
                    "report": report_json,
                    "is_demo": False,
                    **{name: report.dimensions[name].score for name in DIMENSION_COLUMNS},
                }
            )
            flag_rows.extend(
                {
                    "attempt_id": attempt_id,
                    "user_id": user.user_id,
                    "flag_id": flag.id,
                    "severity": flag.severity.value,
                    "span_start": flag.start,
                    "span_end": flag.end,
                    "submitted_at": at,
                }
                for flag in report.flags
            )
        # Core inserts (executemany): seeding is not what is being measured.
        session.execute(insert(Attempt.__table__), attempt_rows)
        if flag_rows:
            session.execute(insert(AttemptFlag.__table__), flag_rows)
        session.commit()


def _time(action: object, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(load_settings(environ={"COACH_DATA_DIR": folder}))
        try:
            user = local_learner(db)
            started = time.perf_counter()
            seed(db, user, attempts=args.attempts)
            seeded_s = time.perf_counter() - started
            data = progress.load_progress(db, user)
            load_ms = _time(lambda: progress.load_progress(db, user), args.runs)
            derived_ms = _time(
                lambda: (
                    progress.rolling_average(data),
                    progress.category_heatmap(data),
                    progress.readiness(data, level="pm"),
                ),
                args.runs,
            )
        finally:
            db.close()
    flags = int(data.flags_per_week["count"].sum())
    print(f"seeded {args.attempts:,} attempts with {flags:,} flags in {seeded_s:.1f} s")
    print(f"load_progress (3 SQL queries -> frames), median of {args.runs}: {load_ms:.1f} ms")
    print(f"rolling average + heatmap + readiness, median of {args.runs}: {derived_ms:.1f} ms")
    print(f"total data part: {load_ms + derived_ms:.1f} ms (target: well under 500 ms)")


if __name__ == "__main__":
    main()
