"""Builders shared by the question-bank tests (no tests here: conftest.py is not ours to edit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from question_bank import Prompt

# Distinct on purpose: no two share enough words to trip the near-duplicate check, and none
# resembles a built-in prompt.
TEXTS = (
    "A lighthouse keeper cooperative wants software that predicts fog from buoy sensors.",
    "Pick a success measure for an assistant that tags archived radio interviews by topic.",
    "Beekeepers ask for an app that listens to hives and warns about swarming.",
    "Judge whether generated knitting patterns are correct before a yarn shop sells them.",
    "Plan how a ferry operator could rebook stranded passengers automatically during storms.",
    "Describe the first version of a tool helping sommeliers draft wine-pairing notes.",
    "An orchestra librarian needs sheet-music annotations transcribed from photographed scores.",
    "Should a municipal tram network deploy cameras that count platform crowding?",
    "Explain how you would evaluate a chatbot answering questions about chess openings.",
    "A glacier research station wants drone imagery labelled for crevasse hazards.",
    "Design onboarding for falconers adopting a feather-moult tracking assistant.",
    "Prioritise features for a bakery chain forecasting sourdough demand each morning.",
)


def prompt_data(index: int, **overrides: Any) -> dict[str, Any]:
    """Return a valid prompt mapping (as written in a file) using ``TEXTS[index]``."""
    data: dict[str, Any] = {
        "id": f"sample-prompt-{index}",
        "text": TEXTS[index],
        "difficulty": 2,
        "expects": ["who", "why", "metrics"],
        "time_limit_s": 300,
        "hints": ["Say who the user is first.", "Name the pain before any feature."],
        "follow_ups": ["What would you cut from v1?", "How would you know it worked?"],
        "outline": [
            {"move": "clarify", "text": "Confirm the scope and the constraints."},
            {"move": "who", "text": "The specific people who feel the problem."},
            {"move": "why", "text": "The pain they feel today and what it costs them."},
            {"move": "metrics", "text": "One outcome metric and one guardrail."},
        ],
        "pitfalls": ["Starting with the model.", "Listing metrics without a primary one."],
        "tags": ["sample"],
    }
    data.update(overrides)
    return data


def make_prompt(index: int, category: str = "sample-category", **overrides: Any) -> Prompt:
    """Return a validated prompt built from :func:`prompt_data`."""
    return Prompt.model_validate({**prompt_data(index, **overrides), "category": category})


def write_bank(
    path: Path, prompts: list[dict[str, Any]], *, category: str = "sample-category"
) -> Path:
    """Write a category YAML file holding ``prompts`` and return its path."""
    document = {
        "category": category,
        "title": "Sample category",
        "description": "Prompts written for the tests.",
        "prompts": prompts,
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=200), encoding="utf-8")
    return path
