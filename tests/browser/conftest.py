"""Fixtures for the learner-flow browser tests (test_e2e.py keeps its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS
from tests.browser.support import require_chromium


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Chromium per test module."""
    require_chromium()  # skips locally, fails when CI=true
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
