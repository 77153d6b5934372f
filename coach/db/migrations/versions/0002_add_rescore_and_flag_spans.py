"""Keep the report a rescore replaced, and store each flag's character span.

Existing flag rows get their spans from the attempt's stored report (the n-th flag row with an
id takes the n-th flag with that id); rows the report cannot explain get 0..0.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25
"""

from __future__ import annotations

import json
from collections import defaultdict, deque

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_attempts = sa.table("attempts", sa.column("id", sa.Integer), sa.column("report", sa.Text))
_flags = sa.table(
    "attempt_flags",
    sa.column("id", sa.Integer),
    sa.column("attempt_id", sa.Integer),
    sa.column("flag_id", sa.String),
    sa.column("span_start", sa.Integer),
    sa.column("span_end", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("previous_report", sa.Text(), nullable=True))
    with op.batch_alter_table("attempt_flags") as batch:
        batch.add_column(sa.Column("span_start", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("span_end", sa.Integer(), nullable=True))
    _backfill_spans(op.get_bind())
    with op.batch_alter_table("attempt_flags") as batch:
        batch.alter_column("span_start", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("span_end", existing_type=sa.Integer(), nullable=False)


def _backfill_spans(connection: sa.Connection) -> None:
    flag_rows = connection.execute(
        sa.select(_flags.c.id, _flags.c.attempt_id, _flags.c.flag_id).order_by(_flags.c.id)
    ).all()
    rows_by_attempt: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row_id, attempt_id, flag_id in flag_rows:
        rows_by_attempt[attempt_id].append((row_id, flag_id))
    updates: list[dict[str, int]] = []
    for attempt_id, rows in rows_by_attempt.items():
        report = connection.execute(
            sa.select(_attempts.c.report).where(_attempts.c.id == attempt_id)
        ).scalar_one_or_none()
        spans: dict[str, deque[tuple[int, int]]] = defaultdict(deque)
        try:
            for flag in json.loads(report or "{}").get("flags", []):
                spans[flag["id"]].append((int(flag["start"]), int(flag["end"])))
        except (ValueError, TypeError, KeyError, AttributeError):
            spans.clear()  # An unreadable report leaves the spans at 0..0 below.
        for row_id, flag_id in rows:
            start, end = spans[flag_id].popleft() if spans[flag_id] else (0, 0)
            updates.append({"row_id": row_id, "start": start, "end": end})
    if updates:
        connection.execute(
            sa.update(_flags)
            .where(_flags.c.id == sa.bindparam("row_id"))
            .values(span_start=sa.bindparam("start"), span_end=sa.bindparam("end")),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table("attempt_flags") as batch:
        batch.drop_column("span_end")
        batch.drop_column("span_start")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("previous_report")
