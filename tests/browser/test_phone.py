"""On a 390x844 phone: the prompt shows without scrolling past the filters, the score cards fit
in one screen, nothing overflows sideways; the flags are grouped one marker per sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.server import running_app
from tests.browser.support import PHONE, TIMEOUT_MS, require_chromium, snap, wait_idle
from tests.test_app_support import ML_FIRST

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)


def _no_sideways_overflow(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.querySelector('[data-testid=\"stMain\"]').scrollWidth]"
    )
    assert max(widths) <= PHONE["width"], widths


def test_practice_and_feedback_fit_a_phone(chromium: Browser, tmp_path: Path) -> None:
    with running_app(tmp_path / "data") as url:
        context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(url)
        prompt = page.locator("h4").first
        expect(prompt).to_be_visible()
        expect(page.get_by_text("Filter prompts")).to_be_visible()  # folded into an expander
        wait_idle(page)
        box = prompt.bounding_box()
        # First visit: the welcome sits above, the prompt's first line is still on screen.
        assert box is not None and box["y"] + 40 <= PHONE["height"], box
        page.get_by_role("button", name="Dismiss").click()
        expect(page.get_by_role("button", name="Dismiss")).to_have_count(0)
        wait_idle(page)
        box = prompt.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
        _no_sideways_overflow(page)
        snap(page, "phone-practice", full_page=False)

        answer = page.get_by_role("textbox", name="Your answer")
        answer.fill(ML_FIRST)
        page.get_by_role("button", name="Submit for feedback").click()
        expect(page.get_by_role("heading", name="Feedback", level=1)).to_be_visible()
        wait_idle(page)
        overall = page.get_by_test_id("stMetric").filter(has_text="Overall score")
        expect(overall).to_be_visible()
        cards = page.locator(".dimension-cards")
        expect(cards.locator(".dimension-reason")).to_have_count(5)  # reasons on the page
        top, bottom = overall.bounding_box(), cards.bounding_box()
        assert top is not None and bottom is not None
        span = bottom["y"] + bottom["height"] - top["y"]
        assert span <= PHONE["height"], f"score cards span {span:.0f}px"
        _no_sideways_overflow(page)

        # One marker per sentence: the opening sentence carries several flags behind one badge.
        badges = page.locator("sup.flag-badge")
        expect(badges.first).to_be_visible()
        labels = badges.all_inner_texts()
        assert any("," in label for label in labels), labels
        assert len(labels) == len(set(labels))
        snap(page, "phone-feedback-top", full_page=False)
        page.locator(".coach-answer").scroll_into_view_if_needed()
        snap(page, "phone-feedback-flags", full_page=False)
        context.close()
