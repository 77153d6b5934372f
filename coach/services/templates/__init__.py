"""Prompt and rubric templates for the LLM features, kept as text files next to this module.

Placeholders are ``$name`` (``string.Template``), so JSON braces in a template need no escaping.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

_DIR = Path(__file__).resolve().parent


@cache
def _template(name: str) -> Template:
    return Template((_DIR / name).read_text(encoding="utf-8"))


def render(name: str, **values: object) -> str:
    """Fill template ``name`` (e.g. ``judge_system.md``); a missing value is a KeyError."""
    return _template(name).substitute({key: str(value) for key, value in values.items()})
