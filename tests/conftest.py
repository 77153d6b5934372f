"""Shared fixtures: settings in a temp folder, real SQLite files, a real PostgreSQL database.

PostgreSQL (127.0.0.1:5432, user postgres, trust auth; AIPM_TEST_POSTGRES_PORT moves the port)
gets one fresh database per test session (per xdist worker), dropped afterwards. Without a
server the PostgreSQL tests skip, unless CI=true: then they fail, so CI can never go green by
skipping them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from psycopg import sql

from coach.db.database import Database, open_database
from coach.services import accounts
from coach.services.users import UserContext, create_user, local_learner
from coach.settings import Settings, load_settings
from question_bank import Bank, Prompt, load_bank
from tests.fake_openai import FakeOpenAI, running_fake

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = int(os.environ.get("AIPM_TEST_POSTGRES_PORT", "5432"))
POSTGRES_SERVER = f"postgresql+psycopg://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}"
APP_TABLES = (
    "self_ratings",
    "flag_disputes",
    "drafts",
    "attempt_flags",
    "attempts",
    "users",
    "password_credentials",
    "auth_sessions",
    "reset_codes",
    "cohorts",
    "cohort_members",
    "audit_log",
)

# Answers to the AI-support prompt below: one that frames the problem first, one that jumps
# straight to the model. Used wherever a test needs realistic reports.
STRONG_ANSWER = (
    "Let me clarify scope first: English email tickets, agents stay in the loop.\n\n"
    "The user I'd focus on is tier-1 support agents handling 60+ tickets a day, because they "
    "spend most of their handle time retyping boilerplate while customers wait hours.\n\n"
    "Their underlying problem is that simple questions take too long to answer, so customers "
    "churn and agents burn out.\n\n"
    "Success metric: median handle time per ticket, with CSAT and reopen rate as guardrails "
    "that must not drop.\n\n"
    "To evaluate the drafts, a golden set of 300 real tickets rated blind by three senior "
    "agents against a rubric: factually correct, resolves the ask, right tone; hallucination "
    "rate under 1% is the ship gate.\n\n"
    "Then I'd build the drafting assistant with retrieval over the help centre; when the "
    "model is unsure it says so and a human reviews refunds.\n\n"
    "To summarise: ship to 10% of agents once the golden set passes, watch edits and CSAT."
)
WEAK_ANSWER = (
    "I would fine-tune a large language model on all our tickets and add a RAG pipeline with "
    "a vector database. This is for all our users, basically everyone. We'd track engagement "
    "and see how it goes. What do you think?"
)


def as_plain_user(command: list[str]) -> list[str]:
    """Return ``command`` so that file permissions apply to it even when the tests run as root
    (root ignores them; without the DAC capabilities it has to obey them)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root needs util-linux setpriv to drop CAP_DAC_OVERRIDE"
    drop = "-dac_override,-dac_read_search"
    return [setpriv, "--bounding-set", drop, "--inh-caps", drop, "--", *command]


def run_script_as_plain_user(script: str, *args: str) -> dict[str, Any]:
    """Run a Python script from the repository as a plain user; return the JSON object its
    last output line holds (a failing script fails the test with its stderr)."""
    done = subprocess.run(
        as_plain_user([sys.executable, "-c", script, *args]),
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_together(
    script: str, argvs: list[list[str]], env: dict[str, str] | None = None
) -> list[str]:
    """Run one Python process per argv, each printing "ready" and then waiting for the
    others, so their work really overlaps; fail unless all exit 0. Returns their stderr."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, *argv],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in argvs
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline() == "ready\n"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        errors = [process.communicate(timeout=300)[1] for process in processes]
    finally:
        for process in processes:
            process.kill()
    assert [process.returncode for process in processes] == [0] * len(processes), errors
    return errors


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``-n 2 --dist loadgroup`` the browser tests share one worker (each starts a
    Streamlit server and Chromium: two at once on two cores is slower, not faster)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _admin_connection() -> psycopg.Connection:
    return psycopg.connect(
        host=POSTGRES_HOST,
        port=POSTGRES_PORT,
        user="postgres",
        dbname="postgres",
        autocommit=True,
        connect_timeout=3,
    )


# --- settings and databases ------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data folder that is also the app's (COACH_DATA_DIR names it), with no
    other COACH_* or OpenAI setting leaking in from the environment."""
    folder = tmp_path / "data"
    monkeypatch.setenv("COACH_DATA_DIR", str(folder))
    for name in ("COACH_DATABASE_URL", "COACH_LEVEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def password_deployment(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The database of a shared deployment with password sign-in (the app in ``data_dir``
    opens the same one), with no account yet."""
    monkeypatch.setenv("COACH_AUTH", "password")
    db = open_database(load_settings())
    yield db
    db.close()


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return load_settings(environ={"COACH_DATA_DIR": str(data_dir)})


@pytest.fixture
def sqlite_db(settings: Settings) -> Iterator[Database]:
    db = open_database(settings)
    yield db
    db.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"aipm_test_{secrets.token_hex(6)}"
    try:
        admin = _admin_connection()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {POSTGRES_HOST}:{POSTGRES_PORT} ({error})"
        if _ci():
            pytest.fail(f"{message}; CI=true requires it")
        pytest.skip(message)
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield f"{POSTGRES_SERVER}/{name}"
    with _admin_connection() as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, never-migrated database on each backend (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    yield request.getfixturevalue("scratch").url  # Skips (or fails on CI) without a server.


class ScratchDatabase:
    """A PostgreSQL database of its own that a test may drop and create again."""

    def __init__(self) -> None:
        self.name = f"aipm_test_{secrets.token_hex(6)}_scratch"
        self.url = f"{POSTGRES_SERVER}/{self.name}"

    def create(self) -> None:
        with _admin_connection() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def go_down(self) -> None:
        """End every connection to this database and refuse new ones (a server going down)."""
        name = sql.Identifier(self.name)
        with _admin_connection() as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(name))
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (self.name,),
            )

    def come_back(self) -> None:
        with _admin_connection() as admin:
            admin.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(
                    sql.Identifier(self.name)
                )
            )

    def drop(self) -> None:
        with _admin_connection() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )


@pytest.fixture
def scratch(postgres_url: str) -> Iterator[ScratchDatabase]:
    """A fresh PostgreSQL database (skips, or fails on CI, without a server)."""
    database = ScratchDatabase()
    database.create()
    yield database
    database.drop()


@pytest.fixture
def postgres_settings(postgres_url: str, data_dir: Path) -> Settings:
    return load_settings(
        environ={"COACH_DATA_DIR": str(data_dir), "COACH_DATABASE_URL": postgres_url}
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """A migrated database on each backend; PostgreSQL tables are emptied after each test."""
    if request.param == "postgresql":
        settings = request.getfixturevalue("postgres_settings")
    database = open_database(settings)
    yield database
    if database.backend == "postgresql":
        with database.engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {', '.join(APP_TABLES)} RESTART IDENTITY CASCADE")
    database.close()


@pytest.fixture
def services(data_dir: Path) -> Iterator[tuple[Database, UserContext]]:
    """Open the database the app in ``data_dir`` uses, to check what it stored."""
    database = open_database(load_settings())
    try:
        yield database, local_learner(database)
    finally:
        database.close()


# --- people and prompts ----------------------------------------------------------------------


@pytest.fixture
def user(db: Database) -> UserContext:
    return local_learner(db)


@pytest.fixture
def other_user(db: Database) -> UserContext:
    return create_user(db, display_name="Bea", email="bea@example.com")


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="session")
def prompt() -> Prompt:
    """An AI product prompt that expects who, why, metrics and evaluation criteria."""
    return Prompt.model_validate(
        {
            "id": "test-support-reply-drafts",
            "text": "Your team ships an LLM feature that drafts replies for support agents. "
            "How would you decide whether it can launch?",
            "category": "ai-evaluation",
            "difficulty": 2,
            "expects": ["who", "why", "metrics", "eval_criteria"],
            "time_limit_s": 480,
            "hints": [
                "Start from the agent and the customer.",
                "Separate the offline ship gate from online monitoring.",
            ],
            "follow_ups": [
                "How many examples would your golden set need?",
                "Agents edit 60% of drafts. What do you do?",
            ],
            "outline": [
                {"move": "who", "text": "Tier-1 support agents handling 60+ tickets a day."},
                {"move": "why", "text": "Agents spend most of their time on boilerplate."},
                {"move": "eval_criteria", "text": "A 300-ticket golden set rated blind."},
                {"move": "metrics", "text": "Median handle time; CSAT as a guardrail."},
            ],
            "pitfalls": ["Judging only by BLEU.", "Ignoring the customer's view."],
            "tags": ["llm", "support"],
        }
    )


@pytest.fixture(scope="session")
def other_prompt(bank: Bank) -> Prompt:
    """A real bank prompt in another category."""
    return next(p for p in bank.prompts if p.category != "ai-evaluation")


@pytest.fixture(autouse=True)
def _quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the real ones cost ~0.1 s per hash on a shared core
    (benchmarks/access.py measures those; test_services_accounts checks they are in force)."""
    monkeypatch.setattr(
        accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(autouse=True, scope="session")
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep every test away from the real per-user data directory."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COACH_DATA_DIR", str(tmp_path_factory.mktemp("coach-data")))
        yield


# --- a fake OpenAI-compatible endpoint ---------------------------------------------------------


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on 127.0.0.1 (real socket) for this test."""
    with running_fake() as fake:
        yield fake


@pytest.fixture
def llm_settings(fake_openai: FakeOpenAI, data_dir: Path) -> Settings:
    """Settings pointing the LLM features at the fake server, with a short time budget."""
    return load_settings(
        environ={
            "COACH_DATA_DIR": str(data_dir),
            "OPENAI_BASE_URL": fake_openai.url,
            "OPENAI_API_KEY": "sk-test-not-a-real-key",
            "COACH_LLM_MODEL": "gpt-4o-mini",
            "COACH_LLM_BUDGET_S": "3",
        }
    )
