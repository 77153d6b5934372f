"""The database failing while the app runs: a plain typed error, nothing half-stored, and the
next use reconnects and migrates again (PostgreSQL database dropped; coach.db made read-only)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coach.db.database import Database, head_revision, open_database
from coach.errors import ScoreNotStoredError, StorageUnavailableError
from coach.services import attempts
from coach.services.users import UserContext, local_learner
from coach.settings import load_settings
from question_bank import Prompt
from scoring import analyze
from tests.conftest import (
    POSTGRES_SERVER,
    STRONG_ANSWER,
    WEAK_ANSWER,
    ScratchDatabase,
    as_plain_user,
    run_script_as_plain_user,
    run_together,
)

REPO = Path(__file__).resolve().parent.parent


def _submit(
    db: Database, prompt: Prompt, answer: str, user: UserContext | None = None
) -> attempts.AttemptView:
    return attempts.submit_answer(
        db,
        user or local_learner(db),
        prompt=prompt,
        answer=answer,
        mode="practice",
        level="pm",
        started_at=datetime.now(UTC),
    )


@pytest.mark.postgres
def test_a_dropped_database_is_a_plain_error_and_the_next_use_migrates_it_again(
    scratch: ScratchDatabase, tmp_path: Path, prompt: Prompt
) -> None:
    settings = load_settings(
        environ={"COACH_DATA_DIR": str(tmp_path), "COACH_DATABASE_URL": scratch.url}
    )
    db = open_database(settings)
    try:
        user = local_learner(db)
        _submit(db, prompt, WEAK_ANSWER)
        scratch.drop()
        with pytest.raises(StorageUnavailableError) as caught:
            _submit(db, prompt, STRONG_ANSWER, user)
        reason = caught.value.reason
        assert reason.startswith(f"Cannot reach the database server at {POSTGRES_SERVER}/")
        assert f'database "{scratch.name}" does not exist' in reason
        # Still down: every use says so, none crashes.
        with pytest.raises(StorageUnavailableError):
            attempts.list_attempts(db, user)
        assert db.generation == 0

        scratch.create()  # back, but empty: the cached engine reconnects and migrates it
        view = _submit(db, prompt, STRONG_ANSWER)
        assert db.generation == 1
        assert db.revision() == head_revision()
        assert [a.id for a in attempts.list_attempts(db, local_learner(db))] == [view.id]
        assert view.status == "scored"
    finally:
        db.close()


@pytest.mark.postgres
def test_a_server_going_down_during_scoring_keeps_the_answer_once_and_says_so(
    scratch: ScratchDatabase, tmp_path: Path, prompt: Prompt
) -> None:
    settings = load_settings(
        environ={"COACH_DATA_DIR": str(tmp_path), "COACH_DATABASE_URL": scratch.url}
    )
    db = open_database(settings)

    def scorer_that_outlives_the_server(answer, spec, level):  # type: ignore[no-untyped-def]
        scratch.go_down()  # after the answer's commit, before its score's
        return analyze(answer, spec, level)

    try:
        user = local_learner(db)
        with pytest.raises(ScoreNotStoredError) as caught:
            attempts.submit(
                db,
                user,
                prompt=prompt,
                answer=WEAK_ANSWER,
                mode="practice",
                level="pm",
                started_at=datetime.now(UTC),
                scorer=scorer_that_outlives_the_server,
            )
        assert caught.value.reason.startswith("Cannot reach the database server")
        scratch.come_back()
        # The answer is stored once, pending; Retry scoring finishes it (no second copy).
        (pending,) = attempts.list_attempts(db, user)
        assert (pending.id, pending.status) == (caught.value.attempt_id, "pending")
        assert attempts.retry_scoring(db, user, pending.id).status == "scored"
        assert [a.id for a in attempts.list_attempts(db, user)] == [pending.id]
    finally:
        db.close()


# Run as a plain user (root ignores file modes): make coach.db read-only under an open
# database, submit, make it writable again, retry.
_READ_ONLY_SCRIPT = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from coach.db.database import open_database
from coach.errors import ScoreNotStoredError, StorageUnavailableError
from coach.services import attempts
from coach.services.users import UserContext, local_learner
from coach.settings import load_settings
from question_bank import load_bank

settings = load_settings(environ={"COACH_DATA_DIR": sys.argv[1]})
db = open_database(settings)
user = local_learner(db)
prompt = load_bank().prompts[0]
file = Path(sys.argv[1]) / "coach.db"

def submit():
    return attempts.submit_answer(db, user, prompt=prompt, answer=sys.argv[2], mode="practice",
                                  level="pm", started_at=datetime.now(UTC))

out = {}
file.chmod(0o444)
db.engine.dispose()  # an open descriptor keeps writing: the failure comes with a new connection
try:
    submit()
except StorageUnavailableError as error:
    out["error"] = error.reason
try:
    attempts.list_attempts(db, user)
except StorageUnavailableError as error:
    out["still"] = error.reason
for name in ("coach.db", "coach.db-wal", "coach.db-shm"):  # SQLite copied the mode to these
    (file.parent / name).chmod(0o644)
out["retry_status"] = submit().status
out["stored_after_retry"] = len(attempts.list_attempts(db, user))
print(json.dumps(out))
"""


def test_a_read_only_database_file_is_a_plain_error_and_retry_works(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_database(load_settings(environ={"COACH_DATA_DIR": str(data)})).close()
    out = run_script_as_plain_user(_READ_ONLY_SCRIPT, str(data), WEAK_ANSWER)
    assert out["error"] == (
        f"Cannot write to the database file {data.resolve() / 'coach.db'} (attempt to write a "
        "readonly database). Check that you own the file, its -wal and -shm files and its "
        "folder, and may write to them; or set COACH_DATA_DIR to a folder you can write to."
    )
    assert out["still"] == out["error"]  # checked again on each use until it is writable
    # Only the retry's attempt is there: nothing was half-stored while the file was read-only.
    assert (out["retry_status"], out["stored_after_retry"]) == ("scored", 1)


def test_coach_db_upgrade_on_a_read_only_database_file_fails_loudly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_database(load_settings(environ={"COACH_DATA_DIR": str(data)})).close()
    (data / "coach.db").chmod(0o444)
    done = subprocess.run(
        as_plain_user([sys.executable, "-m", "coach.cli", "db", "upgrade"]),
        cwd=REPO,
        env={**_environ(), "COACH_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    assert done.stderr.startswith("error: Cannot write to the database file")
    assert "Traceback" not in done.stderr


def _environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "COACH_DATABASE_URL"}


# --- what the audit found already safe, kept covered ------------------------------------------

_SAVER_SCRIPT = """
import os, sys
from datetime import UTC, datetime
from coach.db.database import open_database
from coach.services import attempts
from coach.services.users import local_learner
from coach.settings import load_settings
from question_bank import load_bank

db = open_database(load_settings())
user = local_learner(db)
prompt = load_bank().prompts[0]
print("ready", flush=True)
sys.stdin.readline()  # every saver starts together
for index in range(int(sys.argv[2])):
    attempts.submit_answer(
        db, user, prompt=prompt, answer=f"Saver {sys.argv[1]} answer {index}: nurses lose time.",
        mode="practice", level="pm", started_at=datetime.now(UTC),
    )
db.close()
"""
SAVERS, SAVES = 6, 20  # the audit ran 20 x 50 by hand; this keeps the suite quick


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_many_processes_saving_at_once_lose_no_answer(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data")}
    env.pop("COACH_DATABASE_URL", None)
    if backend == "postgresql":
        env["COACH_DATABASE_URL"] = request.getfixturevalue("scratch").url
    settings = load_settings(environ=env)
    open_database(settings).close()  # migrated once, so the savers only save
    run_together(_SAVER_SCRIPT, [[str(n), str(SAVES)] for n in range(SAVERS)], env=env)
    db = open_database(settings)
    try:
        user = local_learner(db)
        stored = [attempts.get_attempt(db, user, a.id) for a in attempts.list_attempts(db, user)]
        assert sorted(view.answer for view in stored) == sorted(
            f"Saver {n} answer {index}: nurses lose time."
            for n in range(SAVERS)
            for index in range(SAVES)
        )
        assert {view.status for view in stored} == {"scored"}
    finally:
        db.close()


_KILLED_WHILE_SCORING = """
import sys, time
from datetime import UTC, datetime
from coach.db.database import open_database
from coach.services import attempts
from coach.services.users import local_learner
from coach.settings import load_settings
from question_bank import load_bank

def stuck(*args, **kwargs):
    print("scoring", flush=True)
    time.sleep(600)  # killed with SIGKILL here, after the answer was committed

attempts.analyze = stuck
db = open_database(load_settings())
attempts.submit_answer(
    db, local_learner(db), prompt=load_bank().prompts[0], answer=sys.argv[1],
    mode="practice", level="pm", started_at=datetime.now(UTC),
)
"""


def test_an_answer_survives_kill_9_during_scoring_and_can_be_scored_later(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data")}
    env.pop("COACH_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WHILE_SCORING, WEAK_ANSWER],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "scoring\n"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        process.kill()
    assert process.returncode == -signal.SIGKILL
    db = open_database(load_settings(environ=env))
    try:
        user = local_learner(db)
        (summary,) = attempts.list_attempts(db, user)
        assert summary.status == "pending"
        assert attempts.get_attempt(db, user, summary.id).answer == WEAK_ANSWER
        assert attempts.retry_scoring(db, user, summary.id).status == "scored"
    finally:
        db.close()
