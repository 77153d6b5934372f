"""Accounts: sign-up rules, argon2id sign-in, lock-out, sessions in the database, reset codes,
and OpenID Connect identities matched by (issuer, subject); on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coach.db.database import Database
from coach.db.models import AuthSession, PasswordCredential, ResetCode, SignInFailure, User
from coach.errors import (
    AccountLockedError,
    InvalidAccountDataError,
    ResetCodeError,
    SessionEndedError,
    SignInFailedError,
    TooManySignInsError,
)
from coach.services import accounts, admin
from coach.services.admin import ShellOperator

PASSWORD = "correct horse battery"
DAY = timedelta(days=1)
SHELL = ShellOperator("test")
ISSUER = "http://127.0.0.1:9400"


def _ada(db: Database) -> None:
    accounts.register(db, email="Ada@Example.com", password=PASSWORD, display_name="Ada")


def _users(db: Database) -> int:
    with db.session() as session:
        return len(session.scalars(select(User)).all())


def test_register_then_sign_in_and_resume_the_session(db: Database) -> None:
    ada = accounts.register(db, email=" Ada@Example.com ", password=PASSWORD, display_name="Ada")
    signed = accounts.sign_in(db, email="ADA@example.com", password=PASSWORD, lifetime=DAY)
    assert signed.user == ada
    assert accounts.resume(db, signed.token) == ada
    with db.session() as session:
        stored = session.scalars(select(AuthSession)).one()
        credential = session.get(PasswordCredential, ada.user_id)
    assert signed.token not in stored.token_hash  # Only the digest is stored.
    assert stored.token_hash == accounts.digest(signed.token)
    assert credential is not None and credential.password_hash.startswith("$argon2id$")
    assert PASSWORD not in credential.password_hash


@pytest.mark.parametrize(
    ("email", "password", "name", "message"),
    [
        ("ada@example.com", PASSWORD, "Ada", "already exists"),
        ("ADA@EXAMPLE.COM", PASSWORD, "Ada", "already exists"),
        ("not-an-address", PASSWORD, "Bea", "valid e-mail"),
        ("bea@example.com", "short", "Bea", "at least 10"),
        ("bea@example.com", "x" * 257, "Bea", "at most 256"),
        ("bea@example.com", "aaaaaaaaaaaa", "Bea", "too easy"),
        ("bea@example.com", "password123", "Bea", "too easy"),
        ("beatrice@example.com", "beatrice-2026", "Bea", "too easy"),
        ("bea@example.com", PASSWORD, "Bea\x07", "control characters"),
        ("bea@example.com", PASSWORD, "   ", "give a name"),
        ("bea@example.com", PASSWORD, "B" * 121, "at most 120"),
    ],
)
def test_bad_sign_up_input_gets_a_clear_message_and_changes_nothing(
    db: Database, email: str, password: str, name: str, message: str
) -> None:
    _ada(db)
    with pytest.raises(InvalidAccountDataError, match=message):
        accounts.register(db, email=email, password=password, display_name=name)
    assert _users(db) == 1


def test_html_in_a_name_is_kept_as_text(db: Database) -> None:
    user = accounts.register(
        db, email="x@example.com", password=PASSWORD, display_name="  <b>Ann</b>\n & co  "
    )
    assert user.display_name == "<b>Ann</b> & co"


def test_wrong_password_and_unknown_address_read_the_same(db: Database) -> None:
    _ada(db)
    with pytest.raises(SignInFailedError) as wrong:
        accounts.sign_in(db, email="ada@example.com", password="wrong password", lifetime=DAY)
    with pytest.raises(SignInFailedError) as unknown:
        accounts.sign_in(db, email="nobody@example.com", password=PASSWORD, lifetime=DAY)
    assert str(wrong.value) == str(unknown.value)
    with pytest.raises(SignInFailedError):
        accounts.sign_in(db, email="ada@example.com", password="y" * 10_000, lifetime=DAY)


def test_repeated_failures_lock_the_account_until_the_lock_ends(db: Database) -> None:
    _ada(db)
    now = datetime.now(UTC)
    for _ in range(accounts.LOCK_AFTER_FAILURES - 1):
        with pytest.raises(SignInFailedError):
            accounts.sign_in(
                db, email="ada@example.com", password="nope nope", lifetime=DAY, now=now
            )
    with pytest.raises(AccountLockedError, match="locked for 15"):
        accounts.sign_in(db, email="ada@example.com", password="nope nope", lifetime=DAY, now=now)
    # Locked: even the right password is refused, and says for how long.
    later = now + timedelta(minutes=10)
    with pytest.raises(AccountLockedError, match="5 more minute"):
        accounts.sign_in(db, email="ada@example.com", password=PASSWORD, lifetime=DAY, now=later)
    after = now + timedelta(minutes=accounts.LOCK_MINUTES, seconds=1)
    signed = accounts.sign_in(
        db, email="ada@example.com", password=PASSWORD, lifetime=DAY, now=after
    )
    assert signed.user.display_name == "Ada"


def test_many_failures_from_one_address_pause_sign_in_from_there_across_accounts(
    db: Database,
) -> None:
    _ada(db)
    now = datetime.now(UTC)
    # One address guessing across many (mostly unknown) accounts: no account lock sees it.
    for number in range(accounts.SOURCE_FAILURE_LIMIT):
        with pytest.raises(SignInFailedError):
            accounts.sign_in(
                db,
                email=f"guess{number}@example.com",
                password="nope nope",
                lifetime=DAY,
                source="203.0.113.7",
                now=now + timedelta(seconds=number),
            )
    # Even the right password is refused from there, and the message says for how long...
    with pytest.raises(TooManySignInsError, match="15 more minute"):
        accounts.sign_in(
            db,
            email="ada@example.com",
            password=PASSWORD,
            lifetime=DAY,
            source="203.0.113.7",
            now=now + timedelta(seconds=40),
        )
    # ...while another address signs in, and so does the first once its window has passed.
    assert accounts.sign_in(
        db, email="ada@example.com", password=PASSWORD, lifetime=DAY, source="198.51.100.2"
    )
    later = now + timedelta(minutes=accounts.SOURCE_WINDOW_MINUTES, seconds=1)
    assert accounts.sign_in(
        db,
        email="ada@example.com",
        password=PASSWORD,
        lifetime=DAY,
        source="203.0.113.7",
        now=later,
    )
    with db.session() as session:
        stored = session.scalars(select(SignInFailure.source)).all()
    # Addresses are kept only as digests, and old failures are forgotten as new ones arrive.
    assert stored and all("203.0.113.7" not in source and len(source) == 64 for source in stored)


def test_an_expired_session_ends(db: Database) -> None:
    _ada(db)
    signed = accounts.sign_in(db, email="ada@example.com", password=PASSWORD, lifetime=DAY)
    assert accounts.resume(db, signed.token, now=signed.expires_at - timedelta(seconds=1))
    with pytest.raises(SessionEndedError, match="sign in again"):
        accounts.resume(db, signed.token, now=signed.expires_at)


@pytest.mark.parametrize("token", ["", "made-up", "x" * 5000])
def test_an_unknown_token_is_no_session(db: Database, token: str) -> None:
    with pytest.raises(SessionEndedError):
        accounts.resume(db, token)


def test_sign_out_ends_one_session_and_sign_out_everywhere_ends_all(db: Database) -> None:
    _ada(db)
    laptop, phone, tablet = (
        accounts.sign_in(db, email="ada@example.com", password=PASSWORD, lifetime=DAY)
        for _ in range(3)
    )
    accounts.sign_out(db, laptop.token)
    with pytest.raises(SessionEndedError):
        accounts.resume(db, laptop.token)
    assert accounts.resume(db, phone.token) == phone.user
    assert accounts.sign_out_everywhere(db, phone.user) == 2
    for device in (phone, tablet):
        with pytest.raises(SessionEndedError):
            accounts.resume(db, device.token)


def test_a_deleted_users_old_session_ends(db: Database) -> None:
    _ada(db)
    signed = accounts.sign_in(db, email="ada@example.com", password=PASSWORD, lifetime=DAY)
    admin.delete_account(db, SHELL, email="ada@example.com")
    with pytest.raises(SessionEndedError):
        accounts.resume(db, signed.token)
    with db.session() as session:
        assert session.scalars(select(AuthSession)).all() == []


def test_a_reset_code_works_once_and_ends_old_sessions(db: Database) -> None:
    _ada(db)
    old = accounts.sign_in(db, email="ada@example.com", password=PASSWORD, lifetime=DAY)
    code = admin.issue_reset_code(db, SHELL, email="ada@example.com")
    with db.session() as session:
        assert session.scalars(select(ResetCode.code_hash)).one() == accounts.code_digest(code)
    # A weak new password is refused and the code stays usable.
    with pytest.raises(InvalidAccountDataError):
        accounts.reset_password(db, email="ada@example.com", code=code, new_password="short")
    accounts.reset_password(
        db,
        email="ada@example.com",
        code=code.lower().replace("-", " "),
        new_password="a new long secret",
    )
    with pytest.raises(SessionEndedError):
        accounts.resume(db, old.token)
    with pytest.raises(SignInFailedError):
        accounts.sign_in(db, email="ada@example.com", password=PASSWORD, lifetime=DAY)
    assert accounts.sign_in(db, email="ada@example.com", password="a new long secret", lifetime=DAY)
    with pytest.raises(ResetCodeError):  # Used already.
        accounts.reset_password(
            db, email="ada@example.com", code=code, new_password="third secret!"
        )


def test_a_reset_code_expires_is_per_user_and_a_new_one_replaces_it(db: Database) -> None:
    _ada(db)
    accounts.register(db, email="bea@example.com", password=PASSWORD, display_name="Bea")
    first = admin.issue_reset_code(db, SHELL, email="ada@example.com")
    second = admin.issue_reset_code(db, SHELL, email="ada@example.com")
    with pytest.raises(ResetCodeError):
        accounts.reset_password(
            db, email="ada@example.com", code=first, new_password="new secret 1"
        )
    with pytest.raises(ResetCodeError):  # Ada's code does not reset Bea's password.
        accounts.reset_password(
            db, email="bea@example.com", code=second, new_password="new secret 1"
        )
    later = datetime.now(UTC) + timedelta(hours=accounts.RESET_CODE_HOURS, minutes=1)
    with pytest.raises(ResetCodeError):
        accounts.reset_password(
            db, email="ada@example.com", code=second, new_password="new secret 1", now=later
        )
    # A reset also lifts a lock-out.
    now = datetime.now(UTC)
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        with pytest.raises((SignInFailedError, AccountLockedError)):
            accounts.sign_in(
                db, email="bea@example.com", password="nope nope", lifetime=DAY, now=now
            )
    code = admin.issue_reset_code(db, SHELL, email="bea@example.com")
    accounts.reset_password(db, email="bea@example.com", code=code, new_password="fresh secret 9")
    assert accounts.sign_in(db, email="bea@example.com", password="fresh secret 9", lifetime=DAY)


# --- OpenID Connect --------------------------------------------------------------------------


def _claims(sub: str, **extra: object) -> dict[str, object]:
    return {"iss": ISSUER, "sub": sub, **extra}


def test_oidc_users_are_matched_by_subject_not_by_email(db: Database) -> None:
    first = accounts.user_for_oidc(
        db, _claims("sub-1", email="ann@example.com", email_verified=True, name="Ann")
    )
    # The same person with a changed address is the same user.
    again = accounts.user_for_oidc(
        db, _claims("sub-1", email="ann@new.example.com", email_verified=True, name="Ann")
    )
    assert again.user == first.user
    # Another subject claiming Ann's address is someone else, and gets no address.
    other = accounts.user_for_oidc(
        db, _claims("sub-2", email="ann@example.com", email_verified=True, name="Impostor")
    )
    assert other.user != first.user
    assert other.notice is not None and "already belongs" in other.notice
    # The same subject at another issuer is someone else too.
    elsewhere = accounts.user_for_oidc(db, {"iss": "https://other", "sub": "sub-1"})
    assert elsewhere.user not in (first.user, other.user)


def test_oidc_without_an_email_claim_signs_in_with_a_notice(db: Database) -> None:
    result = accounts.user_for_oidc(db, _claims("no-mail", name="Nameless Ned"))
    assert result.user.display_name == "Nameless Ned"
    assert result.notice is not None and "did not share an e-mail" in result.notice
    assert accounts.user_for_oidc(db, _claims("no-mail")).user == result.user


def test_an_unverified_email_does_not_claim_an_existing_account(db: Database) -> None:
    precreated = admin.create_account(db, SHELL, email="cy@example.com", display_name="Cy")
    unverified = accounts.user_for_oidc(
        db, _claims("cy-sub", email="cy@example.com", email_verified=False, name="Cy")
    )
    assert unverified.user != precreated
    assert unverified.notice is not None and "not verified" in unverified.notice
    with db.session() as session:
        held = session.get(User, precreated.user_id)
        assert held is not None and held.oidc_subject is None
    # A verified address links the account an admin created for it.
    linked = accounts.user_for_oidc(
        db, _claims("cy-real", email="CY@example.com", email_verified=True)
    )
    assert linked.user == precreated and linked.notice is None
    assert accounts.user_for_oidc(db, _claims("cy-real")).user == precreated


def test_oidc_without_a_subject_is_refused(db: Database) -> None:
    with pytest.raises(InvalidAccountDataError, match="no issuer or subject"):
        accounts.user_for_oidc(db, {"iss": ISSUER, "email": "a@example.com"})
    assert _users(db) == 0


def test_the_production_hasher_is_argon2id_with_owasp_parameters() -> None:
    hashed = accounts.production_hasher().hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_no_password_token_or_code_reaches_the_logs(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    _ada(db)
    signed = accounts.sign_in(db, email="ada@example.com", password=PASSWORD, lifetime=DAY)
    with pytest.raises(SignInFailedError):
        accounts.sign_in(db, email="ada@example.com", password="wrong guess 123", lifetime=DAY)
    code = admin.issue_reset_code(db, SHELL, email="ada@example.com")
    accounts.reset_password(db, email="ada@example.com", code=code, new_password="another secret")
    for secret in (PASSWORD, "wrong guess 123", signed.token, code, "another secret"):
        assert secret not in caplog.text
