"""The reviews part of the JSON export: the submitted reviews mentors gave on an attempt, with
the learner's replies, written out and checked back in.

A review travels inside its attempt's record, so it lands on the attempt's new id. It names
its reviewer by display name only (the name the learner already reads on Feedback): never an
e-mail or an account id, which belong to other people and mean nothing on another install.
Imported, it is a review whose reviewer has no account here, stored like a review file's
(:func:`coach.services.review_files.add_file_review`). Its content is checked like every
review (:func:`coach.services.review_content.review_of`) against the attempt's answer and
reports; problems read ``reviews[N].field: problem`` like the rest of the record.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from coach.db import review_queries
from coach.db.models import REVIEW_SOURCES, Review, ReviewReply
from coach.errors import ReviewInputError
from coach.services.records import INT_LIMIT, RecordReader, json_kind
from coach.services.review_content import MAX_COMMENT_CHARS, ReviewInput, review_of
from coach.services.review_files import add_file_review
from coach.services.reviews import review_input
from scoring import Report

# Namespace of the ids derived for reviews that have none yet (see review_external_id).
_REVIEW_IDS = uuid.uuid5(uuid.NAMESPACE_URL, "https://aipm-coach/export/review")


# --- export ------------------------------------------------------------------------------------


def review_external_id(review: Review, *, attempt_key: str) -> str:
    """The id a review keeps across exports and installs: the one it came with (a review
    file's), else a UUID derived from what identifies it anywhere.

    Derived, not random: an export only reads, so a random id would differ from one export of
    the same review to the next and a file exported twice would import the review twice. No
    database id goes in (it changes on import), nor a secret (the file must import on any
    install); the attempt (``attempt_key``: prompt, submission time, answer digest), the
    reviewer's name, the source and the submission time to the microsecond single a review
    out, and are already in the file, so the id reveals nothing more.
    """
    if review.external_id:
        return review.external_id
    submitted = review.submitted_at.astimezone(UTC).isoformat() if review.submitted_at else ""
    name = "\x1f".join((attempt_key, review.reviewer_name, review.source, submitted))
    return str(uuid.uuid5(_REVIEW_IDS, name))


def review_record(review: Review, *, attempt_key: str) -> dict[str, Any]:
    """One submitted review as the export writes it: content in a review file's shape, and the
    learner's replies by comment position."""
    return {
        "external_id": review_external_id(review, attempt_key=attempt_key),
        "reviewer_name": review.reviewer_name,
        "source": review.source,
        "submitted_at": review.submitted_at.isoformat() if review.submitted_at else None,
        "content": review_input(review).model_dump(mode="json"),
        "replies": [
            {
                "comment": position,
                "body": comment.reply.body,
                "created_at": comment.reply.created_at.isoformat(),
            }
            for position, comment in enumerate(review.comments)
            if comment.reply is not None
        ],
    }


# --- import ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class ImportedReply:
    comment: int  # position of the comment in its review
    body: str
    created_at: datetime


@dataclasses.dataclass(frozen=True, slots=True)
class ImportedReview:
    """A checked review of the file, waiting for its attempt's id in this database."""

    external_id: str
    reviewer_name: str
    source: str
    submitted_at: datetime
    content: ReviewInput
    replies: tuple[ImportedReply, ...]

    def store(self, session: Session, *, attempt_id: int, user_id: int) -> bool:
        """Store the review and the learner's replies on ``attempt_id``; False (nothing
        stored) when a review with this id is here already, as a review file import does."""
        if review_queries.review_by_external_id(session, external_id=self.external_id):
            return False
        review = add_file_review(
            session,
            attempt_id=attempt_id,
            content=self.content,
            name=self.reviewer_name,
            external_id=self.external_id,
            source=self.source,
            submitted_at=self.submitted_at,
        )
        for reply in self.replies:
            review_queries.add_reply(
                session,
                comment_id=review.comments[reply.comment].id,
                user_id=user_id,
                body=reply.body,
                created_at=reply.created_at,
            )
        return True


def reviews_from_record(
    data: dict[str, Any],
    *,
    answer: str,
    report: Report | None,
    previous: Report | None,
    seen_ids: set[str],
) -> tuple[list[ImportedReview], list[str]]:
    """Return the reviews of one (otherwise valid) attempt record, or the ``field: problem``
    lines found. A review's flag decisions name flags of the attempt's ``report`` or, for a
    review given before a rescore, its ``previous`` one; ``seen_ids`` collects the external
    ids of the whole file, which must not repeat."""
    record = RecordReader(data)
    found: list[ImportedReview] = []
    for entry in record.objects("reviews", table=Review):
        before = len(entry.problems)
        external_id = _filled(entry, "external_id")
        if external_id is not None:
            if external_id in seen_ids:
                entry.fail("external_id", f"{external_id!r} is used twice in the file")
            seen_ids.add(external_id)
        name = _filled(entry, "reviewer_name")
        source = entry.choice("source", REVIEW_SOURCES)
        submitted_at = entry.moment("submitted_at")
        content = _content(entry, answer=answer, report=report, previous=previous)
        replies = _replies(entry, len(content.comments) if content is not None else None)
        if (
            external_id
            and name
            and submitted_at
            and content is not None
            and len(entry.problems) == before
        ):
            found.append(ImportedReview(external_id, name, source, submitted_at, content, replies))
    return found, record.problems


def _filled(entry: RecordReader, name: str, *, limit: int | None = None) -> str | None:
    value = entry.text(name, required=True, limit=limit)
    if value is not None and not value.strip():
        entry.fail(name, "is empty")
        return None
    return value


def _content(
    entry: RecordReader, *, answer: str, report: Report | None, previous: Report | None
) -> ReviewInput | None:
    value = entry.data.get("content")
    if not isinstance(value, dict):
        entry.fail("content", f"must be an object, got {json_kind(value)}")
        return None
    try:
        # Strict: a file written by this app has every value in its JSON type already.
        return review_of(value, answer=answer, report=report, previous=previous, strict=True)
    except ReviewInputError as error:
        entry.fail("content", str(error))
        return None


def _replies(entry: RecordReader, comments: int | None) -> tuple[ImportedReply, ...]:
    """The learner's replies: one at most per comment of the review (``comments``: how many it
    has; None when the content is refused, so positions cannot be checked)."""
    found: list[ImportedReply] = []
    taken: set[int] = set()
    for reply in entry.objects("replies", table=ReviewReply):
        before = len(reply.problems)
        if comments == 0:
            reply.fail("comment", "the review has no comment to reply to")
            position = 0
        else:
            position = reply.whole("comment", 0, INT_LIMIT if comments is None else comments - 1)
        if position in taken:
            reply.fail("comment", f"comment {position} has two replies")
        taken.add(position)
        body = _filled(reply, "body", limit=MAX_COMMENT_CHARS)
        created_at = reply.moment("created_at")
        if body and created_at and len(reply.problems) == before:
            found.append(ImportedReply(position, body, created_at))
    return tuple(found)
