"""Rule engine vs LLM judge on the labelled corpora: agreement, accuracy, latency and cost.

Run: ``python -m benchmarks.judge [--limit N] [--corpus PATH ...]``. The corpora are
tests/corpus/*.jsonl plus ../shared/corpus/strangers-dev.jsonl when present (records are read,
never copied). The judge side needs an endpoint configured by the person running it
(``OPENAI_API_KEY`` or ``OPENAI_BASE_URL``, and ``COACH_LLM_MODEL``); without one the script
says so and reports the rule side only. Per label it prints the rules' and the judge's F1
against the labels and how often the two agree; then the judge's latency and tokens per answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from benchmarks.accuracy import (
    CORPUS_DIR,
    DEFAULT_STRANGERS_DEV,
    TARGETS,
    Counts,
)
from coach.errors import CoachError
from coach.services.judge import judge, verdict_report
from coach.services.llm_client import LLMClient, Usage
from coach.settings import load_settings
from scoring import PromptSpec, analyze
from scoring.labels import report_labels

SHARED_CORPUS = DEFAULT_STRANGERS_DEV
LABELS = tuple(TARGETS)


def corpora(extra: list[Path]) -> dict[str, list[dict]]:
    """Every labelled corpus by name (file stem)."""
    paths = sorted(CORPUS_DIR.glob("*.jsonl"))
    if SHARED_CORPUS.exists():
        paths.append(SHARED_CORPUS)
    paths += extra
    found = {}
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        found[path.stem] = [json.loads(line) for line in lines if line.strip()]
    return found


def run(items: list[dict], client: LLMClient | None) -> dict:
    rules = {label: Counts() for label in LABELS}
    judged = {label: Counts() for label in LABELS}
    agree = dict.fromkeys(LABELS, 0)
    latencies: list[float] = []
    usage = Usage()
    failures = ungrounded = compared = 0
    for item in items:
        spec = PromptSpec.from_text(item.get("prompt", ""))
        report = analyze(item["answer"], spec)
        got = report_labels(report)
        for label in LABELS:
            rules[label].add(bool(item["labels"][label]), got[label])
        if client is None:
            continue
        started = time.perf_counter()
        try:
            judgement = judge(client, item["answer"], spec, "pm")
        except CoachError:
            failures += 1
            continue
        latencies.append(time.perf_counter() - started)
        usage = usage + judgement.usage
        judge_report = verdict_report(judgement, item["answer"], report)
        ungrounded += judge_report.extras["judge"]["ungrounded_quotes"]
        theirs = report_labels(judge_report)
        compared += 1
        for label in LABELS:
            judged[label].add(bool(item["labels"][label]), theirs[label])
            agree[label] += got[label] == theirs[label]
    return {
        "rules": rules,
        "judge": judged,
        "agree": agree,
        "compared": compared,
        "latencies": latencies,
        "usage": usage,
        "failures": failures,
        "ungrounded": ungrounded,
    }


def print_result(name: str, size: int, result: dict, model: str | None) -> None:
    print(f"\n{name} ({size} answers)")
    if model is None:
        print(f"{'label':<22}{'rules F1':>9}   tp  fp  fn  tn")
        for label in LABELS:
            c = result["rules"][label]
            print(f"{label:<22}{c.f1:>9.2f} {c.tp:>4}{c.fp:>4}{c.fn:>4}{c.tn:>4}")
        return
    compared = result["compared"]
    print(f"{'label':<22}{'rules F1':>9}{'judge F1':>9}{'agree':>8}")
    for label in LABELS:
        share = result["agree"][label] / compared if compared else 0.0
        print(
            f"{label:<22}{result['rules'][label].f1:>9.2f}{result['judge'][label].f1:>9.2f}"
            f"{share:>8.0%}"
        )
    latencies = result["latencies"]
    usage: Usage = result["usage"]
    if latencies:
        ordered = sorted(latencies)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        cost = usage.cost_usd(model)
        print(
            f"judge: {compared} judged, {result['failures']} failed; latency median "
            f"{statistics.median(latencies):.2f} s, p90 {p90:.2f} s; "
            f"{usage.prompt_tokens / compared:.0f} prompt + "
            f"{usage.completion_tokens / compared:.0f} completion tokens per answer; "
            + (f"est. ${cost / compared:.5f} per answer; " if cost is not None else "unpriced; ")
            + f"{result['ungrounded'] / compared:.2f} ungrounded quotes per answer"
        )
    else:
        print(f"judge: no answer judged ({result['failures']} failed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, help="judge at most N answers per corpus")
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="extra JSONL")
    args = parser.parse_args()
    settings = load_settings()
    client = LLMClient(settings) if settings.llm_configured else None
    if client is None:
        print(
            "No LLM endpoint configured (set OPENAI_API_KEY or OPENAI_BASE_URL, and "
            "COACH_LLM_MODEL): running the rule side only."
        )
    else:
        print(f"Judge: model {settings.llm_model} at {settings.openai_base_url or 'OpenAI'}")
    for name, items in corpora(args.corpus).items():
        chosen = items[: args.limit] if args.limit else items
        result = run(chosen, client)
        print_result(name, len(chosen), result, settings.llm_model if client else None)


if __name__ == "__main__":
    main()
