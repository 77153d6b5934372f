"""The first visit explains the coach in two lines and offers a warm-up prompt and the demo
history; the demo history fills Progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.server import running_app
from tests.browser.support import DESKTOP, TIMEOUT_MS, require_chromium, snap, wait_idle

require_chromium()

from playwright.sync_api import Browser, expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)


def test_first_visit_explains_and_offers_a_warm_up_and_the_demo(
    chromium: Browser, tmp_path: Path
) -> None:
    with running_app(tmp_path / "data") as url:
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(url)
        welcome = page.locator(".st-key-welcome")
        expect(welcome).to_contain_text("before the model")
        expect(welcome).to_contain_text("nothing you type leaves the machine")
        wait_idle(page)
        snap(page, "first-visit", full_page=False)

        page.get_by_role("button", name="Warm-up prompt").click()
        expect(page.get_by_test_id("stAlertContentInfo")).to_contain_text("warm-up")
        expect(page.get_by_text("difficulty 1 · warm-up")).to_be_visible()
        expect(welcome).to_have_count(0)

        # A new session on the same (still empty) data is welcomed too; it takes the demo.
        other = context.new_page()
        other.goto(url)
        other.get_by_role("button", name="Demo history").click()
        expect(other.get_by_role("heading", name="Progress", level=1)).to_be_visible()
        expect(other.locator(".js-plotly-plot")).to_have_count(4)
        expect(other.get_by_text("Ready for").first).to_be_visible()
        wait_idle(other)
        other.set_viewport_size({"width": 1400, "height": 2600})
        other.wait_for_timeout(800)  # let plotly re-layout to the new size
        snap(other, "progress-demo", full_page=False)
        context.close()
