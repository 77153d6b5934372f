"""Review links on SQLite and PostgreSQL: only the hash is stored, the owner lists and revokes
them, a visitor reviews once through a valid one (racing visitors store one review), and a
used, expired, revoked or unknown link shows nothing and stores nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coach.db import review_queries
from coach.db.database import Database
from coach.db.models import Review, ReviewLink
from coach.errors import (
    AttemptNotFoundError,
    CoachError,
    ReviewInputError,
    ReviewLinkError,
    ReviewLinkUsedError,
)
from coach.services import attempts, review_links
from coach.services.accounts import digest
from coach.services.users import UserContext
from question_bank import Prompt
from tests.conftest import WEAK_ANSWER

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REVIEW = {
    "overall_comment": "<b>Start from the agents</b>",
    "comments": [{"body": "Who exactly? <script>x</script>", "quote": "basically everyone"}],
}


@pytest.fixture
def attempt_id(db: Database, user: UserContext, prompt: Prompt) -> int:
    return attempts.submit_answer(
        db, user, prompt=prompt, answer=WEAK_ANSWER, mode="practice", level="pm", started_at=T0
    ).id


def _stored_reviews(db: Database, attempt_id: int) -> list[Review]:
    with db.session() as session:
        reviews = review_queries.reviews_of_attempts(session, attempt_ids=[attempt_id])
        for review in reviews:  # load the parts before the session closes
            list(review.comments)
        return list(reviews)


def test_a_link_stores_only_the_hash_of_a_long_token(
    db: Database, user: UserContext, attempt_id: int
) -> None:
    created = review_links.create_link(db, user, attempt_id, now=T0)
    assert len(created.token) >= 43  # 32 random bytes, base64url
    assert created.link.expires_at == T0 + timedelta(days=14)
    assert created.link.status == "active"
    with db.session() as session:
        stored = session.scalars(select(ReviewLink)).one()
        assert stored.token_hash == digest(created.token)
        assert created.token not in {stored.token_hash, str(stored.id)}


@pytest.mark.parametrize("days", [0, 31, -3])
def test_the_lifetime_is_1_to_30_days(
    db: Database, user: UserContext, attempt_id: int, days: int
) -> None:
    with pytest.raises(ReviewInputError, match="1 to 30 days"):
        review_links.create_link(db, user, attempt_id, days=days)
    assert review_links.list_links(db, user, attempt_id) == []


def test_a_visitor_reviews_through_a_valid_link_and_the_owner_sees_it(
    db: Database, user: UserContext, attempt_id: int
) -> None:
    created = review_links.create_link(db, user, attempt_id, days=3, now=T0)
    opened = review_links.open_link(db, created.token, now=T0 + timedelta(hours=1))
    assert opened.attempt.answer == WEAK_ANSWER and opened.attempt.report is not None
    review_id = review_links.submit_link_review(
        db,
        created.token,
        name="  Mo <i>mentor</i> ",
        review=REVIEW,
        now=T0 + timedelta(hours=2),
    )
    (stored,) = _stored_reviews(db, attempt_id)
    assert stored.id == review_id
    assert (stored.source, stored.reviewer_id, stored.reviewer_name) == (
        "link",
        None,
        "Mo <i>mentor</i>",
    )
    assert stored.overall_comment == "<b>Start from the agents</b>"  # text, kept as typed
    assert [(c.quote, c.body) for c in stored.comments] == [
        ("basically everyone", "Who exactly? <script>x</script>")
    ]
    (listed,) = review_links.list_links(db, user, attempt_id, now=T0 + timedelta(hours=3))
    assert (listed.status, listed.last_used_at) == ("used", T0 + timedelta(hours=2))
    assert listed.reviewed_at == T0 + timedelta(hours=2)


def test_a_link_takes_one_review_then_shows_nothing(
    db: Database, user: UserContext, attempt_id: int
) -> None:
    created = review_links.create_link(db, user, attempt_id, now=T0)
    review_links.submit_link_review(db, created.token, name="Mo", review=REVIEW, now=T0)
    later = T0 + timedelta(hours=1)
    with pytest.raises(ReviewLinkUsedError, match="already been used for a review"):
        review_links.submit_link_review(db, created.token, name="Bo", review=REVIEW, now=later)
    with pytest.raises(ReviewLinkUsedError, match="already been used for a review"):
        review_links.open_link(db, created.token, now=later)
    assert [r.reviewer_name for r in _stored_reviews(db, attempt_id)] == ["Mo"]
    # Used outlasts the link's lifetime; the owner may still revoke it (the owner's act wins).
    (listed,) = review_links.list_links(db, user, attempt_id, now=T0 + timedelta(days=30))
    assert listed.status == "used"
    review_links.revoke_link(db, user, created.link.id, now=later)
    (listed,) = review_links.list_links(db, user, attempt_id, now=later)
    assert (listed.status, listed.reviewed_at) == ("revoked", T0)
    # Another link to the same attempt takes its own review.
    second = review_links.create_link(db, user, attempt_id, now=T0)
    review_links.submit_link_review(db, second.token, name="Bo", review=REVIEW, now=later)
    assert len(_stored_reviews(db, attempt_id)) == 2


def test_a_refused_review_leaves_the_link_unused(
    db: Database, user: UserContext, attempt_id: int
) -> None:
    created = review_links.create_link(db, user, attempt_id, now=T0)
    with pytest.raises(ReviewInputError):
        review_links.submit_link_review(db, created.token, name=" ", review=REVIEW, now=T0)
    (listed,) = review_links.list_links(db, user, attempt_id, now=T0)
    assert (listed.status, listed.reviewed_at) == ("active", None)
    review_links.submit_link_review(db, created.token, name="Mo", review=REVIEW, now=T0)
    assert len(_stored_reviews(db, attempt_id)) == 1


def test_two_visitors_submitting_through_one_link_store_one_review(
    db: Database, user: UserContext, attempt_id: int
) -> None:
    created = review_links.create_link(db, user, attempt_id)
    racers = ["Ann", "Bea", "Cy", "Dee"]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def submit(name: str) -> None:
        barrier.wait()
        try:
            review_links.submit_link_review(db, created.token, name=name, review=REVIEW)
            outcomes.append("stored")
        except CoachError as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=submit, args=(name,)) for name in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ReviewLinkUsedError"] * 3 + ["stored"], outcomes
    assert len(_stored_reviews(db, attempt_id)) == 1


@pytest.mark.parametrize(
    ("review", "name", "message"),
    [
        (REVIEW, "   ", "Give your name"),
        (REVIEW, "x" * 201, "too long"),
        ({"comments": [{"body": "x", "quote": "not in it"}]}, "Mo", "not in the answer"),
        ({"decisions": [{"flag_id": "made-up", "decision": "reject"}]}, "Mo", "this attempt"),
    ],
)
def test_a_bad_review_through_a_link_stores_nothing(
    db: Database, user: UserContext, attempt_id: int, review: dict, name: str, message: str
) -> None:
    created = review_links.create_link(db, user, attempt_id)
    with pytest.raises(ReviewInputError, match=message):
        review_links.submit_link_review(db, created.token, name=name, review=review)
    assert _stored_reviews(db, attempt_id) == []


def test_expired_revoked_and_unknown_links_show_nothing_and_store_nothing(
    db: Database, user: UserContext, attempt_id: int
) -> None:
    expiring = review_links.create_link(db, user, attempt_id, days=1, now=T0)
    revoked = review_links.create_link(db, user, attempt_id, days=30, now=T0)
    review_links.revoke_link(db, user, revoked.link.id, now=T0 + timedelta(hours=1))
    later = T0 + timedelta(days=1, seconds=1)
    cases = [
        (expiring.token, "has expired"),
        (revoked.token, "was revoked by its owner"),
        ("not-a-token", "not valid"),
        ("", "not valid"),
    ]
    for token, message in cases:
        with pytest.raises(ReviewLinkError, match=message):
            review_links.open_link(db, token, now=later)
        with pytest.raises(ReviewLinkError, match=message):
            review_links.submit_link_review(db, token, name="Mo", review=REVIEW, now=later)
    assert _stored_reviews(db, attempt_id) == []
    statuses = {v.id: v.status for v in review_links.list_links(db, user, attempt_id, now=later)}
    assert statuses == {expiring.link.id: "expired", revoked.link.id: "revoked"}
    # The one-day link was valid until its last second.
    assert review_links.list_links(db, user, attempt_id, now=T0)[1].status == "active"


def test_revoking_twice_keeps_the_first_time(
    db: Database, user: UserContext, attempt_id: int
) -> None:
    created = review_links.create_link(db, user, attempt_id, now=T0)
    first = review_links.revoke_link(db, user, created.link.id, now=T0 + timedelta(hours=1))
    again = review_links.revoke_link(db, user, created.link.id, now=T0 + timedelta(hours=2))
    assert first.revoked_at == again.revoked_at == T0 + timedelta(hours=1)


def test_only_the_owner_creates_lists_and_revokes(
    db: Database, user: UserContext, other_user: UserContext, attempt_id: int
) -> None:
    created = review_links.create_link(db, user, attempt_id)
    with pytest.raises(AttemptNotFoundError):
        review_links.create_link(db, other_user, attempt_id)
    with pytest.raises(AttemptNotFoundError):
        review_links.list_links(db, other_user, attempt_id)
    with pytest.raises(ReviewLinkError, match=f"Review link {created.link.id} not found"):
        review_links.revoke_link(db, other_user, created.link.id)
    (link,) = review_links.list_links(db, user, attempt_id)
    assert link.status == "active"


def test_deleting_the_attempt_ends_its_links(
    db: Database, user: UserContext, attempt_id: int
) -> None:
    created = review_links.create_link(db, user, attempt_id)
    attempts.delete_attempt(db, user, attempt_id)
    with pytest.raises(ReviewLinkError, match="not valid"):
        review_links.open_link(db, created.token)
