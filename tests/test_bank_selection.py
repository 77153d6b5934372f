"""Choosing prompts: filters, random picks that avoid repeats, and next-prompt recommendations."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from question_bank import Prompt, load_bank
from question_bank.selection import (
    RETRY_AFTER,
    HistoryItem,
    filter_prompts,
    pick_random,
    recommend_next,
)
from tests.test_bank_support import make_prompt

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALL = ["who", "why", "metrics", "eval_criteria", "tradeoffs", "risks"]


def step(move: str) -> dict[str, str]:
    return {"move": move, "text": f"A concrete {move} step."}


def prompt(
    index: int,
    category: str,
    expects: list[str],
    difficulty: int = 2,
    tags: list[str] | None = None,
) -> Prompt:
    moves = [*expects, *["clarify", "summary", "rollout", "solution"][: max(0, 4 - len(expects))]]
    return make_prompt(
        index,
        category,
        id=f"{category}-{index}",
        expects=expects,
        difficulty=difficulty,
        outline=[step(move) for move in moves],
        tags=tags or [category],
    )


@pytest.fixture
def pool() -> list[Prompt]:
    """A small bank with one clear home for each skill."""
    return [
        prompt(0, "technical-background", ["who", "why", "metrics"], 1),
        prompt(1, "technical-background", ["who", "why", "metrics"], 2),
        prompt(2, "ai-product-design", ["who", "why", "metrics", "tradeoffs"], 2),
        prompt(3, "ai-evaluation", ["who", "eval_criteria"], 2, ["llm", "evaluation"]),
        prompt(4, "ai-evaluation", ["eval_criteria", "metrics"], 3, ["llm"]),
        prompt(5, "ai-metrics", ["metrics"], 1),
        prompt(6, "ai-metrics", ["metrics", "tradeoffs"], 3),
        prompt(7, "responsible-ai", ["risks"], 2),
        prompt(8, "ai-strategy", ["tradeoffs"], 3),
        prompt(9, "behavioral", ["why"], 1, ["story"]),
    ]


def item(
    prompt_id: str,
    days_ago: float,
    *,
    flags: tuple[str, ...] = (),
    overall: int | None = 60,
    **dimensions: int | None,
) -> HistoryItem:
    scores: dict[str, int | None] = {
        "framing": 70,
        "metrics": 70,
        "ai_evaluation": 70,
        "solution": 70,
        "communication": 70,
    }
    scores.update(dimensions)
    return HistoryItem(prompt_id, NOW - timedelta(days=days_ago), overall, scores, flags)


# --- filter_prompts --------------------------------------------------------------------------


def test_filters_combine_and_keep_order(pool: list[Prompt]) -> None:
    assert [p.id for p in filter_prompts(pool, category="ai-evaluation")] == [
        "ai-evaluation-3",
        "ai-evaluation-4",
    ]
    assert [p.id for p in filter_prompts(pool, difficulty=1)] == [
        "technical-background-0",
        "ai-metrics-5",
        "behavioral-9",
    ]
    assert [p.id for p in filter_prompts(pool, tag="llm", difficulty=3)] == ["ai-evaluation-4"]
    assert filter_prompts(pool, category="ai-metrics", tag="llm") == []
    assert filter_prompts(pool) == pool


def test_search_matches_every_word_in_text_id_category_or_tags(pool: list[Prompt]) -> None:
    assert [p.id for p in filter_prompts(pool, query="BEEKEEPERS hives")] == ["ai-product-design-2"]
    assert [p.id for p in filter_prompts(pool, query="story")] == ["behavioral-9"]
    assert [p.id for p in filter_prompts(pool, query="responsible")] == ["responsible-ai-7"]
    assert filter_prompts(pool, query="beekeepers fog") == []


def test_filters_work_on_the_real_bank() -> None:
    bank = load_bank()
    category = bank.categories[0].slug
    found = filter_prompts(bank.prompts, category=category, difficulty=2)
    assert found and all(p.category == category and p.difficulty == 2 for p in found)


# --- pick_random -----------------------------------------------------------------------------


def test_pick_random_avoids_recent_prompts(pool: list[Prompt]) -> None:
    recent = {p.id for p in pool[:-1]}
    picks = {pick_random(pool, recent_ids=recent, rng=random.Random(seed)).id for seed in range(30)}
    assert picks == {pool[-1].id}


def test_pick_random_falls_back_when_everything_was_answered(pool: list[Prompt]) -> None:
    everything = {p.id for p in pool}
    picks = {pick_random(pool, recent_ids=everything, rng=random.Random(s)).id for s in range(60)}
    assert len(picks) > 1 and picks <= everything


def test_pick_random_is_deterministic_given_the_rng(pool: list[Prompt]) -> None:
    first = [pick_random(pool, recent_ids=set(), rng=random.Random(7)).id for _ in range(3)]
    shuffled = list(reversed(pool))
    again = [pick_random(shuffled, recent_ids=set(), rng=random.Random(7)).id for _ in range(3)]
    assert first == again


def test_pick_random_refuses_an_empty_pool() -> None:
    with pytest.raises(ValueError, match="no prompts"):
        pick_random([], recent_ids=set(), rng=random.Random(0))


# --- recommend_next --------------------------------------------------------------------------


def test_new_learner_gets_a_difficulty_one_framing_warm_up(pool: list[Prompt]) -> None:
    rec = recommend_next(pool, [], now=NOW, rng=random.Random(3))
    assert (
        rec.prompt.id == "technical-background-0"
    )  # the only difficulty-1 prompt expecting who + why
    assert rec.focus == "new-learner"
    assert rec.reason == (
        "New here: start with a difficulty-1 warm-up that practises naming the user and their "
        "problem before any solution."
    )


def test_new_learner_on_the_real_bank_gets_difficulty_one() -> None:
    prompts = load_bank().prompts
    for seed in range(5):
        rec = recommend_next(prompts, [], now=NOW, rng=random.Random(seed))
        assert rec.prompt.difficulty == 1
        assert "New here" in rec.reason


def test_weakest_dimension_picks_a_prompt_that_trains_it(pool: list[Prompt]) -> None:
    history = [
        item("ai-metrics-5", 1, ai_evaluation=30),
        item("technical-background-1", 0.5, ai_evaluation=50),
    ]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert "eval_criteria" in rec.prompt.expects
    assert rec.prompt.category == "ai-evaluation"
    assert rec.focus == "dimension:ai_evaluation"
    assert rec.reason == (
        "Your weakest area lately is AI evaluation (average 40); this prompt practises "
        "writing evaluation criteria for the AI's output."
    )


def test_weakest_dimension_ignores_unassessed_scores(pool: list[Prompt]) -> None:
    history = [
        item("responsible-ai-7", 2, framing=None, metrics=45),
        item("ai-strategy-8", 1, framing=None, metrics=55),
    ]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "dimension:metrics"
    assert rec.prompt.category == "ai-metrics"
    assert "(average 50)" in rec.reason


def test_framing_weakness_leads_to_who_why_prompts(pool: list[Prompt]) -> None:
    rec = recommend_next(
        pool, [item("ai-strategy-8", 1, framing=20)], now=NOW, rng=random.Random(1)
    )
    assert {"who", "why"} <= set(rec.prompt.expects)
    assert rec.prompt.category == "ai-product-design"


def test_most_frequent_flag_wins_over_the_weakest_dimension(pool: list[Prompt]) -> None:
    history = [
        item("ai-metrics-5", 2, flags=("tech-before-framing", "vague-metric"), ai_evaluation=10),
        item("ai-metrics-6", 1.5, flags=("tech-before-framing",), ai_evaluation=10),
        item("responsible-ai-7", 1, flags=("tech-before-framing", "vague-metric")),
    ]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "flag:tech-before-framing"
    assert rec.prompt.category == "technical-background"
    assert rec.reason == (
        "3 of your last 3 answers led with technology before who, why and metrics; this prompt "
        "practises naming the user and their problem before any solution."
    )


def test_solution_first_flag_targets_design_prompts(pool: list[Prompt]) -> None:
    history = [
        item("ai-metrics-5", 2, flags=("solution-first",)),
        item("ai-metrics-6", 1, flags=("solution-first",)),
    ]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "flag:solution-first"
    assert rec.prompt.id == "ai-product-design-2"


def test_a_single_flag_is_not_yet_a_pattern(pool: list[Prompt]) -> None:
    history = [item("ai-metrics-5", 1, flags=("missing-eval-criteria",), solution=20)]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "dimension:solution"
    assert "tradeoffs" in rec.prompt.expects


def test_spaced_repetition_brings_back_an_uncleared_prompt_first(pool: list[Prompt]) -> None:
    history = [
        item("ai-metrics-6", 5, flags=("missing-metrics",)),
        item(
            "technical-background-1", 4, flags=("solution-first", "no-summary", "missing-problem")
        ),
        item("ai-metrics-6", 3.5, flags=()),  # cleared on the second try: not due
        item("ai-evaluation-3", 1, flags=("solution-first",)),  # too recent
        item("ai-metrics-5", 0.5, ai_evaluation=5, flags=("solution-first",)),
    ]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "retry"
    assert rec.prompt.id == "technical-background-1"
    assert rec.reason == (
        "Time to retry: 4 days ago your answer here still had solution-first, missing-problem; "
        "see whether it has cleared."
    )


def test_spaced_repetition_waits_the_full_interval(pool: list[Prompt]) -> None:
    just_under = RETRY_AFTER - timedelta(minutes=1)
    history = [
        HistoryItem(
            "technical-background-1", NOW - just_under, 50, {"framing": 40}, ("solution-first",)
        )
    ]
    assert recommend_next(pool, history, now=NOW, rng=random.Random(0)).focus != "retry"
    due = [
        HistoryItem(
            "technical-background-1", NOW - RETRY_AFTER, 50, {"framing": 40}, ("solution-first",)
        )
    ]
    assert (
        recommend_next(pool, due, now=NOW, rng=random.Random(0)).prompt.id
        == "technical-background-1"
    )


def test_spaced_repetition_skips_prompts_no_longer_in_the_bank(pool: list[Prompt]) -> None:
    history = [item("retired-prompt", 9, flags=("missing-metrics",), metrics=20)]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "dimension:metrics"


def test_recommendations_avoid_recent_prompts(pool: list[Prompt]) -> None:
    history = [item("ai-evaluation-3", 1, ai_evaluation=20)]
    for seed in range(10):
        rec = recommend_next(pool, history, now=NOW, rng=random.Random(seed))
        assert rec.prompt.id == "ai-evaluation-4"


def test_strong_learner_is_stretched_with_a_harder_prompt(pool: list[Prompt]) -> None:
    strong = dict(framing=90, metrics=92, ai_evaluation=88, solution=95, communication=91)
    history = [item("ai-strategy-8", 1, overall=90, **strong)]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "stretch"
    assert rec.prompt.difficulty == 3 and rec.prompt.id != "ai-strategy-8"
    assert rec.reason == (
        "Your recent answers are strong on every dimension (lowest: AI evaluation, 88); "
        "try a harder prompt."
    )


def test_history_without_scores_gets_variety(pool: list[Prompt]) -> None:
    history = [HistoryItem("ai-metrics-5", NOW - timedelta(days=1), None, {}, ("rambling",))]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "variety"
    assert rec.prompt.id != "ai-metrics-5"


def test_recommend_next_is_deterministic(pool: list[Prompt]) -> None:
    history = [item("ai-metrics-5", 2, metrics=30), item("ai-metrics-6", 1, metrics=40)]
    seeded = {
        recommend_next(pool, history, now=NOW, rng=random.Random(5)).prompt.id for _ in range(5)
    }
    unseeded = {recommend_next(pool, history, now=NOW).prompt.id for _ in range(5)}
    assert len(seeded) == 1 and len(unseeded) == 1


def test_recommend_next_rejects_naive_now_and_empty_pool(pool: list[Prompt]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        recommend_next(pool, [], now=datetime(2026, 1, 1))  # a naive datetime is the point
    with pytest.raises(ValueError, match="no prompts"):
        recommend_next([], [], now=NOW)


def test_target_moves_past_recently_answered_preferred_prompts(pool: list[Prompt]) -> None:
    history = [item("ai-metrics-5", 2, metrics=45), item("ai-metrics-6", 1, metrics=55)]
    rec = recommend_next(pool, history, now=NOW, rng=random.Random(0))
    assert rec.focus == "dimension:metrics"
    assert "metrics" in rec.prompt.expects
    assert rec.prompt.id not in {"ai-metrics-5", "ai-metrics-6"}
