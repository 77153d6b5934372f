"""The interview question bank: validated prompts loaded from YAML (and custom YAML/CSV banks)."""

from __future__ import annotations

from question_bank.bank import Bank, Category, UnknownPromptError
from question_bank.loader import load_bank
from question_bank.problems import BankValidationError, Problem
from question_bank.schema import OutlineStep, Prompt

__all__ = [
    "Bank",
    "BankValidationError",
    "Category",
    "OutlineStep",
    "Problem",
    "Prompt",
    "UnknownPromptError",
    "load_bank",
]
