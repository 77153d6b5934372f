"""The prompt filter row and the table-row picker, shared by Practice, Question bank, Progress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from coach.ui.labels import DIFFICULTY_LABELS
from coach.ui.state import ALL, ANY_DIFFICULTY, none_if_all, sticky
from question_bank import Bank

FIELDS: tuple[str, ...] = ("category", "difficulty", "tag", "query")


@dataclass(frozen=True, slots=True)
class Filters:
    """The chosen filters, None meaning "any"."""

    category: str | None = None
    difficulty: int | None = None
    tag: str | None = None
    query: str | None = None


def current_filters(prefix: str) -> Filters:
    """Read the filter row's values from the session (usable in callbacks, before drawing)."""
    state = st.session_state
    return Filters(
        category=none_if_all(state.get(f"{prefix}_category")),
        difficulty=none_if_all(state.get(f"{prefix}_difficulty")),
        tag=none_if_all(state.get(f"{prefix}_tag")),
        query=(state.get(f"{prefix}_query") or "").strip() or None,
    )


def filter_row(
    prefix: str,
    bank: Bank,
    *,
    fields: Sequence[str] = FIELDS,
    categories: Sequence[str] | None = None,
    on_change: Callable[[], None] | None = None,
    container: Any = None,
) -> Filters:
    """Draw the filters (keys ``<prefix>_category`` ...), kept across page switches; category
    choices show their titles, never slugs. Returns the chosen filters."""
    titles = {category.slug: category.title for category in bank.categories}
    slugs = list(categories) if categories is not None else list(titles)
    defaults = {"category": ALL, "difficulty": ANY_DIFFICULTY, "tag": ALL, "query": ""}
    for field in fields:
        sticky(f"{prefix}_{field}", defaults[field])
    where = container if container is not None else st
    columns = where.columns([3, 2, 2, 3][: len(fields)] if len(fields) > 1 else [1])
    for column, field in zip(columns, fields, strict=True):
        key = f"{prefix}_{field}"
        if field == "category":
            column.selectbox(
                "Category",
                [ALL, *slugs],
                format_func=lambda slug: (
                    "All categories" if slug == ALL else titles.get(slug, slug)
                ),
                key=key,
                on_change=on_change,
            )
        elif field == "difficulty":
            column.selectbox(
                "Difficulty",
                [ANY_DIFFICULTY, 1, 2, 3],
                format_func=lambda d: "Any" if d == ANY_DIFFICULTY else DIFFICULTY_LABELS[d],
                key=key,
                on_change=on_change,
            )
        elif field == "tag":
            column.selectbox(
                "Tag",
                [ALL, *bank.tags],
                format_func=lambda tag: "Any tag" if tag == ALL else tag,
                key=key,
                on_change=on_change,
            )
        else:
            column.text_input(
                "Search",
                key=key,
                placeholder="words in the prompt or tags",
                on_change=on_change,
            )
    return current_filters(prefix)


def picked_row(event: Any, ids: Sequence[Any], *, pick_key: str) -> None:
    """After an ``st.dataframe`` with single-row selection: a newly clicked row becomes the
    picker's value (``pick_key``); the picker stays free to choose another afterwards."""
    state = st.session_state
    last_key = f"_{pick_key}_rows"
    clicked = list(event.selection.rows)
    if clicked and clicked != state.get(last_key) and clicked[0] < len(ids):
        state[pick_key] = ids[clicked[0]]
    state[last_key] = clicked
