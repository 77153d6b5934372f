"""Question-bank use cases: load the bank with custom banks, look prompts up, add a custom bank."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from coach.errors import PromptNotFoundError, QuestionBankError
from question_bank import Bank, BankValidationError, Prompt, UnknownPromptError, load_bank
from question_bank.formats import dump_csv, dump_yaml
from question_bank.loader import BANK_SUFFIXES, BUILTIN_DIR

CUSTOM_BANK_DIR = "banks"
EXPORT_FORMATS = ("csv", "yaml")


def custom_bank_paths(data_dir: Path) -> list[Path]:
    """Return the custom bank files installed under ``<data_dir>/banks/``, sorted by name."""
    folder = Path(data_dir) / CUSTOM_BANK_DIR
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.iterdir() if path.is_file() and path.suffix.lower() in BANK_SUFFIXES
    )


def get_bank(
    extra_paths: Sequence[Path] = (), *, data_dir: Path | None = None, builtin: bool = True
) -> Bank:
    """Load the built-in bank, the custom banks installed in ``data_dir`` and ``extra_paths``.

    Raises:
        QuestionBankError: listing every problem as ``path:line: prompt 'id': field: message``.
    """
    paths = [*(custom_bank_paths(data_dir) if data_dir is not None else []), *extra_paths]
    try:
        return load_bank(paths, builtin=builtin)
    except BankValidationError as error:
        raise QuestionBankError(error.problems) from error


def get_prompt(bank: Bank, prompt_id: str) -> Prompt:
    """Return the prompt with this id.

    Raises:
        PromptNotFoundError: no such prompt in the bank.
    """
    try:
        return bank.get(prompt_id)
    except UnknownPromptError:
        raise PromptNotFoundError(prompt_id) from None


def add_custom_bank(path: Path, data_dir: Path) -> tuple[Path, int]:
    """Validate a custom bank file with everything already loaded, then copy it into the data dir.

    A file with the same name as an installed custom bank replaces it (it is an update), so
    it is validated against the other banks only.

    Returns:
        The installed file and how many prompts it holds.

    Raises:
        QuestionBankError: the file is invalid, clashes with the bank, or cannot be copied.
    """
    path = Path(path)
    if not path.is_file() or path.suffix.lower() not in BANK_SUFFIXES:
        raise QuestionBankError([f"{path}: not a bank file; give a .yaml, .yml or .csv file"])
    if path.resolve().parent == BUILTIN_DIR:
        raise QuestionBankError([f"{path}: is part of the built-in bank already"])
    destination = Path(data_dir) / CUSTOM_BANK_DIR / path.name
    others = [p for p in custom_bank_paths(data_dir) if p.name != path.name]
    try:
        bank = load_bank([*others, path])
    except BankValidationError as error:
        raise QuestionBankError(error.problems) from error
    count = sum(1 for prompt in bank.prompts if bank.source(prompt.id).path == path)
    temporary: Path | None = None
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        # Write next to the target and rename, so the app never reads a half-copied bank.
        handle, name = tempfile.mkstemp(dir=destination.parent, suffix=".part")
        os.close(handle)
        temporary = Path(name)
        shutil.copyfile(path, temporary)
        os.replace(temporary, destination)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise QuestionBankError(
            [f"{destination}: cannot install the bank: {error.strerror or error}"]
        ) from error
    return destination, count


def export_bank(bank: Bank, fmt: str) -> str:
    """Return the whole bank as CSV or YAML text that ``coach bank validate`` accepts back.

    Raises:
        ValueError: for a format other than csv or yaml.
    """
    if fmt == "csv":
        return dump_csv(bank.prompts, bank.categories)
    if fmt == "yaml":
        return dump_yaml(bank.prompts, bank.categories)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
