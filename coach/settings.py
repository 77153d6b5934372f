"""One typed settings object, read from the environment and (optionally) Streamlit secrets."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

import platformdirs
from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from scoring.report import LEVELS

APP_NAME = "aipm-coach"
DATABASE_FILE = "coach.db"
ScorerName = Literal["rules", "llm", "hybrid"]
SCORER_NAMES: tuple[str, ...] = get_args(ScorerName)
DEFAULT_LLM_MODEL = "gpt-4o-mini"
DEFAULT_TRANSCRIPTION_MODEL = "whisper-1"
AuthMode = Literal["none", "password", "oidc"]
_TRUE = {"1", "true", "yes", "on"}


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
    scorer: ScorerName = "rules"
    llm_model: str = DEFAULT_LLM_MODEL
    transcription_model: str = DEFAULT_TRANSCRIPTION_MODEL
    llm_budget_s: float = 20.0
    # Who is using the app: one local learner (none), accounts with passwords, or an OIDC
    # provider through st.login.
    auth: AuthMode = "none"
    # In "none" mode the app shows data only to a server bound to loopback, unless the operator
    # says a one-person server behind their own proxy is intended.
    allow_remote_single_user: bool = False
    allow_signup: bool = False
    session_hours: int = 24 * 14
    # Behind a reverse proxy every browser comes from the proxy's address: name the header that
    # carries the client's (e.g. X-Forwarded-For) so sign-in throttling counts per client.
    client_ip_header: str | None = None
    # The address learners reach the app at, when a proxy rewrites paths so the browser's own
    # URL does not lead back to it: review links are built from it.
    public_url: str | None = None

    @field_validator("public_url")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
            raise ValueError(
                "COACH_PUBLIC_URL must be an http(s) address such as "
                f"https://coach.example.org/coach, not {value!r}"
            )
        if parts.query or parts.fragment:
            raise ValueError(
                f"COACH_PUBLIC_URL must be the app's root address, without ? or #: {value!r}"
            )
        return value

    @field_validator("session_hours")
    @classmethod
    def _positive_lifetime(cls, value: int) -> int:
        if not 1 <= value <= 24 * 366:
            raise ValueError("COACH_SESSION_HOURS must be between 1 and 8784 (a year)")
        return value

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

    @field_validator("scorer", mode="before")
    @classmethod
    def _known_scorer(cls, value: object) -> object:
        if isinstance(value, str) and value.lower() not in SCORER_NAMES:
            raise ValueError(
                f"COACH_SCORER must be one of {', '.join(SCORER_NAMES)}, not {value!r}"
            )
        return value.lower() if isinstance(value, str) else value

    @field_validator("llm_budget_s")
    @classmethod
    def _positive_budget(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("COACH_LLM_BUDGET_S must be a positive number of seconds")
        return value

    @property
    def llm_configured(self) -> bool:
        """Whether an OpenAI-compatible endpoint can be reached: a key, or a local base URL."""
        return self.openai_api_key is not None or self.openai_base_url is not None

    @property
    def uses_sqlite(self) -> bool:
        """Whether the database is an embedded SQLite file (the single-learner default)."""
        return self.database_url.startswith("sqlite")


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable from this machine only.

    An empty address means every interface (Streamlit's default), so it is not loopback.
    """
    if not address or not address.strip():
        return False
    address = address.strip().strip("[]")
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # A host name that may resolve anywhere: assume it is reachable.


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
        scorer=lookup("COACH_SCORER") or "rules",
        llm_model=lookup("COACH_LLM_MODEL", "model") or DEFAULT_LLM_MODEL,
        transcription_model=lookup("COACH_TRANSCRIPTION_MODEL", "transcription_model")
        or DEFAULT_TRANSCRIPTION_MODEL,
        llm_budget_s=lookup("COACH_LLM_BUDGET_S") or 20.0,
        # A typo in COACH_AUTH fails validation: it never falls back to the no-login mode.
        auth=(lookup("COACH_AUTH") or "none").lower(),  # type: ignore[arg-type]
        allow_remote_single_user=(lookup("COACH_ALLOW_REMOTE_SINGLE_USER") or "").lower() in _TRUE,
        allow_signup=(lookup("COACH_ALLOW_SIGNUP") or "").lower() in _TRUE,
        session_hours=lookup("COACH_SESSION_HOURS") or 24 * 14,  # type: ignore[arg-type]
        client_ip_header=lookup("COACH_CLIENT_IP_HEADER"),
        public_url=lookup("COACH_PUBLIC_URL"),
    )
