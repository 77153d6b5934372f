"""Feedback has its own address (?attempt=ID): back and reload work; next steps are one click."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from question_bank import load_bank
from tests.browser.server import running_app
from tests.browser.support import DESKTOP, TIMEOUT_MS, require_chromium
from tests.test_app_support import FRAMED, ML_FIRST, framing_prompt_id

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)


def _choose(page: Page, prompt_id: str) -> None:
    page.get_by_text("Filter prompts").click()
    search = page.get_by_label("Search")
    search.fill(prompt_id)
    search.press("Enter")
    text = load_bank().get(prompt_id).text
    expect(page.get_by_role("heading", name=text[:40])).to_be_visible()


def _submit(page: Page, answer: str) -> None:
    box = page.get_by_role("textbox", name="Your answer")
    box.fill(answer)
    page.get_by_role("button", name="Submit for feedback").click()
    expect(page.get_by_role("heading", name="Feedback", level=1)).to_be_visible()


def test_feedback_addresses_back_reload_and_next_steps(chromium: Browser, tmp_path: Path) -> None:
    with running_app(tmp_path / "data") as url:
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(url)
        _choose(page, framing_prompt_id())
        _submit(page, ML_FIRST)
        expect(page).to_have_url(re.compile(r"/feedback\?attempt=1$"))
        expect(page.get_by_text("Attempt #1 ·")).to_be_visible()

        # Edit and resubmit: the old answer is in the box, the old flags beside it.
        page.get_by_role("button", name="Edit and resubmit").click()
        expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
        box = page.get_by_role("textbox", name="Your answer")
        expect(box).to_have_value(ML_FIRST)
        expect(page.get_by_text("Flags on your previous try")).to_be_visible()
        _submit(page, FRAMED)
        expect(page).to_have_url(re.compile(r"/feedback\?attempt=2$"))
        expect(page.get_by_text("Compared with your previous try")).to_be_visible()

        # Back walks the history to the Practice page, then to the first attempt's feedback.
        page.go_back()
        expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
        page.go_back()
        expect(page).to_have_url(re.compile(r"/feedback\?attempt=1$"))
        expect(page.get_by_text("Attempt #1 ·")).to_be_visible()
        page.reload()
        expect(page.get_by_text("Attempt #1 ·")).to_be_visible()

        # An address typed or shared opens that attempt in a fresh session.
        fresh = context.new_page()
        fresh.goto(f"{url}/feedback?attempt=2")
        expect(fresh.get_by_text("Attempt #2 ·")).to_be_visible()

        # The other next steps land on Practice with the right prompt and an empty box.
        page.get_by_role("button", name="Try again from scratch").click()
        expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
        expect(page.get_by_role("textbox", name="Your answer")).to_have_value("")
        fresh.get_by_role("button", name="Practise this red flag").click()
        expect(fresh.get_by_role("heading", name="Practice", level=1)).to_be_visible()
        expect(
            fresh.get_by_test_id("stAlertContentInfo").filter(has_text="practise")
        ).to_be_visible()
        context.close()
