"""End to end in Chromium with the fake OpenAI-compatible server: the hybrid and the judge
scorers, follow-up questions, a mock interview and a spoken answer recorded from Chromium's
fake microphone and transcribed. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.browser.support import require_chromium
from tests.fake_openai import FAKE_TRANSCRIPT, FakeOpenAI, running_fake
from tests.test_app_support import FRAMED, ML_FIRST, framing_prompt_id

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT_MS = 30_000
MIC_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]

require_chromium()

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from tests.browser.test_e2e import answer_and_submit, choose_prompt, screenshot, wait_idle  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)
METRIC_REPLY = (
    "Success means median handle time per ticket falls from 9 to 6 minutes, with CSAT as a "
    "guardrail that must not drop."
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *MIC_ARGS]
        )
        yield browser
        browser.close()


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake() as server:
        yield server


@pytest.fixture
def page(browser: Browser, fake: FakeOpenAI, tmp_path: Path) -> Iterator[Page]:
    ARTIFACTS.mkdir(exist_ok=True)
    env = {
        "OPENAI_BASE_URL": fake.url,
        "OPENAI_API_KEY": "sk-fake",
        "COACH_SCORER": "hybrid",
        "COACH_LLM_BUDGET_S": "5",
    }
    log = ARTIFACTS / "streamlit-interviewer.log"
    with running_app(tmp_path / "data", log_path=log, extra_env=env) as url:
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, permissions=["microphone"]
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        yield page
        context.close()


def type_into(page: Page, label: str, text: str) -> None:
    """Fill a text box and commit it (Ctrl+Enter) before the next click."""
    box = page.get_by_role("textbox", name=label)
    box.fill(text)
    box.press("Control+Enter")
    wait_idle(page)


def test_hybrid_judge_and_follow_ups(page: Page, fake: FakeOpenAI) -> None:
    expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
    choose_prompt(page, framing_prompt_id())
    answer_and_submit(page, ML_FIRST)

    # Hybrid: the rules and the judge disagree, and the page says where.
    expect(page.get_by_text("Rules and AI judge disagree")).to_be_visible()
    expect(page.get_by_text("the judge says").first).to_be_visible()
    expect(page.get_by_text("rules + AI judge (gpt-4o-mini)", exact=False)).to_be_visible()
    sent = fake.chat_requests()[0].messages
    assert ML_FIRST not in sent[0]["content"] and ML_FIRST in sent[1]["content"]
    screenshot(page, "11-feedback-hybrid")

    # Continue as an interview: the (fake) AI interviewer asks about the missing metric.
    page.get_by_role("button", name="Continue as an interview").click()
    expect(page.get_by_role("heading", name="Interview", level=1)).to_be_visible()
    expect(page.get_by_text("How would you know it worked?")).to_be_visible()
    type_into(page, "Your reply", METRIC_REPLY)
    page.get_by_role("button", name="Answer the follow-up").click()
    expect(page.get_by_text("The whole conversation, scored as one answer")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.locator(".js-plotly-plot").get_by_text("follow-up 1")).to_be_visible()
    screenshot(page, "12-interview")

    # The judge alone, chosen for the session on the Settings page.
    page.get_by_role("link", name="Settings & data").click()
    expect(page.get_by_role("heading", name="Settings & data", level=1)).to_be_visible()
    judge_only = "AI judge (falls back to the rules on failure)"
    page.get_by_text(judge_only).click()
    expect(page.get_by_role("radio", name=judge_only)).to_be_checked()
    wait_idle(page)
    page.get_by_role("link", name="Practice").click()
    expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
    answer_and_submit(page, FRAMED)
    expect(page.get_by_text("Scored by AI judge (gpt-4o-mini)", exact=False)).to_be_visible()
    expect(page.get_by_text("Rules and AI judge disagree")).to_have_count(0)
    screenshot(page, "13-feedback-judge")


def test_a_mock_interview_end_to_end(page: Page) -> None:
    page.get_by_role("link", name="Mock interview").click()
    expect(page.get_by_role("heading", name="Mock interview", level=1)).to_be_visible()
    page.get_by_role("button", name="Start the mock interview").click()
    for number in range(1, 4):
        expect(page.get_by_text(f"Question {number} of 3").first).to_be_visible()
        expect(page.get_by_test_id("stMetric").filter(has_text="Time left")).to_be_visible()
        type_into(page, "Your answer", ML_FIRST)
        page.get_by_role("button", name="Submit this answer").click()
        expect(page.get_by_text("Interviewer:")).to_be_visible()
        type_into(page, "Your reply", METRIC_REPLY)
        page.get_by_role("button", name="Answer and go on").click()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.get_by_text("Red flags that came back")).to_be_visible()
    expect(page.get_by_text("What to practise next")).to_be_visible()
    screenshot(page, "14-mock-summary")


def test_a_spoken_answer_is_transcribed_and_editable(page: Page, fake: FakeOpenAI) -> None:
    expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
    page.get_by_text("Answer out loud").click()
    page.get_by_role("button", name="Record").click()
    page.wait_for_timeout(1500)  # a second and a half of the fake microphone's tone
    page.get_by_role("button", name="Stop recording").click()
    transcribe = page.get_by_role("button", name="Transcribe into the answer box")
    expect(transcribe).to_be_visible()
    transcribe.click()
    box = page.get_by_role("textbox", name="Your answer")
    expect(box).to_have_value(FAKE_TRANSCRIPT)
    expect(page.get_by_text("words/min (measured)", exact=False)).to_be_visible()
    audio = next(r for r in fake.requests if "/audio/transcriptions" in r.path)
    assert b"RIFF" in audio.raw, "Chromium's recording reached the endpoint as a WAV"
    type_into(page, "Your answer", FAKE_TRANSCRIPT + " To summarise: measure handover time.")
    screenshot(page, "15-spoken-answer")
    page.get_by_role("button", name="Submit for feedback").click()
    expect(page.get_by_role("heading", name="Feedback", level=1)).to_be_visible()
    expect(page.get_by_text("To summarise: measure handover time.")).to_be_visible()
