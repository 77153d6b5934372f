"""Password and OpenID Connect accounts: sign-up, sign-in, sessions, lock-out and reset codes.

Passwords are hashed with argon2id; sign-in session tokens and reset codes are long random
strings of which only a SHA-256 digest is stored, so a copy of the database lets nobody in.
Sessions live in the database, so every app replica behind a load balancer knows them.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.db import account_queries as accounts_repo
from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import User
from coach.errors import (
    AccountLockedError,
    InvalidAccountDataError,
    ResetCodeError,
    SessionEndedError,
    SignInFailedError,
    TooManySignInsError,
)
from coach.services.users import Role, UserContext, context_of

PASSWORD_MIN_LENGTH = 10
# argon2 would hash a megabyte happily, on every attempt: refuse what no person types.
PASSWORD_MAX_LENGTH = 256
NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 320
LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
# Per network address, across accounts: a person mistyping never gets near this; one address
# trying many accounts (which the per-account lock-out cannot see) is paused.
SOURCE_FAILURE_LIMIT = 30
SOURCE_WINDOW_MINUTES = 15
RESET_CODE_HOURS = 24


def production_hasher() -> PasswordHasher:
    """Return argon2id with OWASP's recommended parameters: 19 MiB, 2 passes, 1 lane.

    RFC 9106's 64 MiB x 3 passes x 4 lanes took 0.8 s per sign-in on one shared core here;
    these take well under 0.1 s (`python -m benchmarks.access`), so a replica stays
    responsive while people sign in, and hashes made with other parameters are upgraded at
    the next sign-in.
    """
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


# Module state on purpose: the test suite swaps in cheaper parameters.
HASHER = production_hasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COMMON_PASSWORDS = frozenset(
    {
        "password12",
        "password123",
        "1234567890",
        "qwertyuiop",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "aipmcoach1",
        "0123456789",
        "passw0rd12",
    }
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new sign-in session: the user, the token for the browser's cookie, and its expiry."""

    user: UserContext
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class OidcSignIn:
    """The user behind an OpenID Connect login, and a note to show them (or None)."""

    user: UserContext
    notice: str | None


# --- input rules -----------------------------------------------------------------------------


def clean_display_name(name: str) -> str:
    """Return the name trimmed, or raise for control characters, emptiness or excess length.

    HTML is allowed (someone may be called "<Ann>"): pages show names as text, never as HTML.
    """
    name = " ".join(name.split())  # Newlines and tabs become single spaces.
    if any(_invisible(char) for char in name):
        raise InvalidAccountDataError("A name cannot contain control characters.")
    if not name:
        raise InvalidAccountDataError("Please give a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidAccountDataError(f"A name can be at most {NAME_MAX_LENGTH} characters.")
    return name


def _invisible(char: str) -> bool:
    # Control, format (e.g. right-to-left override), surrogate and private-use characters;
    # zero-width joiners stay, emoji sequences need them.
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"} and char not in "\u200c\u200d"


def clean_email(email: str) -> str:
    """Return the address trimmed and lower-cased (addresses compare case-insensitively)."""
    email = email.strip().lower()
    if len(email) > EMAIL_MAX_LENGTH or not _EMAIL.match(email):
        raise InvalidAccountDataError("Please give a valid e-mail address, like ada@example.com.")
    return email


def check_password(password: str, *, email: str | None = None) -> None:
    """Raise InvalidAccountDataError unless the password is long and not guessable."""
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidAccountDataError(
            f"A password can be at most {PASSWORD_MAX_LENGTH} characters."
        )
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidAccountDataError(
            f"A password needs at least {PASSWORD_MIN_LENGTH} characters; a short sentence works."
        )
    lowered = password.lower()
    local_part = (email or "").partition("@")[0]
    if (
        lowered in _COMMON_PASSWORDS
        or len(set(password)) < 4
        or (len(local_part) >= 4 and local_part in lowered)
    ):
        raise InvalidAccountDataError(
            "That password is too easy to guess: avoid common passwords, repeated characters "
            "and your e-mail name."
        )


def digest(secret: str) -> str:
    """Return the SHA-256 hex digest stored for a token or code (never the secret itself)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --- accounts --------------------------------------------------------------------------------


def register(
    db: Database,
    *,
    email: str,
    password: str | None,
    display_name: str,
    role: Role = "learner",
) -> UserContext:
    """Create an account (a password is optional for users who sign in through OIDC).

    Raises:
        InvalidAccountDataError: a bad name, address or password, or the address is taken.
    """
    email = clean_email(email)
    display_name = clean_display_name(display_name)
    password_hash = None
    if password is not None:
        check_password(password, email=email)
        password_hash = HASHER.hash(password)
    with db.session() as session:
        if repo.get_user_by_email(session, email=email) is not None:
            raise _email_taken()
        try:
            user = repo.add_user(session, display_name=display_name, email=email, role=role)
            if password_hash is not None:
                accounts_repo.set_password_hash(
                    session, user_id=user.id, password_hash=password_hash, now=_now()
                )
            session.commit()
        except IntegrityError as error:  # Someone registered the same address a moment ago.
            raise _email_taken() from error
        return context_of(user)


def sign_in(
    db: Database,
    *,
    email: str,
    password: str,
    lifetime: timedelta,
    source: str | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Check the password and open a session of ``lifetime``. ``source`` is the network
    address the attempt comes from (None when unknown: no per-address throttle).

    Raises:
        SignInFailedError: unknown address or wrong password (the same words for both).
        AccountLockedError: too many failures in a row; a locked account refuses even the
            right password until the lock ends.
        TooManySignInsError: too many failures from ``source`` lately, whatever the account.
    """
    now = now or _now()
    email = email.strip().lower()
    source_key = digest(source) if source else None
    with db.session() as session:
        if source_key is not None:
            _refuse_a_busy_source(session, source_key, now)
        user = repo.get_user_by_email(session, email=email)
        credential = (
            accounts_repo.get_credential(session, user_id=user.id) if user is not None else None
        )
        if len(password) > PASSWORD_MAX_LENGTH or user is None or credential is None:
            _spend_a_hash(password[:PASSWORD_MAX_LENGTH])  # Same time: no telling who exists.
            _count_source_failure(session, source_key, now)
            raise SignInFailedError()
        if credential.locked_until is not None and credential.locked_until > now:
            raise AccountLockedError(_minutes_left(credential.locked_until, now))
        if not _verify(credential.password_hash, password):
            _count_source_failure(session, source_key, now)
            if accounts_repo.count_failure(session, user_id=user.id) >= LOCK_AFTER_FAILURES:
                accounts_repo.lock_credential(
                    session, user_id=user.id, until=now + timedelta(minutes=LOCK_MINUTES)
                )
                session.commit()
                raise AccountLockedError(LOCK_MINUTES)
            session.commit()
            raise SignInFailedError()
        if HASHER.check_needs_rehash(credential.password_hash):
            accounts_repo.set_password_hash(
                session, user_id=user.id, password_hash=HASHER.hash(password), now=now
            )
        accounts_repo.clear_failures(session, user_id=user.id)
        token = secrets.token_urlsafe(32)
        expires_at = now + lifetime
        accounts_repo.add_session(
            session,
            user_id=user.id,
            token_hash=digest(token),
            created_at=now,
            expires_at=expires_at,
        )
        session.commit()
        return SignedIn(user=context_of(user), token=token, expires_at=expires_at)


def _refuse_a_busy_source(session: Session, source_key: str, now: datetime) -> None:
    window = timedelta(minutes=SOURCE_WINDOW_MINUTES)
    count, oldest = accounts_repo.sign_in_failures_since(
        session, source=source_key, since=now - window
    )
    if count >= SOURCE_FAILURE_LIMIT and oldest is not None:
        raise TooManySignInsError(_minutes_left(oldest + window, now))


def _count_source_failure(session: Session, source_key: str | None, now: datetime) -> None:
    if source_key is None:
        return
    window = timedelta(minutes=SOURCE_WINDOW_MINUTES)
    accounts_repo.add_sign_in_failure(session, source=source_key, at=now, keep_after=now - window)
    session.commit()


def resume(db: Database, token: str, *, now: datetime | None = None) -> UserContext:
    """Return the user of a live session token (from the browser's cookie).

    Raises:
        SessionEndedError: the token is unknown, expired, signed out, or its user was deleted.
    """
    if not token or len(token) > 200:
        raise SessionEndedError()
    with db.session() as session:
        user = accounts_repo.live_session_user(session, token_hash=digest(token), now=now or _now())
        if user is None:
            raise SessionEndedError()
        return context_of(user)


def sign_out(db: Database, token: str) -> None:
    """End this browser's session (other devices stay signed in)."""
    with db.session() as session:
        accounts_repo.revoke_sessions(session, token_hash=digest(token), now=_now())
        session.commit()


def sign_out_everywhere(db: Database, user: UserContext) -> int:
    """End every session of the user, on every device and replica; return how many."""
    with db.session() as session:
        count = accounts_repo.revoke_sessions(session, user_id=user.user_id, now=_now())
        session.commit()
    return count


def reset_password(
    db: Database, *, email: str, code: str, new_password: str, now: datetime | None = None
) -> None:
    """Set a new password with a one-time code from an admin; ends every old session.

    Raises:
        InvalidAccountDataError: the new password breaks the rules (the code stays usable).
        ResetCodeError: the code is wrong, used or expired.
    """
    now = now or _now()
    email = email.strip().lower()
    check_password(new_password, email=email)
    password_hash = HASHER.hash(new_password)
    with db.session() as session:
        user = repo.get_user_by_email(session, email=email)
        if user is None or not accounts_repo.use_reset_code(
            session, code_hash=code_digest(code), user_id=user.id, now=now
        ):
            raise ResetCodeError()
        accounts_repo.set_password_hash(
            session, user_id=user.id, password_hash=password_hash, now=now
        )
        accounts_repo.revoke_sessions(session, user_id=user.id, now=now)
        session.commit()


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # No 0/O or 1/I to misread.


def new_code(groups: int = 4) -> str:
    """Return a fresh code to read out or type: ``groups`` groups of 5 letters and digits
    (25 bits each)."""
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(5)) for _group in range(groups)
    )


def new_reset_code() -> str:
    """Return a fresh password-reset code: 4 groups of 5 letters and digits (~100 bits)."""
    return new_code(4)


def code_digest(code: str) -> str:
    """Return the stored digest of a reset or invite code, read back with any case, spaces or
    dashes."""
    return digest("".join(code.split()).replace("-", "").upper())


# --- OpenID Connect --------------------------------------------------------------------------


def user_for_oidc(db: Database, claims: Mapping[str, Any]) -> OidcSignIn:
    """Return the user behind an OpenID Connect identity, creating them on first sign-in.

    Users are matched by (issuer, subject). An account an admin created in advance with the
    same address is linked on first sign-in only when the provider says the address is
    verified; a missing or unverified address signs in a separate account without one.

    Raises:
        InvalidAccountDataError: the provider sent no issuer or subject.
    """
    issuer = str(claims.get("iss") or "").strip()
    subject = str(claims.get("sub") or "").strip()
    if not issuer or not subject:
        raise InvalidAccountDataError(
            "The sign-in provider did not say who you are (no issuer or subject); "
            "ask the operator to check the OpenID Connect settings."
        )
    raw_email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified") in (True, "true", "True")
    email = raw_email if raw_email and _EMAIL.match(raw_email) else None
    with db.session() as session:
        user = accounts_repo.get_user_by_oidc(session, issuer=issuer, subject=subject)
        if user is not None:
            return OidcSignIn(context_of(user), None)
        notice = None
        holder = repo.get_user_by_email(session, email=email) if email else None
        if holder is not None and verified and holder.oidc_subject is None:
            holder.oidc_issuer, holder.oidc_subject = issuer, subject
            session.commit()
            return OidcSignIn(context_of(holder), None)
        if email is None:
            notice = (
                "Your sign-in provider did not share an e-mail address, so this account has "
                "none; you are recognised by your provider account."
            )
        elif not verified:
            notice = (
                f"Your provider has not verified {email}, so it was not linked to this "
                "account; verify it with your provider to have it shown here."
            )
            email = None
        elif holder is not None:
            notice = (
                f"{email} already belongs to another account, so it was not linked to this one."
            )
            email = None
        user = _new_oidc_user(session, claims, issuer=issuer, subject=subject, email=email)
        return OidcSignIn(context_of(user), notice)


def _new_oidc_user(
    session: Any, claims: Mapping[str, Any], *, issuer: str, subject: str, email: str | None
) -> User:
    try:
        name = clean_display_name(str(claims.get("name") or ""))
    except InvalidAccountDataError:
        name = email or f"User {subject[:12]}"
    try:
        user = repo.add_user(session, display_name=name, email=email, role="learner")
        user.oidc_issuer, user.oidc_subject = issuer, subject
        session.commit()
    except IntegrityError:
        # Two tabs finished the same first login at once: use the account the other one made.
        session.rollback()
        existing = accounts_repo.get_user_by_oidc(session, issuer=issuer, subject=subject)
        if existing is None:
            raise
        return existing
    return user


# --- helpers ---------------------------------------------------------------------------------

_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


def _spend_a_hash(password: str) -> None:
    _verify(_DUMMY_HASH, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _email_taken() -> InvalidAccountDataError:
    return InvalidAccountDataError(
        "An account with that e-mail address already exists; sign in instead."
    )


def _now() -> datetime:
    return datetime.now(UTC)
