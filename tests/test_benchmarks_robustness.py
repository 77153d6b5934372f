"""The robustness benchmark: its rewrites do what they claim, and it runs on a small corpus."""

from __future__ import annotations

import doctest

from benchmarks import rewrites

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


def test_the_rewrites_examples_hold() -> None:
    results = doctest.testmod(rewrites)
    assert results.attempted >= 10
    assert results.failed == 0


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
