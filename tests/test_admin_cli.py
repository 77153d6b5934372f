"""``coach admin``: bootstrap a deployment from the shell, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from coach.cli import main
from coach.db.database import Database
from coach.errors import InviteCodeError, SignInFailedError
from coach.services import accounts, admin, attempts, cohorts
from coach.services.admin import ShellOperator
from question_bank import Prompt

PASSWORD = "correct horse battery"


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Point the CLI at the test database (SQLite file or the PostgreSQL test database)."""
    monkeypatch.setenv("COACH_DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    return db


def _run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def test_bootstrap_a_deployment_from_the_shell(
    cli_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _run(
            monkeypatch,
            "admin",
            "create-user",
            "Root@Example.com",
            "--name",
            "Root",
            "--role",
            "admin",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        == 0
    )
    assert (
        _run(monkeypatch, "admin", "create-user", "mo@example.com", "--name", "Mo", "--no-password")
        == 0
    )
    assert _run(monkeypatch, "admin", "create-cohort", "Spring 2026") == 0
    assert (
        _run(
            monkeypatch, "admin", "add-member", "spring 2026", "MO@example.com", "--role", "mentor"
        )
        == 0
    )
    capsys.readouterr()
    assert _run(monkeypatch, "admin", "list-users") == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("id\temail")
    assert "root@example.com\tRoot\tadmin\tpassword\t-" in listing[1]
    assert "mo@example.com\tMo\tlearner\tnone\tSpring 2026:mentor" in listing[2]
    # The password never appears in anything the commands print.
    assert all(PASSWORD not in line for line in listing)
    signed = accounts.sign_in(
        cli_db, email="root@example.com", password=PASSWORD, lifetime=timedelta(hours=1)
    )
    assert signed.user.role == "admin"
    actions = [row.action for row in admin.audit_log(cli_db, ShellOperator("x"))]
    assert actions == ["add-member", "invite-code", "create-cohort", "create-user", "create-user"]


def test_reset_password_prints_a_one_time_code(
    cli_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts.register(cli_db, email="ada@example.com", password=PASSWORD, display_name="Ada")
    assert _run(monkeypatch, "admin", "reset-password", "ada@example.com") == 0
    code = capsys.readouterr().out.strip()
    accounts.reset_password(
        cli_db, email="ada@example.com", code=code, new_password="a fresh long secret"
    )
    with pytest.raises(SignInFailedError):
        accounts.sign_in(
            cli_db, email="ada@example.com", password=PASSWORD, lifetime=timedelta(hours=1)
        )


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (
            ("admin", "create-user", "x@example.com", "--name", "X", "--password-stdin"),
            "short\n",
            "at least 10",
        ),
        (
            ("admin", "create-user", "bad-address", "--name", "X", "--no-password"),
            "",
            "valid e-mail",
        ),
        (
            ("admin", "create-user", "x@example.com", "--name", "X\x1b[31m", "--no-password"),
            "",
            "control characters",
        ),
        (("admin", "create-user", "x@example.com", "--name", "X"), "", "use --password-stdin"),
        (("admin", "add-member", "Nope", "x@example.com"), "", "No cohort named"),
        (("admin", "reset-password", "nobody@example.com"), "", "No account"),
        (("admin", "delete-user", "nobody@example.com"), "", "No account"),
    ],
)
def test_bad_input_gets_one_line_and_changes_nothing(
    cli_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    stdin: str,
    message: str,
) -> None:
    assert _run(monkeypatch, *argv, stdin=stdin) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert admin.list_users(cli_db, ShellOperator("x")) == []
    assert admin.audit_log(cli_db, ShellOperator("x")) == []


def test_delete_user_removes_their_data_and_is_audited(
    cli_db: Database, monkeypatch: pytest.MonkeyPatch, prompt: Prompt
) -> None:
    ada = accounts.register(cli_db, email="ada@example.com", password=PASSWORD, display_name="Ada")
    bea = accounts.register(cli_db, email="bea@example.com", password=PASSWORD, display_name="Bea")
    for who in (ada, bea):
        attempts.submit_answer(
            cli_db,
            who,
            prompt=prompt,
            answer="An answer about users.",
            mode="practice",
            level="pm",
            started_at=datetime.now(UTC),
        )
    assert _run(monkeypatch, "admin", "delete-user", "ada@example.com") == 0
    assert attempts.list_attempts(cli_db, ada) == []
    assert len(attempts.list_attempts(cli_db, bea)) == 1
    assert admin.audit_log(cli_db, ShellOperator("x"))[0].action == "delete-user"


def test_cohort_invite_codes_from_the_shell(
    cli_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, "admin", "create-cohort", "Spring", "--seats", "2") == 0
    printed = capsys.readouterr()
    first = printed.out.strip()
    assert "created cohort 1 (Spring)" in printed.err and "2 seats" in printed.err
    ada = accounts.register(cli_db, email="ada@example.com", password=PASSWORD, display_name="A")
    assert cohorts.join_cohort(cli_db, ada, code=first).name == "Spring"
    assert _run(monkeypatch, "admin", "rotate-code", "spring", "--expires-days", "3") == 0
    printed = capsys.readouterr()
    second = printed.out.strip()
    assert second != first and "new code for cohort 1 (Spring)" in printed.err
    bea = accounts.register(cli_db, email="bea@example.com", password=PASSWORD, display_name="B")
    with pytest.raises(InviteCodeError, match="not valid"):
        cohorts.join_cohort(cli_db, bea, code=first)
    assert _run(monkeypatch, "admin", "set-seats", "Spring", "1") == 0
    with pytest.raises(InviteCodeError, match="full"):
        cohorts.join_cohort(cli_db, bea, code=second)
    assert _run(monkeypatch, "admin", "set-seats", "Spring", "none") == 0
    assert cohorts.join_cohort(cli_db, bea, code=second).name == "Spring"
    capsys.readouterr()
    assert _run(monkeypatch, "admin", "rotate-code", "Winter") == 1
    assert "No cohort named 'Winter'" in capsys.readouterr().err
    audit = "\n".join(row.target for row in admin.audit_log(cli_db, ShellOperator("x")))
    assert first not in audit and second not in audit
