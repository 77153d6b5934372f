"""Shared parts of the learner-flow browser tests: Chromium, the running app, screenshots.

Screenshots are opt-in: with ``AIPM_SCREENSHOTS=1`` they are written to
``$AIPM_SCREENSHOT_DIR`` (default: ``<tmp>/aipm-screens``), never into the repository.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.browser.server import CHROMIUM, chromium_available

TIMEOUT_MS = 30_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}


def require_chromium() -> None:
    """Skip the module without Chromium, or fail it when CI=true."""
    if chromium_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests", pytrace=False)
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install -y chromium)", allow_module_level=True
    )


def screenshot_dir() -> Path | None:
    """Where screenshots go, or None when they are not asked for."""
    if os.environ.get("AIPM_SCREENSHOTS") != "1":
        return None
    folder = Path(
        os.environ.get("AIPM_SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "aipm-screens"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page: object, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot named ``name`` when screenshots are on (see the module doc)."""
    folder = screenshot_dir()
    if folder is not None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)  # type: ignore[attr-defined]


def wait_idle(page: object) -> None:
    """Wait until Streamlit has finished the current run (no running indicator, no skeleton)."""
    from playwright.sync_api import expect

    page.wait_for_timeout(150)  # type: ignore[attr-defined]
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)  # type: ignore[attr-defined]
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)  # type: ignore[attr-defined]
