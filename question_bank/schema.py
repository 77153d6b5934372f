"""Pydantic models for a question-bank category file and its prompts, plus the category rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from scoring.prompt_spec import PromptSpec

Expect = Literal["who", "why", "metrics", "eval_criteria", "tradeoffs", "risks"]
Move = Literal[
    "clarify",
    "who",
    "why",
    "why_ai",
    "solution",
    "metrics",
    "eval_criteria",
    "tradeoffs",
    "risks",
    "rollout",
    "summary",
    "situation",
    "task",
    "action",
    "result",
    "reflection",
]
EXPECTS: tuple[str, ...] = get_args(Expect)
MOVES: tuple[str, ...] = get_args(Move)

ID_MIN, ID_MAX = 3, 60
TIME_MIN, TIME_MAX, TIME_STEP = 120, 1200, 30
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# What every prompt of a category must expect (bank_schema.md, "Consistency rules").
CATEGORY_REQUIRES: dict[str, frozenset[str]] = {
    "ai-evaluation": frozenset({"eval_criteria"}),
    "ai-metrics": frozenset({"metrics"}),
    "responsible-ai": frozenset({"risks"}),
    "ai-strategy": frozenset({"tradeoffs"}),
    "ai-product-design": frozenset({"who", "why", "metrics"}),
    "ai-product-improvement": frozenset({"who", "why", "metrics"}),
    "technical-background": frozenset({"who", "why", "metrics"}),
}


def _slug(value: str) -> str:
    if not ID_MIN <= len(value) <= ID_MAX:
        raise PydanticCustomError(
            "slug_length",
            "must be {min}-{max} characters long, got {length}",
            {"min": ID_MIN, "max": ID_MAX, "length": len(value)},
        )
    if not _KEBAB.fullmatch(value):
        raise PydanticCustomError(
            "slug_format",
            "must be kebab-case (lowercase letters, digits, single hyphens), got {value}",
            {"value": repr(value)},
        )
    return value


def _tag(value: str) -> str:
    if not _KEBAB.fullmatch(value) or len(value) > ID_MAX:
        raise PydanticCustomError(
            "tag_format",
            "tag {value} must be lowercase kebab-case (letters, digits, single hyphens)",
            {"value": repr(value)},
        )
    return value


def _not_blank(value: str) -> str:
    if not value:
        raise PydanticCustomError("blank", "must not be empty")
    return value


def _time_limit(value: int) -> int:
    if not TIME_MIN <= value <= TIME_MAX or value % TIME_STEP:
        raise PydanticCustomError(
            "time_limit",
            "must be {lo}..{hi} seconds in steps of {step}, got {value}",
            {"lo": TIME_MIN, "hi": TIME_MAX, "step": TIME_STEP, "value": value},
        )
    return value


def _difficulty(value: int) -> int:
    if value not in (1, 2, 3):
        raise PydanticCustomError(
            "difficulty", "must be 1 (warm-up), 2 (PM) or 3 (senior), got {value}", {"value": value}
        )
    return value


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    repeated = [v for v in values if v in seen or seen.add(v)]
    if repeated:
        raise PydanticCustomError(
            "repeated", "lists {value} more than once", {"value": repr(repeated[0])}
        )
    return values


Slug = Annotated[str, AfterValidator(_slug)]
Tag = Annotated[str, AfterValidator(_tag)]
Sentence = Annotated[str, AfterValidator(_not_blank), Field(max_length=1000)]


class _Strict(BaseModel):
    # strict: a YAML `difficulty: "2"` or `id: 2024` is a typo to report, not to coerce.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, str_strip_whitespace=True)


class OutlineStep(_Strict):
    """One move of a strong answer, with a concrete example for its prompt."""

    move: Move
    text: Sentence


class Prompt(_Strict):
    """One interview prompt with its coaching material."""

    id: Slug
    text: Annotated[str, Field(min_length=20, max_length=1000)]
    category: Slug
    # int + check rather than Literal[1, 2, 3]: the Literal lets `true` through as 1.
    difficulty: Annotated[int, AfterValidator(_difficulty)]
    expects: Annotated[list[Expect], Field(min_length=1), AfterValidator(_unique)]
    time_limit_s: Annotated[int, AfterValidator(_time_limit)]
    hints: Annotated[list[Sentence], Field(min_length=2)]
    follow_ups: Annotated[list[Sentence], Field(min_length=2)]
    outline: Annotated[list[OutlineStep], Field(min_length=4)]
    pitfalls: Annotated[list[Sentence], Field(min_length=2)]
    tags: Annotated[list[Tag], Field(min_length=1), AfterValidator(_unique)]

    @model_validator(mode="after")
    def _consistent(self) -> Prompt:
        problems = consistency_problems(self.category, self.expects, self.moves)
        if problems:
            field, message = problems[0]
            raise PydanticCustomError(
                "prompt_consistency", "{field}: {message}", {"field": field, "message": message}
            )
        return self

    def __hash__(self) -> int:
        # Field-wise hashing fails on the list fields; the id is unique within a bank.
        return hash((Prompt, self.id))

    @property
    def moves(self) -> list[str]:
        """Return the outline's moves in order."""
        return [step.move for step in self.outline]

    def to_spec(self) -> PromptSpec:
        """Return what the scorer needs to know about this prompt."""
        # Imported on first use, not at the top: importing any ``scoring`` module runs the
        # package's __init__, which loads the whole engine; loading the bank should not.
        from scoring.prompt_spec import PromptSpec

        return PromptSpec(
            text=self.text, expects=frozenset(self.expects), id=self.id, category=self.category
        )


class CategoryFile(_Strict):
    """One ``question_bank/<slug>.yaml`` document: a category and its prompts."""

    category: Slug
    title: Annotated[str, AfterValidator(_not_blank), Field(max_length=100)]
    description: Annotated[str, AfterValidator(_not_blank), Field(max_length=600)]
    prompts: Annotated[list[Prompt], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _inject_category(cls, data: Any) -> Any:
        # The file names the category once; each prompt inherits it.
        if isinstance(data, dict) and isinstance(data.get("prompts"), list):
            category = data.get("category")
            data = {
                **data,
                "prompts": [
                    {"category": category, **p} if isinstance(p, dict) else p
                    for p in data["prompts"]
                ],
            }
        return data

    @model_validator(mode="after")
    def _own_category(self) -> CategoryFile:
        for prompt in self.prompts:
            if prompt.category != self.category:
                raise PydanticCustomError(
                    "prompt_category",
                    "prompt {id!r} sets its own category; it comes from the file's `category`",
                    {"id": prompt.id},
                )
        return self


def consistency_problems(
    category: object, expects: Iterable[object], moves: Iterable[object] | None
) -> list[tuple[str, str]]:
    """Return ``(field, message)`` for each category or outline rule the prompt breaks.

    Tolerates raw, unvalidated values so the loader can report these rules together with
    field errors, not only after every field is fixed; ``moves=None`` (no usable outline)
    skips the outline rule.
    """
    expected = [e for e in expects if isinstance(e, str)]
    shown = {m for m in moves or () if isinstance(m, str)}
    problems: list[tuple[str, str]] = []
    required = CATEGORY_REQUIRES.get(category, frozenset()) if isinstance(category, str) else ()
    missing = [e for e in EXPECTS if e in required and e not in expected]
    if missing:
        problems.append(("expects", f"every prompt in {category!r} must expect {_join(missing)}"))
    unshown = [e for e in expected if e in EXPECTS and e not in shown]
    if unshown and moves is not None:
        problems.append(("outline", f"no step shows {_join(unshown)}, which the prompt expects"))
    return problems


def _join(items: list[str]) -> str:
    return ", ".join(items)
