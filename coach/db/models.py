"""Typed SQLAlchemy models: users, their attempts, and one row per flag for SQL aggregation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
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
    """Someone who practises (or, later, mentors a cohort)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
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
