"""Choose prompts: filter the bank, pick at random, and recommend what to practise next."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from question_bank.schema import Prompt

RECENT_WINDOW = 10  # attempts that count as "recent" for averages, flag counts and avoidance
RETRY_AFTER = timedelta(days=3)  # spaced repetition: when an uncleared prompt comes back
FREQUENT_FLAG_MIN = 2  # one flag is a slip, two in the recent window are a pattern
STRETCH_FROM = 85  # lowest dimension average from which harder prompts are the better use of time
_STICKY = frozenset({"solution-first", "tech-before-framing"})  # plus every missing-* flag


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One past attempt as far as recommending is concerned."""

    prompt_id: str
    submitted_at: datetime  # timezone-aware, UTC
    overall: int | None
    dimensions: dict[str, int | None] = field(default_factory=dict)
    flag_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The prompt to practise next and a one-sentence reason to show the learner."""

    prompt: Prompt
    reason: str
    focus: str = "variety"  # new-learner | retry | flag:<id> | dimension:<name> | stretch | variety


@dataclass(frozen=True, slots=True)
class _Target:
    """Which prompts train a skill: they expect these elements and show these moves."""

    practice: str  # completes "this prompt practises ..."
    expects: frozenset[str] = frozenset()
    moves: frozenset[str] = frozenset()
    categories: tuple[str, ...] = ()  # preferred categories, best first

    def fits(self, prompt: Prompt) -> bool:
        return self.expects <= set(prompt.expects) and self.moves <= set(prompt.moves)


_FRAMING = _Target(
    "naming the user and their problem before any solution",
    expects=frozenset({"who", "why"}),
    categories=("ai-product-design", "technical-background", "customer-insight"),
)
_WHO = _Target(
    "naming one specific user segment",
    expects=frozenset({"who"}),
    categories=("customer-insight", "ai-product-design", "ai-product-improvement"),
)
_WHY = _Target(
    "stating the user's real problem",
    expects=frozenset({"why"}),
    categories=("customer-insight", "ai-product-design", "ai-product-improvement"),
)
_METRICS = _Target(
    "choosing a success metric with guardrails",
    expects=frozenset({"metrics"}),
    categories=("ai-metrics", "ai-product-improvement"),
)
_EVALUATION = _Target(
    "writing evaluation criteria for the AI's output",
    expects=frozenset({"eval_criteria"}),
    categories=("ai-evaluation",),
)
_TRADEOFFS = _Target(
    "weighing options and trade-offs",
    expects=frozenset({"tradeoffs"}),
    categories=("ai-strategy", "ai-product-design", "ai-orchestration"),
)
_RISKS = _Target(
    "planning for failures and risks",
    expects=frozenset({"risks"}),
    categories=("responsible-ai", "ai-orchestration"),
)
_WHY_AI = _Target(
    "justifying why AI is the right tool",
    moves=frozenset({"why_ai"}),
    categories=("ai-product-design", "ai-strategy", "technical-background"),
)
_COMMUNICATION = _Target(
    "a clear, well-ordered answer",
    categories=("behavioral", "stakeholder-leadership"),
)

DIMENSION_TARGETS: dict[str, _Target] = {
    "framing": _FRAMING,
    "metrics": _METRICS,
    "ai_evaluation": _EVALUATION,
    "solution": _TRADEOFFS,
    "communication": _COMMUNICATION,
}
DIMENSION_NAMES: dict[str, str] = {
    "framing": "framing (who and why)",
    "metrics": "metrics",
    "ai_evaluation": "AI evaluation",
    "solution": "solution and trade-offs",
    "communication": "communication",
}
FLAG_TARGETS: dict[str, _Target] = {
    # Leading with technology is the habit of candidates from ML; technical-background
    # prompts are written to tempt exactly that, so they come first.
    "tech-before-framing": _Target(
        _FRAMING.practice,
        _FRAMING.expects,
        categories=("technical-background", "ai-product-design"),
    ),
    "solution-first": _Target(
        _FRAMING.practice,
        _FRAMING.expects,
        categories=("ai-product-design", "technical-background"),
    ),
    "missing-user": _WHO,
    "generic-user": _WHO,
    "missing-problem": _WHY,
    "missing-metrics": _METRICS,
    "vague-metric": _METRICS,
    "no-guardrail-metric": _METRICS,
    "missing-eval-criteria": _EVALUATION,
    "no-tradeoffs": _TRADEOFFS,
    "no-risks": _RISKS,
    "no-failure-plan": _RISKS,
    "no-why-ai": _WHY_AI,
}
FLAG_PHRASES: dict[str, str] = {
    "solution-first": "jumped to a solution before naming the user and problem",
    "tech-before-framing": "led with technology before who, why and metrics",
    "missing-user": "named no specific user",
    "missing-problem": "stated no user problem",
    "missing-metrics": "gave no success metric",
    "missing-eval-criteria": "said nothing on judging the AI's output",
}


def filter_prompts(
    prompts: Iterable[Prompt],
    *,
    category: str | None = None,
    difficulty: int | None = None,
    tag: str | None = None,
    query: str | None = None,
) -> list[Prompt]:
    """Return the prompts that match every given filter, in their original order.

    ``query`` matches when each of its words occurs in the prompt's id, text, category or tags
    (case-insensitive).
    """
    words = query.lower().split() if query else []
    kept = []
    for prompt in prompts:
        if category is not None and prompt.category != category:
            continue
        if difficulty is not None and prompt.difficulty != difficulty:
            continue
        if tag is not None and tag not in prompt.tags:
            continue
        if words:
            haystack = " ".join((prompt.id, prompt.text, prompt.category, *prompt.tags)).lower()
            if not all(word in haystack for word in words):
                continue
        kept.append(prompt)
    return kept


def pick_random(prompts: Sequence[Prompt], *, recent_ids: set[str], rng: random.Random) -> Prompt:
    """Pick a prompt not answered recently; when all were, pick among all of them.

    Raises:
        ValueError: when ``prompts`` is empty.
    """
    if not prompts:
        raise ValueError("no prompts to choose from")
    fresh = [prompt for prompt in prompts if prompt.id not in recent_ids]
    return rng.choice(sorted(fresh or prompts, key=lambda prompt: prompt.id))


def recommend_next(
    prompts: Sequence[Prompt],
    history: list[HistoryItem],
    *,
    now: datetime,
    rng: random.Random | None = None,
) -> Recommendation:
    """Recommend the next prompt and say why.

    In order: a prompt whose last attempt still had an error-level flag and is due again
    (>= 3 days); the target of the most frequent recent flag; the weakest recent dimension;
    a harder prompt when every dimension is strong; else something not answered recently.
    A learner without history gets a difficulty-1 warm-up. Without ``rng`` the choice is
    seeded by the history length, so it stays put across app reruns until the next attempt.

    Raises:
        ValueError: when ``prompts`` is empty or ``now`` is naive.
    """
    if not prompts:
        raise ValueError("no prompts to choose from")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # Picking practice prompts is not security-relevant, and a seeded generator is the point.
    rng = rng or random.Random(len(history))  # noqa: S311
    if not history:
        return _new_learner(prompts, rng)

    ordered = sorted(history, key=lambda item: item.submitted_at)
    retry = _due_retry(prompts, ordered, now)
    if retry:
        return retry
    recent = ordered[-RECENT_WINDOW:]
    recent_ids = {item.prompt_id for item in recent}
    level = _target_difficulty(recent)

    for flag_id, count in _frequent_flags(recent):
        target = _flag_target(flag_id)
        chosen = _choose(prompts, target, recent_ids, level, rng)
        if target and chosen:
            doing = FLAG_PHRASES.get(flag_id, f"were flagged '{flag_id}'")
            return Recommendation(
                chosen,
                f"{count} of your last {len(recent)} answers {doing}; this prompt practises "
                f"{target.practice}.",
                f"flag:{flag_id}",
            )

    averages = sorted(
        _dimension_averages(recent).items(), key=lambda kv: (kv[1], _dimension_rank(kv[0]))
    )
    for name, average in averages:
        target = DIMENSION_TARGETS.get(name)
        chosen = _choose(prompts, target, recent_ids, level, rng)
        if average < STRETCH_FROM and target and chosen:
            return Recommendation(
                chosen,
                f"Your weakest area lately is {DIMENSION_NAMES.get(name, name)} "
                f"(average {average:.0f}); this prompt practises {target.practice}.",
                f"dimension:{name}",
            )
    if averages and averages[0][1] >= STRETCH_FROM:
        name, average = averages[0]
        hard = [p for p in prompts if p.difficulty == 3] or list(prompts)
        return Recommendation(
            pick_random(hard, recent_ids=recent_ids, rng=rng),
            f"Your recent answers are strong on every dimension (lowest: "
            f"{DIMENSION_NAMES.get(name, name)}, {average:.0f}); try a harder prompt.",
            "stretch",
        )

    return Recommendation(
        pick_random(prompts, recent_ids=recent_ids, rng=rng),
        "A prompt you have not answered recently, to keep your practice varied.",
        "variety",
    )


def _new_learner(prompts: Sequence[Prompt], rng: random.Random) -> Recommendation:
    easiest = min(prompt.difficulty for prompt in prompts)
    warmups = [p for p in prompts if p.difficulty == easiest]
    framing = [p for p in warmups if _FRAMING.fits(p)]
    chosen = pick_random(framing or warmups, recent_ids=set(), rng=rng)
    practises = f" that practises {_FRAMING.practice}" if framing else ""
    return Recommendation(
        chosen,
        f"New here: start with a difficulty-{easiest} warm-up{practises}.",
        "new-learner",
    )


def _is_sticky(flag_id: str) -> bool:
    return flag_id in _STICKY or flag_id.startswith("missing-")


def _due_retry(
    prompts: Sequence[Prompt], ordered: list[HistoryItem], now: datetime
) -> Recommendation | None:
    by_id = {prompt.id: prompt for prompt in prompts}
    latest: dict[str, HistoryItem] = {}
    for item in ordered:
        latest[item.prompt_id] = item
    due = [
        item
        for item in latest.values()
        if item.prompt_id in by_id
        and now - item.submitted_at >= RETRY_AFTER
        and any(_is_sticky(flag) for flag in item.flag_ids)
    ]
    if not due:
        return None
    item = min(due, key=lambda it: (it.submitted_at, it.prompt_id))  # longest waiting first
    sticky = [flag for flag in dict.fromkeys(item.flag_ids) if _is_sticky(flag)]
    days = (now - item.submitted_at).days
    return Recommendation(
        by_id[item.prompt_id],
        f"Time to retry: {days} days ago your answer here still had {', '.join(sticky)}; "
        "see whether it has cleared.",
        "retry",
    )


def _frequent_flags(recent: list[HistoryItem]) -> list[tuple[str, int]]:
    """Return flags seen in at least two recent attempts, most frequent (then error-level) first."""
    counts = Counter(flag for item in recent for flag in set(item.flag_ids))
    frequent = [(flag, n) for flag, n in counts.items() if n >= FREQUENT_FLAG_MIN]
    return sorted(frequent, key=lambda fn: (-fn[1], not _is_sticky(fn[0]), fn[0]))


def _flag_target(flag_id: str) -> _Target | None:
    if flag_id in FLAG_TARGETS:
        return FLAG_TARGETS[flag_id]
    if flag_id.startswith("missing-"):
        element = flag_id.removeprefix("missing-").replace("-", "_")
        return next((t for t in FLAG_TARGETS.values() if t.expects == {element}), None)
    return None


def _dimension_averages(recent: list[HistoryItem]) -> dict[str, float]:
    scores: dict[str, list[int]] = {}
    for item in recent:
        for name, score in item.dimensions.items():
            if score is not None:
                scores.setdefault(name, []).append(score)
    return {name: sum(values) / len(values) for name, values in scores.items()}


def _dimension_rank(name: str) -> int:
    names = list(DIMENSION_TARGETS)
    return names.index(name) if name in names else len(names)


def _target_difficulty(recent: list[HistoryItem]) -> int:
    overall = [item.overall for item in recent if item.overall is not None]
    if not overall:
        return 1
    average = sum(overall) / len(overall)
    return 1 if average < 50 else 2 if average < 75 else 3


def _choose(
    prompts: Sequence[Prompt],
    target: _Target | None,
    recent_ids: set[str],
    level: int,
    rng: random.Random,
) -> Prompt | None:
    """Pick among the prompts that train ``target``: unanswered lately, preferred category,
    difficulty nearest the learner's level, in that order of importance."""
    if target is None:
        return None
    fitting = [prompt for prompt in prompts if target.fits(prompt)]
    if not fitting:
        return None
    fresh = [prompt for prompt in fitting if prompt.id not in recent_ids] or fitting

    def rank(prompt: Prompt) -> tuple[int, int]:
        preferred = target.categories
        place = preferred.index(prompt.category) if prompt.category in preferred else len(preferred)
        return place, abs(prompt.difficulty - level)

    best = min(rank(prompt) for prompt in fresh)
    return pick_random([p for p in fresh if rank(p) == best], recent_ids=set(), rng=rng)
