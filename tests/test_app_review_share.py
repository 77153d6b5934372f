"""Reviews without a mentor account, in the app (AppTest): the review-link page for a visitor
who has not signed in (valid, expired, revoked, unknown), the learner's link controls on
Feedback, and the offline review file from request to the mentor's page to the import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coach.db import review_queries
from coach.db.database import Database, open_database
from coach.services import accounts, attempts, review_files, review_links
from coach.services.users import UserContext, local_learner
from coach.settings import load_settings
from question_bank import Prompt
from tests.conftest import WEAK_ANSWER
from tests.review_support import PASSWORD, answer
from tests.test_app_support import (
    APP,
    FEEDBACK,
    SETTINGS,
    AppTest,
    assert_clean,
    current_page,
    goto,
    html_with,
    new_app,
    texts,
)

REVIEW_FILE = "coach/pages/review_file.py"
SESSION_KEY = "_review_file_session"


@pytest.fixture
def shared(password_deployment: Database) -> Database:
    """A password deployment with Ada."""
    accounts.register(
        password_deployment, email="ada@example.com", password=PASSWORD, display_name="Ada"
    )
    return password_deployment


def _ada(db: Database) -> UserContext:
    return accounts.sign_in(
        db, email="ada@example.com", password=PASSWORD, lifetime=timedelta(days=1)
    ).user


def _open_link(token: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["review"] = token
    at.run()
    assert_clean(at)
    return at


def _stored(db: Database, attempt_id: int) -> list:
    with db.session() as session:
        return list(review_queries.reviews_of_attempts(session, attempt_ids=[attempt_id]))


def test_a_valid_link_shows_the_attempt_and_a_form_and_nothing_else(
    shared: Database, prompt: Prompt
) -> None:
    attempt_id = answer(shared, _ada(shared), prompt)
    token = review_links.create_link(shared, _ada(shared), attempt_id).token
    at = _open_link(token)
    assert current_page(at) == "Review an answer"
    assert "basically everyone" in html_with(at, "coach-answer")
    assert 'class="flag' in html_with(at, "coach-answer")  # the evidence is highlighted
    assert at.metric[0].label == "Overall score"
    assert not at.sidebar.button and "sign_in_email" not in [w.key for w in at.text_input]

    at.text_input(key="link_review_name").input("<b>Mo</b>")
    at.text_area(key="link_review_overall").input("Start from <i>the agents</i>.")
    _add_comment(at, "link_review", quote="basically everyone", body="Who exactly?")
    assert "link_review_save" not in [b.key for b in at.button]  # no draft without an account
    at.button(key="link_review_submit").click().run()
    assert_clean(at)
    assert "Thank you" in texts(at.success)
    (review,) = _stored(shared, attempt_id)
    assert (review.source, review.reviewer_name) == ("link", "<b>Mo</b>")
    assert review.overall_comment == "Start from <i>the agents</i>."
    assert [(c.quote, c.body) for c in review.comments] == [("basically everyone", "Who exactly?")]
    assert review.decisions == []  # flags left "Not reviewed" are no decision
    # The link took its one review: no form for another, here or in a fresh browser.
    assert not at.text_area and not at.get("html") and "review_link_again" not in str(at)
    at.run()
    assert "Thank you" in texts(at.success) and not at.text_area
    again = _open_link(token)
    assert "already been used for a review. Thank you!" in texts(again.info)
    assert not again.get("html") and not again.text_area and not again.metric
    assert WEAK_ANSWER[:30] not in str(again)
    assert len(_stored(shared, attempt_id)) == 1


def _add_comment(at: AppTest, key: str, *, quote: str, body: str) -> None:
    at.text_input(key=f"{key}_comment_quote").input(quote)
    at.text_area(key=f"{key}_comment_body").input(body)
    at.button(key=f"{key}_comment_add").click().run()
    assert_clean(at)


def test_a_bad_review_through_a_link_says_why_and_stores_nothing(
    shared: Database, prompt: Prompt
) -> None:
    attempt_id = answer(shared, _ada(shared), prompt)
    at = _open_link(review_links.create_link(shared, _ada(shared), attempt_id).token)
    _add_comment(at, "link_review", quote="words the answer lacks", body="?")
    assert "not in the answer" in texts(at.error)
    at.button(key="link_review_submit").click().run()  # the refused comment is still typed
    assert "You typed a comment but did not add it" in texts(at.warning)
    at.text_area(key="link_review_comment_body").input("")
    at.button(key="link_review_submit").click().run()  # no name
    assert_clean(at)
    assert "Give your name" in texts(at.error)
    at.text_input(key="link_review_name").input("Mo")
    at.radio(key="link_review_flag_0").set_value("reject")  # and no reason
    at.button(key="link_review_submit").click().run()
    assert_clean(at)
    assert "a reason is required" in texts(at.error)
    assert _stored(shared, attempt_id) == []


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("expired", "This review link has expired."),
        ("revoked", "This review link was revoked by its owner."),
        ("unknown", "This review link is not valid"),
    ],
)
def test_an_unusable_link_shows_a_plain_message_and_nothing_of_the_attempt(
    shared: Database, prompt: Prompt, case: str, message: str
) -> None:
    ada = _ada(shared)
    attempt_id = answer(shared, ada, prompt)
    long_ago = datetime.now(UTC) - timedelta(days=40)
    created = review_links.create_link(
        shared, ada, attempt_id, now=long_ago if case == "expired" else None
    )
    if case == "revoked":
        review_links.revoke_link(shared, ada, created.link.id)
    at = _open_link(created.token if case != "unknown" else "made-up-token")
    assert message in texts(at.warning)
    assert not at.get("html") and not at.text_area and not at.metric
    assert WEAK_ANSWER[:30] not in str(at)


def test_the_learner_creates_lists_and_revokes_links_on_feedback(
    shared: Database, prompt: Prompt
) -> None:
    attempt_id = answer(shared, _ada(shared), prompt)
    at = _signed_in_feedback(attempt_id)
    at.slider(key="feedback_link_days").set_value(3).run()
    at.button(key="feedback_link_create").click().run()
    assert_clean(at)
    shown = texts(at.code)
    assert "/?review=" in shown
    token = shown.split("/?review=", 1)[1].strip()
    opened = review_links.open_link(shared, token)
    assert opened.attempt.id == attempt_id
    (link,) = review_links.list_links(shared, _ada(shared), attempt_id)
    assert link.expires_at - link.created_at == timedelta(days=3)
    assert "**active**" in texts(at.markdown)
    at.button(key=f"feedback_link_revoke_{link.id}").click().run()
    assert_clean(at)
    assert "**revoked**" in texts(at.markdown) and "/?review=" not in texts(at.code)
    # A link that took its review is listed as used, with no Revoke button.
    used = review_links.create_link(shared, _ada(shared), attempt_id)
    review_links.submit_link_review(shared, used.token, name="Mo", review={"overall_comment": "ok"})
    at.run()
    assert_clean(at)
    assert f"Link #{used.link.id} · **used**" in texts(at.markdown)
    assert "review received" in texts(at.markdown)
    assert f"feedback_link_revoke_{used.link.id}" not in [b.key for b in at.button]


def test_links_use_the_public_address_when_one_is_set(
    shared: Database, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_PUBLIC_URL", "https://coach.example.org/coach/")
    attempt_id = answer(shared, _ada(shared), prompt)
    at = _signed_in_feedback(attempt_id)
    at.button(key="feedback_link_create").click().run()
    assert_clean(at)
    shown = texts(at.code).strip()
    prefix = "https://coach.example.org/coach/?review="
    assert shown.startswith(prefix)
    assert review_links.open_link(shared, shown.removeprefix(prefix)).attempt.id == attempt_id


def test_a_public_url_that_is_not_an_http_address_stops_the_app_with_a_message(
    shared: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_PUBLIC_URL", "coach.example.org/coach")
    at = new_app()
    assert_clean(at)
    assert "settings are invalid" in current_page(at)
    assert "COACH_PUBLIC_URL must be an http(s) address" in texts(at.code)


def _signed_in_feedback(attempt_id: int) -> AppTest:
    at = new_app()
    at.text_input(key="sign_in_email").input("ada@example.com")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    at.session_state["feedback_attempt_id"] = attempt_id
    return goto(at, FEEDBACK)


@pytest.mark.usefixtures("data_dir")
def test_the_local_app_offers_a_review_file_instead_of_a_link(prompt: Prompt) -> None:
    db = open_database(load_settings())
    try:
        attempt_id = answer(db, local_learner(db), prompt)
    finally:
        db.close()
    at = new_app()
    at.session_state["feedback_attempt_id"] = attempt_id
    goto(at, FEEDBACK)
    (button,) = [b for b in at.get("download_button") if "review" in b.label.lower()]
    assert button.proto.label == "Send for review (review file)"
    # The file is in the page, not built on click: a deferred download sometimes never ends.
    assert button.proto.url and not button.proto.deferred_file_id
    assert "feedback_link_create" not in [b.key for b in at.button]
    # And a review link opened on a local app shows nothing.
    assert "only on a shared deployment" in texts(_open_link("anything").info)


def test_the_review_file_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prompt: Prompt
) -> None:
    """The learner's request -> the mentor's page (in another install) -> the response ->
    the learner's import on Settings & data, twice."""
    learner_dir, mentor_dir = tmp_path / "learner", tmp_path / "mentor"
    learner_db = open_database(load_settings(environ={"COACH_DATA_DIR": str(learner_dir)}))
    try:
        learner = local_learner(learner_db)
        attempt_id = answer(learner_db, learner, prompt)
        request = review_files.request_file(learner_db, learner, [attempt_id])

        monkeypatch.setenv("COACH_DATA_DIR", str(mentor_dir))
        mentor = goto(new_app(), REVIEW_FILE)
        mentor.file_uploader(key="review_file_upload").upload(
            "request.json", request, "application/json"
        ).run()
        assert_clean(mentor)
        assert "basically everyone" in html_with(mentor, "coach-answer")
        mentor.text_input(key="review_file_1_name").input("Mo <script>")
        _add_comment(mentor, "review_file_1", quote="basically everyone", body="Which users?")
        assert "review_file_1_save" not in [b.key for b in mentor.button]
        mentor.radio(key="review_file_1_flag_0").set_value("reject")
        mentor.text_input(key="review_file_1_flag_reason_0").input("It is fine here.")
        mentor.button(key="review_file_1_submit").click().run()
        assert_clean(mentor)
        assert "Review of attempt 1 kept" in texts(mentor.success)
        assert "review_file_download" in [b.key for b in mentor.get("download_button")]
        session = mentor.session_state[SESSION_KEY]
        # What the download button hands out.
        response = review_files.response_file(
            session.request, name=session.name, reviews=session.reviews
        )
        mentor_db = open_database(load_settings())
        try:
            assert attempts.list_attempts(mentor_db, local_learner(mentor_db)) == []
            assert _count_reviews(mentor_db) == 0  # the mentor's install stored nothing
        finally:
            mentor_db.close()

        monkeypatch.setenv("COACH_DATA_DIR", str(learner_dir))
        at = goto(new_app(), SETTINGS)
        for expected in ("Added the review by Mo \\<script\\> to attempt", "already imported"):
            at.file_uploader(key="settings_review_import").upload(
                "response.json", response, "application/json"
            ).run()
            at.button(key="settings_review_import_run").click().run()
            assert_clean(at)
            assert expected in texts(at.success) + texts(at.info)
        (review,) = _stored(learner_db, attempt_id)
        assert (review.source, review.reviewer_name) == ("file", "Mo <script>")
        assert [d.decision for d in review.decisions] == ["reject"]
    finally:
        learner_db.close()


def _count_reviews(db: Database) -> int:
    from sqlalchemy import func, select

    from coach.db.models import Review

    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Review)) or 0)


def test_a_damaged_file_on_either_side_gets_a_clear_message_and_changes_nothing(
    data_dir: Path, prompt: Prompt
) -> None:
    db = open_database(load_settings())
    try:
        me = local_learner(db)
        request = review_files.request_file(db, me, [answer(db, me, prompt)])
    finally:
        db.close()
    at = goto(new_app(), REVIEW_FILE)
    at.file_uploader(key="review_file_upload").upload("x.json", b"\x00\xffbinary").run()
    assert_clean(at)
    assert "it is not text" in texts(at.error)
    assert SESSION_KEY not in at.session_state
    at.file_uploader(key="review_file_upload").upload("request.json", request).run()
    opened = at.session_state[SESSION_KEY].request.request_id
    at.file_uploader(key="review_file_upload").upload("other.json", b'{"format": 1}').run()
    assert_clean(at)
    assert "coach review request" in texts(at.error)
    assert at.session_state[SESSION_KEY].request.request_id == opened  # the session stays
    goto(at, SETTINGS)
    at.file_uploader(key="settings_review_import").upload("x.json", b'{"format": "other"}').run()
    at.button(key="settings_review_import_run").click().run()
    assert_clean(at)
    assert "Nothing was imported" in texts(at.error)
