"""One typed settings object, read from the environment and (optionally) Streamlit secrets."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from scoring.report import LEVELS

APP_NAME = "aipm-coach"
DATABASE_FILE = "coach.db"


class Settings(BaseSettings):
    """Where data lives, which database to use and how to reach the optional LLM judge.

    A pydantic-settings model; :func:`load_settings` resolves the values (environment over
    Streamlit secrets over defaults, with the data-dir-derived database URL) and passes them
    in, so the model never reads the process environment behind the caller's back.
    """

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    data_dir: Path
    database_url: str
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    default_level: str = "pm"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what load_settings passes in: tests hand it an explicit environment mapping.
        return (init_settings,)

    @field_validator("default_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value not in LEVELS:
            raise ValueError(f"COACH_LEVEL must be one of {', '.join(LEVELS)}, not {value!r}")
        return value

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # The URL of a server database may embed a password: never print it.
        for name, value in super().__repr_args__():
            yield name, (mask_url(value) if name == "database_url" else value)

    @property
    def uses_sqlite(self) -> bool:
        """Whether the database is an embedded SQLite file (the single-learner default)."""
        return self.database_url.startswith("sqlite")


def mask_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def default_data_dir() -> Path:
    """Return the per-user data folder the OS expects (e.g. ~/.local/share/aipm-coach)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def load_settings(
    environ: Mapping[str, str] = os.environ, secrets: Mapping[str, Any] | None = None
) -> Settings:
    """Build the settings; the environment wins over secrets, secrets over defaults.

    ``secrets`` is a mapping such as ``st.secrets``: flat keys (``OPENAI_API_KEY``) or an
    ``[openai]`` table with ``api_key`` / ``base_url`` are both understood.
    """
    secrets = secrets or {}
    openai_table = secrets.get("openai")
    openai_table = openai_table if isinstance(openai_table, Mapping) else {}

    def lookup(name: str, table_key: str | None = None) -> str | None:
        for value in (
            environ.get(name),
            secrets.get(name),
            openai_table.get(table_key) if table_key else None,
        ):
            if value is not None and str(value).strip():
                return str(value).strip()
        return None

    data_dir_value = lookup("COACH_DATA_DIR")
    data_dir = Path(data_dir_value).expanduser() if data_dir_value else default_data_dir()
    database_url = lookup("COACH_DATABASE_URL") or f"sqlite:///{data_dir.resolve() / DATABASE_FILE}"
    api_key = lookup("OPENAI_API_KEY", "api_key")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        openai_api_key=SecretStr(api_key) if api_key else None,
        openai_base_url=lookup("OPENAI_BASE_URL", "base_url"),
        default_level=(lookup("COACH_LEVEL") or "pm").lower(),
    )
