"""Record when a review link was used for its one review.

A link accepts a single submitted review: ``reviewed_at`` is set, by a conditional UPDATE, in
the transaction that stores it. Links made before this revision start unused (the reviews given
through them name no link to tell).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_links") as batch:
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_links") as batch:
        batch.drop_column("reviewed_at")
