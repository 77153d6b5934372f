"""Convert prompts to and from the CSV and YAML bank formats (the loader validates the result)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from question_bank.bank import Category
from question_bank.schema import Prompt

LIST_FIELDS: tuple[str, ...] = ("expects", "hints", "follow_ups", "pitfalls", "tags")
INT_FIELDS: tuple[str, ...] = ("difficulty", "time_limit_s")
CSV_COLUMNS: tuple[str, ...] = (
    "category",
    "id",
    "text",
    "difficulty",
    "expects",
    "time_limit_s",
    "hints",
    "follow_ups",
    "outline",
    "pitfalls",
    "tags",
)
CSV_OPTIONAL_COLUMNS: tuple[str, ...] = ("category_title", "category_description")
SEPARATOR = "|"
_INT = re.compile(r"[+-]?\d+")


def split_items(cell: str) -> list[str]:
    r"""Split a CSV cell on ``|``; ``\|`` is a literal bar and ``\\`` a literal backslash."""
    items: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            current.append(nxt if nxt in ("|", "\\") else char + nxt)
        elif char == SEPARATOR:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def join_items(items: Iterable[str]) -> str:
    """Join items into one CSV cell, escaping bars and backslashes so splitting is lossless."""
    return f" {SEPARATOR} ".join(
        item.replace("\\", "\\\\").replace(SEPARATOR, "\\" + SEPARATOR) for item in items
    )


def row_to_data(row: Mapping[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Turn one CSV row into prompt data for validation, plus ``(field, message)`` problems."""
    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for column in CSV_COLUMNS:
        cell = (row.get(column) or "").strip()
        if not cell:
            continue  # absent, so validation reports "required field is missing"
        if column in INT_FIELDS:
            data[column] = int(cell) if _INT.fullmatch(cell) else cell
        elif column in LIST_FIELDS:
            data[column] = split_items(cell)
        elif column == "outline":
            steps: list[dict[str, str]] = []
            for index, item in enumerate(split_items(cell)):
                move, colon, text = item.partition(":")
                if not colon:
                    problems.append(
                        (f"outline[{index}]", f"write each step as 'move: text', got {item!r}")
                    )
                    continue
                steps.append({"move": move.strip(), "text": text.strip()})
            data[column] = steps
        else:
            data[column] = cell
    return data, problems


def prompt_to_row(prompt: Prompt, category: Category) -> dict[str, str]:
    """Turn a prompt into one CSV row (the exact inverse of :func:`row_to_data`)."""
    return {
        "category": prompt.category,
        "id": prompt.id,
        "text": prompt.text,
        "difficulty": str(prompt.difficulty),
        "expects": join_items(prompt.expects),
        "time_limit_s": str(prompt.time_limit_s),
        "hints": join_items(prompt.hints),
        "follow_ups": join_items(prompt.follow_ups),
        "outline": join_items(f"{step.move}: {step.text}" for step in prompt.outline),
        "pitfalls": join_items(prompt.pitfalls),
        "tags": join_items(prompt.tags),
        "category_title": category.title,
        "category_description": category.description,
    }


def dump_csv(prompts: Iterable[Prompt], categories: Iterable[Category]) -> str:
    """Return the prompts as a CSV bank (one row per prompt, header first)."""
    by_slug = {category.slug: category for category in categories}
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=[*CSV_COLUMNS, *CSV_OPTIONAL_COLUMNS], lineterminator="\n"
    )
    writer.writeheader()
    for prompt in prompts:
        writer.writerow(prompt_to_row(prompt, by_slug[prompt.category]))
    return out.getvalue()


# libyaml's emitter when present: the pure-Python one takes seconds for the whole bank.
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _BankDumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Write outline steps as one-line ``{move: ..., text: ...}`` like the hand-written files."""


def _represent_step(dumper: yaml.SafeDumper, step: _Step) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(step), flow_style=True)


class _Step(dict[str, str]):
    pass


class _Inline(list[str]):
    pass


def _represent_inline(dumper: yaml.SafeDumper, items: _Inline) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(items), flow_style=True)


_BankDumper.add_representer(_Step, _represent_step)
_BankDumper.add_representer(_Inline, _represent_inline)


def dump_yaml(prompts: Iterable[Prompt], categories: Iterable[Category]) -> str:
    """Return the prompts as YAML: one category document per category, separated by ``---``."""
    grouped: dict[str, list[Prompt]] = {}
    for prompt in prompts:
        grouped.setdefault(prompt.category, []).append(prompt)
    documents = []
    for category in categories:
        if category.slug not in grouped:
            continue
        documents.append(
            {
                "category": category.slug,
                "title": category.title,
                "description": category.description,
                "prompts": [_prompt_document(p) for p in grouped[category.slug]],
            }
        )
    return yaml.dump_all(
        documents,
        Dumper=_BankDumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,  # one line per value, like the hand-written files
        explicit_start=True,
    )


def _prompt_document(prompt: Prompt) -> dict[str, Any]:
    return {
        "id": prompt.id,
        "text": prompt.text,
        "difficulty": prompt.difficulty,
        "expects": _Inline(prompt.expects),
        "time_limit_s": prompt.time_limit_s,
        "hints": list(prompt.hints),
        "follow_ups": list(prompt.follow_ups),
        "outline": [_Step(move=step.move, text=step.text) for step in prompt.outline],
        "pitfalls": list(prompt.pitfalls),
        "tags": _Inline(prompt.tags),
    }
