"""Where a bank problem is, how it reads, and the error that carries all of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path) -> str:
    """Return ``path`` relative to the working directory when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return os.fspath(path)


@dataclass(frozen=True, slots=True)
class Location:
    """A line in a bank file (1-based; ``None`` when the file could not be read at all)."""

    path: Path
    line: int | None

    def __str__(self) -> str:
        shown = display_path(self.path)
        return shown if self.line is None else f"{shown}:{self.line}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a bank file, read as ``path:line: prompt 'id': field: message``."""

    location: Location
    message: str
    prompt: str | None = None  # "prompt 'some-id'" or "prompt #3" when the id is unusable
    field: str | None = None

    def __str__(self) -> str:
        parts = [str(self.location)]
        if self.prompt:
            parts.append(self.prompt)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class BankValidationError(ValueError):
    """The bank files are invalid; ``problems`` lists every problem found, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.details = problems
        self.problems = [str(problem) for problem in problems]
        super().__init__("\n".join(self.problems))
