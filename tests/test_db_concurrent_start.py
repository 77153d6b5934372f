"""Twenty app processes starting together on an empty database: all of them come up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from coach.db.database import head_revision

PROCESSES = 20
ROOT = Path(__file__).resolve().parent.parent
# Each process imports everything first, then waits for the go file, so they really race to
# migrate rather than arriving one after another.
STARTER = """
import sys, time
from pathlib import Path
from coach.db.database import open_database
from coach.services.users import local_learner
from coach.settings import load_settings
go = Path(sys.argv[1])
Path(sys.argv[2]).touch()
while not go.exists():
    time.sleep(0.01)
db = open_database(load_settings())
local_learner(db)
print(db.revision())
"""


# PostgreSQL is where replicas share one database (SQLite serialises with BEGIN IMMEDIATE).
@pytest.mark.parametrize("fresh_database_url", ["postgresql"], indirect=True)
def test_twenty_processes_migrate_an_empty_database_once(
    fresh_database_url: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    env = {**os.environ, "COACH_DATABASE_URL": fresh_database_url}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, str(go), str(tmp_path / f"ready-{number}")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(PROCESSES)
    ]
    try:
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("ready-*"))) < PROCESSES:
            assert all(p.poll() is None for p in processes), "a process died while importing"
            assert time.monotonic() < deadline, "the processes did not get ready in time"
            time.sleep(0.05)
        go.touch()
        results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    failures = [stderr for code, _, stderr in results if code != 0]
    assert not failures, f"{len(failures)} of {PROCESSES} failed; first:\n{failures[0]}"
    assert {stdout.strip() for _, stdout, _ in results} == {head_revision()}
    engine = create_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            local = connection.execute(text("SELECT COUNT(*) FROM users WHERE is_local")).scalar()
    finally:
        engine.dispose()
    assert versions == [(head_revision(),)]
    assert local == 1
