"""The cohort benchmark runs end to end on a small cohort (SQLite): its seeding makes what it
says, and every measurement runs and lands in the printed table."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks import cohort
from benchmarks.progress import sample_reports
from coach.db.models import Attempt, Review
from coach.services import cohort_dashboard


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cohort, "LEARNERS", 4)
    monkeypatch.setattr(cohort, "ATTEMPTS_EACH", 6)
    monkeypatch.setattr(cohort, "REVIEWS", 5)


@pytest.mark.usefixtures("small", "data_dir")
def test_the_seeding_returns_the_ids_measurements_need(tmp_path: Path) -> None:
    samples = sample_reports(random.Random(1))[:6]
    seeded = cohort.seed_cohort(f"sqlite:///{tmp_path / 'bench.db'}", samples)
    try:
        with seeded.db.session() as session:
            assert session.scalar(select(func.count()).select_from(Attempt)) == 24
            assert session.scalar(select(func.count()).select_from(Review)) == 5
        assert len(seeded.learner_ids) == 4 and len(seeded.attempt_ids) == 24
        assert len(seeded.review_ids) == 5 and len(seeded.assignment_ids) == cohort.ASSIGNMENTS
        board = cohort_dashboard.cohort_dashboard(
            seeded.db, seeded.mentor, cohort_id=seeded.cohort_id
        )
        # Everyone answered six times; learner 0 stopped a month before the others.
        assert list(board.learners["attempts"]) == [6, 6, 6, 6]
        idle = list(board.learners["days_idle"])
        assert all(29 <= idle[0] - later <= 31 for later in idle[1:]), idle
    finally:
        seeded.db.close()


@pytest.mark.usefixtures("small", "data_dir")
def test_every_measurement_runs_and_is_printed(
    fresh_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One seeding per backend feeds every measurement: the dashboard's and the mentor's."""
    samples = sample_reports(random.Random(1))[:6]
    results = cohort.run_backend("backend", fresh_database_url, samples, runs=2)
    assert [r.name for r in results] == [m.name for m in cohort.MEASUREMENTS]
    assert any("mentor queue" in r.name for r in results)
    assert any("open a review" in r.name for r in results)
    assert all(len(r.samples) == 2 and r.median_ms > 0 for r in results)
    cohort.print_table(results, runs=2)
    printed = capsys.readouterr().out
    assert "seeded 24 attempts of 4 learners, 5 reviews" in printed
    assert all(m.name in printed for m in cohort.MEASUREMENTS)
