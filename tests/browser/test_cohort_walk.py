"""Issue 9 in Chromium: the cohort walk and the offline review-file round trip.

The walk (password sign-in, PostgreSQL): an admin creates a cohort and adds a mentor, the
mentor sets an assignment, a learner joins with the invite code and submits it, the mentor
reviews it with a span comment and a flag disagreement, the learner reads the review and
replies, and the mentor's dashboard shows the learner.

The round trip (two local apps without sign-in, SQLite): the learner downloads a review file
on Feedback, the mentor reviews it on "Review a file" and downloads the response, the learner
imports it (twice: the second import changes nothing) and sees the review; a damaged response
gets a clear message.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coach.db import review_queries
from coach.db.database import open_database
from coach.services import admin
from coach.services.admin import ShellOperator
from coach.services.users import local_learner
from coach.settings import load_settings
from question_bank import load_bank
from tests.browser.server import running_app
from tests.browser.support import (
    DESKTOP,
    TIMEOUT_MS,
    download,
    require_chromium,
    sign_in,
    snap,
    wait_idle,
)
from tests.conftest import ScratchDatabase
from tests.review_support import PASSWORD, answer
from tests.test_app_support import ML_FIRST, framing_prompt_id

require_chromium()

from playwright.sync_api import Browser, Locator, Page, expect  # noqa: E402

from tests.browser.test_e2e import answer_and_submit  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)

COHORT = "Spring 26"
QUOTE = "fine-tune an LLM"  # words of ML_FIRST the mentor comments on
COMMENT = "Which nurse problem does this solve?"
DISAGREE = "Too harsh for a first answer"
REPLY = "Fair: I will open with the nurses."


# --- small steps -------------------------------------------------------------------------------


def go(page: Page, title: str) -> None:
    """Open a page from the sidebar menu and wait for its title."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    wait_idle(page)


def enter(box: Locator, text: str) -> None:
    """Type into a text input outside a form and commit it (Enter), as a person would."""
    box.fill(text)
    box.press("Enter")
    wait_idle(box.page)


def set_date(page: Page, label: str, day: date) -> None:
    """Type a date into a date input's year, month and day fields, then leave it."""
    field = page.locator(f'[role="group"][aria-label="{label}"]')
    for part, value in (("year", f"{day:%Y}"), ("month", f"{day:%m}"), ("day", f"{day:%d}")):
        segment = field.locator(f'[role="spinbutton"][data-type="{part}"]')
        segment.click()
        segment.press_sequentially(value)
    page.keyboard.press("Tab")
    wait_idle(page)


def expect_assignment_status(page: Page, status: str) -> None:
    """Open the assignments on Practice (folded once nothing is due) and read the badge."""
    panel = page.get_by_test_id("stExpander").filter(has_text="Assignments (0 prompt(s) to submit)")
    panel.locator("summary").click()
    expect(panel.locator(".stMarkdownBadge")).to_have_text([status])


def mentors_review(page: Page) -> Locator:
    """The box of the (one) mentor's review on Feedback."""
    boxes = page.locator(".stVerticalBlock[class*='st-key-feedback_review_']")
    return boxes.filter(has_text="Review by")


def radio(page: Page, label: str | re.Pattern[str]) -> Locator:
    """The radio group(s) whose label matches ``label``."""
    return page.get_by_test_id("stRadio").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label)
    )


def review_with_mentor_form(page: Page, *, quote: str, comment: str, reason: str) -> str:
    """Fill the mentor form: one span comment by quoting, disagree with flag 1 (with a
    reason), agree with every other flag explicitly; return flag 1's title."""
    page.get_by_label("Quoted words (exactly as in the answer)").fill(quote)
    body = page.get_by_role("textbox", name="Comment", exact=True)
    body.fill(comment)
    body.press("Control+Enter")
    wait_idle(page)
    page.get_by_role("button", name="Add comment").click()
    # The comment is checked against the answer and shown highlighted before it is stored.
    expect(page.locator("mark.flag-comment")).to_have_attribute("title", f"1. {comment}")
    expect(page.get_by_text(f"On “{quote}”: {comment}")).to_be_visible()

    # One decision per flag listed beside the answer ("The coach's red flags (N)").
    listed = page.get_by_text(re.compile(r"^The coach's red flags \(\d+\)$")).inner_text()
    count = int(re.findall(r"\d+", listed)[0])
    assert count >= 2, "the ML-first answer raises several flags"
    flags = radio(page, re.compile(r"^\d+\. "))
    expect(flags).to_have_count(count)
    first_title = flags.first.get_by_test_id("stWidgetLabel").inner_text()
    flags.first.get_by_text("Disagree", exact=True).click()
    wait_idle(page)
    enter(page.get_by_label("Reason (needed to disagree)").first, reason)
    for n in range(1, count):
        flags.nth(n).get_by_text("Agree", exact=True).click()
        wait_idle(page)
    # "1. Title: “evidence…”": the title is what the learner's flag list shows.
    return re.sub(r"^1\. ", "", first_title).split(": “")[0]


# --- 1. the cohort walk ------------------------------------------------------------------------


def _accounts(url: str) -> None:
    db = open_database(load_settings(environ={"COACH_DATABASE_URL": url}))
    try:
        shell = ShellOperator("walk")
        for email, name, role in (
            ("root@example.com", "Root", "admin"),
            ("mo@example.com", "Mo", "learner"),
            ("ann@example.com", "Ann", "learner"),
        ):
            admin.create_account(
                db, shell, email=email, display_name=name, password=PASSWORD, role=role
            )
    finally:
        db.close()


@pytest.mark.postgres
def test_a_cohort_from_invite_code_to_a_reviewed_assignment(
    chromium: Browser, scratch: ScratchDatabase, tmp_path: Path
) -> None:
    _accounts(scratch.url)
    prompt = load_bank().get(framing_prompt_id())
    env = {"COACH_AUTH": "password", "COACH_DATABASE_URL": scratch.url}
    with running_app(tmp_path / "data", extra_env=env) as url:
        # The admin creates the cohort, reads its invite code and adds the mentor.
        root = chromium.new_context(viewport=DESKTOP).new_page()
        sign_in(root, url, email="root@example.com", password=PASSWORD)
        go(root, "Cohorts")
        create = root.get_by_test_id("stForm").filter(has_text="New cohort")
        create.get_by_label("Name", exact=True).fill(COHORT)
        create.get_by_role("button", name="Create cohort").click()
        code_box = root.locator(".st-key-cohorts_code_box")
        expect(code_box.get_by_text(f"Invite code for {COHORT}")).to_be_visible()
        code = code_box.get_by_test_id("stCode").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9]{5}(-[A-Z0-9]{5})+", code), code
        snap(root, "walk-01-admin-cohort-code")
        enter(root.get_by_label("Their e-mail address"), "mo@example.com")
        root.get_by_role("button", name="Add", exact=True).click()
        expect(root.get_by_text(f"to {COHORT}.")).to_be_visible()  # "Added <e-mail> to ..."

        # The mentor sets one prompt, due in three days.
        mo = chromium.new_context(viewport=DESKTOP).new_page()
        sign_in(mo, url, email="mo@example.com", password=PASSWORD)
        go(mo, "Cohort dashboard")
        expect(mo.get_by_text("No assignments yet.")).to_be_visible()
        picker = mo.get_by_test_id("stMultiSelect").filter(has_text="Prompts to answer")
        picker.click()
        picker.locator("input").fill(prompt.text[:40])
        picker.locator("input").press("Enter")
        wait_idle(mo)
        expect(picker.get_by_text(prompt.text[:40])).to_be_visible()
        due = datetime.now(UTC).date() + timedelta(days=3)
        set_date(mo, "Due date (end of day, UTC)", due)
        mo.get_by_role("button", name="Set assignment").click()
        expect(mo.get_by_text(f"set for {COHORT}.")).to_be_visible()
        snap(mo, "walk-02-mentor-assignment")

        # The learner joins with the code, sees the assignment due this week and submits it.
        ann = chromium.new_context(viewport=DESKTOP).new_page()
        sign_in(ann, url, email="ann@example.com", password=PASSWORD)
        go(ann, "Cohorts")
        join = ann.get_by_test_id("stForm").filter(has_text="Invite code")
        join.get_by_label("Invite code", exact=True).fill(code.lower())  # case does not matter
        join.get_by_role("button", name="Join").click()
        expect(ann.get_by_text(f"You joined {COHORT}.")).to_be_visible()
        go(ann, "Practice")
        reminder = ann.get_by_test_id("stAlertContentInfo").filter(has_text="Due this week")
        expect(reminder).to_contain_text("1 of 1 prompt(s) to submit")
        assignment = ann.get_by_test_id("stExpander").filter(has_text="Assignments (1 prompt")
        expect(assignment.get_by_text("not started", exact=True)).to_be_visible()
        snap(ann, "walk-03-learner-assignment")
        assignment.get_by_role("button", name="Start").click()
        expect(ann.get_by_role("heading", name=prompt.text[:40])).to_be_visible()
        answer_and_submit(ann, ML_FIRST)
        go(ann, "Practice")
        expect_assignment_status(ann, "submitted")
        expect(
            ann.get_by_test_id("stAlertContentInfo").filter(has_text="Due this week")
        ).to_have_count(0)

        # The mentor opens the attempt from the queue and reviews it.
        go(mo, "Cohort dashboard")  # a rerun: the menu now has the review queue
        go(mo, "Review queue")
        expect(mo.get_by_text("1 attempt(s) waiting")).to_be_visible()
        mo.get_by_role("button", name="Open review").click()
        expect(mo.get_by_role("heading", name="Review an answer", level=1)).to_be_visible()
        disputed = review_with_mentor_form(mo, quote=QUOTE, comment=COMMENT, reason=DISAGREE)
        snap(mo, "walk-04-mentor-review")
        mo.get_by_role("button", name="Submit review").click()
        expect(mo.get_by_text("submitted: the learner can see it")).to_be_visible()
        expect(mo.get_by_text("Nothing waiting for a review")).to_be_visible()

        # The learner reads the review beside the coach's and replies once.
        go(ann, "Feedback")
        expect(ann.get_by_role("heading", name="Mentor's review")).to_be_visible()
        review = mentors_review(ann)
        expect(review.get_by_text("Review by Mo (mentor)")).to_be_visible()
        highlighted = review.locator("mark.flag-comment")
        expect(highlighted).to_have_text(QUOTE)
        expect(highlighted).to_have_attribute("title", f"1. {COMMENT}")
        note = ann.locator("li.flag-item").filter(
            has=ann.locator(".flag-review", has_text=f"Mo (mentor) disagrees: {DISAGREE}")
        )
        expect(note).to_have_count(1)
        expect(note.locator("summary b")).to_have_text(disputed)
        review.scroll_into_view_if_needed()
        snap(ann, "walk-05-learner-review")
        enter(review.get_by_label("Your reply (one per comment)"), REPLY)
        review.get_by_role("button", name="Reply").click()
        expect(ann.get_by_text("Reply sent.")).to_be_visible()
        expect(review.get_by_text(f"Your reply: {REPLY}")).to_be_visible()
        expect(review.get_by_role("button", name="Reply")).to_have_count(0)  # once per comment
        go(ann, "Practice")
        expect_assignment_status(ann, "reviewed")
        go(ann, "Progress")
        picked = ann.get_by_role("combobox", name=re.compile(r"^Attempt \(newest first"))
        expect(picked).to_have_value(re.compile(r"^#\d+ · .* · reviewed$"))
        snap(ann, "walk-06-learner-progress")

        # The mentor's dashboard: one learner, one answer, the assignment done, the heatmap.
        go(mo, "Cohort dashboard")
        metrics = mo.get_by_test_id("stMetric")
        expect(metrics.filter(has_text="Learners")).to_contain_text("1")
        expect(metrics.filter(has_text="Assignments done")).to_contain_text("100%")
        # The table is drawn on a canvas; its cells' text is in the grid's accessible table.
        row = mo.get_by_test_id("stDataFrame").locator("tr").filter(has_text="ann@example.com")
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text("Ann")
        expect(cells.nth(2)).to_have_text("1")  # answers
        expect(cells.nth(6)).to_have_text(re.compile(r"^100(\.0)?$"))  # assignments done, %
        heatmap = mo.locator(".js-plotly-plot").first
        heatmap.scroll_into_view_if_needed()
        expect(heatmap.locator(".heatmaplayer")).to_have_count(1)
        expect(heatmap.locator(".ytick text")).to_have_text(["Ann"])
        expect(heatmap.locator(".xtick text").filter(has_text=disputed[:20])).to_have_count(1)
        snap(mo, "walk-07-dashboard")

        # The site admin oversees the cohort without joining it: its dashboard, no assigning.
        root.reload()
        wait_idle(root)
        go(root, "Cohort dashboard")
        expect(root.get_by_test_id("stMetric").filter(has_text="Learners")).to_contain_text("1")
        expect(root.get_by_role("button", name="Set assignment")).to_have_count(0)
        snap(root, "walk-08-site-admin-dashboard")


# --- 2. the offline review-file round trip -----------------------------------------------------


def upload(page: Page, label: str, file: Path | dict[str, object]) -> None:
    """Give a file uploader (found by its label) a file, as a drop or a pick would."""
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=label)
    uploader.locator('input[type="file"]').set_input_files(file)  # type: ignore[arg-type]
    name = file.name if isinstance(file, Path) else str(file["name"])
    expect(uploader.get_by_role("button", name=f"Remove {name}")).to_be_visible()
    wait_idle(page)


def _reviews_of(data: Path, attempt_id: int) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(source, reviewer, [(quote, comment)]) of each stored review of the attempt."""
    db = open_database(load_settings(environ={"COACH_DATA_DIR": str(data)}))
    try:
        with db.session() as session:
            return [
                (r.source, r.reviewer_name, [(c.quote, c.body) for c in r.comments])
                for r in review_queries.reviews_of_attempts(session, attempt_ids=[attempt_id])
            ]
    finally:
        db.close()


def _local_attempt(data: Path) -> int:
    """The local learner's ML-first answer, stored before the app starts."""
    db = open_database(load_settings(environ={"COACH_DATA_DIR": str(data)}))
    try:
        return answer(db, local_learner(db), load_bank().get(framing_prompt_id()), text=ML_FIRST)
    finally:
        db.close()


def test_a_review_file_goes_to_a_mentors_app_and_its_response_comes_back(
    chromium: Browser, tmp_path: Path
) -> None:
    learner_data, mentor_data = tmp_path / "learner", tmp_path / "mentor"
    attempt_id = _local_attempt(learner_data)
    with running_app(learner_data) as learner_url, running_app(mentor_data) as mentor_url:
        learner = chromium.new_context(viewport=DESKTOP, accept_downloads=True).new_page()
        learner.goto(f"{learner_url}/feedback?attempt={attempt_id}")
        expect(learner.get_by_role("heading", name="Feedback", level=1)).to_be_visible()
        request = download(learner, "Send for review (review file)", save_in=tmp_path)
        assert request.name == f"aipm-coach-review-request-{attempt_id}.json"

        mentor = chromium.new_context(viewport=DESKTOP, accept_downloads=True).new_page()
        mentor.goto(mentor_url)
        go(mentor, "Review a file")
        upload(mentor, "A review request", request)
        expect(mentor.get_by_text("1 attempt(s) · 0 reviewed")).to_be_visible()
        expect(mentor.locator(".coach-answer mark").first).to_be_visible()  # evidence marked
        enter(mentor.get_by_label("Your name (shown to the learner)"), "Mo")
        expect(mentor.get_by_role("button", name="Save draft")).to_have_count(0)  # session only
        disputed = review_with_mentor_form(mentor, quote=QUOTE, comment=COMMENT, reason=DISAGREE)
        snap(mentor, "file-01-mentor-review")
        mentor.get_by_role("button", name="Submit review").click()
        expect(mentor.get_by_text("1 attempt(s) · 1 reviewed")).to_be_visible()
        response = download(mentor, "Download the review response (1 review(s))", save_in=tmp_path)
        assert _reviews_of(mentor_data, attempt_id) == []  # nothing stored on the mentor's side

        go(learner, "Settings & data")
        label = "A review response (.json) from your mentor"
        damaged = response.read_bytes()[:200]
        upload(learner, label, {"name": "damaged.json", "mimeType": "application/json",
                                "buffer": damaged})  # fmt: skip
        learner.get_by_role("button", name="Import the review").click()
        expect(
            learner.get_by_text("Nothing was imported: The file is not a review")
        ).to_be_visible()
        assert _reviews_of(learner_data, attempt_id) == []

        upload(learner, label, response)
        learner.get_by_role("button", name="Import the review").click()
        expect(
            learner.get_by_text(f"Added the review by Mo to attempt #{attempt_id}.")
        ).to_be_visible()
        stored = [("file", "Mo", [(QUOTE, COMMENT)])]
        assert _reviews_of(learner_data, attempt_id) == stored
        learner.get_by_role("button", name="Import the review").click()
        expect(
            learner.get_by_text("1 review(s) were already imported: nothing changed.")
        ).to_be_visible()
        assert _reviews_of(learner_data, attempt_id) == stored
        snap(learner, "file-02-learner-import")

        go(learner, "Feedback")
        expect(learner.get_by_role("heading", name="Mentor's review")).to_be_visible()
        review = mentors_review(learner)
        expect(review.get_by_text("Review by Mo (via review file)")).to_be_visible()
        expect(review.locator("mark.flag-comment")).to_have_text(QUOTE)
        note = learner.locator("li.flag-item").filter(
            has=learner.locator(".flag-review", has_text=f"disagrees: {DISAGREE}")
        )
        expect(note.locator("summary b")).to_have_text(disputed)
        review.scroll_into_view_if_needed()
        snap(learner, "file-03-learner-feedback")
