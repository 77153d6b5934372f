"""The shared frame every page draws in: settings, the open database, the learner and the bank.

Opening the database and loading the bank happen once per process (``st.cache_resource``);
the learner is looked up once per session. A failure becomes a page that says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import ValidationError

from coach.errors import CoachError, DatabaseUnavailableError, QuestionBankError
from coach.services.bank import get_bank
from coach.services.store import Database, open_store
from coach.services.users import UserContext, local_learner
from coach.settings import Settings, load_settings, mask_url
from question_bank import Bank

FRAME_KEY = "_coach_frame"


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


@st.cache_resource(show_spinner="Opening your practice data…")
def _database(database_url: str, _settings: Settings) -> Database:
    """Open (and migrate) the database once per process and URL."""
    return open_store(_settings)


@st.cache_resource(show_spinner="Loading the question bank…")
def cached_bank(data_dir: str) -> Bank:
    """Load the built-in bank plus the custom banks installed in ``data_dir``, once per process
    (Settings & data has a button that clears this after ``coach bank add``)."""
    return get_bank(data_dir=Path(data_dir))


def load_frame() -> Frame:
    """Build the frame for this rerun (cheap after the first run of the process and session).

    Raises:
        FrameError: settings, database or question bank cannot be used.
    """
    try:
        settings = load_settings(secrets=_secrets())
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
    try:
        bank = cached_bank(str(settings.data_dir))
    except QuestionBankError as error:
        raise FrameError(
            "The question bank has errors",
            "Fix these problems in the question-bank files (or run `coach bank validate`), "
            "then reload.",
            list(error.problems),
        ) from error
    user_key = f"_coach_user::{settings.database_url}"
    user = st.session_state.get(user_key)
    if user is None:
        try:
            user = local_learner(db)
        except CoachError as error:
            raise FrameError("Your learner profile cannot be loaded", str(error)) from error
        st.session_state[user_key] = user
    return Frame(settings=settings, db=db, user=user, bank=bank)


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
            frame = load_frame()
        except FrameError as error:
            render_frame_error(error)
            raise
        st.session_state[FRAME_KEY] = frame
    return frame
