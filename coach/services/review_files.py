"""Offline review files: a review round trip for the local app, with no server in between.

1. The learner writes a *review request* for one or more attempts (:func:`request_file`).
2. A mentor opens it in their own app (:func:`read_request`): a read-only review session held
   by the page in memory, never stored in the mentor's database; each review is checked
   against the attempt in the file (``review_content.review_of``) and the mentor downloads a
   *review response* (:func:`response_file`).
3. The learner imports the response (:func:`import_response`) onto the original attempts.

How a response finds its attempt without a table and without showing database ids: each
attempt in a request is named by a *ref*, an HMAC-SHA256 of ``"<request id>:<attempt id>"``
keyed by the learner's account (its id and creation time to the microsecond). Refs differ
from one request to the next, reveal no id, and only the learner's own database can
recompute them: a response for another install or another learner matches nothing and is
refused. A review also carries the SHA-256 of the answer it was written for, so a review of
a different text is refused, and its ``review_id`` becomes the stored review's
``external_id``, so importing a response twice adds nothing the second time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from coach.db import account_queries as accounts_repo
from coach.db import repositories as repo
from coach.db import review_queries
from coach.db.database import Database
from coach.db.models import Attempt, Review
from coach.errors import (
    AccessDeniedError,
    AttemptNotFoundError,
    CoachError,
    ReviewInputError,
)
from coach.services.attempts import parse_report
from coach.services.review_content import (
    MAX_NAME_CHARS,
    ReviewInput,
    review_of,
    reviewer_name,
)
from coach.services.users import UserContext
from scoring.report import LEVELS, Report

REQUEST_FORMAT = "aipm-coach-review-request"
RESPONSE_FORMAT = "aipm-coach-review-response"
FILE_VERSION = 1
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ATTEMPTS = 50  # per request: a mentor reviews a handful, not a whole history
MAX_ANSWER_CHARS = 100_000
_REF_CHARS = 32  # 128 bits of the HMAC


class ReviewFileError(ReviewInputError):
    """A review file cannot be used at all (damaged, not a review file, too big); nothing
    was read into the app or stored."""


@dataclass(frozen=True, slots=True)
class RequestedAttempt:
    """One attempt as a review request carries it (no database id: a ref)."""

    ref: str
    prompt: str
    answer: str
    report: Report | None
    level: str
    submitted_at: str

    @property
    def answer_sha256(self) -> str:
        return _sha256(self.answer)


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    """A review request as the mentor's app reads it."""

    request_id: str
    created_at: str
    learner: str
    attempts: tuple[RequestedAttempt, ...]

    def attempt(self, ref: str) -> RequestedAttempt:
        return next(item for item in self.attempts if item.ref == ref)


@dataclass(frozen=True, slots=True)
class FileReview:
    """The mentor's review of one attempt of a request, with the id it keeps in every
    response written from the same session."""

    content: ReviewInput
    review_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True, slots=True)
class ResponseImport:
    """What importing a response did: reviews added (attempt id, reviewer), reviews already
    imported before, and reviews refused with the reason."""

    added: list[tuple[int, str]]
    already_imported: int
    refused: list[str]


# --- the learner writes a request -----------------------------------------------------------


def request_file(
    db: Database, user: UserContext, attempt_ids: Sequence[int], *, now: datetime | None = None
) -> bytes:
    """A review request for some of the user's attempts (JSON, UTF-8). Nothing is stored.

    Raises:
        AttemptNotFoundError: one of the ids is not an attempt of this user.
        ReviewInputError: no attempt, or more than :data:`MAX_ATTEMPTS`.
    """
    wanted = list(dict.fromkeys(attempt_ids))
    if not wanted:
        raise ReviewInputError("Choose at least one attempt to send for review.")
    if len(wanted) > MAX_ATTEMPTS:
        raise ReviewInputError(f"Send at most {MAX_ATTEMPTS} attempts in one review file.")
    request_id = str(uuid.uuid4())
    with db.session() as session:
        rows = {
            row.id: row
            for row in repo.attempts_by_ids(session, user_id=user.user_id, attempt_ids=wanted)
        }
        missing = [attempt_id for attempt_id in wanted if attempt_id not in rows]
        if missing:
            raise AttemptNotFoundError(missing[0])
        key = _ref_key(session, user)
        payload = {
            "format": REQUEST_FORMAT,
            "version": FILE_VERSION,
            "request_id": request_id,
            "created_at": (now or datetime.now(UTC)).isoformat(),
            "learner": user.display_name,
            "attempts": [
                _requested(rows[attempt_id], _ref(key, request_id, attempt_id))
                for attempt_id in wanted
            ],
        }
    return _dump(payload)


def _requested(row: Attempt, ref: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "prompt": row.prompt_text or row.prompt_id,
        "answer": row.answer,
        "report": json.loads(row.report) if row.report else None,
        "level": row.level,
        "submitted_at": row.submitted_at.isoformat(),
    }


# --- the mentor reads it and answers ---------------------------------------------------------


class _RequestedModel(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ref: str = Field(min_length=8, max_length=64)
    prompt: str = Field(max_length=5_000)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS)
    report: dict[str, Any] | None
    level: str
    submitted_at: str = Field(max_length=64)


class _RequestModel(BaseModel):
    model_config = ConfigDict(extra="ignore")

    request_id: str = Field(min_length=8, max_length=64)
    created_at: str = Field(default="", max_length=64)
    learner: str = Field(default="", max_length=MAX_NAME_CHARS)
    attempts: list[_RequestedModel] = Field(min_length=1, max_length=MAX_ATTEMPTS)


def read_request(payload: bytes) -> ReviewRequest:
    """Read a review request file (for the mentor's session; nothing is stored).

    Raises:
        ReviewFileError: damaged, too big, not a review request, or a version this app does
            not read; the message says which.
    """
    data = _load(payload, REQUEST_FORMAT, "review request")
    try:
        model = _RequestModel.model_validate(data)
    except ValidationError as error:
        raise ReviewFileError(f"The review request is damaged: {_problems(error)}.") from None
    attempts: list[RequestedAttempt] = []
    for number, item in enumerate(model.attempts, start=1):
        report = parse_report(json.dumps(item.report)) if item.report is not None else None
        if item.report is not None and report is None:
            raise ReviewFileError(
                f"The review request is damaged: attempt {number}'s report cannot be read."
            )
        if item.level not in LEVELS:
            raise ReviewFileError(
                f"The review request is damaged: attempt {number} has an unknown level."
            )
        attempts.append(
            RequestedAttempt(
                ref=item.ref,
                prompt=item.prompt,
                answer=item.answer,
                report=report,
                level=item.level,
                submitted_at=item.submitted_at,
            )
        )
    if len({item.ref for item in attempts}) != len(attempts):
        raise ReviewFileError("The review request is damaged: two attempts share one ref.")
    return ReviewRequest(
        request_id=model.request_id,
        created_at=model.created_at,
        learner=model.learner,
        attempts=tuple(attempts),
    )


def response_file(request: ReviewRequest, *, name: str, reviews: Mapping[str, FileReview]) -> bytes:
    """The review response for ``request``: the reviews by ref, in the request's order.

    Raises:
        ReviewInputError: no name, or no review yet.
    """
    reviewer = reviewer_name(name)
    chosen = [item for item in request.attempts if item.ref in reviews]
    if not chosen:
        raise ReviewInputError("Review at least one attempt before downloading the response.")
    payload = {
        "format": RESPONSE_FORMAT,
        "version": FILE_VERSION,
        "request_id": request.request_id,
        "reviews": [
            {
                "ref": item.ref,
                "review_id": reviews[item.ref].review_id,
                "reviewer_name": reviewer,
                "answer_sha256": item.answer_sha256,
                "content": reviews[item.ref].content.model_dump(mode="json"),
            }
            for item in chosen
        ],
    }
    return _dump(payload)


# --- the learner imports the response --------------------------------------------------------


class _ResponseModel(BaseModel):
    model_config = ConfigDict(extra="ignore")

    request_id: str = Field(min_length=8, max_length=64)
    reviews: list[dict[str, Any]] = Field(max_length=MAX_ATTEMPTS)


class _ReviewEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ref: str = Field(max_length=64)
    review_id: uuid.UUID
    reviewer_name: str
    answer_sha256: str = Field(max_length=64)
    content: dict[str, Any]


def import_response(db: Database, user: UserContext, payload: bytes) -> ResponseImport:
    """Store the reviews of a response on the user's original attempts (source "file").

    Each review is checked on its own: it must name an attempt of one of this user's requests
    (its ref), be written for the same answer text, and pass the review checks; a refused
    review is listed with the reason and stores nothing. A review imported before is counted
    and skipped.

    Raises:
        ReviewFileError: the file is damaged, too big or not a review response (nothing stored).
    """
    data = _load(payload, RESPONSE_FORMAT, "review response")
    try:
        response = _ResponseModel.model_validate(data)
    except ValidationError as error:
        raise ReviewFileError(f"The review response is damaged: {_problems(error)}.") from None
    added: list[tuple[int, str]] = []
    refused: list[str] = []
    already = 0
    with db.session() as session:
        key = _ref_key(session, user)
        by_ref = {
            _ref(key, response.request_id, attempt_id): attempt_id
            for attempt_id in repo.attempt_ids(session, user_id=user.user_id)
        }
        seen: set[str] = set()
        for number, raw in enumerate(response.reviews, start=1):
            try:
                entry = _ReviewEntry.model_validate(raw)
            except ValidationError as error:
                refused.append(f"Review {number}: damaged ({_problems(error)}).")
                continue
            review_id = str(entry.review_id)
            if review_id in seen or review_queries.review_by_external_id(
                session, external_id=review_id
            ):
                already += 1
                continue
            attempt_id = by_ref.get(entry.ref)
            if attempt_id is None:
                refused.append(
                    f"Review {number}: it is not for any attempt in your data (a request from "
                    "another install or another learner, or an attempt deleted since)."
                )
                continue
            row = repo.get_attempt(session, user_id=user.user_id, attempt_id=attempt_id)
            if row is None or not hmac.compare_digest(entry.answer_sha256, _sha256(row.answer)):
                refused.append(
                    f"Review {number} (attempt #{attempt_id}): it was written for a different "
                    "answer text than yours, so it is not imported."
                )
                continue
            try:
                name = reviewer_name(entry.reviewer_name)
                content = review_of(
                    entry.content, answer=row.answer, report=parse_report(row.report)
                )
            except CoachError as error:
                refused.append(f"Review {number} (attempt #{attempt_id}): {error}")
                continue
            add_file_review(
                session, attempt_id=attempt_id, content=content, name=name, external_id=review_id
            )
            seen.add(review_id)
            added.append((attempt_id, name))
        session.commit()
    return ResponseImport(added=added, already_imported=already, refused=refused)


def add_file_review(
    session: Session,
    *,
    attempt_id: int,
    content: ReviewInput,
    name: str,
    external_id: str,
    source: str = "file",
    submitted_at: datetime | None = None,
) -> Review:
    """Store a checked, submitted review that arrived in a file (a mentor's response, or a
    learner's own export): its reviewer has no account on this install, only a name, and
    ``external_id`` (unique here) lets a second import of the same review be recognised.
    ``source`` and ``submitted_at`` keep what an export says (default: a review file, now)."""
    return review_queries.add_review(
        session,
        attempt_id=attempt_id,
        content=content,
        reviewer_id=None,
        reviewer_name=name,
        source=source,
        submitted=True,
        external_id=external_id,
        now=submitted_at,
    )


# --- helpers ---------------------------------------------------------------------------------


def _ref_key(session: Session, user: UserContext) -> bytes:
    account = accounts_repo.get_user(session, user_id=user.user_id)
    if account is None:
        raise AccessDeniedError("This account no longer exists.")
    born = account.created_at.astimezone(UTC).isoformat()
    return hashlib.sha256(f"aipm-coach-review-ref:{account.id}:{born}".encode()).digest()


def _ref(key: bytes, request_id: str, attempt_id: int) -> str:
    message = f"{request_id}:{attempt_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:_REF_CHARS]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dump(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def _load(payload: bytes, expected: str, what: str) -> dict[str, Any]:
    if len(payload) > MAX_FILE_BYTES:
        raise ReviewFileError(
            f"The file is {len(payload) / 1_048_576:.1f} MB; a {what} is at most "
            f"{MAX_FILE_BYTES // 1_048_576} MB."
        )
    try:
        data = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError:
        raise ReviewFileError(f"The file is not a {what}: it is not text.") from None
    except ValueError as error:
        raise ReviewFileError(
            f"The file is not a {what}: it is not valid JSON ({error})."
        ) from None
    if not isinstance(data, dict) or data.get("format") != expected:
        found = data.get("format") if isinstance(data, dict) else None
        hint = f' (it is a "{found}" file)' if isinstance(found, str) and found else ""
        raise ReviewFileError(f"The file is not an aipm-coach {what}{hint}.")
    if data.get("version") != FILE_VERSION:
        raise ReviewFileError(
            f"This {what} has format version {data.get('version')!r}; this app reads version "
            f"{FILE_VERSION}. Update aipm-coach, or ask for a file from the same version."
        )
    return data


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'file'}: {item['msg']}"
        for item in error.errors()[:5]
    )
