"""Settings: environment over secrets over defaults; secrets never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from coach.settings import default_data_dir, load_settings


def test_defaults_use_the_per_user_data_folder_and_a_sqlite_file_in_it() -> None:
    settings = load_settings(environ={})
    assert settings.data_dir == default_data_dir()
    assert "aipm-coach" in str(settings.data_dir)
    assert settings.database_url == f"sqlite:///{settings.data_dir.resolve() / 'coach.db'}"
    assert settings.uses_sqlite
    assert settings.openai_api_key is None
    assert settings.default_level == "pm"


def test_environment_overrides_every_default(tmp_path: Path) -> None:
    settings = load_settings(
        environ={
            "COACH_DATA_DIR": str(tmp_path),
            "COACH_DATABASE_URL": "postgresql+psycopg://coach@db.internal/coach",
            "OPENAI_API_KEY": "sk-env",
            "OPENAI_BASE_URL": "http://127.0.0.1:9999/v1",
            "COACH_LEVEL": "Senior",
        }
    )
    assert settings.data_dir == tmp_path
    assert settings.database_url == "postgresql+psycopg://coach@db.internal/coach"
    assert not settings.uses_sqlite
    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == "sk-env"
    assert settings.openai_base_url == "http://127.0.0.1:9999/v1"
    assert settings.default_level == "senior"


def test_data_dir_alone_moves_the_sqlite_file(tmp_path: Path) -> None:
    settings = load_settings(environ={"COACH_DATA_DIR": str(tmp_path / "elsewhere")})
    assert settings.database_url == f"sqlite:///{(tmp_path / 'elsewhere').resolve()}/coach.db"


@pytest.mark.parametrize(
    "secrets",
    [{"OPENAI_API_KEY": "sk-secret"}, {"openai": {"api_key": "sk-secret"}}],
    ids=["flat", "table"],
)
def test_api_key_comes_from_streamlit_secrets(secrets: dict[str, object]) -> None:
    settings = load_settings(environ={}, secrets=secrets)
    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == "sk-secret"


def test_environment_wins_over_secrets() -> None:
    settings = load_settings(
        environ={"OPENAI_API_KEY": "sk-env"}, secrets={"OPENAI_API_KEY": "sk-secret"}
    )
    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == "sk-env"


def test_secrets_never_appear_in_repr_str_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings(
        environ={
            "OPENAI_API_KEY": "sk-very-secret",
            "COACH_DATABASE_URL": "postgresql+psycopg://coach:hunter2@db/coach",
        }
    )
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings: %s / %r", settings, settings)
    for text in (repr(settings), str(settings), caplog.text):
        assert "sk-very-secret" not in text
        assert "hunter2" not in text
    assert "coach:***@db" in repr(settings)


def test_unknown_level_is_rejected_with_the_choices() -> None:
    with pytest.raises(ValidationError, match="apm, pm, senior"):
        load_settings(environ={"COACH_LEVEL": "intern"})


def test_blank_values_count_as_unset() -> None:
    settings = load_settings(environ={"OPENAI_API_KEY": "  ", "COACH_LEVEL": ""})
    assert settings.openai_api_key is None
    assert settings.default_level == "pm"


def test_the_public_url_comes_from_the_environment_or_secrets() -> None:
    assert load_settings(environ={}).public_url is None
    assert load_settings(environ={"COACH_PUBLIC_URL": "  "}).public_url is None
    from_env = load_settings(environ={"COACH_PUBLIC_URL": " https://coach.example.org/coach/ "})
    assert from_env.public_url == "https://coach.example.org/coach/"
    from_secrets = load_settings(environ={}, secrets={"COACH_PUBLIC_URL": "http://10.0.0.5:8501"})
    assert from_secrets.public_url == "http://10.0.0.5:8501"


@pytest.mark.parametrize(
    "value",
    [
        "coach.example.org",
        "ftp://coach.example.org",
        "https://",
        "javascript:alert(1)",
        "https://coach.example.org/?review=x",
        "https://coach.example.org/#top",
    ],
)
def test_a_public_url_that_is_not_an_http_root_address_is_rejected(value: str) -> None:
    with pytest.raises(ValidationError, match="COACH_PUBLIC_URL must be"):
        load_settings(environ={"COACH_PUBLIC_URL": value})
