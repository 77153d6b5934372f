"""Unsent answers, saved per prompt while the learner types, so no page switch, reload or
restart loses them; listed on Practice as "unfinished drafts"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import Draft
from coach.services.attempts import storable_text
from coach.services.users import UserContext

_UNCHANGED = object()  # "leave the stored value as it is" for the optional fields of save_draft


@dataclass(frozen=True, slots=True)
class DraftView:
    """One saved draft as the pages show it."""

    prompt_id: str
    text: str
    level: str | None
    started_at: datetime | None
    timer_started_at: datetime | None
    updated_at: datetime

    @property
    def words(self) -> int:
        return len(self.text.split())


def _view(row: Draft) -> DraftView:
    return DraftView(
        prompt_id=row.prompt_id,
        text=row.text,
        level=row.level,
        started_at=row.started_at,
        timer_started_at=row.timer_started_at,
        updated_at=row.updated_at,
    )


def save_draft(
    db: Database,
    user: UserContext,
    *,
    prompt_id: str,
    text: str,
    level: str | object | None = _UNCHANGED,
    started_at: datetime | object | None = _UNCHANGED,
    timer_started_at: datetime | object | None = _UNCHANGED,
    now: datetime | None = None,
) -> DraftView | None:
    """Store the draft for ``prompt_id`` (insert or update); a blank draft with no running clock
    is deleted instead. Returns the stored draft, or None when nothing is kept."""
    text = storable_text(text)
    with db.session() as session:
        row = repo.get_draft(session, user_id=user.user_id, prompt_id=prompt_id)
        if row is None:
            row = Draft(user_id=user.user_id, prompt_id=prompt_id, text="")
            session.add(row)
        row.text = text
        for name, value in (
            ("level", level),
            ("started_at", started_at),
            ("timer_started_at", timer_started_at),
        ):
            if value is not _UNCHANGED:
                setattr(row, name, value)
        if not text.strip() and row.timer_started_at is None:
            if row.id is not None:
                session.delete(row)
            else:
                session.expunge(row)
            session.commit()
            return None
        row.updated_at = now or datetime.now(UTC)
        session.commit()
        return _view(row)


def get_draft(db: Database, user: UserContext, prompt_id: str) -> DraftView | None:
    """Return the learner's draft for one prompt, if any."""
    with db.session() as session:
        row = repo.get_draft(session, user_id=user.user_id, prompt_id=prompt_id)
        return _view(row) if row is not None else None


def list_drafts(db: Database, user: UserContext) -> list[DraftView]:
    """Return the learner's drafts, most recently edited first."""
    with db.session() as session:
        return [_view(row) for row in repo.list_drafts(session, user_id=user.user_id)]


def discard_draft(db: Database, user: UserContext, prompt_id: str) -> bool:
    """Delete the learner's draft for one prompt; True when there was one."""
    with db.session() as session:
        removed = repo.delete_draft(session, user_id=user.user_id, prompt_id=prompt_id)
        session.commit()
    return bool(removed)
