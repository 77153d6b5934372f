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


def sign_in(page: object, url: str, *, email: str, password: str) -> None:
    """Sign in with a password on the app at ``url`` and wait for the Practice page."""
    from playwright.sync_api import expect

    page.goto(url)  # type: ignore[attr-defined]
    form = page.get_by_test_id("stForm").first  # type: ignore[attr-defined]
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()  # type: ignore[attr-defined]


def download(
    page: object, button_name: str, *, tries: int = 3, save_in: Path | None = None
) -> Path:
    """Click a download button until the file arrives; return where Playwright saved it, or
    with ``save_in``, the copy saved there under the name the app gave it (an uploader that
    accepts only ``.json`` needs the name).

    A click that lands while the page is still rerunning (a busy machine) is swallowed by the
    re-render, so it is clicked again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

    button = page.get_by_role("button", name=button_name)  # type: ignore[attr-defined]
    for attempt in range(1, tries + 1):
        # A loaded machine can drop the websocket for a while: widgets are disabled until the
        # page reconnects, so wait for the button to come back before each click.
        expect(button).to_be_enabled(timeout=60_000)
        try:
            with page.expect_download(timeout=20_000) as started:  # type: ignore[attr-defined]
                button.click()
            if save_in is None:
                return Path(started.value.path())
            saved = save_in / started.value.suggested_filename
            started.value.save_as(saved)
            return saved
        except PlaywrightTimeoutError:
            if attempt == tries:
                raise
    raise AssertionError("unreachable")


def prepare_and_download(page: object, label: str, *, tries: int = 3) -> Path:
    """Click "Prepare <label>" until its download button appears (a click that lands while
    the page reruns is swallowed), then download the file."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

    ready = page.get_by_role("button", name=label, exact=True)  # type: ignore[attr-defined]
    for attempt in range(1, tries + 1):
        page.get_by_role("button", name=f"Prepare {label}").click()  # type: ignore[attr-defined]
        try:
            expect(ready).to_be_visible(timeout=20_000)
            break
        except (AssertionError, PlaywrightTimeoutError):
            if attempt == tries:
                raise
    return download(page, label)
