"""Sign-in in the app (AppTest): the no-login mode stays private, password and OIDC modes
show only the sign-in page until someone signs in, and a signed-in user sees only their own
attempts. The cookie that survives a reload is covered in Chromium (tests/browser)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit import config as st_config

from coach.db.database import Database, open_database
from coach.services import accounts, admin, attempts
from coach.services.admin import ShellOperator
from coach.settings import load_settings
from coach.ui.state import FEEDBACK_ATTEMPT
from question_bank import Prompt
from tests.conftest import WEAK_ANSWER
from tests.test_app_support import (
    FEEDBACK,
    PAGES,
    AppTest,
    assert_clean,
    current_page,
    goto,
    new_app,
    texts,
)

PASSWORD = "correct horse battery"
ISSUER = "http://127.0.0.1:9400"


@pytest.fixture
def server_address() -> Iterator[None]:
    """Restore Streamlit's server.address after a test changes it."""
    before = st_config.get_option("server.address")
    yield
    st_config.set_option("server.address", before)


@pytest.fixture
def password_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("COACH_AUTH", "password")
    db = open_database(load_settings())
    accounts.register(db, email="ada@example.com", password=PASSWORD, display_name="Ada <b>")
    accounts.register(db, email="bea@example.com", password=PASSWORD, display_name="Bea")
    yield db
    db.close()


def _sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    assert_clean(at)
    return at


@pytest.mark.usefixtures("data_dir", "server_address")
@pytest.mark.parametrize("address", ["0.0.0.0", "", "192.168.1.20", "coach.example.com"])
def test_no_login_mode_on_a_public_address_shows_no_data(address: str) -> None:
    st_config.set_option("server.address", address)
    at = new_app()
    assert current_page(at) == "This app is not private"
    assert "COACH_ALLOW_REMOTE_SINGLE_USER" in texts(at.error)
    assert not at.text_area  # No practice page, no data.


@pytest.mark.usefixtures("data_dir", "server_address")
def test_the_operator_can_opt_in_to_a_remote_single_user_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    st_config.set_option("server.address", "0.0.0.0")
    monkeypatch.setenv("COACH_ALLOW_REMOTE_SINGLE_USER", "1")
    assert current_page(new_app()) == "Practice"


@pytest.mark.usefixtures("data_dir", "server_address")
@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_no_login_mode_on_loopback_opens_practice(address: str) -> None:
    st_config.set_option("server.address", address)
    at = new_app()
    assert current_page(at) == "Practice"
    assert "account_sign_out" not in [button.key for button in at.sidebar.button]


@pytest.mark.usefixtures("password_app")
def test_password_mode_shows_only_sign_in_until_the_password_is_right() -> None:
    at = new_app()
    assert current_page(at) == "Sign in"
    assert not at.text_area
    _sign_in(at, "ada@example.com", "wrong password!")
    assert "do not match" in texts(at.error)
    assert current_page(at) == "Sign in"
    _sign_in(at, "ADA@example.com", PASSWORD)
    assert current_page(at) == "Practice"
    # The name is shown as text: its markup is escaped, never rendered.
    assert r"Ada \<b\>" in texts(at.sidebar.caption)
    at.button(key="account_sign_out").click().run()
    assert_clean(at)
    assert current_page(at) == "Sign in"


@pytest.mark.usefixtures("password_app")
def test_repeated_failures_lock_the_account_with_a_message() -> None:
    at = new_app()
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        _sign_in(at, "ada@example.com", "wrong password!")
    assert "locked for 15" in texts(at.error)
    _sign_in(at, "ada@example.com", PASSWORD)
    assert current_page(at) == "Sign in"


def test_a_session_ended_elsewhere_returns_to_sign_in_with_a_message(
    password_app: Database,
) -> None:
    at = _sign_in(new_app(), "ada@example.com", PASSWORD)
    assert current_page(at) == "Practice"
    ada = accounts.resume(password_app, at.session_state["_coach_session_token"])
    accounts.sign_out_everywhere(password_app, ada)  # e.g. from another device
    at.run()
    assert current_page(at) == "Sign in"
    assert "session has ended" in texts(at.info)


def test_a_deleted_users_open_tab_returns_to_sign_in(password_app: Database) -> None:
    at = _sign_in(new_app(), "ada@example.com", PASSWORD)
    assert current_page(at) == "Practice"
    admin.delete_account(password_app, ShellOperator("t"), email="ada@example.com")
    at.run()
    assert current_page(at) == "Sign in"
    assert "session has ended" in texts(at.info)
    assert "_coach_frame" not in at.session_state


def test_sign_up_when_allowed_rejects_a_weak_password_and_duplicates(
    password_app: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_ALLOW_SIGNUP", "1")
    at = new_app()
    at.text_input(key="sign_up_name").input("Cy")
    at.text_input(key="sign_up_email").input("cy@example.com")
    at.text_input(key="sign_up_password").input("short")
    at.button[1].click().run()
    assert "at least 10" in texts(at.error)
    at.text_input(key="sign_up_email").input("BEA@example.com")
    at.text_input(key="sign_up_password").input("a long enough secret")
    at.button[1].click().run()
    assert "already exists" in texts(at.error)
    assert len(admin.list_users(password_app, ShellOperator("t"))) == 2
    at.text_input(key="sign_up_email").input("cy@example.com")
    at.button[1].click().run()
    assert current_page(at) == "Practice"


def test_sign_up_is_hidden_unless_the_operator_allows_it(password_app: Database) -> None:
    at = new_app()
    assert "sign_up_email" not in [widget.key for widget in at.text_input]


def test_a_reset_code_sets_a_new_password_on_the_sign_in_page(password_app: Database) -> None:
    code = admin.issue_reset_code(password_app, ShellOperator("t"), email="ada@example.com")
    at = new_app()
    at.text_input(key="reset_email").input("ada@example.com")
    at.text_input(key="reset_code").input("WRONG-CODE")
    at.text_input(key="reset_password").input("a brand new secret")
    at.button[-1].click().run()
    assert "not valid" in texts(at.error)
    at.text_input(key="reset_code").input(code)
    at.button[-1].click().run()
    assert "Password changed" in texts(at.success)
    _sign_in(at, "ada@example.com", "a brand new secret")
    assert current_page(at) == "Practice"


def _everything_shown(at: AppTest) -> str:
    parts = [texts(at.get(kind)) for kind in ("markdown", "caption", "warning", "info", "code")]
    parts += [body.proto.body for body in at.get("html")]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


@pytest.fixture
def adas_attempt(password_app: Database, prompt: Prompt) -> int:
    """Ada's one attempt, which Bea must never see."""
    ada = accounts.sign_in(
        password_app, email="ada@example.com", password=PASSWORD, lifetime=timedelta(days=1)
    ).user
    return attempts.submit_answer(
        password_app,
        ada,
        prompt=prompt,
        answer=WEAK_ANSWER,
        mode="practice",
        level="pm",
        started_at=datetime.now(UTC),
    ).id


@pytest.mark.usefixtures("adas_attempt")
def test_no_page_shows_someone_elses_attempts(prompt: Prompt) -> None:
    at = _sign_in(new_app(), "bea@example.com", PASSWORD)
    for page in PAGES:
        goto(at, page)
        shown = _everything_shown(at)
        assert WEAK_ANSWER[:30] not in shown, page
        assert prompt.id not in shown, page
        # Where the shared database lives is the operator's business.
        assert "coach.db" not in shown, page
    # The same page does show it to Ada.
    at = _sign_in(new_app(), "ada@example.com", PASSWORD)
    goto(at, FEEDBACK)
    assert WEAK_ANSWER[:30] in _everything_shown(at)


def test_feedback_never_shows_someone_elses_attempt(adas_attempt: int) -> None:
    at = _sign_in(new_app(), "bea@example.com", PASSWORD)
    at.session_state[FEEDBACK_ATTEMPT] = adas_attempt
    goto(at, FEEDBACK)
    assert WEAK_ANSWER[:30] not in _everything_shown(at)


@pytest.mark.usefixtures("data_dir")
def test_oidc_mode_signs_in_by_subject_and_explains_a_missing_email(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COACH_AUTH", "oidc")
    at = new_app()
    assert current_page(at) == "Sign in"
    assert at.button(key="sign_in_oidc")
    at.user = {"is_logged_in": True, "iss": ISSUER, "sub": "abc-123", "name": "Dee"}
    at.run()
    assert_clean(at)
    assert current_page(at) == "Practice"
    assert "did not share an e-mail" in texts(at.info)
    db = open_database(load_settings())
    try:
        users = admin.list_users(db, ShellOperator("t"))
    finally:
        db.close()
    assert [(u.display_name, u.email, u.sign_in) for u in users] == [("Dee", None, "oidc")]
