"""Open the learner's store: the one way the app's frame reaches the database."""

from __future__ import annotations

from coach.db.database import Database, open_database
from coach.settings import Settings

__all__ = ["Database", "open_store"]


def open_store(settings: Settings) -> Database:
    """Open (and migrate) the database the settings name.

    Raises:
        DatabaseUnavailableError: it cannot be opened or migrated; the message says what to do.
    """
    return open_database(settings)
