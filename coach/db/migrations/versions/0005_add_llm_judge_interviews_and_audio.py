"""Add the LLM judge's cache and costs, interviews with follow-up turns, mock interviews and
opted-in audio.

Attempts gain which scorer produced the report and the tokens and estimated cost of the LLM
part (all nullable: existing attempts were scored by the rules).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "judge_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_judge_cache_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judge_cache")),
        sa.UniqueConstraint("user_id", "key", name="uq_judge_cache_user_id_key"),
    )
    op.create_table(
        "mock_interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("prompt_ids", sa.Text(), nullable=False),
        sa.Column("chosen_by", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mock_interviews_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_interviews")),
    )
    with op.batch_alter_table("mock_interviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mock_interviews_user_id"), ["user_id"], unique=False)

    op.create_table(
        "attempt_audio",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempts.id"],
            name=op.f("fk_attempt_audio_attempt_id_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt_audio")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_attempt_audio_attempt_id")),
    )
    with op.batch_alter_table("attempt_audio", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempt_audio_user_id"), ["user_id"], unique=False)

    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("mock_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("overall", sa.Integer(), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'scored', 'not_scored')", name=op.f("ck_interviews_status")
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempts.id"],
            name=op.f("fk_interviews_attempt_id_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mock_id"],
            ["mock_interviews.id"],
            name=op.f("fk_interviews_mock_id_mock_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_interviews_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interviews_mock_id"), ["mock_id"], unique=False)
        batch_op.create_index(
            "ix_interviews_user_id_attempt_id", ["user_id", "attempt_id"], unique=False
        )

    op.create_table(
        "interview_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("targets", sa.String(length=40), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "source IN ('bank', 'gap', 'llm')", name=op.f("ck_interview_turns_source")
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_turns_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_turns")),
        sa.UniqueConstraint("interview_id", "position", name="uq_interview_turns_position"),
    )
    with op.batch_alter_table("interview_turns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_turns_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scorer_name", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("llm_tokens", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("llm_cost_usd", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("llm_cost_usd")
        batch_op.drop_column("llm_tokens")
        batch_op.drop_column("scorer_name")

    with op.batch_alter_table("interview_turns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_turns_user_id"))

    op.drop_table("interview_turns")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_interviews_user_id_attempt_id")
        batch_op.drop_index(batch_op.f("ix_interviews_mock_id"))

    op.drop_table("interviews")
    with op.batch_alter_table("attempt_audio", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_audio_user_id"))

    op.drop_table("attempt_audio")
    with op.batch_alter_table("mock_interviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mock_interviews_user_id"))

    op.drop_table("mock_interviews")
    op.drop_table("judge_cache")
