"""Mentors' reviews in the JSON export, on SQLite and PostgreSQL: submitted reviews (never
drafts) travel with their attempt and the learner's replies, name the reviewer by display name
only, come back on import exactly as Feedback showed them, once, and a damaged or hostile
review imports nothing."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from coach.db.database import Database
from coach.db.models import Review, ReviewReply
from coach.errors import DataImportError
from coach.services import attempts, data_io, review_files, reviews
from coach.services.review_content import review_of
from coach.services.review_files import FileReview
from question_bank import Prompt
from tests.review_support import QUOTE, STRONG_ANSWER, Cohorts, answer, full_review, make_cohorts


@pytest.fixture
def people(db: Database) -> Cohorts:
    return make_cohorts(db)


@pytest.fixture
def reviewed(db: Database, people: Cohorts, prompt: Prompt) -> list[int]:
    """Ann's weak answer with Mo's full review (Ann replied to its span comment) and Cy's
    unsent draft; her strong answer with a review that came back in a review file."""
    weak = answer(db, people.ann, prompt)
    strong = answer(db, people.ann, prompt, text=STRONG_ANSWER, minutes=5)
    reviews.save_review(
        db,
        people.mo,
        weak,
        full_review(db, people, weak, overall_comment="Start from the <b>user</b>."),
        submit=True,
    )
    reviews.save_review(db, people.cy, weak, {"overall_comment": "Draft, not sent."}, submit=False)
    (shown,) = reviews.reviews_for_owner(db, people.ann, weak)
    reviews.reply(db, people.ann, shown.comments[0].id, "The support-drafting model.")
    result = review_files.import_response(db, people.ann, _file_response(db, people, strong))
    assert len(result.added) == 1
    return [weak, strong]


def _file_response(db: Database, people: Cohorts, attempt_id: int) -> bytes:
    request = review_files.read_request(review_files.request_file(db, people.ann, [attempt_id]))
    item = request.attempts[0]
    content = review_of(
        {"overall_comment": "Good measures.", "comments": [{"body": "Yes", "quote": "agents"}]},
        answer=item.answer,
        report=item.report,
    )
    return review_files.response_file(
        request, name="Tess (tutor)", reviews={item.ref: FileReview(content)}
    )


def _feedback(db: Database, people: Cohorts) -> list[list[reviews.ReviewShown]]:
    """What Feedback shows of each of Ann's attempts, oldest first, without database ids."""
    ids = sorted(attempts.list_attempts(db, people.ann), key=lambda s: s.submitted_at)
    return [
        [
            dataclasses.replace(
                shown,
                id=0,
                comments=tuple(dataclasses.replace(c, id=0) for c in shown.comments),
            )
            for shown in reviews.reviews_for_owner(db, people.ann, summary.id)
        ]
        for summary in ids
    ]


def _portable(payload: bytes) -> dict[str, Any]:
    data = json.loads(payload)
    data.pop("exported_at")
    return data


def _count(db: Database, model: Any) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_submitted_reviews_travel_with_replies_and_no_reviewer_identity(
    db: Database, people: Cohorts, reviewed: list[int]
) -> None:
    data = json.loads(data_io.export_json(db, people.ann))
    assert data["version"] == data_io.EXPORT_VERSION == 3
    weak, strong = data["attempts"]
    (mentor,) = weak["reviews"]  # Cy's draft stays Cy's
    assert (mentor["reviewer_name"], mentor["source"]) == ("Mo", "account")
    assert mentor["content"]["score_override"] == 20
    assert mentor["content"]["comments"][0]["quote"] == QUOTE
    assert mentor["content"]["elements"] == {
        "who": False,
        "why": False,
        "metrics": False,
        "tech": True,
    }
    assert mentor["content"]["decisions"][-1]["decision"] == "add"
    (reply,) = mentor["replies"]
    assert (reply["comment"], reply["body"]) == (0, "The support-drafting model.")
    (tutor,) = strong["reviews"]
    assert (tutor["reviewer_name"], tutor["source"]) == ("Tess (tutor)", "file")
    with db.session() as session:
        stored = session.scalars(select(Review.external_id).where(Review.source == "file")).all()
    assert tutor["external_id"] == stored[0]  # a review file's id is kept
    text = json.dumps(data)
    assert "@example.com" not in text  # every account here has such an address
    assert "Draft, not sent." not in text
    assert not {"reviewer_id", "user_id", "email"} & {
        key for review in (mentor, tutor) for key in review
    }
    # The same review keeps the same id from one export to the next.
    again = json.loads(data_io.export_json(db, people.ann))
    assert again["attempts"][0]["reviews"][0]["external_id"] == mentor["external_id"]


def test_export_delete_all_import_shows_the_same_reviews_and_exports_the_same_file(
    db: Database, people: Cohorts, reviewed: list[int]
) -> None:
    shown_before = _feedback(db, people)
    assert [len(found) for found in shown_before] == [1, 1]
    payload = data_io.export_json(db, people.ann)

    assert data_io.delete_all(db, people.ann) == 2
    assert _count(db, Review) == 0 and _count(db, ReviewReply) == 0

    assert data_io.import_json(db, people.ann, payload) == data_io.ImportResult(added=2, skipped=0)
    assert _feedback(db, people) == shown_before
    assert _portable(data_io.export_json(db, people.ann)) == _portable(payload)
    assert _count(db, Review) == 2 and _count(db, ReviewReply) == 1
    with db.session() as session:
        assert session.scalars(select(Review.reviewer_id)).all() == [None, None]
    # The mentor's queue and their review page do not take the imported review for theirs.
    assert reviews.open_review(db, people.mo, _ids(db, people)[0]).submitted is None


def _ids(db: Database, people: Cohorts) -> list[int]:
    found = sorted(attempts.list_attempts(db, people.ann), key=lambda s: s.submitted_at)
    return [summary.id for summary in found]


def test_importing_the_same_file_again_adds_no_review(
    db: Database, people: Cohorts, reviewed: list[int]
) -> None:
    payload = data_io.export_json(db, people.ann)
    assert data_io.import_json(db, people.ann, payload).added == 0
    data_io.delete_all(db, people.ann)
    assert data_io.import_json(db, people.ann, payload).added == 2
    assert data_io.import_json(db, people.ann, payload).added == 0
    assert _count(db, Review) == 2 and _count(db, ReviewReply) == 1


def test_a_review_file_imported_before_the_move_is_not_imported_again_after_it(
    db: Database, people: Cohorts, reviewed: list[int]
) -> None:
    response = _file_response(db, people, reviewed[1])  # a second mentor's response
    assert len(review_files.import_response(db, people.ann, response).added) == 1
    payload = data_io.export_json(db, people.ann)
    data_io.delete_all(db, people.ann)
    data_io.import_json(db, people.ann, payload)
    assert _count(db, Review) == 3
    # The learner imports the response they still have: it is recognised, not added again.
    again = review_files.import_response(db, people.ann, response)
    assert (again.added, again.already_imported) == ([], 1)
    assert _count(db, Review) == 3


def test_a_version_2_export_still_imports(
    db: Database, people: Cohorts, reviewed: list[int]
) -> None:
    data = json.loads(data_io.export_json(db, people.ann))
    data_io.delete_all(db, people.ann)
    data["version"] = 2  # what the app wrote before reviews travelled
    for record in data["attempts"]:
        record.pop("reviews")
    assert data_io.import_json(db, people.ann, json.dumps(data).encode()).added == 2
    assert _count(db, Review) == 0


def _set(data: Any, path: str, value: object) -> None:
    """Change one value; ``path`` reads like ``reviews.0.content.decisions.-1.flag_id``."""
    *steps, last = [int(step) if step.lstrip("-").isdigit() else step for step in path.split(".")]
    for step in steps:
        data = data[step]
    data[last] = value


NOT_VALID = "record 1: reviews[0].content: The review is not valid: "
HOSTILE_REVIEWS = [
    ("reviews", "all", "record 1: reviews: must be a list, got 'all'"),
    ("reviews.0", 3, "record 1: reviews[0]: must be an object, got a number"),
    ("reviews.0.reviewer_name", 5, "record 1: reviews[0].reviewer_name: must be text, got a"),
    ("reviews.0.reviewer_name", "x" * 201, "record 1: reviews[0].reviewer_name: must be at most"),
    ("reviews.0.reviewer_name", " ", "record 1: reviews[0].reviewer_name: is empty"),
    ("reviews.0.external_id", None, "record 1: reviews[0].external_id: must be text, got null"),
    ("reviews.0.external_id", "e" * 65, "record 1: reviews[0].external_id: must be at most 64"),
    ("reviews.0.source", "email", "record 1: reviews[0].source: must be one of account, link"),
    ("reviews.0.submitted_at", "today", "record 1: reviews[0].submitted_at: must be an ISO date"),
    ("reviews.0.submitted_at", "2026-03-02T09:00:00", "record 1: reviews[0].submitted_at: time"),
    ("reviews.0.content", [], "record 1: reviews[0].content: must be an object, got a list"),
    ("reviews.0.content.score_override", "80", NOT_VALID + "score_override: Input should be"),
    ("reviews.0.content.score_override", 101, NOT_VALID + "score_override: Input should be less"),
    ("reviews.0.content.override_reason", "", "record 1: reviews[0].content: Say why you over"),
    ("reviews.0.content.overall_comment", "o" * 4001, NOT_VALID + "overall_comment: String"),
    ("reviews.0.content.comments.0.body", "b" * 4001, NOT_VALID + "comments.0.body: String"),
    ("reviews.0.content.comments.0.body", ["x"], NOT_VALID + "comments.0.body: Input should be"),
    ("reviews.0.content.comments.0.span_start", -5, NOT_VALID + "comments.0.span_start: Input"),
    (
        "reviews.0.content.comments.0.span_end",
        10**6,
        "record 1: reviews[0].content: A comment's span must have a start before its end",
    ),
    (
        "reviews.0.content.comments.0.quote",
        "nurses",
        'record 1: reviews[0].content: The quoted words "nurses" are not at that place',
    ),
    (
        "reviews.0.content.decisions.0.flag_id",
        "made-up",
        'record 1: reviews[0].content: "made-up" is not one of this attempt\'s flags.',
    ),
    (
        "reviews.0.content.decisions.-1.flag_id",
        "made-up",
        'record 1: reviews[0].content: "made-up" is not one of known flags.',
    ),
    ("reviews.0.content.decisions.0.decision", "veto", NOT_VALID + "decisions.0.decision: Input"),
    ("reviews.0.content.decisions.0.reason", "", "record 1: reviews[0].content: Say why you rej"),
    ("reviews.0.content.elements.charm", True, "record 1: reviews[0].content: Unknown element"),
    ("reviews.0.content.elements.who", "no", NOT_VALID + "elements.who: Input should be a valid"),
    ("reviews.0.content.surprise", 1, NOT_VALID + "surprise: Extra inputs are not permitted"),
    ("reviews.0.replies", {}, "record 1: reviews[0].replies: must be a list, got an object"),
    ("reviews.0.replies.0.comment", 7, "record 1: reviews[0].replies[0].comment: must be 0 to 1"),
    ("reviews.0.replies.0.comment", "0", "record 1: reviews[0].replies[0].comment: must be a"),
    ("reviews.0.replies.0.body", None, "record 1: reviews[0].replies[0].body: must be text"),
    ("reviews.0.replies.0.body", "r" * 4001, "record 1: reviews[0].replies[0].body: must be at"),
    ("reviews.0.replies.0.created_at", 5, "record 1: reviews[0].replies[0].created_at: must be"),
]


@pytest.mark.parametrize(
    ("path", "value", "expected"), HOSTILE_REVIEWS, ids=[h[0] for h in HOSTILE_REVIEWS]
)
def test_a_hostile_review_is_refused_and_nothing_is_written(
    db: Database,
    people: Cohorts,
    reviewed: list[int],
    path: str,
    value: object,
    expected: str,
) -> None:
    data = json.loads(data_io.export_json(db, people.ann))
    data_io.delete_all(db, people.ann)
    _set(data["attempts"][0], path, value)
    assert_import_refused(db, people, data, expected)


def assert_import_refused(
    db: Database, people: Cohorts, data: dict[str, Any], expected: str
) -> None:
    """Importing ``data`` fails with a message starting ``expected``; nothing is written."""
    with pytest.raises(DataImportError) as caught:
        data_io.import_json(db, people.ann, json.dumps(data).encode())
    message = str(caught.value)
    assert message.startswith(expected), message
    assert message.endswith("Nothing was imported.")
    assert attempts.list_attempts(db, people.ann) == []
    assert _count(db, Review) == 0 and _count(db, ReviewReply) == 0


def test_a_review_id_used_twice_or_a_comment_replied_to_twice_is_refused(
    db: Database, people: Cohorts, reviewed: list[int]
) -> None:
    data = json.loads(data_io.export_json(db, people.ann))
    data_io.delete_all(db, people.ann)
    weak, strong = data["attempts"]
    strong["reviews"][0]["external_id"] = weak["reviews"][0]["external_id"]
    assert_import_refused(db, people, data, "record 2: reviews[0].external_id: '")
    strong["reviews"][0]["external_id"] = "another-id"
    weak["reviews"][0]["replies"].append(dict(weak["reviews"][0]["replies"][0]))
    assert_import_refused(
        db, people, data, "record 1: reviews[0].replies[1].comment: comment 0 has two"
    )
