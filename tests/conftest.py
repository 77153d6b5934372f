"""Shared fixtures: settings in a temp folder, real SQLite files, a real PostgreSQL database.

PostgreSQL (127.0.0.1:5432, user postgres, trust auth; AIPM_TEST_POSTGRES_PORT moves the port)
gets one fresh database per test session (per xdist worker), dropped afterwards. Without a
server the PostgreSQL tests skip, unless CI=true: then they fail, so CI can never go green by
skipping them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from coach.db.database import Database, open_database
from coach.services.users import UserContext, create_user, local_learner
from coach.settings import Settings, load_settings
from question_bank import Bank, Prompt, load_bank

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = int(os.environ.get("AIPM_TEST_POSTGRES_PORT", "5432"))
POSTGRES_SERVER = f"postgresql+psycopg://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}"
APP_TABLES = ("self_ratings", "flag_disputes", "drafts", "attempt_flags", "attempts", "users")

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
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


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
    request.getfixturevalue("postgres_url")  # Skips (or fails on CI) without a server.
    name = f"aipm_test_{secrets.token_hex(6)}_fresh"
    with _admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield f"{POSTGRES_SERVER}/{name}"
    with _admin_connection() as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


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


@pytest.fixture(autouse=True, scope="session")
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep every test away from the real per-user data directory."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COACH_DATA_DIR", str(tmp_path_factory.mktemp("coach-data")))
        yield
