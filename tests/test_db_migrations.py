"""Migrations: a database with data at the first revision reaches head with its data intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from coach.db.database import Database, alembic_config, head_revision, open_database, upgrade
from coach.db.models import Base
from coach.services import attempts
from coach.services.users import UserContext
from coach.settings import load_settings
from scoring import PromptSpec, analyze
from tests.conftest import WEAK_ANSWER

ANSWER = WEAK_ANSWER + " 🚀 مرحبا <b>bold</b>"
REPO = Path(__file__).resolve().parent.parent


def _timestamp(dialect: str, value: str) -> str:
    # Written as each backend stores an aware UTC time (SQLite: naive text in UTC).
    return f"{value}.000000" if dialect == "sqlite" else f"{value}+00"


def _seed_first_revision(url: str) -> dict[str, object]:
    """Insert a user, a scored attempt with flag rows and an unscored one, with plain SQL."""
    report = analyze(ANSWER, PromptSpec(text="Design an AI assistant"), "pm")
    assert len(report.flags) >= 2
    engine = create_engine(url)
    dialect = engine.dialect.name
    submitted = _timestamp(dialect, "2025-01-06 09:00:00")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, display_name, email, role, is_local, created_at) "
                "VALUES (1, 'Ada', 'ada@example.com', 'learner', :local, :at)"
            ),
            {"local": True, "at": submitted},
        )
        rows = ((1, "scored", report.to_json()), (2, "not_scored", None))
        for attempt_id, status, report_json in rows:
            connection.execute(
                text(
                    "INSERT INTO attempts (id, user_id, prompt_id, category, prompt_text, "
                    "prompt_expects, answer, mode, level, started_at, submitted_at, status, "
                    "error, scorer_version, overall, grade, framing, metrics, ai_evaluation, "
                    "solution, communication, report, is_demo) VALUES (:id, 1, 'p-1', 'cat', "
                    "'Design an AI assistant', 'metrics,who,why', :answer, 'practice', 'pm', "
                    ":at, :at, :status, NULL, :version, :overall, :grade, 10, 20, 30, 40, 50, "
                    ":report, :demo)"
                ),
                {
                    "id": attempt_id,
                    "answer": ANSWER,
                    "at": submitted,
                    "status": status,
                    "version": report.scorer.version if report_json else None,
                    "overall": report.overall if report_json else None,
                    "grade": report.grade if report_json else None,
                    "report": report_json,
                    "demo": False,
                },
            )
        flag_rows = [(1, flag.id, flag.severity.value) for flag in report.flags]
        flag_rows += [(1, "retired-rule", "info"), (2, "orphan-flag", "warning")]
        for attempt_id, flag_id, severity in flag_rows:
            connection.execute(
                text(
                    "INSERT INTO attempt_flags (attempt_id, user_id, flag_id, severity, "
                    "submitted_at) VALUES (:attempt, 1, :flag, :severity, :at)"
                ),
                {"attempt": attempt_id, "flag": flag_id, "severity": severity, "at": submitted},
            )
    engine.dispose()
    return {"report": report}


def test_a_database_with_data_at_0001_migrates_to_head(fresh_database_url: str) -> None:
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", fresh_database_url)
    command.upgrade(config, "0001")
    seeded = _seed_first_revision(fresh_database_url)
    report = seeded["report"]

    upgrade(fresh_database_url)  # What open_database runs: 0001 -> head.

    engine = create_engine(fresh_database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("attempts")}
        assert "previous_report" in columns
        flag_columns = {c["name"]: c for c in inspect(engine).get_columns("attempt_flags")}
        assert not flag_columns["span_start"]["nullable"]
        assert not flag_columns["span_end"]["nullable"]
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                head_revision()
            )
            answers = connection.execute(text("SELECT id, answer FROM attempts ORDER BY id")).all()
            assert answers == [(1, ANSWER), (2, ANSWER)]
            spans = connection.execute(
                text(
                    "SELECT attempt_id, flag_id, span_start, span_end FROM attempt_flags "
                    "ORDER BY id"
                )
            ).all()
            # Spans were backfilled from the stored report; rows it cannot explain get 0..0.
            expected = [(1, f.id, f.start, f.end) for f in report.flags]  # type: ignore[attr-defined]
            expected += [(1, "retired-rule", 0, 0), (2, "orphan-flag", 0, 0)]
            assert spans == expected
            assert any(start > 0 for _, _, start, _ in spans)
        with engine.connect() as connection, pytest.raises(IntegrityError):
            connection.execute(
                text(
                    "INSERT INTO attempt_flags (attempt_id, user_id, flag_id, severity, "
                    "submitted_at) VALUES (1, 1, 'x', 'info', :at)"
                ),
                {"at": _timestamp(engine.dialect.name, "2025-01-07 09:00:00")},
            )
    finally:
        engine.dispose()

    # The app reads the migrated data like any other.
    settings = load_settings(environ={"COACH_DATABASE_URL": fresh_database_url})
    db = open_database(settings)
    try:
        view = attempts.get_attempt(db, UserContext(1, "Ada", "learner"), 1)
        assert view.answer == ANSWER
        assert view.report == report
        assert view.previous_report is None
        assert view.submitted_at.isoformat() == "2025-01-06T09:00:00+00:00"
    finally:
        db.close()


def test_downgrade_to_base_and_back_up_keeps_working(fresh_database_url: str) -> None:
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", fresh_database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "0001")
    engine = create_engine(fresh_database_url)
    try:
        assert "previous_report" not in {c["name"] for c in inspect(engine).get_columns("attempts")}
    finally:
        engine.dispose()
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    engine = create_engine(fresh_database_url)
    try:
        assert {"users", "attempts", "attempt_flags"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_developer_ini_file_finds_the_migrations(tmp_path: Path) -> None:
    config = Config(str(REPO / "coach" / "db" / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", f"sqlite:///{tmp_path / 'dev.db'}")
    command.upgrade(config, "head")
    engine = create_engine(f"sqlite:///{tmp_path / 'dev.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                head_revision()
            )
    finally:
        engine.dispose()


def test_upgrading_an_up_to_date_database_changes_nothing(db: Database, user: UserContext) -> None:
    with db.session() as session:
        before = session.execute(text("SELECT COUNT(*) FROM users")).scalar()
    upgrade(db.engine.url)
    with db.session() as session:
        assert session.execute(text("SELECT COUNT(*) FROM users")).scalar() == before
    assert db.revision() == head_revision()


def test_the_models_and_the_migrations_describe_the_same_schema(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
