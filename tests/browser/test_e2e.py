"""End to end in Chromium: a new learner practises, sees the red flags in place, retries with a
framed answer, sees the score rise and both attempts on Progress. With AIPM_SCREENSHOTS=1,
screenshots go to tests/artifacts/ for a human (or an agent) to look at."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from question_bank import load_bank
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.browser.support import prepare_and_download, require_chromium
from tests.test_app_support import FRAMED, ML_FIRST, framing_prompt_id

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT_MS = 30_000
# Screenshots cost most of these tests' time (the page is measured until it stops growing):
# taken only when asked for.
SCREENSHOTS = os.environ.get("AIPM_SCREENSHOTS", "").strip() == "1"

require_chromium()

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app(tmp_path / "data", log_path=ARTIFACTS / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    yield page
    context.close()


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current run (script state and no indicator)."""
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT_MS)


def _content_height(page: Page) -> int:
    return int(
        page.evaluate(
            "() => { const main = document.querySelector('[data-testid=\"stMain\"]');"
            " return main ? main.scrollHeight : document.body.scrollHeight; }"
        )
    )


def screenshot(page: Page, name: str) -> Path | None:
    """With AIPM_SCREENSHOTS=1, save a full-page screenshot; the app scrolls inside its main
    block, so grow the viewport to the content's height once the page has stopped growing
    (charts and tables load late)."""
    if not SCREENSHOTS:
        return None
    wait_idle(page)
    height, stable = _content_height(page), 0
    while stable < 3:
        page.wait_for_timeout(250)
        now = _content_height(page)
        stable = stable + 1 if now == height else 0
        height = now
    page.set_viewport_size({"width": 1400, "height": min(max(height + 40, 1000), 9000)})
    # Let plotly re-layout to the new size: every chart's drawing fills its box again.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(plot => {"
        " const svg = plot.querySelector('.main-svg');"
        " return !svg || Math.abs(svg.getBoundingClientRect().width"
        " - plot.getBoundingClientRect().width) < 2; })"
    )
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def choose_prompt(page: Page, prompt_id: str) -> None:
    """Search by the prompt's id: the first match becomes the selected prompt."""
    page.get_by_text("Filter prompts").click()  # the filters fold into an expander
    search = page.get_by_label("Search")
    search.fill(prompt_id)
    search.press("Enter")
    expect(page.get_by_text("Prompt (1 of")).to_be_visible()
    wait_idle(page)
    text = load_bank().get(prompt_id).text
    expect(page.get_by_role("heading", name=text[:40])).to_be_visible()


def answer_and_submit(page: Page, answer: str) -> None:
    box = page.get_by_role("textbox", name="Your answer")
    box.fill(answer)
    box.press("Control+Enter")  # commit the text before the click
    # The word count under the box is redrawn by the rerun that received the text.
    expect(page.get_by_text(f"{len(answer.split())} words · about")).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="Submit for feedback").click()
    expect(page.get_by_role("heading", name="Feedback", level=1)).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Overall score")).to_be_visible()


def overall_score(page: Page) -> int:
    text = page.get_by_test_id("stMetric").filter(has_text="Overall score").inner_text()
    match = re.search(r"(\d+)/100", text)
    assert match, text
    return int(match.group(1))


def test_a_new_learner_practises_retries_and_sees_progress(page: Page) -> None:
    expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
    prompt_id = framing_prompt_id()
    choose_prompt(page, prompt_id)
    screenshot(page, "01-practice")

    # 1. The ML-first answer: the flags point at the learner's own opening words.
    answer_and_submit(page, ML_FIRST)
    marks = page.locator("mark.flag")
    expect(marks.first).to_be_visible()
    flagged = " ".join(marks.evaluate_all("els => els.map(e => e.dataset.flags)"))
    assert "solution-first" in flagged and "tech-before-framing" in flagged
    solution_first = page.locator('mark[data-flags*="solution-first"]')
    marked = "".join(solution_first.evaluate_all("els => els.map(e => e.textContent)"))
    assert "fine-tune an LLM" in marked, marked
    first_mark = solution_first.first
    background = first_mark.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the highlight is visible"
    expect(page.locator('li.flag-item[data-flag="solution-first"]')).to_be_visible()
    model_words = page.locator('.timeline-row[data-element="tech"] .timeline-evidence')
    expect(model_words.first).to_be_visible()  # the answer timeline marks the model's words
    first_score = overall_score(page)
    screenshot(page, "02-feedback-ml-first")

    # 2. Try again with a framed answer: the score rises and the comparison says why.
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
    expect(page.get_by_role("textbox", name="Your answer")).to_have_value("")
    answer_and_submit(page, FRAMED)
    second_score = overall_score(page)
    assert second_score > first_score
    expect(page.get_by_text("Compared with your previous try")).to_be_visible()
    expect(page.locator('mark[data-flags*="solution-first"]')).to_have_count(0)
    screenshot(page, "03-feedback-framed")

    # 3. Progress shows both attempts in the score chart.
    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", name="Progress", level=1)).to_be_visible()
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible()
    points = chart.locator(".scatterlayer .trace").first.locator(".points path")
    expect(points).to_have_count(2)
    screenshot(page, "04-progress")

    page.get_by_role("link", name="Question bank").click()
    expect(page.get_by_role("heading", name="Question bank", level=1)).to_be_visible()
    screenshot(page, "05-question-bank")
    page.get_by_role("link", name="Settings & data").click()
    expect(page.get_by_role("heading", name="Settings & data", level=1)).to_be_visible()
    screenshot(page, "06-settings")

    # 4. The export holds both attempts (the file is built only when asked for).
    exported = json.loads(prepare_and_download(page, "JSON (all data)").read_text("utf-8"))
    assert [item["prompt_id"] for item in exported["attempts"]] == [prompt_id, prompt_id]


def test_demo_history_charts_render(page: Page) -> None:
    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_text("No attempts yet.")).to_be_visible()
    screenshot(page, "07-progress-empty")
    page.get_by_role("button", name="Load demo history").click()
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    expect(page.locator(".js-plotly-plot").nth(3).locator(".heatmaplayer")).to_have_count(1)
    screenshot(page, "08-progress-demo")


def test_timed_mode_shows_a_countdown_that_moves(page: Page) -> None:
    expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
    page.get_by_text("Timed mode").click()
    page.get_by_role("button", name="Start the clock").click()
    clock = page.get_by_test_id("stMetric").filter(has_text="Time left")
    expect(clock).to_be_visible()
    first = clock.inner_text()
    expect(clock).not_to_have_text(first)  # the countdown ticks (polled, no fixed sleep)
    box = page.get_by_role("textbox", name="Your answer")
    box.fill(ML_FIRST)
    box.press("Control+Enter")
    expect(page.get_by_text("no specific user is named yet")).to_be_visible()
    screenshot(page, "09-practice-timed")


def test_a_broken_database_shows_what_to_do(browser: Browser, tmp_path: Path) -> None:
    corrupt = tmp_path / "coach.db"
    corrupt.write_bytes(b"not a database\n" * 500)
    env = {"COACH_DATABASE_URL": f"sqlite:///{corrupt}"}
    with running_app(tmp_path, extra_env=env) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(url)
        expect(
            page.get_by_role("heading", name="Your practice data cannot be opened")
        ).to_be_visible()
        expect(page.get_by_test_id("stAlertContentError")).to_be_visible()
        expect(page.get_by_text("Traceback")).to_have_count(0)
        screenshot(page, "10-database-error")
        context.close()
