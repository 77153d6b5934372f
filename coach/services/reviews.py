"""Mentors' reviews: the queue, opening and saving a review, and the learner's side of it.

Who may do what (see :mod:`coach.services.access`):

- a mentor or admin *of a cohort* reviews the scored attempts of that cohort's learners (never
  their own); anyone else's attempt reads exactly like a missing one;
- the owner of an attempt reads its submitted reviews (from mentors, review links and review
  files: see ``review_links`` and ``review_files``) and replies once to each comment.

What a review says is checked with :func:`coach.services.review_content.review_of`, as on the
other two paths, plus the place of each decided flag; it is stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.db import repositories as repo
from coach.db import review_queries as reviews_repo
from coach.db.database import Database
from coach.db.models import Attempt, Review, utc_now
from coach.errors import (
    AttemptNotFoundError,
    ReviewInputError,
    ReviewNotFoundError,
)
from coach.services import access
from coach.services.attempts import AttemptView, storable_text, to_view
from coach.services.review_content import (
    ANSWER_LEVEL,
    MAX_COMMENT_CHARS,
    CommentInput,
    FlagDecisionInput,
    ReviewInput,
    ReviewTarget,
    flag_place,
    parse_review,
    review_of,
    review_target,
)
from coach.services.users import UserContext
from scoring.report import Flag

QUEUE_LIMIT = 200


# --- views -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewSubject:
    """What a mentor sees and what a review is checked against: the attempt (prompt, answer,
    report), whose it is, and what the review form asks about."""

    attempt: AttemptView
    learner_name: str
    target: ReviewTarget

    @property
    def reviewable(self) -> bool:
        return self.attempt.status == "scored" and self.attempt.report is not None


@dataclass(frozen=True, slots=True)
class ReviewDesk:
    """The review page's data: the subject, the reviewer's unsent draft, and their submitted
    review of it with the learner's replies (None: not yet)."""

    subject: ReviewSubject
    draft: ReviewInput | None
    submitted: ReviewShown | None

    @property
    def submitted_at(self) -> datetime | None:
        return self.submitted.submitted_at if self.submitted is not None else None


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One attempt waiting for a review."""

    attempt_id: int
    learner_id: int
    learner_name: str
    prompt_id: str
    category: str | None
    submitted_at: datetime
    overall: int | None
    flag_ids: tuple[str, ...]
    has_draft: bool


@dataclass(frozen=True, slots=True)
class CommentShown:
    """A comment as the learner reads it; ``matches`` is False when the quoted words are no
    longer at the stored offsets (then the span is not highlighted)."""

    id: int
    body: str
    quote: str
    span_start: int | None
    span_end: int | None
    matches: bool
    reply: str | None


@dataclass(frozen=True, slots=True)
class DecisionShown:
    flag_id: str
    span_start: int
    decision: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReviewShown:
    """A submitted review as the attempt's owner reads it."""

    id: int
    reviewer_name: str
    source: str
    submitted_at: datetime | None
    overall_comment: str
    score_override: int | None
    override_reason: str
    comments: tuple[CommentShown, ...]
    decisions: tuple[DecisionShown, ...]
    elements: dict[str, bool] = field(default_factory=dict)

    def decision_on(self, flag: Flag) -> DecisionShown | None:
        """The decision about this flag (at its place, or about its id as a whole)."""
        place = flag_place(flag)[0]
        return next(
            (
                d
                for d in self.decisions
                if d.flag_id == flag.id and d.span_start in (place, ANSWER_LEVEL)
            ),
            None,
        )

    @property
    def added_flags(self) -> tuple[DecisionShown, ...]:
        return tuple(d for d in self.decisions if d.decision == "add")


@dataclass(frozen=True, slots=True)
class SavedReview:
    review_id: int
    status: str


# --- the mentor ------------------------------------------------------------------------------


def review_queue(
    db: Database,
    actor: UserContext,
    *,
    learner: int | None = None,
    prompt_id: str | None = None,
    flag_id: str | None = None,
    limit: int = QUEUE_LIMIT,
) -> list[QueueItem]:
    """Scored attempts of the learners in ``actor``'s cohorts (where they mentor or run it)
    with no submitted review yet, oldest first; filters by learner id, prompt and flag.
    Someone who mentors no cohort gets an empty queue."""
    with db.session() as session:
        rows = reviews_repo.queue_rows(
            session,
            reviewer_id=actor.user_id,
            reviewer_roles=access.REVIEWER_ROLES,
            learner_id=learner,
            prompt_id=prompt_id,
            flag_id=flag_id,
            limit=limit,
        )
        flags = reviews_repo.flags_of_attempts(session, attempt_ids=[row.id for row in rows])
    return [
        QueueItem(
            attempt_id=row.id,
            learner_id=row.user_id,
            learner_name=row.learner,
            prompt_id=row.prompt_id,
            category=row.category,
            submitted_at=row.submitted_at,
            overall=row.overall,
            flag_ids=tuple(flags.get(row.id, ())),
            has_draft=bool(row.has_draft),
        )
        for row in rows
    ]


def queue_learners(db: Database, actor: UserContext) -> list[tuple[int, str]]:
    """(id, name) of the learners ``actor`` may review, for the queue's learner filter."""
    with db.session() as session:
        rows = reviews_repo.reviewable_learners(
            session, reviewer_id=actor.user_id, reviewer_roles=access.REVIEWER_ROLES
        )
    return [(row.id, row.display_name) for row in rows]


def reviews_anything(db: Database, actor: UserContext) -> bool:
    """Whether ``actor`` mentors or runs a cohort with at least one learner (the review pages
    are shown to them only): one short query, run on every page of theirs."""
    with db.session() as session:
        return bool(
            reviews_repo.reviewable_learners(
                session, reviewer_id=actor.user_id, reviewer_roles=access.REVIEWER_ROLES, limit=1
            )
        )


def open_review(db: Database, actor: UserContext, attempt_id: int) -> ReviewDesk:
    """The attempt to review with the actor's draft, if any.

    Raises:
        AttemptNotFoundError: no such attempt, or not one ``actor`` may review (the same error).
    """
    with db.session() as session:
        row = _reviewable_row(session, actor, attempt_id)
        subject = _subject(session, row)
        draft = reviews_repo.draft_by(session, attempt_id=attempt_id, reviewer_id=actor.user_id)
        submitted = _submitted_by(session, attempt_id=attempt_id, reviewer_id=actor.user_id)
        return ReviewDesk(
            subject=subject,
            draft=review_input(draft) if draft is not None else None,
            submitted=_shown(submitted, row.answer) if submitted is not None else None,
        )


def save_review(
    db: Database,
    actor: UserContext,
    attempt_id: int,
    data: Mapping[str, Any] | ReviewInput,
    *,
    submit: bool,
) -> SavedReview:
    """Store the actor's review of the attempt as a draft, or submit it (the draft becomes the
    submitted review). One draft per reviewer and attempt; one submitted review each.

    Raises:
        AttemptNotFoundError: not an attempt ``actor`` may review.
        ReviewInputError: the review is invalid, the attempt is not scored, or the actor has
            submitted a review of it already; nothing was stored.
    """
    content = data if isinstance(data, ReviewInput) else parse_review(data)
    with db.session() as session:
        row = _reviewable_row(session, actor, attempt_id)
        content = _checked(_subject(session, row), content)
        if _submitted_by(session, attempt_id=attempt_id, reviewer_id=actor.user_id):
            raise ReviewInputError(
                f"You have already submitted a review of attempt {attempt_id}; "
                "it cannot be changed."
            )
        now = utc_now()
        draft = reviews_repo.draft_by(session, attempt_id=attempt_id, reviewer_id=actor.user_id)
        if draft is None:
            review = reviews_repo.add_review(
                session,
                attempt_id=attempt_id,
                content=content,
                reviewer_id=actor.user_id,
                reviewer_name=actor.display_name,
                source="account",
                submitted=submit,
                now=now,
            )
        else:
            reviews_repo.set_content(session, draft, content, submitted=submit, now=now)
            review = draft
        session.commit()
        return SavedReview(review_id=review.id, status=review.status)


# --- the learner -----------------------------------------------------------------------------


def reviews_for_owner(db: Database, user: UserContext, attempt_id: int) -> list[ReviewShown]:
    """The submitted reviews of one of the user's own attempts, oldest first.

    Raises:
        AttemptNotFoundError: not one of the user's attempts.
    """
    with db.session() as session:
        row = repo.get_attempt(session, user_id=user.user_id, attempt_id=attempt_id)
        if row is None:
            raise AttemptNotFoundError(attempt_id)
        found = reviews_repo.reviews_of_attempts(session, attempt_ids=[attempt_id])
        return [_shown(review, row.answer) for review in found]


def reply(db: Database, user: UserContext, comment_id: int, body: str) -> None:
    """Store the attempt owner's one reply to a comment of a submitted review.

    Raises:
        ReviewNotFoundError: no such comment on a submitted review of the user's attempts.
        ReviewInputError: the reply is empty or too long, or the user has replied already.
    """
    text = storable_text(body.strip())
    if not text:
        raise ReviewInputError("Write your reply before sending it.")
    if len(text) > MAX_COMMENT_CHARS:
        raise ReviewInputError(
            f"Your reply has {len(text):,} characters; the limit is {MAX_COMMENT_CHARS:,}."
        )
    with db.session() as session:
        found = reviews_repo.comment_with_owner(session, comment_id=comment_id)
        if found is None or found.owner_id != user.user_id or found.status != "submitted":
            raise ReviewNotFoundError("Comment", comment_id)
        if found.ReviewComment.reply is not None:
            raise ReviewInputError(_REPLIED)
        try:
            reviews_repo.add_reply(session, comment_id=comment_id, user_id=user.user_id, body=text)
            session.commit()
        except IntegrityError as error:  # a second tab replied first
            session.rollback()
            raise ReviewInputError(_REPLIED) from error


_REPLIED = "You have replied to this comment already: one reply per comment."


def reviewed_attempt_ids(db: Database, user: UserContext) -> frozenset[int]:
    """Ids of the user's own attempts with at least one submitted review."""
    with db.session() as session:
        return frozenset(reviews_repo.reviewed_ids(session, owner_id=user.user_id))


# --- helpers ---------------------------------------------------------------------------------


def _reviewable_row(session: Session, actor: UserContext, attempt_id: int) -> Attempt:
    row = repo.get_attempt_by_id(session, attempt_id=attempt_id)
    if row is None or not access.can_review_attempts_of(session, actor, row.user_id):
        raise AttemptNotFoundError(attempt_id)  # the same words for a missing id
    return row


def _subject(session: Session, row: Attempt) -> ReviewSubject:
    view = to_view(row)
    return ReviewSubject(
        attempt=view,
        learner_name=row.user.display_name,
        target=review_target(view.answer, view.report),
    )


def _checked(subject: ReviewSubject, content: ReviewInput) -> ReviewInput:
    if not subject.reviewable:
        raise ReviewInputError(
            f"Attempt {subject.attempt.id} is not scored, so it cannot be reviewed yet: "
            "the learner can retry scoring on its Feedback page."
        )
    return review_of(content, answer=subject.attempt.answer, report=subject.attempt.report)


def _submitted_by(session: Session, *, attempt_id: int, reviewer_id: int) -> Review | None:
    return next(
        (
            review
            for review in reviews_repo.reviews_of_attempts(session, attempt_ids=[attempt_id])
            if review.reviewer_id == reviewer_id
        ),
        None,
    )


def review_input(review: Review) -> ReviewInput:
    """A stored review back in the shape the form edits (and the JSON export writes)."""
    return ReviewInput(
        overall_comment=review.overall_comment,
        comments=[
            CommentInput(body=c.body, quote=c.quote, span_start=c.span_start, span_end=c.span_end)
            for c in review.comments
        ],
        decisions=[
            FlagDecisionInput(
                flag_id=d.flag_id,
                decision=d.decision,  # type: ignore[arg-type]
                span_start=d.span_start,
                span_end=d.span_end,
                reason=d.reason,
            )
            for d in review.decisions
        ],
        elements={e.element: e.present for e in review.elements},
        score_override=review.score_override,
        override_reason=review.override_reason,
    )


def _shown(review: Review, answer: str) -> ReviewShown:
    comments = []
    for c in review.comments:
        has_span = c.span_start is not None and c.span_end is not None
        matches = has_span and answer[c.span_start : c.span_end] == c.quote  # type: ignore[misc]
        comments.append(
            CommentShown(
                id=c.id,
                body=c.body,
                quote=c.quote,
                span_start=c.span_start,
                span_end=c.span_end,
                matches=bool(matches),
                reply=c.reply.body if c.reply is not None else None,
            )
        )
    return ReviewShown(
        id=review.id,
        reviewer_name=review.reviewer_name,
        source=review.source,
        submitted_at=review.submitted_at,
        overall_comment=review.overall_comment,
        score_override=review.score_override,
        override_reason=review.override_reason,
        comments=tuple(comments),
        decisions=tuple(
            DecisionShown(
                flag_id=d.flag_id, span_start=d.span_start, decision=d.decision, reason=d.reason
            )
            for d in review.decisions
        ),
        elements={e.element: e.present for e in review.elements},
    )
