"""A review link end to end in Chromium: the learner creates it on Feedback, a mentor without
an account opens it in a fresh browser and submits a review with a comment, the learner sees
the link used, and opening it again shows only the plain message."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.db import review_queries
from coach.db.database import open_database
from coach.services import accounts
from coach.settings import load_settings
from question_bank import Prompt
from tests.browser.server import running_app
from tests.browser.support import (
    DESKTOP,
    TIMEOUT_MS,
    require_chromium,
    sign_in,
    snap,
    wait_idle,
)
from tests.review_support import PASSWORD, answer

require_chromium()

from playwright.sync_api import Browser, expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)


def _seed(data: Path, prompt: Prompt) -> int:
    """Ada's account and one scored attempt, stored before the app starts."""
    db = open_database(load_settings(environ={"COACH_DATA_DIR": str(data)}))
    try:
        ada = accounts.register(db, email="ada@example.com", password=PASSWORD, display_name="Ada")
        return answer(db, ada, prompt)
    finally:
        db.close()


def test_a_mentor_reviews_once_through_a_link(
    chromium: Browser, tmp_path: Path, prompt: Prompt
) -> None:
    data = tmp_path / "data"
    attempt_id = _seed(data, prompt)
    with running_app(data, extra_env={"COACH_AUTH": "password"}) as url:
        learner = chromium.new_context(viewport=DESKTOP).new_page()
        sign_in(learner, url, email="ada@example.com", password=PASSWORD)
        learner.goto(f"{url}/feedback?attempt={attempt_id}")
        learner.get_by_role("button", name="Create review link").click()
        code = learner.get_by_test_id("stCode").filter(has_text="?review=")
        expect(code).to_be_visible()
        link = code.inner_text().strip()
        assert link.startswith(f"{url}/?review=") and len(link) > len(url) + 40
        expect(learner.get_by_text("active", exact=True)).to_be_visible()

        mentor_context = chromium.new_context(viewport=DESKTOP)
        mentor = mentor_context.new_page()
        mentor.goto(link)
        expect(mentor.get_by_role("heading", name="Review an answer", level=1)).to_be_visible()
        expect(mentor.locator(".coach-answer mark").first).to_be_visible()  # evidence marked
        expect(mentor.get_by_test_id("stSidebarNav")).to_have_count(0)  # nothing else to open
        mentor.get_by_label("Your name (shown to the learner)").fill("Mo <b>Mentor</b>")
        mentor.get_by_label("Quoted words (exactly as in the answer)").fill("basically everyone")
        mentor.get_by_label("Comment", exact=True).fill("Which users exactly?")
        mentor.get_by_role("button", name="Add comment").click()
        # The added comment is highlighted in the answer before anything is sent.
        expect(mentor.locator("mark.flag-comment")).to_have_text("basically everyone")
        expect(mentor.get_by_role("button", name="Save draft")).to_have_count(0)
        snap(mentor, "review-link-form")
        mentor.get_by_role("button", name="Submit review").click()
        expect(mentor.get_by_text("Thank you: your review was sent")).to_be_visible()
        snap(mentor, "review-link-sent")

        db = open_database(load_settings(environ={"COACH_DATA_DIR": str(data)}))
        try:
            with db.session() as session:
                (review,) = review_queries.reviews_of_attempts(session, attempt_ids=[attempt_id])
                assert (review.source, review.reviewer_name) == ("link", "Mo <b>Mentor</b>")
                assert [(c.quote, c.body) for c in review.comments] == [
                    ("basically everyone", "Which users exactly?")
                ]
        finally:
            db.close()

        # The link took its one review: the learner sees it used (nothing left to revoke), and
        # opening it again shows a plain message and nothing of the attempt.
        learner.reload()
        expect(learner.get_by_text("used", exact=True)).to_be_visible()
        expect(learner.get_by_role("button", name="Revoke")).to_have_count(0)
        wait_idle(learner)

        again = chromium.new_context(viewport=DESKTOP).new_page()
        again.goto(link)
        expect(again.get_by_text("already been used for a review. Thank you!")).to_be_visible()
        expect(again.locator(".coach-answer")).to_have_count(0)
        expect(again.get_by_text("basically everyone")).to_have_count(0)
        snap(again, "review-link-used")
        mentor_context.close()
