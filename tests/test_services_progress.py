"""Progress: SQL-built frames, totals, weekly flag counts, helpers and readiness on known data."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from coach.db.database import Database
from coach.db.models import DIMENSION_COLUMNS, Attempt, AttemptFlag
from coach.services import attempts, progress
from coach.services.users import UserContext
from question_bank import Prompt
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER


def _insert(
    db: Database,
    user: UserContext,
    *,
    at: datetime,
    category: str,
    overall: int | None,
    flags: tuple[tuple[str, str], ...] = (),
    level: str = "pm",
    prompt_id: str | None = None,
    is_demo: bool = False,
    dims: tuple[int | None, ...] | None = None,
) -> int:
    """Store an attempt with known score columns and flags (no engine involved)."""
    dims = dims if dims is not None else tuple(overall for _ in DIMENSION_COLUMNS)
    with db.session() as session:
        row = Attempt(
            user_id=user.user_id,
            prompt_id=prompt_id or f"{category}-prompt",
            category=category,
            answer="known data",
            level=level,
            started_at=at - timedelta(minutes=5),
            submitted_at=at,
            status="scored" if overall is not None else "not_scored",
            overall=overall,
            grade=None if overall is None else 1 + overall // 25,
            is_demo=is_demo,
            **dict(zip(DIMENSION_COLUMNS, dims, strict=True)),
        )
        row.flags = [
            AttemptFlag(
                user_id=user.user_id,
                flag_id=flag_id,
                severity=severity,
                span_start=0,
                span_end=1,
                submitted_at=at,
            )
            for flag_id, severity in flags
        ]
        session.add(row)
        session.commit()
        return row.id


def _at(day: str, clock: str = "09:00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+00:00")


@pytest.fixture
def known(db: Database, user: UserContext, other_user: UserContext) -> dict[str, int]:
    ids = {
        "a1": _insert(
            db,
            user,
            at=_at("2025-05-05"),
            category="design",
            overall=40,
            flags=(("solution-first", "error"), ("vague-metric", "warning")),
            dims=(40, 30, None, 50, 60),
        ),
        "a2": _insert(
            db,
            user,
            at=_at("2025-05-07", "23:59:59"),
            category="design",
            overall=60,
            flags=(("vague-metric", "warning"),),
            dims=(60, 50, 70, 70, 80),
        ),
        "a3": _insert(db, user, at=_at("2025-05-12", "00:00:00"), category="design", overall=80),
        "a4": _insert(
            db,
            user,
            at=_at("2025-05-18", "23:00:00"),
            category="metrics",
            overall=75,
            flags=(("no-summary", "info"),),
        ),
        "a5": _insert(db, user, at=_at("2025-05-19"), category="metrics", overall=None),
        "demo": _insert(
            db,
            user,
            at=_at("2025-05-13"),
            category="design",
            overall=10,
            flags=(("solution-first", "error"),),
            is_demo=True,
        ),
    }
    _insert(  # Someone else's attempt must never show up.
        db,
        other_user,
        at=_at("2025-05-06"),
        category="design",
        overall=99,
        flags=(("solution-first", "error"),),
    )
    return ids


NOW = _at("2025-05-19", "12:00:00")


def test_attempts_frame_has_the_contract_columns_and_known_values(
    db: Database, user: UserContext, known: dict[str, int]
) -> None:
    data = progress.load_progress(db, user, now=NOW)
    frame = data.attempts
    assert list(frame.columns[: len(progress.ATTEMPT_COLUMNS)]) == list(progress.ATTEMPT_COLUMNS)
    assert "error_flags" in frame.columns
    assert list(frame["id"]) == [
        known[k] for k in ("a1", "a2", "a3", "demo", "a4", "a5")
    ]  # oldest first
    assert str(frame["submitted_at"].dt.tz) == "UTC"
    assert frame.loc[frame["id"] == known["a1"], "overall"].item() == 40
    assert math.isnan(frame.loc[frame["id"] == known["a1"], "ai_evaluation"].item())
    assert math.isnan(frame.loc[frame["id"] == known["a5"], "overall"].item())
    assert list(frame["error_flags"]) == [1, 0, 0, 1, 0, 0]
    assert list(frame["is_demo"]) == [False, False, False, True, False, False]
    assert set(data.error_flags["flag_id"]) == {"solution-first"}


def test_flags_are_counted_per_monday_week_in_sql(
    db: Database, user: UserContext, known: dict[str, int]
) -> None:
    weekly = progress.load_progress(db, user, now=NOW).flags_per_week
    rows = [(w.date(), f, c) for w, f, c in weekly.itertuples(index=False)]
    assert rows == [
        (date(2025, 5, 5), "solution-first", 1),
        (date(2025, 5, 5), "vague-metric", 2),
        (date(2025, 5, 12), "no-summary", 1),
        (date(2025, 5, 12), "solution-first", 1),
    ]
    assert str(weekly["week"].dt.tz) == "UTC"


def test_demo_data_can_be_left_out(db: Database, user: UserContext, known: dict[str, int]) -> None:
    data = progress.load_progress(db, user, include_demo=False, now=NOW)
    assert known["demo"] not in set(data.attempts["id"])
    assert [(f, c) for _, f, c in data.flags_per_week.itertuples(index=False)] == [
        ("solution-first", 1),
        ("vague-metric", 2),
        ("no-summary", 1),
    ]
    assert data.totals == progress.Totals(attempts=5, prompts=2, streak_days=2, average=63.8)


def test_totals(db: Database, user: UserContext, known: dict[str, int]) -> None:
    totals = progress.load_progress(db, user, now=NOW).totals
    assert totals == progress.Totals(attempts=6, prompts=2, streak_days=2, average=53.0)


def test_empty_history_gives_empty_frames(db: Database, user: UserContext) -> None:
    data = progress.load_progress(db, user, now=NOW)
    assert data.attempts.empty
    assert data.flags_per_week.empty
    assert data.totals == progress.Totals(attempts=0, prompts=0, streak_days=0, average=None)
    assert progress.rolling_average(data).empty
    assert progress.category_heatmap(data).empty
    assert progress.readiness(data, level="pm") == []


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        ({date(2025, 5, 19), date(2025, 5, 18), date(2025, 5, 16)}, date(2025, 5, 19), 2),
        ({date(2025, 5, 18), date(2025, 5, 17)}, date(2025, 5, 19), 2),  # Today still open.
        ({date(2025, 5, 17)}, date(2025, 5, 19), 0),
        (set(), date(2025, 5, 19), 0),
    ],
)
def test_streak_days(days: set[date], today: date, expected: int) -> None:
    assert progress.streak_days(days, today=today) == expected


def test_rolling_average_and_heatmap(
    db: Database, user: UserContext, known: dict[str, int]
) -> None:
    data = progress.load_progress(db, user, include_demo=False, now=NOW)
    rolling = progress.rolling_average(data, window=2)
    assert list(rolling["overall"]) == [40, 60, 80, 75]
    assert list(rolling["rolling"]) == [40, 50, 70, 77.5]
    heat = progress.category_heatmap(data)
    assert list(heat.columns) == list(DIMENSION_COLUMNS)
    assert heat.loc["design", "framing"] == pytest.approx((40 + 60 + 80) / 3, abs=0.05)
    assert heat.loc["design", "ai_evaluation"] == 75  # The unassessed score is left out.
    assert heat.loc["metrics", "metrics"] == 75


def test_frames_match_the_stored_reports(db: Database, user: UserContext, prompt: Prompt) -> None:
    views = [
        attempts.submit_answer(
            db,
            user,
            prompt=prompt,
            answer=answer,
            mode="practice",
            level="pm",
            started_at=NOW - timedelta(minutes=10),
            submitted_at=NOW + timedelta(minutes=index),
        )
        for index, answer in enumerate((WEAK_ANSWER, STRONG_ANSWER, WEAK_ANSWER))
    ]
    data = progress.load_progress(db, user, now=NOW)
    for view, row in zip(views, data.attempts.itertuples(index=False), strict=True):
        assert view.report is not None
        assert row.overall == view.report.overall
        for name in DIMENSION_COLUMNS:
            expected = view.report.dimensions[name].score
            assert getattr(row, name) == expected or expected is None
        errors = [f for f in view.report.flags if f.severity.value == "error"]
        assert row.error_flags == len(errors)
    total_flags = sum(len(v.report.flags) for v in views if v.report is not None)
    assert data.flags_per_week["count"].sum() == total_flags


# --- readiness -------------------------------------------------------------------------------


@pytest.fixture
def readiness_data(db: Database, user: UserContext) -> progress.ProgressData:
    start = _at("2025-04-01")
    plan: list[tuple[str, int, tuple[tuple[str, str], ...], str]] = [
        ("design", 50, (), "pm"),  # Old and weak: outside the window of 3.
        ("design", 72, (), "pm"),
        ("design", 75, (("no-summary", "info"),), "pm"),
        ("design", 80, (("vague-metric", "warning"),), "pm"),
        ("design", 40, (), "senior"),
        ("metrics", 90, (), "pm"),
        ("metrics", 65, (), "pm"),
        ("metrics", 95, (), "pm"),
        ("strategy", 80, (), "pm"),
        ("strategy", 85, (("solution-first", "error"),), "pm"),
        ("strategy", 90, (), "pm"),
        ("ethics", 90, (), "pm"),
        ("ethics", 91, (), "pm"),
    ]
    for index, (category, score, flags, level) in enumerate(plan):
        _insert(
            db,
            user,
            at=start + timedelta(days=index),
            category=category,
            overall=score,
            flags=flags,
            level=level,
        )
    return progress.load_progress(db, user, now=NOW)


def test_readiness_per_category(readiness_data: progress.ProgressData) -> None:
    result = {r.category: r for r in progress.readiness(readiness_data, level="pm")}
    assert list(result) == ["design", "ethics", "metrics", "strategy"]

    assert result["design"].ready
    assert result["design"].last_scores == (72, 75, 80)
    assert result["design"].reason == "The last 3 attempts all scored 70+ with no red flags."

    assert not result["metrics"].ready
    assert result["metrics"].reason == "1 of the last 3 attempts scored below 70 (lowest 65)."

    # solution-first fired two attempts ago; the latest answer fixed it, so it is not open.
    assert result["strategy"].ready
    assert result["strategy"].error_flags == ()
    assert result["strategy"].verdict("Strategy", "PM") == (
        "Ready for Strategy at PM level: last 3 answers ≥ 70 and no open errors."
    )

    assert not result["ethics"].ready
    assert result["ethics"].reason == "2 of 3 scored attempts at pm level so far."


def test_readiness_depends_on_level_target_and_window(
    readiness_data: progress.ProgressData,
) -> None:
    senior = {r.category: r for r in progress.readiness(readiness_data, level="senior")}
    assert not senior["design"].ready
    assert senior["design"].last_scores == (40,)
    assert senior["metrics"].reason == "No scored attempts at senior level yet."

    strict = {r.category: r for r in progress.readiness(readiness_data, level="pm", target=80)}
    assert not strict["design"].ready
    wide = {r.category: r for r in progress.readiness(readiness_data, level="pm", window=2)}
    assert wide["ethics"].ready
    assert not wide["metrics"].ready  # 65 is still among the last two.
    assert wide["strategy"].ready  # The error flag was fixed by the latest answer.


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_5000_seeded_attempts_load_into_complete_frames(db: Database, user: UserContext) -> None:
    """The benchmark's data set loads correctly (its timing lives in benchmarks.progress)."""
    from benchmarks.progress import seed

    seed(db, user, attempts=5000)
    data = progress.load_progress(db, user)
    assert len(data.attempts) == 5000
    assert isinstance(data.flags_per_week, pd.DataFrame) and not data.flags_per_week.empty
    assert {r.category for r in progress.readiness(data, level="pm")} == set(
        data.attempts["category"]
    )
    assert not progress.category_heatmap(data).empty
    assert len(progress.rolling_average(data)) == 5000


def test_an_error_in_the_latest_answer_stays_open(db: Database, user: UserContext) -> None:
    start = _at("2025-04-01")
    for day, flags in enumerate(((), (), (("solution-first", "error"),))):
        _insert(
            db, user, at=start + timedelta(days=day), category="design", overall=85, flags=flags
        )
    (item,) = progress.readiness(progress.load_progress(db, user, now=NOW), level="pm")
    assert not item.ready
    assert item.error_flags == ("solution-first",)
    assert item.verdict("Design", "PM").startswith("Not yet ready for Design at PM level")
    assert "latest answer still has red flags: solution-first" in item.reason


def test_flag_rates_are_shares_of_each_weeks_answers(db: Database, user: UserContext) -> None:
    monday = _at("2025-04-07")
    _insert(
        db, user, at=monday, category="design", overall=50, flags=(("vague-metric", "warning"),)
    )
    _insert(db, user, at=monday + timedelta(days=1), category="design", overall=60)
    _insert(
        db,
        user,
        at=monday + timedelta(days=8),
        category="design",
        overall=70,
        flags=(("vague-metric", "warning"), ("vague-metric", "warning")),
    )
    rates = progress.flag_rates(progress.load_progress(db, user, now=NOW))
    assert rates.sort_values("week")["rate"].round(2).tolist() == [0.5, 1.0]
