"""Add cohort invite codes (hashed, expiring, with a seat limit), assignments with due dates,
and mentors' reviews: comments on spans, flag decisions, element verdicts, score overrides,
the learner's replies, read-only review links (hashed tokens), and failed sign-ins per network
address (hashed) for throttling.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_AWARE = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _cascade_to(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=f"fk_{table}_{column}_{parent}", ondelete="CASCADE"
    )


def upgrade() -> None:
    with op.batch_alter_table("cohorts") as batch:
        batch.add_column(sa.Column("invite_code_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("invite_expires_at", _AWARE, nullable=True))
        batch.add_column(sa.Column("seat_limit", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_cohorts_invite_code_hash", ["invite_code_hash"])

    op.create_table(
        "assignments",
        _id(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("due_at", _AWARE, nullable=False),
        sa.Column("created_at", _AWARE, nullable=False),
        _cascade_to("assignments", "cohort_id", "cohorts"),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
    )
    op.create_index("ix_assignments_cohort_id_due_at", "assignments", ["cohort_id", "due_at"])
    op.create_table(
        "assignment_prompts",
        _id(),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.String(80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _cascade_to("assignment_prompts", "assignment_id", "assignments"),
        sa.PrimaryKeyConstraint("id", name="pk_assignment_prompts"),
        sa.UniqueConstraint(
            "assignment_id", "prompt_id", name="uq_assignment_prompts_assignment_id"
        ),
    )
    op.create_index("ix_assignment_prompts_prompt_id", "assignment_prompts", ["prompt_id"])

    op.create_table(
        "reviews",
        _id(),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("overall_comment", sa.Text(), nullable=False),
        sa.Column("score_override", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=True),
        sa.Column("created_at", _AWARE, nullable=False),
        sa.Column("updated_at", _AWARE, nullable=False),
        sa.Column("submitted_at", _AWARE, nullable=True),
        sa.CheckConstraint("source IN ('account', 'link', 'file')", name="ck_reviews_source"),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="ck_reviews_status"),
        _cascade_to("reviews", "attempt_id", "attempts"),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name="fk_reviews_reviewer_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("external_id", name="uq_reviews_external_id"),
    )
    op.create_index("ix_reviews_attempt_id", "reviews", ["attempt_id"])
    op.create_index("ix_reviews_reviewer_id", "reviews", ["reviewer_id"])
    op.create_table(
        "review_comments",
        _id(),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _AWARE, nullable=False),
        _cascade_to("review_comments", "review_id", "reviews"),
        sa.PrimaryKeyConstraint("id", name="pk_review_comments"),
    )
    op.create_index("ix_review_comments_review_id", "review_comments", ["review_id"])
    op.create_table(
        "review_replies",
        _id(),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _AWARE, nullable=False),
        _cascade_to("review_replies", "comment_id", "review_comments"),
        sa.PrimaryKeyConstraint("id", name="pk_review_replies"),
        sa.UniqueConstraint("comment_id", name="uq_review_replies_comment_id"),
    )
    op.create_table(
        "review_flag_decisions",
        _id(),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.String(80), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('accept', 'reject', 'add')", name="ck_review_flag_decisions_decision"
        ),
        _cascade_to("review_flag_decisions", "review_id", "reviews"),
        sa.PrimaryKeyConstraint("id", name="pk_review_flag_decisions"),
        sa.UniqueConstraint(
            "review_id", "flag_id", "span_start", name="uq_review_flag_decisions_review_id"
        ),
    )
    op.create_index(
        "ix_review_flag_decisions_flag_id", "review_flag_decisions", ["flag_id"]
    )
    op.create_table(
        "review_elements",
        _id(),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("element", sa.String(32), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        _cascade_to("review_elements", "review_id", "reviews"),
        sa.PrimaryKeyConstraint("id", name="pk_review_elements"),
        sa.UniqueConstraint("review_id", "element", name="uq_review_elements_review_id"),
    )
    op.create_table(
        "review_links",
        _id(),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _AWARE, nullable=False),
        sa.Column("expires_at", _AWARE, nullable=False),
        sa.Column("revoked_at", _AWARE, nullable=True),
        sa.Column("last_used_at", _AWARE, nullable=True),
        _cascade_to("review_links", "attempt_id", "attempts"),
        sa.PrimaryKeyConstraint("id", name="pk_review_links"),
        sa.UniqueConstraint("token_hash", name="uq_review_links_token_hash"),
    )
    op.create_index("ix_review_links_attempt_id", "review_links", ["attempt_id"])
    op.create_table(
        "sign_in_failures",
        _id(),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("at", _AWARE, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_failures"),
    )
    op.create_index("ix_sign_in_failures_source_at", "sign_in_failures", ["source", "at"])


def downgrade() -> None:
    for table in (
        "sign_in_failures",
        "review_links",
        "review_elements",
        "review_flag_decisions",
        "review_replies",
        "review_comments",
        "reviews",
        "assignment_prompts",
        "assignments",
    ):
        op.drop_table(table)
    with op.batch_alter_table("cohorts") as batch:
        batch.drop_constraint("uq_cohorts_invite_code_hash", type_="unique")
        batch.drop_column("seat_limit")
        batch.drop_column("invite_expires_at")
        batch.drop_column("invite_code_hash")
