"""Offline review files on SQLite and PostgreSQL: request -> mentor's review session ->
response -> import onto the original attempts, and every bad file refused with a clear
message that changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from coach.db import review_queries
from coach.db.database import Database
from coach.db.models import Review
from coach.errors import AttemptNotFoundError, ReviewInputError
from coach.services import attempts, review_files
from coach.services.review_content import review_of
from coach.services.review_files import FileReview, ReviewFileError
from coach.services.users import UserContext
from question_bank import Prompt
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REVIEW = {
    "overall_comment": "Start from the agents <b>first</b>.",
    "comments": [{"body": "Who exactly?", "quote": "basically everyone"}],
    "elements": {"who": False},
}


def _submit(db: Database, user: UserContext, prompt: Prompt, answer: str) -> int:
    return attempts.submit_answer(
        db, user, prompt=prompt, answer=answer, mode="practice", level="pm", started_at=T0
    ).id


def _mentor_response(request_bytes: bytes, reviews: dict[int, dict], name: str = "Mo") -> bytes:
    """What the mentor's session does: read the request, review attempts by position, write
    the response."""
    request = review_files.read_request(request_bytes)
    checked = {
        request.attempts[index].ref: FileReview(
            review_of(
                data,
                answer=request.attempts[index].answer,
                report=request.attempts[index].report,
            )
        )
        for index, data in reviews.items()
    }
    return review_files.response_file(request, name=name, reviews=checked)


def _reviews(db: Database, *attempt_ids: int) -> list[Review]:
    with db.session() as session:
        found = review_queries.reviews_of_attempts(session, attempt_ids=list(attempt_ids))
        for review in found:
            list(review.comments), list(review.elements)
        return list(found)


def test_a_request_carries_the_attempts_under_refs_not_ids(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    first = _submit(db, user, prompt, WEAK_ANSWER)
    second = _submit(db, user, prompt, STRONG_ANSWER)
    payload = review_files.request_file(db, user, [first, second, first], now=T0)
    data = json.loads(payload)
    assert (data["format"], data["version"]) == ("aipm-coach-review-request", 1)
    assert [a["answer"] for a in data["attempts"]] == [WEAK_ANSWER, STRONG_ANSWER]
    assert all(len(a["ref"]) == 32 and str(first) != a["ref"] for a in data["attempts"])
    assert data["attempts"][0]["report"]["flags"]
    again = json.loads(review_files.request_file(db, user, [first], now=T0))
    assert again["attempts"][0]["ref"] != data["attempts"][0]["ref"]  # new request, new refs
    request = review_files.read_request(payload)
    assert request.attempts[0].report is not None
    assert (
        request.attempts[0].report.overall == attempts.get_attempt(db, user, first).report.overall
    )


def test_the_round_trip_stores_the_review_on_the_original_attempt_once(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    weak = _submit(db, user, prompt, WEAK_ANSWER)
    strong = _submit(db, user, prompt, STRONG_ANSWER)
    response = _mentor_response(
        review_files.request_file(db, user, [weak, strong]), {0: REVIEW}, name="Mo <i>"
    )
    result = review_files.import_response(db, user, response)
    assert (result.added, result.already_imported, result.refused) == ([(weak, "Mo <i>")], 0, [])
    (stored,) = _reviews(db, weak, strong)
    assert (stored.attempt_id, stored.source, stored.reviewer_id) == (weak, "file", None)
    assert stored.external_id == json.loads(response)["reviews"][0]["review_id"]
    assert stored.overall_comment == REVIEW["overall_comment"]
    assert [c.quote for c in stored.comments] == ["basically everyone"]
    assert {e.element: e.present for e in stored.elements} == {"who": False}

    again = review_files.import_response(db, user, response)
    assert (again.added, again.already_imported, again.refused) == ([], 1, [])
    assert len(_reviews(db, weak, strong)) == 1


def test_a_response_for_another_learner_or_install_is_refused(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt
) -> None:
    theirs = _submit(db, other_user, prompt, WEAK_ANSWER)
    mine = _submit(db, user, prompt, WEAK_ANSWER)  # the same text: the ref still tells apart
    response = _mentor_response(review_files.request_file(db, other_user, [theirs]), {0: REVIEW})
    result = review_files.import_response(db, user, response)
    assert result.added == [] and "not for any attempt in your data" in result.refused[0]
    assert _reviews(db, theirs, mine) == []


def test_a_review_of_a_different_answer_text_is_refused(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    weak = _submit(db, user, prompt, WEAK_ANSWER)
    response = json.loads(
        _mentor_response(review_files.request_file(db, user, [weak]), {0: REVIEW})
    )
    response["reviews"][0]["answer_sha256"] = "0" * 64
    result = review_files.import_response(db, user, json.dumps(response).encode())
    assert result.added == []
    assert result.refused == [
        f"Review 1 (attempt #{weak}): it was written for a different answer text than yours, "
        "so it is not imported."
    ]
    assert _reviews(db, weak) == []


def test_each_review_is_checked_again_on_import(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    weak = _submit(db, user, prompt, WEAK_ANSWER)
    strong = _submit(db, user, prompt, STRONG_ANSWER)
    response = json.loads(
        _mentor_response(review_files.request_file(db, user, [weak, strong]), {0: REVIEW, 1: {}})
    )
    # A tampered span in the first review; the second one is fine and still goes in.
    response["reviews"][0]["content"]["comments"][0]["span_start"] = 0
    result = review_files.import_response(db, user, json.dumps(response).encode())
    assert result.added == [(strong, "Mo")]
    assert len(result.refused) == 1 and "not at that place" in result.refused[0]
    assert [r.attempt_id for r in _reviews(db, weak, strong)] == [strong]


def _file(data: object) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "it is not text"),
        (b"{not json", "not valid JSON"),
        (_file([1, 2]), "not an aipm-coach review response"),
        (
            _file({"format": "aipm-coach-review-request", "version": 1}),
            'it is a "aipm-coach-review-request" file',
        ),
        (_file({"format": "aipm-coach-export", "version": 1}), "not an aipm-coach review"),
        (_file({"format": "aipm-coach-review-response", "version": 2}), "version 2"),
        (_file({"format": "aipm-coach-review-response", "version": 1}), "damaged"),
        (b" " * (5 * 1024 * 1024 + 1), "at most 5 MB"),
    ],
)
def test_a_damaged_response_is_refused_and_changes_nothing(
    db: Database, user: UserContext, prompt: Prompt, payload: bytes, message: str
) -> None:
    weak = _submit(db, user, prompt, WEAK_ANSWER)
    with pytest.raises(ReviewFileError, match=message):
        review_files.import_response(db, user, payload)
    assert _reviews(db, weak) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version="1"), "version '1'"),
        (lambda d: d.update(attempts=[]), "attempts"),
        (lambda d: d["attempts"][0].update(answer=""), "answer"),
        (lambda d: d["attempts"][0].update(level="guru"), "unknown level"),
        (lambda d: d["attempts"][0].update(report={"overall": "x"}), "report cannot be read"),
        (lambda d: d["attempts"].append(dict(d["attempts"][0])), "share one ref"),
        (lambda d: d.update(format="aipm-coach-review-response"), "not an aipm-coach review req"),
    ],
)
def test_a_damaged_request_is_refused(
    db: Database, user: UserContext, prompt: Prompt, change, message: str
) -> None:
    data = json.loads(review_files.request_file(db, user, [_submit(db, user, prompt, WEAK_ANSWER)]))
    change(data)
    with pytest.raises(ReviewFileError, match=message):
        review_files.read_request(_file(data))


def test_a_request_needs_own_attempts(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt
) -> None:
    theirs = _submit(db, other_user, prompt, WEAK_ANSWER)
    with pytest.raises(AttemptNotFoundError, match=f"Attempt {theirs} not found"):
        review_files.request_file(db, user, [theirs])
    with pytest.raises(ReviewInputError, match="at least one"):
        review_files.request_file(db, user, [])


def test_a_response_needs_a_name_and_a_review(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    request_bytes = review_files.request_file(db, user, [_submit(db, user, prompt, WEAK_ANSWER)])
    with pytest.raises(ReviewInputError, match="at least one"):
        _mentor_response(request_bytes, {})
    with pytest.raises(ReviewInputError, match="Give your name"):
        _mentor_response(request_bytes, {0: REVIEW}, name=" ")
