"""Choosing what to practise: search the bank, a surprise pick, the learner's recommendation."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from coach.db import repositories as repo
from coach.db.database import Database
from coach.services import attempts
from coach.services.users import UserContext
from question_bank import Bank, Prompt
from question_bank.selection import Recommendation, filter_prompts, pick_random, recommend_next

RECENT_WINDOW = 5  # a surprise pick avoids the prompts of the last five attempts


def find_prompts(
    bank: Bank,
    *,
    category: str | None = None,
    difficulty: int | None = None,
    tag: str | None = None,
    query: str | None = None,
) -> list[Prompt]:
    """Prompts matching every given filter (text search covers the prompt and its tags)."""
    return filter_prompts(
        bank.prompts, category=category, difficulty=difficulty, tag=tag, query=query
    )


def surprise_prompt(
    db: Database, user: UserContext, pool: Sequence[Prompt], *, rng: random.Random
) -> Prompt:
    """A random prompt from ``pool`` that this learner has not answered recently."""
    recent = attempts.list_attempts(db, user, limit=RECENT_WINDOW)
    return pick_random(list(pool), recent_ids={item.prompt_id for item in recent}, rng=rng)


def recommended_prompt(
    db: Database, user: UserContext, bank: Bank, *, now: datetime
) -> Recommendation:
    """The next prompt for this learner: weakest dimension, frequent flag or a due retry."""
    return recommend_next(bank.prompts, attempts.history_items(db, user), now=now)


def prompts_for_flag(
    db: Database, user: UserContext, bank: Bank, flag_id: str, *, exclude: str | None = None
) -> list[Prompt]:
    """Prompts to practise one red flag: where it fired most for this learner, then unpractised
    prompts of the categories it fired in (so the drill is not the same prompt again)."""
    with db.session() as session:
        counts = repo.flag_counts_by_prompt(session, user_id=user.user_id, flag_id=flag_id)
    ranked = [bank.get(pid) for pid, _ in counts if pid in bank and pid != exclude]
    categories = {bank.get(pid).category for pid, _ in counts if pid in bank}
    practised = {pid for pid, _ in counts}
    fresh = [
        p
        for p in bank.prompts
        if p.category in categories and p.id not in practised and p.id != exclude
    ]
    return ranked + fresh


@dataclass(frozen=True, slots=True)
class PromptPractice:
    """How the learner has practised one prompt (for the bank's columns)."""

    attempts: int
    best: int | None
    last: datetime | None


def practice_by_prompt(db: Database, user: UserContext) -> dict[str, PromptPractice]:
    """Return, per practised prompt, how often, the best score and when last (one query)."""
    with db.session() as session:
        rows = repo.prompt_stats(session, user_id=user.user_id)
    return {
        r.prompt_id: PromptPractice(
            attempts=int(r.attempts),
            best=None if r.best is None else int(r.best),
            # SQLite hands an aggregate back as naive text-parsed time: it is stored as UTC.
            last=None if r.last is None else _utc(r.last),
        )
        for r in rows
    }


def _utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
