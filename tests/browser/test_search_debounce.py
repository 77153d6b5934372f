"""The search box sends its text once the learner pauses, not on every keystroke.

``coach.ui.autosave`` commits a watched box after ``DEBOUNCE_MS`` of quiet. What proves it
here is what the browser sends: every rerun starts with a message from the page to the server
over the websocket, so the frames sent while typing count the reruns typing caused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.services import selection
from coach.ui.autosave import DEBOUNCE_MS
from question_bank import load_bank
from tests.browser.server import running_app
from tests.browser.support import DESKTOP, TIMEOUT_MS, require_chromium, wait_idle

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)
QUERY = "support"
KEY_DELAY_MS = 100  # a brisk typist: ten keys a second


def _bank_table_shows(page: Page, matches: int, total: int) -> None:
    # The grid states its rows for assistive technology (the header row included).
    grid = page.get_by_test_id("stDataFrame").locator("[aria-rowcount]").first
    expect(grid).to_have_attribute("aria-rowcount", str(matches + 1))


def _practice_picker_shows(page: Page, matches: int, total: int) -> None:
    expect(page.get_by_text(f"Prompt ({matches} of {total} match)")).to_be_visible()


PAGES: dict[str, tuple[str, Callable[[Page, int, int], None]]] = {
    "question_bank": ("/question_bank", _bank_table_shows),
    "practice": ("/", _practice_picker_shows),
}


@pytest.mark.parametrize("page_name", list(PAGES))
def test_typing_in_search_filters_once_after_the_pause(
    chromium: Browser, tmp_path: Path, page_name: str
) -> None:
    path, list_shows = PAGES[page_name]
    bank = load_bank()
    matches = len(selection.find_prompts(bank, query=QUERY))
    assert 0 < matches < len(bank)
    assert KEY_DELAY_MS < DEBOUNCE_MS / 2  # so the keystrokes' gaps never look like a pause
    with running_app(tmp_path / "data") as url:
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        sent = _frames_sent(page)
        page.goto(url + path)
        if page_name == "practice":
            page.get_by_text("Filter prompts").click()
        box = page.get_by_role("textbox", name="Search")
        expect(box).to_be_visible()
        wait_idle(page)
        list_shows(page, len(bank), len(bank))
        before = len(sent)

        box.click()
        started = time.monotonic()
        page.keyboard.type(QUERY, delay=KEY_DELAY_MS)
        typing_s = time.monotonic() - started
        during = sent[before:]
        # (a) once typing stops, the list shows only the matches ...
        list_shows(page, matches, len(bank))
        wait_idle(page)
        page.wait_for_timeout(2 * DEBOUNCE_MS)  # anything late would arrive by now
        # (b) ... after one rerun: nothing was sent while typing, one message after the pause,
        # carrying the whole word (no message carried a prefix of it).
        assert not during, f"{len(during)} message(s) sent during {typing_s:.2f} s of typing"
        after = sent[before:]
        assert len(after) == 1, f"{len(after)} messages after the pause"
        assert QUERY.encode() in _raw(after[0])
        context.close()


def _frames_sent(page: Page) -> list[bytes | str]:
    """Every websocket message the page sends from now on (each rerun starts with one)."""
    sent: list[bytes | str] = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda frame: sent.append(frame)))
    return sent


def _raw(frame: bytes | str) -> bytes:
    return frame if isinstance(frame, bytes) else frame.encode()
