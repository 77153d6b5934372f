"""Typed SQLAlchemy models: users and their accounts, attempts, one row per flag for SQL
aggregation, cohorts with a role per member, invites and assignments, mentors' reviews, and
the admin audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic (and SQLite batch mode) can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES: tuple[str, ...] = ("learner", "mentor", "admin")
MODES: tuple[str, ...] = ("practice", "timed")
STATUSES: tuple[str, ...] = ("pending", "scored", "not_scored")
INTERVIEW_STATUSES: tuple[str, ...] = ("open", "scored", "not_scored")
# Where a review came from: a signed-in mentor, a read-only review link, or an offline file.
REVIEW_SOURCES: tuple[str, ...] = ("account", "link", "file")
REVIEW_STATUSES: tuple[str, ...] = ("draft", "submitted")
# What a reviewer says of one flag: the engine was right, wrong, or missed it.
FLAG_DECISIONS: tuple[str, ...] = ("accept", "reject", "add")
QUESTION_SOURCES: tuple[str, ...] = ("bank", "gap", "llm")
DIMENSION_COLUMNS: tuple[str, ...] = (
    "framing",
    "metrics",
    "ai_evaluation",
    "solution",
    "communication",
)


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite stores naive text, so re-attach UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class User(Base):
    """Someone who practises, mentors or runs a deployment.

    ``role`` is the deployment-wide role: ``admin`` may manage accounts and cohorts. What a
    user may read of others' work comes only from a cohort membership's role.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
        # An OpenID Connect identity is (issuer, subject): e-mails change and can be reused.
        Index("uq_users_oidc_identity", "oidc_issuer", "oidc_subject", unique=True),
        # At most one no-login learner, even when two sessions start at once.
        Index(
            "uq_users_is_local",
            "is_local",
            unique=True,
            sqlite_where=text("is_local"),
            postgresql_where=text("is_local"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="learner")
    # The no-login learner of a single-user install; signed-in users have is_local False.
    is_local: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))

    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Attempt(Base):
    """One answer to one prompt, stored before it is scored."""

    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint(_one_of("mode", MODES), name="mode"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        Index("ix_attempts_user_id_submitted_at", "user_id", "submitted_at"),
        Index("ix_attempts_user_id_prompt_id", "user_id", "prompt_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    prompt_id: Mapped[str] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(80))
    # What the prompt asked and expected, so rescoring never depends on the bank still having it.
    prompt_text: Mapped[str] = mapped_column(Text, default="")
    prompt_expects: Mapped[str] = mapped_column(String(200), default="")
    answer: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16), default="practice")
    level: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    scorer_version: Mapped[str | None] = mapped_column(String(32))
    overall: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[int | None] = mapped_column(Integer)
    framing: Mapped[int | None] = mapped_column(Integer)
    metrics: Mapped[int | None] = mapped_column(Integer)
    ai_evaluation: Mapped[int | None] = mapped_column(Integer)
    solution: Mapped[int | None] = mapped_column(Integer)
    communication: Mapped[int | None] = mapped_column(Integer)
    report: Mapped[str | None] = mapped_column(Text)
    previous_report: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Which scorer produced the report (aipm-rules, llm, hybrid) and what the LLM part cost.
    scorer_name: Mapped[str | None] = mapped_column(String(16))
    llm_tokens: Mapped[int | None] = mapped_column(Integer)
    llm_cost_usd: Mapped[float | None] = mapped_column(Float)
    # The learner's answers to the engine's questions, by element (JSON): they settle those
    # verdicts in every later rescore.
    confirmations: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(back_populates="attempts")
    flags: Mapped[list[AttemptFlag]] = relationship(
        back_populates="attempt",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AttemptFlag.id",
    )


class AttemptFlag(Base):
    """One flag of one scored attempt; copies user and time so charts aggregate without joins."""

    __tablename__ = "attempt_flags"
    __table_args__ = (
        Index("ix_attempt_flags_user_id_submitted_at", "user_id", "submitted_at"),
        Index("ix_attempt_flags_user_id_severity", "user_id", "severity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(Integer)
    flag_id: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(16))
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime]

    attempt: Mapped[Attempt] = relationship(back_populates="flags")


class Interview(Base):
    """A feedback turned into a conversation: the attempt, then the interviewer's follow-ups.

    The whole exchange is scored as one answer (``report``); in a mock interview ``mock_id``
    ties it to the session.
    """

    __tablename__ = "interviews"
    __table_args__ = (
        CheckConstraint(_one_of("status", INTERVIEW_STATUSES), name="status"),
        Index("ix_interviews_user_id_attempt_id", "user_id", "attempt_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    mock_id: Mapped[int | None] = mapped_column(
        ForeignKey("mock_interviews.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    status: Mapped[str] = mapped_column(String(16), default="open")
    overall: Mapped[int | None] = mapped_column(Integer)
    report: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)

    turns: Mapped[list[InterviewTurn]] = relationship(
        back_populates="interview",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InterviewTurn.position",
    )


class InterviewTurn(Base):
    """One follow-up question and (once given) the learner's answer to it."""

    __tablename__ = "interview_turns"
    __table_args__ = (
        CheckConstraint(_one_of("source", QUESTION_SOURCES), name="source"),
        UniqueConstraint("interview_id", "position", name="uq_interview_turns_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    targets: Mapped[str | None] = mapped_column(String(40))
    answer: Mapped[str | None] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(default=utc_now)
    answered_at: Mapped[datetime | None]

    interview: Mapped[Interview] = relationship(back_populates="turns")


class MockInterview(Base):
    """A chained, timed session of 3-5 prompts with follow-ups between them."""

    __tablename__ = "mock_interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    prompt_ids: Mapped[str] = mapped_column(Text)  # comma-separated, in order
    chosen_by: Mapped[str] = mapped_column(String(80))  # "recommended" or a category slug
    level: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]


class JudgeCacheEntry(Base):
    """A validated judge verdict, by (answer, prompt, level, model, judge version) digest.

    Kept per user so that deleting a learner's data deletes the verdicts quoting their words.
    """

    __tablename__ = "judge_cache"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_judge_cache_user_id_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AttemptAudio(Base):
    """The recording of a spoken answer, stored only when the learner opted in."""

    __tablename__ = "attempt_audio"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    mime: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


# --- accounts --------------------------------------------------------------------------------


class PasswordCredential(Base):
    """A user's argon2id password hash and the failed sign-ins counting towards a lock-out."""

    __tablename__ = "password_credentials"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None]
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)


class AuthSession(Base):
    """A server-side sign-in session; the browser holds the token, the database its hash.

    Kept in the database (not in process memory) so every replica recognises it.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ResetCode(Base):
    """A one-time password-reset code an admin handed out (only its hash is stored)."""

    __tablename__ = "reset_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


# --- cohorts and the audit log ---------------------------------------------------------------


class SignInFailure(Base):
    """One failed password sign-in from one network address (kept as a SHA-256 digest, never
    the address itself), so guessing across many accounts from one place is slowed down on
    every replica."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_source_at", "source", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utc_now)


class Cohort(Base):
    """A group of learners with their mentors and admins (a bootcamp class, a team)."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # The invite code is shown once (on creation or rotation) and kept only as a SHA-256 hash;
    # rotating replaces it, so an old code stops working at once.
    invite_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[datetime | None]
    # How many learners may join with the code (None: no limit).
    seat_limit: Mapped[int | None] = mapped_column(Integer)


class CohortMember(Base):
    """One user in one cohort with the role that decides what they may see there."""

    __tablename__ = "cohort_members"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
        UniqueConstraint("cohort_id", "user_id", name="uq_cohort_members_cohort_user"),
        Index("ix_cohort_members_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="learner")
    added_at: Mapped[datetime] = mapped_column(default=utc_now)


class AuditEntry(Base):
    """Who did what to whom, when: every admin action (never a password or a code)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Kept as plain text too, so the record survives the actor's account being deleted.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(default=utc_now)


class Draft(Base):
    """The unsent answer to one prompt, saved as the learner types (one per user and prompt)."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("user_id", "prompt_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    prompt_id: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime | None]
    # When the timed run started, so a running clock survives page switches and reloads.
    timer_started_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class FlagDispute(Base):
    """The learner disagrees with one flag of one attempt, and says why."""

    __tablename__ = "flag_disputes"
    __table_args__ = (
        UniqueConstraint("attempt_id", "flag_id", "span_start"),
        Index("ix_flag_disputes_flag_id", "flag_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Integer)
    flag_id: Mapped[str] = mapped_column(String(80))
    span_start: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class SelfRating(Base):
    """The learner's own score for one dimension of one attempt, given before the feedback."""

    __tablename__ = "self_ratings"
    __table_args__ = (
        UniqueConstraint("attempt_id", "dimension"),
        Index("ix_self_ratings_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Integer)
    dimension: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(Integer)


# --- assignments ------------------------------------------------------------------------------


class Assignment(Base):
    """Prompts a mentor sets for a cohort, at one level, due by a date."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_cohort_id_due_at", "cohort_id", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    # Plain id (no foreign key): the assignment outlives its author's account.
    created_by: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    prompts: Mapped[list[AssignmentPrompt]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AssignmentPrompt.position"
    )


class AssignmentPrompt(Base):
    """One prompt of an assignment. A learner's attempt at it after the assignment was set
    counts as the submission (no link column on attempts: practising it anywhere counts)."""

    __tablename__ = "assignment_prompts"
    __table_args__ = (
        UniqueConstraint("assignment_id", "prompt_id"),
        Index("ix_assignment_prompts_prompt_id", "prompt_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    prompt_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)


# --- mentors' reviews -------------------------------------------------------------------------


class Review(Base):
    """A person's review of one attempt: comments, flag decisions, element verdicts and an
    optional score override. The attempt stays the learner's; the review is a separate record."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_one_of("source", REVIEW_SOURCES), name="source"),
        CheckConstraint(_one_of("status", REVIEW_STATUSES), name="status"),
        Index("ix_reviews_attempt_id", "attempt_id"),
        Index("ix_reviews_reviewer_id", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    # The reviewing account, or None for a link or offline reviewer (named in reviewer_name).
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_name: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(16), default="account")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    score_override: Mapped[int | None] = mapped_column(Integer)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # A review that arrived in a file keeps the file's review id, so importing twice is a no-op.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    submitted_at: Mapped[datetime | None]

    comments: Mapped[list[ReviewComment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ReviewComment.id"
    )
    decisions: Mapped[list[ReviewFlagDecision]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ReviewFlagDecision.id"
    )
    elements: Mapped[list[ReviewElement]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ReviewElement.id"
    )


class ReviewComment(Base):
    """A comment on the whole answer (no span) or on a quoted span, kept as offsets into the
    attempt's answer plus the quoted words, so a span that no longer matches can be detected."""

    __tablename__ = "review_comments"
    __table_args__ = (Index("ix_review_comments_review_id", "review_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    reply: Mapped[ReviewReply | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )


class ReviewReply(Base):
    """The learner's one reply to one comment."""

    __tablename__ = "review_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("review_comments.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ReviewFlagDecision(Base):
    """The reviewer accepts or rejects one of the engine's flags (at its span; -1 for a flag
    about the whole answer), or adds one the engine missed, with a reason."""

    __tablename__ = "review_flag_decisions"
    __table_args__ = (
        CheckConstraint(_one_of("decision", FLAG_DECISIONS), name="decision"),
        UniqueConstraint("review_id", "flag_id", "span_start"),
        Index("ix_review_flag_decisions_flag_id", "flag_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    flag_id: Mapped[str] = mapped_column(String(80))
    span_start: Mapped[int] = mapped_column(Integer, default=-1)
    span_end: Mapped[int] = mapped_column(Integer, default=-1)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")


class ReviewElement(Base):
    """The reviewer's verdict on one element (who, why, metrics, eval_criteria, tech,
    solution_first, tech_before_framing): the labels of the labelled corpus."""

    __tablename__ = "review_elements"
    __table_args__ = (UniqueConstraint("review_id", "element"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    element: Mapped[str] = mapped_column(String(32))
    present: Mapped[bool] = mapped_column(Boolean)


class ReviewLink(Base):
    """A read-only link to one attempt for a reviewer without an account. Only the SHA-256 of
    the long random token is stored; the link expires, can be revoked, and takes one submitted
    review (``reviewed_at``)."""

    __tablename__ = "review_links"
    __table_args__ = (Index("ix_review_links_attempt_id", "attempt_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
