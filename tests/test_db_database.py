"""Opening the database: persistence across restarts, SQLite pragmas, and helpful failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from coach.db.database import Database, head_revision, open_database
from coach.db.models import Attempt, AttemptFlag, Base, User
from coach.errors import DatabaseUnavailableError
from coach.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent


def _add_attempt(db: Database, *, answer: str = "An answer.", when: datetime | None = None) -> int:
    when = when or datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    with db.session() as session:
        user = User(display_name="Ada", role="learner")
        session.add(user)
        session.flush()
        attempt = Attempt(
            user_id=user.id,
            prompt_id="p-1",
            category="ai-evaluation",
            answer=answer,
            level="pm",
            started_at=when - timedelta(minutes=5),
            submitted_at=when,
            status="scored",
            overall=61,
        )
        attempt.flags = [
            AttemptFlag(
                user_id=user.id,
                flag_id="solution-first",
                severity="error",
                span_start=0,
                span_end=5,
                submitted_at=when,
            )
        ]
        session.add(attempt)
        session.commit()
        return attempt.id


def test_data_survives_closing_and_reopening_the_same_file(settings: Settings) -> None:
    db = open_database(settings)
    attempt_id = _add_attempt(db)
    db.close()

    reopened = open_database(settings)
    try:
        with reopened.session() as session:
            attempt = session.get(Attempt, attempt_id)
            assert attempt is not None
            assert attempt.answer == "An answer."
            assert attempt.overall == 61
            assert attempt.submitted_at == datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
            assert [flag.flag_id for flag in attempt.flags] == ["solution-first"]
    finally:
        reopened.close()
    assert (settings.data_dir / "coach.db").is_file()


def test_open_creates_missing_folders_and_migrates_to_head(tmp_path: Path) -> None:
    settings = load_settings(environ={"COACH_DATA_DIR": str(tmp_path / "a" / "b" / "c")})
    db = open_database(settings)
    try:
        assert db.revision() == head_revision() == "0003"
        assert db.location == str((tmp_path / "a" / "b" / "c" / "coach.db").resolve())
    finally:
        db.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_deleting_an_attempt_cascades_to_its_flags(db: Database) -> None:
    attempt_id = _add_attempt(db)
    with db.session() as session:
        session.execute(text("DELETE FROM attempts WHERE id = :id"), {"id": attempt_id})
        session.commit()
        assert session.scalars(select(AttemptFlag)).all() == []


def test_datetimes_come_back_aware_in_utc(db: Database) -> None:
    cest = timezone(timedelta(hours=2))
    attempt_id = _add_attempt(db, when=datetime(2025, 6, 1, 23, 30, 15, 123456, tzinfo=cest))
    with db.session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        assert attempt.submitted_at.tzinfo == UTC
        assert attempt.submitted_at == datetime(2025, 6, 1, 21, 30, 15, 123456, tzinfo=UTC)


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        _add_attempt(db, when=datetime(2025, 6, 1, 12, 0))


def test_models_match_the_migrations(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_two_processes_writing_at_once_wait_instead_of_failing(settings: Settings) -> None:
    first, second = open_database(settings), open_database(settings)
    errors: list[BaseException] = []

    def write(db: Database, name: str) -> None:
        try:
            for index in range(40):
                with db.session() as session:
                    session.add(User(display_name=f"{name}-{index}", role="learner"))
                    session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=pair) for pair in ((first, "a"), (second, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        with first.session() as session:
            assert len(session.scalars(select(User)).all()) == 80
    finally:
        first.close()
        second.close()


# --- failures that must read as instructions ------------------------------------------------


def test_a_data_folder_that_cannot_be_created_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    settings = load_settings(environ={"COACH_DATA_DIR": str(blocker / "data")})
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(settings)
    message = str(caught.value)
    assert "Cannot create the data folder" in message
    assert str(blocker / "data") in message
    assert "COACH_DATA_DIR" in message


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A data folder its owner may read but not write."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


_OPEN_AS_SCRIPT = """
import sys
from coach.settings import load_settings
from coach.db.database import open_database
from coach.errors import DatabaseUnavailableError
try:
    open_database(load_settings(environ={"COACH_DATA_DIR": sys.argv[1]}))
except DatabaseUnavailableError as error:
    print("UNAVAILABLE:", error)
else:
    print("OPENED")
"""


def test_a_read_only_data_folder_says_what_to_do(read_only_folder: Path) -> None:
    if os.geteuid() == 0:
        # Root ignores file permissions; without the DAC capabilities it has to obey them.
        setpriv = shutil.which("setpriv")
        assert setpriv, "running as root needs util-linux setpriv to drop CAP_DAC_OVERRIDE"
        drop = "-dac_override,-dac_read_search"
        without_caps = [setpriv, "--bounding-set", drop, "--inh-caps", drop, "--"]
        result = subprocess.run(
            [*without_caps, sys.executable, "-c", _OPEN_AS_SCRIPT, str(read_only_folder)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        message = result.stdout
        assert message.startswith("UNAVAILABLE:"), message
    else:
        with pytest.raises(DatabaseUnavailableError) as caught:
            open_database(load_settings(environ={"COACH_DATA_DIR": str(read_only_folder)}))
        message = str(caught.value)
    assert str(read_only_folder) in message
    assert "COACH_DATA_DIR" in message
    assert "permission" in message.lower()
    assert not (read_only_folder / "coach.db").exists()


def test_a_corrupt_database_file_says_to_move_it_aside(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "coach.db").write_bytes(b"this is not a database\x00" * 400)
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(settings)
    message = str(caught.value)
    assert "damaged" in message
    assert "coach.db" in message
    assert "Move it aside" in message
    assert "import your last JSON export" in message


def test_an_unreachable_server_says_to_check_it_without_leaking_the_password(
    data_dir: Path,
) -> None:
    settings = load_settings(
        environ={
            "COACH_DATA_DIR": str(data_dir),
            "COACH_DATABASE_URL": "postgresql+psycopg://coach:hunter2@127.0.0.1:1/coach",
        }
    )
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(settings)
    message = str(caught.value)
    assert "Cannot reach the database server" in message
    assert "COACH_DATABASE_URL" in message
    assert "127.0.0.1:1" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("definitely not a url", "not a valid database URL"),
        ("mysql://coach@127.0.0.1/coach", "No driver"),
    ],
)
def test_a_bad_database_url_is_explained(data_dir: Path, url: str, expected: str) -> None:
    settings = load_settings(environ={"COACH_DATA_DIR": str(data_dir), "COACH_DATABASE_URL": url})
    with pytest.raises(DatabaseUnavailableError, match=expected):
        open_database(settings)


def test_a_database_from_a_newer_app_version_is_refused(settings: Settings) -> None:
    db = open_database(settings)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    db.close()
    with pytest.raises(DatabaseUnavailableError, match="newer version of aipm-coach"):
        open_database(settings)
