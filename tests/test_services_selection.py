"""Choosing what to practise, scoped to the learner's own history."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from coach.db.database import Database
from coach.services import attempts, selection
from coach.services.users import UserContext
from question_bank import Bank, load_bank

ML_FIRST = "I'd fine-tune an LLM on the tickets and add RAG. Then we would look at engagement."


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_find_prompts_filters_by_category_and_text(db: Database, bank: Bank) -> None:
    found = selection.find_prompts(bank, category="ai-evaluation", query="golden")
    assert found and all(p.category == "ai-evaluation" for p in found)
    assert selection.find_prompts(bank, query="zzz-no-such-words") == []


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_surprise_avoids_what_this_learner_just_answered(
    db: Database, user: UserContext, other_user: UserContext, bank: Bank
) -> None:
    pool = bank.prompts[:2]
    now = datetime.now(UTC)
    attempts.submit_answer(
        db, user, prompt=pool[0], answer=ML_FIRST, mode="practice", level="pm", started_at=now
    )
    for seed in range(10):
        pick = selection.surprise_prompt(db, user, pool, rng=random.Random(seed))
        assert pick.id == pool[1].id
    # Another learner's history does not steer this learner's pick.
    picks = {
        selection.surprise_prompt(db, other_user, pool, rng=random.Random(s)).id for s in range(20)
    }
    assert picks == {pool[0].id, pool[1].id}


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_recommendation_targets_the_learners_repeated_flag(
    db: Database, user: UserContext, bank: Bank
) -> None:
    fresh = selection.recommended_prompt(db, user, bank, now=datetime.now(UTC))
    assert fresh.prompt.difficulty == 1 and fresh.reason
    design = [p for p in bank.prompts if p.category == "ai-product-design"][:3]
    for prompt in design:
        attempts.submit_answer(
            db,
            user,
            prompt=prompt,
            answer=ML_FIRST,
            mode="practice",
            level="pm",
            started_at=datetime.now(UTC),
        )
    rec = selection.recommended_prompt(db, user, bank, now=datetime.now(UTC))
    assert rec.reason and rec.reason != fresh.reason
