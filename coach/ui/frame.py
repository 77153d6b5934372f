"""The shared frame every page draws in: settings, the open database, the learner and the bank.

Opening the database and loading the bank happen once per process (``st.cache_resource``);
who the user is comes from ``coach.ui.auth`` on every rerun. A failure becomes a page that
says what to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import ValidationError

from coach.errors import CoachError, DatabaseUnavailableError, QuestionBankError
from coach.services.bank import get_bank
from coach.services.store import Database, open_store
from coach.services.users import UserContext
from coach.settings import Settings, load_settings, mask_url
from coach.ui.auth import RemoteSingleUserError, SignInNeeded, local_session_user, resolve_user
from question_bank import Bank
from scoring import warm_up

FRAME_KEY = "_coach_frame"
SETUP_KEY = "_coach_setup"


@dataclass(frozen=True, slots=True)
class Setup:
    """What every page needs before anyone signs in: settings, database and bank."""

    settings: Settings
    db: Database
    bank: Bank


@dataclass(frozen=True, slots=True)
class Frame:
    """What a page needs: settings, database, the signed-in (local) learner, the bank."""

    settings: Settings
    db: Database
    user: UserContext
    bank: Bank


class FrameError(Exception):
    """The frame cannot be built; carries a title and what the learner should do."""

    def __init__(self, title: str, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
        self.details = details or []


def _secrets() -> dict[str, Any]:
    # No secrets.toml is the normal case for a local learner: nothing to pass in.
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}


# The inputs the last settings were built from, and those settings (one entry per process).
_last_settings: tuple[tuple[object, ...], Settings] | None = None


def _current_settings() -> Settings:
    """Build the settings, again only when the environment or the secrets changed: validating
    them took ~0.4 ms of every rerun, and they change once per deployment, not per click.

    Raises:
        ValidationError: the settings are invalid (never remembered: fixed ones are read again).
    """
    global _last_settings  # one entry shared by every session's thread
    secrets = _secrets()
    # A relative COACH_DATA_DIR resolves against the working folder.
    inputs = (tuple(sorted(os.environ.items())), secrets, os.getcwd())
    remembered = _last_settings  # one read: another session's thread may replace it meanwhile
    if remembered is not None and remembered[0] == inputs:
        return remembered[1]
    settings = load_settings(secrets=secrets)
    _last_settings = (inputs, settings)
    return settings


@st.cache_resource(show_spinner="Opening your practice data…")
def _database(database_url: str, _settings: Settings) -> Database:
    """Open (and migrate) the database once per process and URL."""
    return open_store(_settings)


@st.cache_resource(show_spinner=False)
def _scoring_ready() -> bool:
    """Build the engine's vocabulary once per server process, out of the cyclic GC's reach
    (a full collection rescanning it cost ~20 ms on the first answers otherwise)."""
    warm_up(freeze=True)
    return True


@st.cache_resource(show_spinner="Loading the question bank…")
def cached_bank(data_dir: str) -> Bank:
    """Load the built-in bank plus the custom banks installed in ``data_dir``, once per process
    (Settings & data has a button that clears this after ``coach bank add``)."""
    return get_bank(data_dir=Path(data_dir))


def load_setup() -> Setup:
    """Open settings, database and bank (cheap after the first run of the process).

    Raises:
        FrameError: settings, database or question bank cannot be used.
    """
    try:
        settings = _current_settings()
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        raise FrameError(
            "The app's settings are invalid",
            "Fix the environment variables (COACH_*) or .streamlit/secrets.toml and reload.",
            problems,
        ) from error
    try:
        db = _database(settings.database_url, settings)
    except DatabaseUnavailableError as error:
        raise FrameError(
            "Your practice data cannot be opened",
            str(error),
            [
                f"Database: {mask_url(settings.database_url)}",
                f"Data folder: {settings.data_dir}",
                "To use another folder, start the app with COACH_DATA_DIR=/a/writable/folder; "
                "to use a server database, set COACH_DATABASE_URL.",
            ],
        ) from error
    _scoring_ready()
    try:
        bank = cached_bank(str(settings.data_dir))
    except QuestionBankError as error:
        raise FrameError(
            "The question bank has errors",
            "Fix these problems in the question-bank files (or run `coach bank validate`), "
            "then reload.",
            list(error.problems),
        ) from error
    return Setup(settings=settings, db=db, bank=bank)


def load_frame() -> Frame | SignInNeeded:
    """Build the frame for this rerun, or say that someone must sign in first.

    Raises:
        FrameError: settings, database or bank cannot be used, the user cannot be loaded, or
            the no-login mode is served beyond this machine.
    """
    setup = load_setup()
    st.session_state[SETUP_KEY] = setup
    try:
        user = resolve_user(setup.settings, setup.db)
    except RemoteSingleUserError as error:
        raise FrameError("This app is not private", str(error)) from error
    except CoachError as error:
        raise FrameError("Your learner profile cannot be loaded", str(error)) from error
    if isinstance(user, SignInNeeded):
        return user
    return Frame(settings=setup.settings, db=setup.db, user=user, bank=setup.bank)


def session_user(frame: Frame) -> UserContext:
    """The acting user for a retry after a storage failure: the no-login learner is looked up
    again if the database was recreated; a signed-in user is who signed in."""
    if frame.settings.auth == "none":
        return local_session_user(frame.db, frame.settings)
    return frame.user


def render_frame_error(error: FrameError) -> None:
    """Draw the error page (no traceback) and stop the run."""
    st.title(error.title)
    st.error(error.message)
    if error.details:
        st.code("\n".join(error.details), language=None, wrap_lines=True)
    st.caption("Once the problem is fixed, reload this page.")
    st.stop()


def current_frame() -> Frame:
    """Return the frame ``app.py`` built for this rerun."""
    frame = st.session_state.get(FRAME_KEY)
    if not isinstance(frame, Frame):
        # A page run without the router (should not happen): build it here.
        try:
            built = load_frame()
        except FrameError as error:
            render_frame_error(error)
            raise
        if isinstance(built, SignInNeeded):
            st.info("Please sign in first.")
            st.stop()
        frame = built
        st.session_state[FRAME_KEY] = frame
    return frame


def current_setup() -> Setup:
    """Return settings, database and bank for pages shown before sign-in."""
    setup = st.session_state.get(SETUP_KEY)
    if not isinstance(setup, Setup):
        try:
            setup = load_setup()
        except FrameError as error:
            render_frame_error(error)
            raise
    return setup
