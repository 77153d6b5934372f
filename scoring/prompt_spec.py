"""What a prompt expects from an answer; drives the ``missing-*`` rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.question_type import default_expects, infer_question_type

EXPECTABLE: frozenset[str] = frozenset(
    {"who", "why", "metrics", "eval_criteria", "tradeoffs", "risks"}
)
DEFAULT_EXPECTS: frozenset[str] = frozenset({"who", "why", "metrics"})

# A prompt about an AI feature or output quality also expects evaluation criteria.
_AI_PROMPT = re.compile(
    r"\b(ai|a\.i\.|llm|gpt|genai|generative|assistant|copilot|chatbot|agent|agents|"
    r"model|ml|machine learning|summar\w*|recommend\w*|evaluat\w*|hallucinat\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PromptSpec:
    """The parts of a prompt the scorer needs.

    >>> PromptSpec.from_text("Design an AI assistant for nurses").expects >= {"eval_criteria"}
    True
    >>> sorted(PromptSpec.from_text("How would you price a bike lock?").expects)
    ['metrics', 'who', 'why']
    >>> PromptSpec.from_text("Tell me about a time you failed.").question_type
    'behavioral'

    """

    text: str = ""
    expects: frozenset[str] = DEFAULT_EXPECTS
    id: str | None = None
    category: str | None = None

    def __post_init__(self) -> None:
        unknown = set(self.expects) - EXPECTABLE
        if unknown:
            raise ValueError(f"unknown expected elements: {sorted(unknown)}")
        object.__setattr__(self, "expects", frozenset(self.expects))

    @property
    def question_type(self) -> str:
        """The kind of question (bank category first, else inferred from the text)."""
        return infer_question_type(self.text, self.category)

    @property
    def is_ai(self) -> bool:
        """Whether the prompt is about an AI feature (so AI-craft rules apply)."""
        return "eval_criteria" in self.expects or bool(_AI_PROMPT.search(self.text))

    @classmethod
    def from_text(cls, text: str) -> PromptSpec:
        """Infer what a free-text prompt expects (used when no bank entry is known)."""
        question_type = infer_question_type(text)
        expects = default_expects(question_type, is_ai=bool(_AI_PROMPT.search(text)))
        return cls(text=text, expects=expects)
