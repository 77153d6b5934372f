"""Scoring speed: answers/s on one core and latency by answer length.

Run: ``python -m benchmarks.speed``. Targets (issue 3): >= 500 answers/s at 300 words,
p99 < 20 ms at 1,000 words, linear growth with length, a 100,000-character adversarial
input in < 500 ms.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from scoring import analyze, warm_up

SENTENCES = [
    "Night-shift nurses on surgical wards lose forty minutes a shift re-typing handover notes.",
    "They struggle to find the latest medication changes when a patient's status shifts quickly.",
    "Success means handover time per patient falls from six to three minutes.",
    "The guardrail is that the rate of missed medications must not rise.",
    "I'd fine-tune an LLM on past handovers and use RAG over the chart.",
    "A good draft cites the chart, and we grade 300 real handovers with a rubric before launch.",
    "When confidence is low the draft is marked and a human reviews it before it is shared.",
    "um so basically we could like you know build a dashboard for everyone",
    "The trade-off is recall versus precision: a missed allergy costs more than an extra line.",
    "Privacy is the main risk, so the model only sees data the nurse can already see.",
]


ROUNDS = 5


def make_answer(words: int, seed: int) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(SENTENCES)
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def _latencies(answers: list[str]) -> list[float]:
    times = []
    for answer in answers:
        start = time.perf_counter()
        analyze(answer)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _time_one(make: Callable[[], str]) -> float:
    text = make()
    start = time.perf_counter()
    analyze(text)
    return (time.perf_counter() - start) * 1000


ADVERSARIAL: dict[str, Callable[[], str]] = {
    "repeated token": lambda: "model " * 16_000,
    "no spaces": lambda: "a" * 100_000,
    "nested punctuation": lambda: "((([[[{{{!?.;,:" * 6_700,
    "mixed junk": lambda: ("user?!" + "x" * 50 + "...\n") * 1_700,
    "emoji and rtl": lambda: ("😀 مرحبا بالعالم nurses " * 4_000)[:100_000],
}


def main() -> None:
    warm_up(freeze=True)  # as the app and the CLI do at start-up
    analyze(make_answer(300, 0))
    batch = [make_answer(300, seed) for seed in range(500)]
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for answer in batch:
            analyze(answer)
        rates.append(len(batch) / (time.perf_counter() - start))
    # Shared VMs are noisy: the best round is the engine's speed, the median what you may see.
    print(
        f"throughput (300-word answers, one core): best {max(rates):,.0f} answers/s, "
        f"median {statistics.median(rates):,.0f} over {ROUNDS} rounds of {len(batch)}"
    )
    print()
    print(f"{'words':>7} {'runs':>5} {'p50 ms':>8} {'p99 ms':>8} {'ms/1k words':>12}")
    for words, runs in ((100, 400), (1_000, 200), (10_000, 30)):
        times = _latencies([make_answer(words, seed) for seed in range(runs)])
        p50 = statistics.median(times)
        p99 = _pct(times, 0.99)
        print(f"{words:>7,} {runs:>5} {p50:>8.2f} {p99:>8.2f} {p50 / words * 1000:>12.2f}")
    print()
    print("adversarial 100,000-character inputs:")
    for name, make in ADVERSARIAL.items():
        print(f"  {name:<20} {_time_one(make):8.1f} ms")


if __name__ == "__main__":
    main()
