"""A draft typed and not blurred survives a sidebar page switch, a reload and a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.server import running_app
from tests.browser.support import DESKTOP, TIMEOUT_MS, require_chromium, snap

require_chromium()

from playwright.sync_api import Browser, expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)
DRAFT = "The user is a night-shift nurse who loses twenty minutes per handover"


def test_a_draft_survives_a_page_switch_a_reload_and_a_restart(
    chromium: Browser, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with running_app(data) as url:
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(url)
        box = page.get_by_role("textbox", name="Your answer")
        expect(box).to_be_visible()
        page.get_by_text("Senior PM", exact=True).click()
        expect(page.get_by_role("radio", name="Senior PM")).to_be_checked()
        # The exact sequence: type, then click another page without clicking elsewhere first.
        box.click()
        page.keyboard.type(DRAFT)
        page.get_by_role("link", name="Progress").click()
        expect(page.get_by_role("heading", name="Progress", level=1)).to_be_visible()
        page.get_by_role("link", name="Practice").click()
        expect(box).to_have_value(DRAFT)
        expect(page.get_by_role("radio", name="Senior PM")).to_be_checked()  # level kept too

        page.reload()
        expect(box).to_have_value(DRAFT)
        context.close()

    # A restart of the app on the same data: the draft comes back from the database.
    with running_app(data) as url:
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(url)
        box = page.get_by_role("textbox", name="Your answer")
        expect(box).to_have_value(DRAFT)
        expect(page.get_by_text("draft saved")).to_be_visible()
        expect(page.get_by_role("radio", name="Senior PM")).to_be_checked()
        snap(page, "draft-restored")
        context.close()
