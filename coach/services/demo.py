"""Demo data: about 60 attempts over 8 weeks, scored by the real engine, clearly marked.

Answers are synthesised from each prompt's own outline at a quality that rises over the weeks:
early answers open with the model, skip the user and the problem, and ramble; later ones follow
the outline in order. The engine then scores them for real, so flags and coverage are genuine.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import Attempt
from coach.services.attempts import record_outcome, run_scorer
from coach.services.users import UserContext

if TYPE_CHECKING:
    from question_bank import Bank, Prompt

# How a candidate voices each outline move; the outline text itself carries the content.
_LEADS: dict[str, tuple[str, ...]] = {
    "clarify": ("Let me first clarify the scope.", "Before I dive in, a quick check on scope."),
    "who": ("The user I would focus on first:", "I'd start with one specific segment."),
    "why": ("Their underlying problem is this.", "What actually hurts for them:"),
    "why_ai": ("Why AI rather than rules or search?", "AI earns its place here because"),
    "solution": ("For v1 I would commit to one option.", "The solution I'd build first:"),
    "metrics": ("Here is how I'd measure success.", "The primary metric, plus guardrails:"),
    "eval_criteria": ("Before launch, I'd judge output quality like this.", "The ship gate:"),
    "tradeoffs": ("The main trade-off.", "What we give up with this choice:"),
    "risks": ("When the model is wrong, what happens?", "The failure mode that worries me:"),
    "rollout": ("Rollout plan.", "How I'd ship it:"),
    "summary": ("To summarise.", "So, in one line:"),
}
_TECH_OPENERS = (
    "I would start by fine-tuning a large language model on our historical data and putting "
    "a RAG pipeline with a vector database in front of it.",
    "First I'd train a transformer model and tune the embeddings so the results are more "
    "accurate, maybe with a bigger GPU cluster.",
    "The obvious move is to use GPT-4 with retrieval over our documents and fine-tune it on "
    "the logs we already have.",
    "I'd build an ML model, probably a gradient-boosted classifier plus an LLM, and train it on "
    "all the data we have.",
)
_VAGUE = (
    "This would be for all our users, basically everyone.",
    "We'd track engagement and see how it goes.",
    "Success would be more usage and happier customers.",
)
_FILLERS = ("Um, so, basically,", "So, you know,", "I mean, like,", "Uh, okay, so")
_DEFERRALS = ("What do you think, should I go deeper on the model?", "Does that make sense?")
_WINDOW_START_HOUR, _WINDOW_HOURS = 7, 15  # Practice happens between 07:00 and 22:00 UTC.


def load_demo(
    db: Database,
    user: UserContext,
    bank: Bank,
    *,
    attempts: int = 60,
    weeks: int = 8,
    seed: int = 7,
    now: datetime | None = None,
) -> int:
    """Replace the user's demo attempts with fresh ones; return how many were added."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    now = (now or datetime.now(UTC)).astimezone(UTC)
    prompts = _choose_prompts(bank.prompts, rng)
    times = _practice_times(rng, count=attempts, weeks=weeks, now=now)
    with db.session() as session:
        repo.delete_attempts(session, user_id=user.user_id, demo_only=True)
        for index, submitted_at in enumerate(times):
            progress = index / max(attempts - 1, 1)
            quality = min(1.0, max(0.0, 0.12 + 0.8 * progress + rng.uniform(-0.12, 0.12)))
            # Come back to earlier prompts now and then, as a learner retrying would.
            prompt = prompts[index % len(prompts)] if rng.random() < 0.6 else rng.choice(prompts)
            row = Attempt(
                user_id=user.user_id,
                prompt_id=prompt.id,
                category=prompt.category,
                prompt_text=prompt.text,
                prompt_expects=",".join(sorted(prompt.to_spec().expects)),
                answer=synthesize_answer(prompt, quality, rng),
                mode="timed" if rng.random() < 0.3 else "practice",
                level="pm",
                started_at=submitted_at - timedelta(seconds=rng.randint(90, prompt.time_limit_s)),
                submitted_at=submitted_at,
                status="pending",
                is_demo=True,
            )
            record_outcome(row, run_scorer(row))
            session.add(row)
        session.commit()
    return attempts


def delete_demo(db: Database, user: UserContext) -> int:
    """Delete the user's demo attempts (their own attempts stay); return how many."""
    with db.session() as session:
        count = repo.delete_attempts(session, user_id=user.user_id, demo_only=True)
        session.commit()
    return count


def has_demo(db: Database, user: UserContext) -> bool:
    """Whether the user has demo attempts loaded."""
    with db.session() as session:
        return repo.count_attempts(session, user_id=user.user_id, demo_only=True) > 0


def synthesize_answer(prompt: Prompt, quality: float, rng: random.Random) -> str:
    """Write an answer to ``prompt`` at ``quality`` (0 = solution-first ramble, 1 = outline)."""
    steps = [step for step in prompt.outline if rng.random() < 0.25 + 0.75 * quality]
    if not any(step.move == "solution" for step in steps):
        steps += [step for step in prompt.outline if step.move == "solution"][:1]
    if quality < 0.45:
        # Weak answers lead with the build and leave framing for later, if at all.
        steps.sort(key=lambda step: step.move not in {"solution", "why_ai", "tradeoffs"})
    sentences: list[str] = []
    if rng.random() > quality + 0.1:
        sentences.append(rng.choice(_TECH_OPENERS))
    if quality < 0.35 and rng.random() < 0.7:
        sentences.append(rng.choice(_VAGUE[:1]))
    for step in steps:
        lead = rng.choice(_LEADS.get(step.move, (f"{step.move.capitalize()}:",)))
        sentence = f"{lead} {step.text}"
        if quality < 0.5 and rng.random() < 0.5:
            sentence = f"{rng.choice(_FILLERS)} {sentence[0].lower()}{sentence[1:]}"
        sentences.append(sentence)
    if not any(step.move == "metrics" for step in steps) and rng.random() < 0.6:
        sentences.append(rng.choice(_VAGUE[1:]))
    if quality < 0.3 and rng.random() < 0.5:
        sentences.append(rng.choice(_DEFERRALS))
    return "\n\n".join(sentences) if quality >= 0.6 else " ".join(sentences)


def _choose_prompts(prompts: list[Prompt], rng: random.Random, count: int = 14) -> list[Prompt]:
    """Pick a spread of prompts across categories (round-robin), so retries happen."""
    if not prompts:
        raise ValueError("the question bank is empty: no prompts to build demo answers from")
    by_category: dict[str, list[Prompt]] = {}
    for prompt in prompts:
        by_category.setdefault(prompt.category, []).append(prompt)
    for group in by_category.values():
        rng.shuffle(group)
    chosen: list[Prompt] = []
    while len(chosen) < min(count, len(prompts)):
        for group in by_category.values():
            if group and len(chosen) < count:
                chosen.append(group.pop())
    return chosen


def _practice_times(
    rng: random.Random, *, count: int, weeks: int, now: datetime
) -> list[datetime]:
    """Spread ``count`` submissions over practice days in the last ``weeks`` weeks, sorted."""
    start = (now - timedelta(weeks=weeks)).replace(hour=0, minute=0, second=0, microsecond=0)
    all_days = [start + timedelta(days=offset) for offset in range(weeks * 7)]
    practice_days = sorted(rng.sample(all_days, k=min(len(all_days), max(1, weeks * 4))))
    # The last three days, today included, always have practice, so the demo shows a streak.
    recent = [start + timedelta(days=weeks * 7 - back) for back in (2, 1, 0)]
    days = [rng.choice(practice_days) for _ in range(max(0, count - len(recent)))]
    days += recent[-count:] if count else []
    times = []
    for day in days:
        moment = day + timedelta(
            hours=_WINDOW_START_HOUR, seconds=rng.randint(0, _WINDOW_HOURS * 3600)
        )
        times.append(min(moment, now - timedelta(minutes=5)))
    return sorted(times)
