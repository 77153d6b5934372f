"""Mentors' reviews, on SQLite and PostgreSQL: the queue, saving and submitting a review, the
learner's view and replies, reviews without an account, and every bad input leaving nothing
changed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select

from coach.db.database import Database
from coach.db.models import Review, ReviewComment, ReviewReply
from coach.errors import (
    AttemptNotFoundError,
    ReviewInputError,
    ReviewNotFoundError,
)
from coach.services import admin, demo, review_links, reviews
from coach.services.review_content import MAX_COMMENT_CHARS
from question_bank import Bank, Prompt
from tests.review_support import (
    QUOTE,
    SHELL,
    STRONG_ANSWER,
    WEAK_ANSWER,
    Cohorts,
    answer,
    broken_scorer,
    full_review,
    make_cohorts,
)


@pytest.fixture
def people(db: Database) -> Cohorts:
    return make_cohorts(db)


def _count(db: Database, model: Any) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_lists_my_cohorts_scored_attempts_oldest_first(
    db: Database, people: Cohorts, prompt: Prompt, bank: Bank
) -> None:
    later = answer(db, people.ann, prompt, minutes=30)
    first = answer(db, people.bea, prompt, minutes=10)
    other = answer(db, people.ann, bank.prompts[0], text=STRONG_ANSWER, minutes=20)
    answer(db, people.ann, prompt, minutes=40, scorer=broken_scorer)  # not scored: not listed
    answer(db, people.mo, prompt, minutes=5)  # the mentor's own practice: never listed
    demo.load_demo(db, people.ann, bank, attempts=3)  # demo data: never listed

    queue = reviews.review_queue(db, people.mo)
    assert [item.attempt_id for item in queue] == [first, other, later]
    assert queue[0].learner_name == "Bea" and queue[0].flag_ids and not queue[0].has_draft
    assert [i.attempt_id for i in reviews.review_queue(db, people.cy)] == [first, other, later]
    # Filters: learner, prompt, flag.
    assert [i.attempt_id for i in reviews.review_queue(db, people.mo, learner=people.ann.user_id)]
    assert {
        i.attempt_id for i in reviews.review_queue(db, people.mo, learner=people.ann.user_id)
    } == {other, later}
    assert [
        i.attempt_id for i in reviews.review_queue(db, people.mo, prompt_id=bank.prompts[0].id)
    ] == [other]
    flag = queue[0].flag_ids[0]
    assert [i.attempt_id for i in reviews.review_queue(db, people.mo, flag_id=flag)] == [
        first,
        later,
    ]
    # Another cohort's mentor, a learner and a site admin in no cohort see nothing.
    for outsider in (people.oz, people.ann, people.root):
        assert reviews.review_queue(db, outsider) == []
    assert reviews.queue_learners(db, people.mo) == [
        (people.ann.user_id, "Ann"),
        (people.bea.user_id, "Bea"),
    ]
    assert reviews.reviews_anything(db, people.mo) and not reviews.reviews_anything(db, people.ann)


def test_a_submitted_review_takes_the_attempt_off_the_queue_a_draft_does_not(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt)
    reviews.save_review(
        db, people.mo, attempt_id, full_review(db, people, attempt_id), submit=False
    )
    (item,) = reviews.review_queue(db, people.mo)
    assert item.has_draft
    (other_view,) = reviews.review_queue(db, people.cy)
    assert not other_view.has_draft  # the draft is Mo's, not Cy's
    reviews.save_review(db, people.mo, attempt_id, full_review(db, people, attempt_id), submit=True)
    assert reviews.review_queue(db, people.mo) == []
    assert reviews.review_queue(db, people.cy) == []


def test_a_learner_in_two_of_my_cohorts_is_listed_once(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    admin.add_member(db, SHELL, cohort="Autumn", email="ann@example.com", role="learner")
    admin.add_member(db, SHELL, cohort="Autumn", email="mo@example.com", role="mentor")
    attempt_id = answer(db, people.ann, prompt)
    assert [i.attempt_id for i in reviews.review_queue(db, people.mo)] == [attempt_id]
    assert [i for i, _ in reviews.queue_learners(db, people.mo)].count(people.ann.user_id) == 1


def test_the_queue_costs_the_same_queries_for_one_attempt_or_many(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    """One query for the rows and one for their flags, however long the queue (no N+1)."""

    def statements() -> int:
        seen: list[str] = []

        def count(*args: Any) -> None:
            seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            reviews.review_queue(db, people.mo)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len([s for s in seen if s.lstrip().upper().startswith("SELECT")])

    answer(db, people.ann, prompt)
    one = statements()
    for minutes in range(1, 8):
        answer(db, people.bea, prompt, minutes=minutes)
    assert len(reviews.review_queue(db, people.mo)) == 8
    assert statements() == one <= 2


# --- opening and saving a review -------------------------------------------------------------


def test_open_review_shows_the_attempt_its_flags_and_the_engines_labels(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt)
    desk = reviews.open_review(db, people.mo, attempt_id)
    assert desk.draft is None and desk.submitted_at is None
    subject = desk.subject
    assert subject.attempt.answer == WEAK_ANSWER and subject.learner_name == "Ann"
    assert subject.attempt.prompt_text == prompt.text
    assert subject.target.flags and not any(flag.tentative for flag in subject.target.flags)
    assert subject.target.engine_labels["tech"] is True
    assert "solution-first" in subject.target.known_flags


@pytest.mark.parametrize("who", ["oz", "bea", "root", "ann"])
def test_only_my_cohorts_mentors_may_open_a_review(
    who: str, db: Database, people: Cohorts, prompt: Prompt
) -> None:
    """Another cohort's mentor, a peer, a site admin and the owner herself: all refused, in the
    words used for a missing attempt."""
    attempt_id = answer(db, people.ann, prompt)
    intruder = getattr(people, who)
    with pytest.raises(AttemptNotFoundError, match=f"^Attempt {attempt_id} not found"):
        reviews.open_review(db, intruder, attempt_id)
    with pytest.raises(AttemptNotFoundError, match=f"^Attempt {attempt_id} not found"):
        reviews.save_review(db, intruder, attempt_id, {"overall_comment": "x"}, submit=True)
    with pytest.raises(AttemptNotFoundError, match=f"^Attempt {attempt_id + 99} not found"):
        reviews.open_review(db, people.mo, attempt_id + 99)
    assert _count(db, Review) == 0


def test_a_draft_is_saved_again_then_submitted_as_one_review(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt)
    data = full_review(db, people, attempt_id)
    first = reviews.save_review(db, people.mo, attempt_id, data, submit=False)
    assert first.status == "draft"
    desk = reviews.open_review(db, people.mo, attempt_id)
    assert desk.draft is not None
    assert desk.draft.comments[0].span_start == WEAK_ANSWER.index(QUOTE)
    assert desk.draft.score_override == 20
    changed = {**data, "overall_comment": "Start from the agent."}
    again = reviews.save_review(db, people.mo, attempt_id, changed, submit=False)
    assert again.review_id == first.review_id
    done = reviews.save_review(db, people.mo, attempt_id, desk.draft, submit=True)
    assert (done.review_id, done.status) == (first.review_id, "submitted")
    assert _count(db, Review) == 1
    assert reviews.open_review(db, people.mo, attempt_id).submitted_at is not None
    with pytest.raises(ReviewInputError, match="already submitted"):
        reviews.save_review(db, people.mo, attempt_id, data, submit=True)
    # Another mentor of the cohort may still give their own review.
    reviews.save_review(db, people.cy, attempt_id, data, submit=True)
    assert _count(db, Review) == 2


def _bad(flags: Any) -> list[dict[str, Any]]:
    first = flags[0]
    long = "x" * (MAX_COMMENT_CHARS + 1)
    return [
        {"comments": [{"body": "Hm", "quote": "night-shift nurses"}]},  # not in the answer
        {"comments": [{"body": "Hm", "quote": "large", "span_start": 0, "span_end": 5}]},
        {"comments": [{"body": "Hm", "span_start": 5, "span_end": 5000}]},
        {"comments": [{"body": long}]},
        {"overall_comment": long},
        {"comments": [{"body": ""}]},
        {"decisions": [{"flag_id": first.id, "decision": "reject", "reason": ""}]},
        {"decisions": [{"flag_id": "not-a-rule", "decision": "add", "reason": "x"}]},
        {"decisions": [{"flag_id": "not-flagged-here", "decision": "accept"}]},
        {"decisions": [{"flag_id": first.id, "decision": "accept", "span_start": 9999}]},
        {"elements": {"vibes": True}},
        {"score_override": 101, "override_reason": "x"},
        {"score_override": 50},
        {"unexpected": 1},
    ]


def test_bad_input_gets_a_clear_message_and_stores_nothing(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt)
    flags = reviews.open_review(db, people.mo, attempt_id).subject.target.flags
    reviews.save_review(db, people.mo, attempt_id, {"overall_comment": "kept"}, submit=False)
    for data in _bad(flags):
        with pytest.raises(ReviewInputError) as refused:
            reviews.save_review(db, people.mo, attempt_id, data, submit=True)
        assert str(refused.value).strip(), data
        draft = reviews.open_review(db, people.mo, attempt_id).draft
        assert draft is not None and draft.overall_comment == "kept", data
    assert _count(db, Review) == 1 and _count(db, ReviewComment) == 0


def test_a_span_that_no_longer_matches_is_named(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt)
    moved = {"comments": [{"body": "x", "quote": QUOTE, "span_start": 0, "span_end": len(QUOTE)}]}
    with pytest.raises(ReviewInputError, match="not at that place"):
        reviews.save_review(db, people.mo, attempt_id, moved, submit=True)


def test_an_unscored_attempt_cannot_be_reviewed(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt, scorer=broken_scorer)
    desk = reviews.open_review(db, people.mo, attempt_id)
    assert not desk.subject.reviewable
    with pytest.raises(ReviewInputError, match="not scored"):
        reviews.save_review(db, people.mo, attempt_id, {"overall_comment": "x"}, submit=True)
    assert _count(db, Review) == 0


def test_html_in_comments_is_stored_as_typed(db: Database, people: Cohorts, prompt: Prompt) -> None:
    attempt_id = answer(db, people.ann, prompt)
    data = {"overall_comment": "<script>alert(1)</script> **bold?**"}
    reviews.save_review(db, people.mo, attempt_id, data, submit=True)
    (shown,) = reviews.reviews_for_owner(db, people.ann, attempt_id)
    assert shown.overall_comment == data["overall_comment"]


# --- the learner's side ----------------------------------------------------------------------


def test_the_learner_reads_submitted_reviews_only_and_replies_once(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt)
    reviews.save_review(
        db, people.mo, attempt_id, full_review(db, people, attempt_id), submit=False
    )
    assert reviews.reviews_for_owner(db, people.ann, attempt_id) == []
    assert reviews.reviewed_attempt_ids(db, people.ann) == frozenset()
    draft_comment = _comment_ids(db)[0]
    with pytest.raises(ReviewNotFoundError, match=f"^Comment {draft_comment} not found"):
        reviews.reply(db, people.ann, draft_comment, "Too early")

    reviews.save_review(db, people.mo, attempt_id, full_review(db, people, attempt_id), submit=True)
    (shown,) = reviews.reviews_for_owner(db, people.ann, attempt_id)
    assert shown.reviewer_name == "Mo" and shown.source == "account"
    assert shown.score_override == 20 and shown.override_reason == "No framing at all."
    span, whole = shown.comments
    assert (span.quote, span.matches) == (QUOTE, True)
    assert WEAK_ANSWER[span.span_start : span.span_end] == QUOTE  # type: ignore[misc]
    assert (whole.span_start, whole.matches) == (None, False)
    assert [d.flag_id for d in shown.added_flags] == ["solution-first"]
    flags = reviews.open_review(db, people.mo, attempt_id).subject.target.flags
    decision = shown.decision_on(flags[0])
    assert decision is not None and (decision.decision, decision.reason) == ("reject", "Not here.")
    assert reviews.reviewed_attempt_ids(db, people.ann) == frozenset({attempt_id})

    reviews.reply(db, people.ann, span.id, "  I meant the support model.  ")
    with pytest.raises(ReviewInputError, match="replied to this comment already"):
        reviews.reply(db, people.ann, span.id, "Another thought")
    (shown,) = reviews.reviews_for_owner(db, people.ann, attempt_id)
    assert shown.comments[0].reply == "I meant the support model."
    desk = reviews.open_review(db, people.mo, attempt_id)
    assert desk.submitted is not None
    assert desk.submitted.comments[0].reply == "I meant the support model."
    assert _count(db, ReviewReply) == 1


def test_replies_are_the_owners_alone_and_checked(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt)
    reviews.save_review(db, people.mo, attempt_id, full_review(db, people, attempt_id), submit=True)
    comment_id = _comment_ids(db)[0]
    for intruder in (people.bea, people.mo, people.oz):
        with pytest.raises(ReviewNotFoundError, match=f"^Comment {comment_id} not found"):
            reviews.reply(db, intruder, comment_id, "mine")
        with pytest.raises(AttemptNotFoundError):
            reviews.reviews_for_owner(db, intruder, attempt_id)
        assert reviews.reviewed_attempt_ids(db, intruder) == frozenset()
    with pytest.raises(ReviewNotFoundError, match=r"^Comment 99999 not found"):
        reviews.reply(db, people.ann, 99999, "anyone?")
    for body, message in (("   ", "Write your reply"), ("y" * 4001, "limit is 4,000")):
        with pytest.raises(ReviewInputError, match=message):
            reviews.reply(db, people.ann, comment_id, body)
    assert _count(db, ReviewReply) == 0


def _comment_ids(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(ReviewComment.id).order_by(ReviewComment.id)))


# --- reviews without an account --------------------------------------------------------------


def test_a_review_through_a_link_reaches_the_learner_like_a_mentors(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    """Link and file reviews are stored by review_links / review_files (tested there); the
    learner reads them here with the mentors' ones, and replies to them once too."""
    attempt_id = answer(db, people.ann, prompt)
    token = review_links.create_link(db, people.ann, attempt_id).token
    review_id = review_links.submit_link_review(
        db,
        token,
        name="  Dr. <b>Who</b>  ",
        review={"comments": [{"body": "Good start", "quote": "RAG pipeline"}]},
    )
    reviews.save_review(db, people.mo, attempt_id, {"overall_comment": "Frame it."}, submit=True)
    by_link, by_mentor = reviews.reviews_for_owner(db, people.ann, attempt_id)
    assert (by_link.id, by_link.reviewer_name, by_link.source) == (
        review_id,
        "Dr. <b>Who</b>",
        "link",
    )
    assert by_link.comments[0].matches and by_mentor.source == "account"
    assert reviews.review_queue(db, people.mo) == []  # reviewed, whoever reviewed it
    reviews.reply(db, people.ann, by_link.comments[0].id, "Thanks")
    with pytest.raises(ReviewInputError, match="already"):
        reviews.reply(db, people.ann, by_link.comments[0].id, "Thanks again")
