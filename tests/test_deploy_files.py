"""compose.yaml, the Caddyfile, the Dockerfile and docs/deploy.md tell the same story (Docker
itself cannot run in this test environment, so the files are checked as data)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
DOCS = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_compose_runs_accounts_on_postgresql_behind_a_proxy() -> None:
    services = COMPOSE["services"]
    assert {"db", "migrate", "app", "proxy"} <= set(services)
    app = services["app"]
    env = app["environment"]
    assert env["COACH_AUTH"] in {"password", "oidc"}  # never the no-login mode on a server
    assert env["COACH_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in env
    assert app["deploy"]["replicas"] >= 2
    assert "--server.address=0.0.0.0" in app["command"]
    assert services["migrate"]["command"] == ["coach", "db", "upgrade"]
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_proxy_is_sticky_and_checks_health() -> None:
    mount = next(v for v in COMPOSE["services"]["proxy"]["volumes"] if "Caddyfile" in v)
    caddyfile = (ROOT / mount.split(":")[0]).read_text(encoding="utf-8")
    assert re.search(r"dynamic a app 8501", caddyfile)
    assert "lb_policy cookie" in caddyfile
    assert "/_stcore/health" in caddyfile


def test_the_image_contains_every_package_the_project_installs() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    packages = re.search(r"include = \[(.*?)\]", pyproject)
    assert packages
    for name in re.findall(r'"(\w+)\*"', packages.group(1)):
        assert f"COPY {name} ./{name}" in dockerfile


def test_the_docs_name_every_setting_compose_uses() -> None:
    for name in (
        *COMPOSE["x-app"]["environment"],
        "COACH_ALLOW_REMOTE_SINGLE_USER",
        "COACH_ALLOW_SIGNUP",
        "COACH_CLIENT_IP_HEADER",
        "COACH_PUBLIC_URL",
        "pg_dump",
        "pg_restore",
        "coach db upgrade",
        "coach admin create-user",
        "coach admin reset-password",
        "Sticky sessions",
    ):
        assert name in DOCS, name
