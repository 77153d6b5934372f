"""Typed, JSON-serialisable report of one answer's analysis."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

ELEMENTS: tuple[str, ...] = (
    "who",
    "why",
    "metrics",
    "eval_criteria",
    "tech",
    "solution",
    "tradeoffs",
    "risks",
)
DIMENSIONS: tuple[str, ...] = ("framing", "metrics", "ai_evaluation", "solution", "communication")
Level = Literal["apm", "pm", "senior"]
LEVELS: tuple[str, ...] = ("apm", "pm", "senior")


class Severity(StrEnum):
    """How serious a flag is; ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: errors first."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the answer: ``text == answer[start:end]``."""

    start: int
    end: int
    text: str
    # What matched and the context decision that accepted it ("'support agents': a narrowed
    # role"); empty for spans that are not element evidence.
    basis: str = ""


@dataclass(frozen=True, slots=True)
class Coverage:
    """Whether one element (who, why, metrics, ...) is in the answer, and where."""

    present: bool
    evidence: tuple[Span, ...] = ()
    first_at: int | None = None
    # The kind of evidence behind the verdict, and how often that kind was right on the
    # labelled corpus (scoring/calibration.py).
    basis: str = ""
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Flag:
    """One red flag (or hint) raised by a rule, anchored to the answer."""

    id: str
    severity: Severity
    message: str
    start: int
    end: int
    evidence: str
    fix: str
    # "span": points at the evidence; "answer": about the whole answer (something is absent),
    # so start == end == 0 and evidence is empty: there is no sentence to blame.
    scope: str = "span"
    # The kind of evidence behind the flag, and how often that kind was right (0-1).
    basis: str = ""
    confidence: float = 1.0
    # Low confidence: shown as "worth checking", costs no points, drives no recommendation.
    tentative: bool = False


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence or clause-sized chunk with the moves found in it."""

    start: int
    end: int
    text: str
    moves: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One rubric row's share of a dimension score: the evidence it read and the points."""

    row: str  # the rubric row ("framing.who")
    label: str  # what was found or missed ("who named", "no user problem")
    points: int  # earned; negative for a penalty
    best: int  # the most the row can add (0 for a penalty row)


@dataclass(frozen=True, slots=True)
class Dimension:
    """A 0-100 score with its reason, or not assessed when there is no evidence."""

    score: int | None
    reason: str
    # How the score was computed, row by row (empty when a gate decided it, or for a judge).
    parts: tuple[ScorePart, ...] = ()

    @property
    def assessed(self) -> bool:
        return self.score is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Dimension:
        parts = tuple(ScorePart(**part) for part in data.get("parts", ()))
        return cls(score=data["score"], reason=data["reason"], parts=parts)


@dataclass(frozen=True, slots=True)
class Stats:
    words: int
    sentences: int
    speaking_time_s: int
    filler_rate: float
    language: str


@dataclass(frozen=True, slots=True)
class ScorerInfo:
    """What produced a report: ``aipm-rules``, ``llm`` or ``hybrid``, the model if any, and
    why the requested scorer fell back to the rules (None when it did not)."""

    name: str
    version: str
    model: str | None = None
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One yes/no question about an element verdict the engine is unsure of."""

    element: str
    text: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the engine says about one answer."""

    coverage: dict[str, Coverage]
    flags: tuple[Flag, ...]
    structure: tuple[Segment, ...]
    dimensions: dict[str, Dimension]
    overall: int
    grade: int
    level: str
    stats: Stats
    scorer: ScorerInfo
    prompt_id: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # What kind of question was judged (product_design, metrics, ai_evaluation, strategy,
    # concept, behavioral, estimation): each kind has its own expectations and rules.
    question_type: str = "product_design"
    # Where the engine is unsure of who / why / metrics it asks instead of asserting.
    questions: tuple[Question, ...] = ()

    def flag_ids(self) -> list[str]:
        return [flag.id for flag in self.flags]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (enums as strings, tuples as lists)."""
        data = asdict(self)
        for flag in data["flags"]:
            flag["severity"] = flag["severity"].value
        return data

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report stored with :meth:`to_dict`."""
        return cls(
            coverage={
                name: Coverage(
                    present=item["present"],
                    evidence=tuple(Span(**span) for span in item["evidence"]),
                    first_at=item["first_at"],
                    basis=item.get("basis", ""),
                    confidence=item.get("confidence", 1.0),
                )
                for name, item in data["coverage"].items()
            },
            flags=tuple(
                Flag(**{**flag, "severity": Severity(flag["severity"])}) for flag in data["flags"]
            ),
            structure=tuple(
                Segment(**{**seg, "moves": tuple(seg["moves"])}) for seg in data["structure"]
            ),
            dimensions={name: Dimension.from_dict(dim) for name, dim in data["dimensions"].items()},
            overall=data["overall"],
            grade=data["grade"],
            level=data["level"],
            stats=Stats(**data["stats"]),
            scorer=ScorerInfo(**data["scorer"]),
            prompt_id=data.get("prompt_id"),
            extras=data.get("extras", {}),
            question_type=data.get("question_type", "product_design"),
            questions=tuple(Question(**q) for q in data.get("questions", ())),
        )
