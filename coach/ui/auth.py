"""Who is at the keyboard: the local learner, a password session, or an OIDC login.

A password sign-in keeps its session token in a cookie, written by a tiny script component
(Streamlit can read cookies, ``st.context.cookies``, but not set them). A reload sends the
cookie with the new connection; the token is checked against the database on every rerun,
so any replica knows it and an expired, signed-out or deleted session ends at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from coach.errors import CoachError, SessionEndedError
from coach.services import accounts
from coach.services.accounts import SignedIn
from coach.services.store import Database
from coach.services.users import UserContext, local_learner
from coach.settings import Settings, is_loopback
from coach.ui.widgets import md_escape

SESSION_COOKIE = "aipm_coach_session"
TOKEN_KEY = "_coach_session_token"  # noqa: S105 - a session-state key, not a secret
DROPPED_KEY = "_coach_dropped_token"  # The cookie this connection arrived with, now ended.
COOKIE_KEY = "_coach_cookie_to_write"  # (value, max-age seconds) for the cookie script
NOTICE_KEY = "_coach_auth_notice"
OIDC_KEY = "_coach_oidc_user"

_COOKIE_SCRIPT = """
export default function ({ data }) {
  if (!data) return;
  const parts = [
    `${data.name}=${data.value}`,
    `Path=${data.path}`,
    `Max-Age=${data.max_age}`,
    "SameSite=Strict",
  ];
  if (window.location.protocol === "https:") parts.push("Secure");
  document.cookie = parts.join("; ");
}
"""
_cookie_writer = st.components.v2.component("aipm_coach_session_cookie", js=_COOKIE_SCRIPT)


class RemoteSingleUserError(CoachError):
    """The no-login mode is served beyond this machine: everyone would be the same learner."""

    def __init__(self, address: str) -> None:
        where = address or "every network interface"
        super().__init__(
            f"This app runs without sign-in (COACH_AUTH=none) but listens on {where}, so "
            "anyone who can reach it would see and change the same practice data. Serve it "
            "on 127.0.0.1 only (--server.address 127.0.0.1), turn on accounts with "
            "COACH_AUTH=password or COACH_AUTH=oidc, or, for a one-person server behind your "
            "own proxy, set COACH_ALLOW_REMOTE_SINGLE_USER=1."
        )


@dataclass(frozen=True, slots=True)
class SignInNeeded:
    """Nobody is signed in: the router shows the sign-in page."""

    mode: str


def local_session_user(db: Database, settings: Settings) -> UserContext:
    """The no-login learner, looked up once per session and again each time the database was
    checked again after a failure (it may have been recreated empty).

    Raises:
        CoachError: the learner cannot be looked up (e.g. StorageUnavailableError).
    """
    key = f"_coach_user::{settings.database_url}"
    cached = st.session_state.get(key)
    if cached is not None and cached[0] == db.generation:
        return cached[1]
    user = local_learner(db)
    st.session_state[key] = (db.generation, user)
    return user


def resolve_user(settings: Settings, db: Database) -> UserContext | SignInNeeded:
    """Return the acting user for this rerun, or say that someone must sign in first.

    Raises:
        RemoteSingleUserError: no-login mode on a non-loopback address without the opt-in.
        CoachError: the local learner cannot be loaded.
    """
    if settings.auth == "none":
        address = str(st.get_option("server.address") or "")
        if not is_loopback(address) and not settings.allow_remote_single_user:
            raise RemoteSingleUserError(address)
        return local_session_user(db, settings)
    if settings.auth == "oidc":
        return _oidc_user(db)
    return _password_user(db)


def _password_user(db: Database) -> UserContext | SignInNeeded:
    state = st.session_state
    token = state.get(TOKEN_KEY)
    if token is None:
        cookie = st.context.cookies.get(SESSION_COOKIE)
        # Anything but a non-empty string (AppTest hands out mocks) is no cookie.
        usable = isinstance(cookie, str) and cookie and cookie != state.get(DROPPED_KEY)
        token = cookie if usable else None
    if not token:
        return SignInNeeded("password")
    try:
        user = accounts.resume(db, token)
    except SessionEndedError as ended:
        _forget(token)
        state[NOTICE_KEY] = str(ended)
        return SignInNeeded("password")
    state[TOKEN_KEY] = token
    return user


def _oidc_user(db: Database) -> UserContext | SignInNeeded:
    # st.user has no is_logged_in at all until an [auth] section is configured.
    if not st.user.get("is_logged_in", False):
        st.session_state.pop(OIDC_KEY, None)
        return SignInNeeded("oidc")
    claims = st.user.to_dict()
    identity = (claims.get("iss"), claims.get("sub"))
    cached = st.session_state.get(OIDC_KEY)
    if cached is not None and cached[0] == identity:
        return cached[1]
    outcome = accounts.user_for_oidc(db, claims)
    st.session_state[OIDC_KEY] = (identity, outcome.user)
    if outcome.notice:
        st.session_state[NOTICE_KEY] = outcome.notice
    return outcome.user


def client_address(settings: Settings) -> str | None:
    """The browser's network address, for per-address sign-in throttling: the first entry of
    the proxy's header when ``COACH_CLIENT_IP_HEADER`` names one, else the connection's."""
    if settings.client_ip_header:
        forwarded = st.context.headers.get(settings.client_ip_header)
        first = forwarded.split(",")[0].strip() if isinstance(forwarded, str) else ""
        if first:
            return first
    address = st.context.ip_address
    # Not every runtime has a connection (a script run by AppTest has none): no throttle then.
    return address if isinstance(address, str) and address else None


def start_session(signed: SignedIn, settings: Settings) -> None:
    """Remember a new password session in this tab and in the browser's cookie."""
    st.session_state[TOKEN_KEY] = signed.token
    st.session_state[COOKIE_KEY] = (signed.token, settings.session_hours * 3600)


def sign_out(db: Database, settings: Settings, *, everywhere: bool = False) -> None:
    """End this session (or all of the user's) and forget it in the tab and the browser."""
    if settings.auth == "oidc":
        st.session_state.clear()  # The next person at this computer starts clean.
        st.logout()
        return
    token = st.session_state.get(TOKEN_KEY)
    if token:
        if everywhere:
            user = accounts.resume(db, token)
            accounts.sign_out_everywhere(db, user)
        else:
            accounts.sign_out(db, token)
        _forget(token)


def _forget(token: str) -> None:
    # Drop everything this tab held (drafts, cached pages): the next person at a shared
    # computer starts clean.
    notice = st.session_state.get(NOTICE_KEY)
    st.session_state.clear()
    st.session_state[DROPPED_KEY] = token
    st.session_state[COOKIE_KEY] = ("", 0)
    if notice:
        st.session_state[NOTICE_KEY] = notice


def write_cookie() -> None:
    """Draw the cookie script while a cookie change is pending (called by the router on every
    run; re-setting the same value is harmless, and it survives reruns that race the browser)."""
    pending = st.session_state.get(COOKIE_KEY)
    if pending is None:
        return
    value, max_age = pending
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    _cookie_writer(
        data={
            "name": SESSION_COOKIE,
            "value": value,
            "max_age": max_age,
            "path": f"/{base}" if base else "/",
        },
        key="coach_session_cookie",
    )


def account_menu(db: Database, settings: Settings, user: UserContext) -> None:
    """Draw who is signed in and the sign-out buttons in the sidebar (not in no-login mode)."""
    if settings.auth == "none":
        return
    with st.sidebar:
        st.caption(f"Signed in as {md_escape(user.display_name)}")
        if st.button("Sign out", key="account_sign_out", icon=":material/logout:"):
            sign_out(db, settings)
            st.rerun()
        if settings.auth == "password" and st.button(
            "Sign out everywhere",
            key="account_sign_out_everywhere",
            help="Ends your sessions on every device and browser.",
        ):
            sign_out(db, settings, everywhere=True)
            st.rerun()


def show_notice() -> None:
    """Show (once) why the user was signed out, or what their provider did not share."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
