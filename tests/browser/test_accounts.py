"""Accounts end to end in Chromium: a password sign-in survives a reload on another replica
(two app processes sharing one PostgreSQL database), sign-out everywhere ends it on both,
and an OIDC login through a mock provider on 127.0.0.1 signs in by subject."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread

from coach.db.database import open_database
from coach.services import accounts, admin
from coach.services.admin import ShellOperator
from coach.settings import load_settings
from tests.browser.server import free_port, running_app

# Importing test_e2e also applies its rule: skip without Chromium, fail when CI=true.
from tests.browser.test_e2e import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401

pytestmark = pytest.mark.browser

from playwright.sync_api import Browser, Page, expect  # noqa: E402

PASSWORD = "correct horse battery"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def expect_signed_in(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Signed in as {name}")).to_be_visible()


def expect_sign_in_page(page: Page) -> None:
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Practice", level=1)).to_have_count(0)


@pytest.mark.postgres
@pytest.mark.parametrize("fresh_database_url", ["postgresql"], indirect=True)
def test_a_password_session_survives_a_reload_on_another_replica(
    page: Page, fresh_database_url: str, tmp_path: Path
) -> None:
    db = open_database(load_settings(environ={"COACH_DATABASE_URL": fresh_database_url}))
    try:
        accounts.register(
            db, email="ada@example.com", password=PASSWORD, display_name="Ada Lovelace"
        )
    finally:
        db.close()
    env = {"COACH_AUTH": "password", "COACH_DATABASE_URL": fresh_database_url}
    ARTIFACTS.mkdir(exist_ok=True)
    with (
        running_app(tmp_path / "a", extra_env=env, log_path=ARTIFACTS / "replica-a.log") as one,
        running_app(tmp_path / "b", extra_env=env, log_path=ARTIFACTS / "replica-b.log") as two,
    ):
        page.goto(one)
        expect_sign_in_page(page)
        form = page.get_by_test_id("stForm").first
        form.get_by_label("E-mail address").fill("ada@example.com")
        form.get_by_label("Password", exact=True).fill("not the password")
        form.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("do not match an account")).to_be_visible()
        form.get_by_label("Password", exact=True).fill(PASSWORD)
        form.get_by_role("button", name="Sign in").click()
        expect_signed_in(page, "Ada Lovelace")
        # The cookie script runs once the component has loaded: wait for it (a person
        # reloading in the same split second would have to sign in again).
        page.wait_for_function("document.cookie.includes('aipm_coach_session=')")
        assert "HttpOnly" not in str(page.context.cookies())  # See docs/deploy.md.

        page.reload()  # The same replica: the cookie brings the session back.
        expect_signed_in(page, "Ada Lovelace")
        page.goto(two)  # The load balancer sends the reload to the other replica.
        expect_signed_in(page, "Ada Lovelace")
        page.screenshot(path=str(ARTIFACTS / "accounts-replica-b.png"))

        # Another device holds a copy of the cookie; signing out everywhere must end it too.
        copy = [c for c in page.context.cookies() if c["name"] == "aipm_coach_session"]
        page.get_by_role("button", name="Sign out everywhere").click()
        expect_sign_in_page(page)
        page.wait_for_function("!document.cookie.includes('aipm_coach_session=')")
        page.goto(one)
        expect_sign_in_page(page)
        page.context.add_cookies(copy)  # type: ignore[arg-type]
        page.reload()
        expect_sign_in_page(page)
        expect(page.get_by_text("Your session has ended")).to_be_visible()


def _write_secrets(path: Path, *, app_port: int, issuer: str) -> None:
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(16)}"\n'
        'client_id = "aipm-coach"\n'
        'client_secret = "any-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )


def _login_at_provider(page: Page, subject: str) -> None:
    page.get_by_role("button", name="Sign in with your organisation").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def test_oidc_sign_in_matches_by_subject_and_handles_a_missing_email(
    page: Page, tmp_path: Path
) -> None:
    claims = {"email": "grace@example.com", "email_verified": True, "name": "Grace Hopper"}
    with run_server_in_thread(port=free_port(), user_claims=[User(sub="grace", claims=claims)]) as (
        provider
    ):
        issuer = f"http://127.0.0.1:{provider.server_port}"
        app_port = free_port()
        secrets_file = tmp_path / "secrets.toml"
        _write_secrets(secrets_file, app_port=app_port, issuer=issuer)
        data_dir = tmp_path / "data"
        with running_app(
            data_dir,
            port=app_port,
            extra_env={"COACH_AUTH": "oidc"},
            extra_args=["--secrets.files", str(secrets_file)],
            log_path=ARTIFACTS / "oidc.log",
        ) as url:
            page.goto(url)
            expect_sign_in_page(page)
            _login_at_provider(page, "grace")
            expect_signed_in(page, "Grace Hopper")
            page.reload()
            expect_signed_in(page, "Grace Hopper")

            page.get_by_role("button", name="Sign out").click()
            # st.logout may end the session at the provider too (RP-initiated logout).
            end_session = page.get_by_role("button", name="End session")
            signed_out = page.get_by_role("heading", name="Sign in", level=1)
            expect(end_session.or_(signed_out)).to_be_visible()
            if end_session.is_visible():
                end_session.click()
            expect_sign_in_page(page)
            # Someone whose provider shares no e-mail address: signed in, and told why.
            _login_at_provider(page, "no-mail-42")
            expect(page.get_by_text("did not share an e-mail address")).to_be_visible()
            expect_signed_in(page, "User no-mail-42")

    db = open_database(load_settings(environ={"COACH_DATA_DIR": str(data_dir)}))
    try:
        users = {u.display_name: u for u in admin.list_users(db, ShellOperator("t"))}
    finally:
        db.close()
    assert users["Grace Hopper"].email == "grace@example.com"
    assert users["User no-mail-42"].email is None
    assert {u.sign_in for u in users.values()} == {"oidc"}
