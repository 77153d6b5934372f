"""The robustness benchmark: its rewrites do what they claim, and it runs on a small corpus."""

from __future__ import annotations

import doctest
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks import accuracy, rewrites
from benchmarks.robustness import (
    CHANGING,
    LABELS,
    PRESERVING,
    Answer,
    Rewrite,
    main,
    print_examples,
    run_rewrite,
    solution_to_front,
    verdicts,
)
from scoring import PromptSpec, analyze
from scoring.order import order_verdicts

PROMPT = "Design an AI feature for a home-care agency."
BULLETS = """Who: home-care nurses who visit eight to ten elderly patients a day
Pain: they spend 90 minutes every evening writing visit notes from memory, and details get lost
Metrics: minutes of documentation per visit; share of notes signed the same day
Solution: a voice note that drafts the visit record for the nurse to check
Tech: speech-to-text plus an LLM that fills the agency's template"""
PROSE = (
    "Home-care nurses who visit eight to ten elderly patients a day spend 90 minutes every "
    "evening writing visit notes from memory, and details get lost. Success means documentation "
    "time per visit falls from 9 to 4 minutes while the share of notes signed the same day rises. "
    "I'd build a voice note that drafts the visit record for the nurse to check, using "
    "speech-to-text and an LLM that fills the agency's template."
)
NO_USER = (
    "I'd build a chatbot that answers questions about care plans. "
    "Success means fewer calls to the office per week."
)
NO_METRIC = (
    "Home-care nurses who visit eight elderly patients a day lose 90 minutes every evening "
    "writing notes. I'd build a voice note that drafts the visit record."
)
PRESERVING_REWRITES: dict[str, Callable[[str], str]] = {
    "transcript": rewrites.to_transcript,
    "prose": rewrites.to_prose,
    "fillers": lambda text: rewrites.add_fillers(text, seed=1, rate=0.5),
    "neutral opening": rewrites.add_neutral_opening,
}


def judged(text: str) -> dict[str, bool]:
    return verdicts(analyze(text, PromptSpec.from_text(PROMPT)))


def test_the_rewrites_examples_hold() -> None:
    results = doctest.testmod(rewrites)
    assert results.attempted >= 10
    assert results.failed == 0


def test_the_benchmark_covers_every_rewrite_of_the_issue() -> None:
    assert [r.name for r in PRESERVING] == list(PRESERVING_REWRITES)
    assert {r.expects for r in CHANGING} == {"solution_first", "who", "metrics"}


@pytest.mark.parametrize("answer", [BULLETS, PROSE, NO_USER, NO_METRIC])
@pytest.mark.parametrize("name", list(PRESERVING_REWRITES))
def test_label_preserving_rewrites_keep_the_verdicts(name: str, answer: str) -> None:
    rewritten = PRESERVING_REWRITES[name](answer)
    assert rewritten != answer or name == "prose"
    assert judged(rewritten) == judged(answer), f"{name}: {rewritten!r}"


def test_prose_rewrite_removes_the_headings() -> None:
    prose = rewrites.to_prose(BULLETS)
    assert "\n" not in prose and "Pain:" not in prose and "Who:" not in prose
    assert prose.startswith("Who is it for? Home-care nurses")
    assert "The metrics are minutes of documentation per visit" in prose


def test_transcript_and_fillers_are_deterministic() -> None:
    assert rewrites.add_fillers(PROSE, seed=7) == rewrites.add_fillers(PROSE, seed=7)
    assert rewrites.add_fillers(PROSE, seed=7) != rewrites.add_fillers(PROSE, seed=8)
    transcript = rewrites.to_transcript(BULLETS)
    assert transcript == transcript.lower() and "\n" not in transcript and ":" not in transcript


def answer(text: str, **labels: bool) -> Answer:
    return Answer.analysed("hand-1", "dev", PROMPT, text, labels)


@pytest.mark.parametrize("text", [PROSE, BULLETS])
def test_moving_the_solution_to_the_front_makes_it_solution_first(text: str) -> None:
    before = answer(text, who=True, why=True)
    assert not verdicts(before.report)["solution_first"]
    moved = solution_to_front(before)
    assert moved is not None and moved.startswith(("I'd build", "Solution:"))
    assert judged(moved)["solution_first"]


def test_solution_already_in_front_is_not_moved() -> None:
    assert solution_to_front(answer(NO_USER)) is None


@pytest.mark.parametrize("seed", range(len(rewrites.SEGMENTS) * 2))
def test_every_added_segment_is_a_user(seed: int) -> None:
    assert not judged(NO_USER)["who"]
    assert judged(rewrites.add_segment(NO_USER, seed=seed))["who"], rewrites.SEGMENTS[seed % 12]


@pytest.mark.parametrize("seed", range(len(rewrites.METRICS)))
def test_added_metrics_are_metrics(seed: int) -> None:
    assert not judged(NO_METRIC)["metrics"]
    sentence = rewrites.METRICS[seed]
    assert judged(rewrites.add_metric(NO_METRIC, seed=seed))["metrics"], sentence


@pytest.mark.parametrize(
    ("positions", "expected"),
    [
        ({"solution": 0, "who": 10, "why": 20}, (True, False)),
        ({"solution": 30, "who": 10, "why": 20}, (False, False)),
        ({"solution": 20, "who": 10, "why": 20}, (False, False)),  # same place is not before
        ({"solution": 30, "who": 10}, (True, False)),  # why never comes
        ({"tech": 30, "who": 10, "why": 20, "metrics": 40}, (False, True)),
        ({"tech": 50, "who": 10, "why": 20, "metrics": 40}, (False, False)),
        ({"tech": 50, "who": 10, "why": 20}, (False, True)),
    ],
)
def test_order_verdicts_follow_the_label_definitions(positions, expected) -> None:
    got = order_verdicts(positions)
    assert (got["solution-first"], got["tech-before-framing"]) == expected


def test_examples_are_never_kept_for_holdout_answers(capsys) -> None:
    emptied = Rewrite("emptied", lambda a: "")  # flips every verdict that was true
    dev = Answer.analysed("dev-x", "dev", PROMPT, PROSE, {})
    held = Answer.analysed("holdout-x", "holdout", PROMPT, PROSE, {})
    outcome = run_rewrite(emptied, [dev, held], show=5)
    assert outcome.changed == 2 and outcome.flipped == 2
    assert outcome.flips["who"] == 2
    assert len(outcome.examples) == 1 and outcome.examples[0].startswith("dev-x: who True->False")
    print_examples([outcome])
    assert capsys.readouterr().out.startswith("\nemptied: flipped (dev)\n  dev-x: who True->False")


def write_corpus(folder: Path, name: str, records: list[tuple[str, str]]) -> None:
    lines = []
    for record_id, text in records:
        labels = {label: False for label in LABELS}
        labels.update(judged(text))  # the engine's verdicts, so nothing is "wrong before"
        record = {"id": record_id, "style": "hand", "prompt": PROMPT, "answer": text}
        lines.append(json.dumps(record | {"labels": labels}))
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_main_prints_the_tables_on_a_small_corpus(tmp_path, monkeypatch, capsys) -> None:
    write_corpus(tmp_path, "dev", [("t-dev-1", BULLETS), ("t-dev-2", NO_USER)])
    write_corpus(tmp_path, "holdout", [("t-secret-1", PROSE), ("t-secret-2", NO_METRIC)])
    monkeypatch.setattr(accuracy, "CORPUS_DIR", tmp_path)

    main(["--split", "all", "--show", "5"])
    out = capsys.readouterr().out
    assert out.startswith("all split: 4 answers")
    for row in ("answers changed", "any verdict", "tech_before_framing", "summary:"):
        assert row in out
    for rewrite in PRESERVING + CHANGING:
        assert rewrite.name in out
    segment_row = next(line for line in out.splitlines() if line.startswith("add a segment"))
    # eligible, n/a, wrong before, measured, detected, rate: NO_USER gets its segment.
    assert segment_row.split()[4:10] == ["1", "0", "0", "1", "1", "100.0%"]
    assert "t-secret" not in out

    main(["--split", "holdout", "--show", "5"])
    out = capsys.readouterr().out
    assert out.startswith("holdout split: 2 answers") and "t-secret" not in out
    assert "reported in aggregate" in out


def test_main_says_when_there_is_no_corpus(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(accuracy, "CORPUS_DIR", tmp_path)
    main([])
    assert "no corpus" in capsys.readouterr().out


def test_evidence_shows_what_a_flipped_verdict_was_read_from(capsys) -> None:
    emptied = Rewrite("emptied", lambda a: "")
    dev = Answer.analysed("dev-x", "dev", PROMPT, PROSE, {})
    outcome = run_rewrite(emptied, [dev], show=5, evidence=True)
    assert len(outcome.examples) == 1  # one example per answer, evidence included
    lines = outcome.examples[0].splitlines()
    assert (
        lines[0] == "dev-x: who True->False, why True->False, metrics True->False, tech True->False"
    )
    assert lines[1:3] == [
        "    who before: at 10 ['nurses', 'patients']",
        "    who after: at None []",
    ]
    assert len(lines) == 1 + 2 * 4  # before and after for each flipped element


def test_evidence_of_an_order_verdict_shows_the_elements_it_compares() -> None:
    moved = Rewrite("moved", solution_to_front)
    dev = answer(PROSE, who=True, why=True)
    outcome = run_rewrite(moved, [dev], show=5, evidence=True)
    lines = outcome.examples[0].splitlines()
    assert lines[0].startswith("hand-1: solution_first False->True")
    # Who and why once, though both order verdicts flipped and both read them.
    assert [line.split(":")[0].strip() for line in lines[1::2]] == [
        "solution before",
        "who before",
        "why before",
        "tech before",
        "metrics before",
    ]
