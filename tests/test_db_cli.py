"""The db / rescore / demo / app commands, run for real against a temp data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import update

from coach.cli import main
from coach.db.database import open_database
from coach.db.models import Attempt
from coach.services import attempts
from coach.services.users import local_learner
from coach.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "coach-data"
    monkeypatch.setenv("COACH_DATA_DIR", str(folder))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    return folder


def test_db_upgrade_creates_the_database_and_reports_the_revision(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert str(data_folder.resolve() / "coach.db") in out
    assert "schema revision 0003 (newest: 0003)" in out
    assert (data_folder / "coach.db").is_file()


def test_db_where_prints_the_data_location(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "where"]) == 0
    out = capsys.readouterr().out
    assert f"data folder: {data_folder}" in out
    assert f"database:    {data_folder.resolve() / 'coach.db'}" in out


def test_db_errors_are_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "file" / "data"))
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Cannot create the data folder")
    assert "Traceback" not in err


def test_demo_load_refuse_reset_and_remove(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    assert "loaded 60 demo attempts" in capsys.readouterr().out
    assert main(["demo"]) == 0
    assert "already loaded" in capsys.readouterr().out
    assert main(["demo", "--reset"]) == 0
    assert "loaded 60 demo attempts" in capsys.readouterr().out
    db = open_database(load_settings())
    try:
        assert len(attempts.list_attempts(db, local_learner(db))) == 60
    finally:
        db.close()
    assert main(["demo", "--remove"]) == 0
    assert "removed 60 demo attempts" in capsys.readouterr().out


def test_rescore_only_outdated_then_all(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    db = open_database(load_settings())
    try:
        with db.session() as session:
            session.execute(update(Attempt).where(Attempt.id <= 3).values(scorer_version="0.1"))
            session.commit()
    finally:
        db.close()
    capsys.readouterr()
    assert main(["rescore"]) == 0
    assert "rescored 3 of 3 attempts (0 changed score, 0 failed)" in capsys.readouterr().out
    assert main(["rescore", "--all"]) == 0
    assert "rescored 60 of 60 attempts" in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_app_starts_streamlit_on_the_requested_port(data_folder: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "coach.cli", "app", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                health = f"http://127.0.0.1:{port}/_stcore/health"
                with urllib.request.urlopen(health, timeout=2) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"streamlit did not come up on port {port}:\n{output}")
                time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(timeout=20)
