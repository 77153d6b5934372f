"""The shape every review takes, checked against the answer, and stored on SQLite and
PostgreSQL with all its parts."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta

import pytest

from coach.db import review_queries
from coach.db.database import Database
from coach.errors import ReviewInputError
from coach.services import attempts, review_content
from coach.services.review_content import (
    ANSWER_LEVEL,
    checked,
    flag_place,
    parse_review,
    review_of,
)
from coach.services.users import UserContext
from question_bank import Prompt
from scoring import RULES, analyze
from tests.conftest import WEAK_ANSWER

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KNOWN = {rule.id for rule in RULES}


def _check(data: dict, answer: str = WEAK_ANSWER, flags: set[str] | None = None):
    review = parse_review(data)
    return checked(review, answer=answer, flag_ids=flags or {"missing-user"}, known_flags=KNOWN)


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(review_content, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_a_quote_alone_is_anchored_at_its_first_occurrence() -> None:
    review = _check({"comments": [{"body": "Which users?", "quote": "all our users"}]})
    comment = review.comments[0]
    assert WEAK_ANSWER[comment.span_start : comment.span_end] == "all our users"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comments": [{"body": "x", "quote": "not in the answer"}]}, "not in the answer"),
        ({"comments": [{"body": "x", "span_start": 5, "span_end": 2}]}, "start before its end"),
        ({"comments": [{"body": "x", "span_start": 0, "span_end": 10**6}]}, "inside the answer"),
        ({"comments": [{"body": ""}]}, "comments.0.body"),
        ({"comments": [{"body": "x" * 4001}]}, "comments.0.body"),
        ({"elements": {"vibes": True}}, "Unknown element vibes"),
        ({"decisions": [{"flag_id": "missing-user", "decision": "reject"}]}, "reason"),
        ({"decisions": [{"flag_id": "made-up", "decision": "add", "reason": "r"}]}, "known"),
        ({"decisions": [{"flag_id": "solution-first", "decision": "accept"}]}, "this attempt"),
        ({"score_override": 101, "override_reason": "r"}, "score_override"),
        ({"score_override": 40}, "why you override"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_reviews_are_refused_with_a_clear_message(data: dict, message: str) -> None:
    with pytest.raises(ReviewInputError, match=message):
        _check(data)


def test_html_and_control_characters_are_kept_as_text() -> None:
    review = _check({"overall_comment": "<script>alert(1)</script>\x00"})
    assert review.overall_comment == "<script>alert(1)</script>\ufffd"


def test_a_review_is_stored_with_all_its_parts(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt
) -> None:
    view = attempts.submit(
        db,
        user,
        prompt=prompt,
        answer=WEAK_ANSWER,
        mode="practice",
        level="pm",
        started_at=T0,
        submitted_at=T0 + timedelta(minutes=5),
    ).attempt
    flag_ids = {flag.id for flag in view.report.flags}
    content = checked(
        parse_review(
            {
                "overall_comment": "Start from the agents.",
                "comments": [{"body": "Who exactly?", "quote": "basically everyone"}],
                "decisions": [
                    {"flag_id": sorted(flag_ids)[0], "decision": "accept"},
                    {"flag_id": "no-failure-plan", "decision": "add", "reason": "none"},
                ],
                "elements": {"who": False, "tech": True},
                "score_override": 20,
                "override_reason": "ML-first",
            }
        ),
        answer=view.answer,
        flag_ids=flag_ids,
        known_flags=KNOWN,
    )
    with db.session() as session:
        review_queries.add_review(
            session,
            attempt_id=view.id,
            content=content,
            reviewer_id=other_user.user_id,
            reviewer_name="Mentor",
            source="account",
            submitted=True,
            external_id="file-review-1",
        )
        session.commit()
    with db.session() as session:
        (stored,) = review_queries.reviews_of_attempts(session, attempt_ids=[view.id])
        assert stored.score_override == 20 and stored.status == "submitted"
        assert [c.quote for c in stored.comments] == ["basically everyone"]
        assert {d.decision for d in stored.decisions} == {"accept", "add"}
        assert {e.element: e.present for e in stored.elements} == {"who": False, "tech": True}
        assert review_queries.review_by_external_id(session, external_id="file-review-1")


def test_a_decision_must_name_a_place_where_the_flag_is(prompt: Prompt) -> None:
    report = analyze(WEAK_ANSWER, prompt.to_spec())
    placed = next(flag for flag in report.flags if flag_place(flag)[0] != ANSWER_LEVEL)
    start, end = flag_place(placed)
    decision = {"flag_id": placed.id, "decision": "accept", "span_start": start, "span_end": end}
    assert review_of({"decisions": [decision]}, answer=WEAK_ANSWER, report=report).decisions
    moved = {**decision, "span_start": start + 1}
    with pytest.raises(ReviewInputError, match="not flagged at that place"):
        review_of({"decisions": [moved]}, answer=WEAK_ANSWER, report=report)
