"""What a review says, checked against the answer it reviews before anything is stored.

One shape for every way a review arrives (a mentor's page, a review link, an offline review
file), so each path validates the same way:

- a comment is about the whole answer (no span) or about a quoted span, stored as offsets and
  the quoted words; a span must match the answer's text exactly at those offsets, or, given only
  the quote, the quote must occur in the answer (the first occurrence is used);
- a flag decision accepts or rejects one of the engine's flags, or adds one it missed; a
  rejection and an added flag need a reason;
- element verdicts use the labelled corpus's seven labels;
- a score override is 0-100 and needs a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coach.errors import ReviewInputError
from coach.services.attempts import storable_text
from scoring import RULES
from scoring.labels import LABELS, report_labels
from scoring.report import Flag, Report

MAX_COMMENT_CHARS = 4_000
MAX_COMMENTS = 100
MAX_NAME_CHARS = 200
ANSWER_LEVEL = -1  # span_start of a decision about a flag that concerns the whole answer
KNOWN_FLAGS: tuple[str, ...] = tuple(sorted(rule.id for rule in RULES))

Decision = Literal["accept", "reject", "add"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _clean(text: str) -> str:
    return storable_text(text)


class CommentInput(_Strict):
    """A comment on the whole answer (no span, no quote) or on a quoted span."""

    body: str = Field(min_length=1, max_length=MAX_COMMENT_CHARS)
    quote: str = Field(default="", max_length=MAX_COMMENT_CHARS)
    span_start: int | None = Field(default=None, ge=0)
    span_end: int | None = Field(default=None, ge=0)

    _clean_body = field_validator("body", "quote")(_clean)


class FlagDecisionInput(_Strict):
    flag_id: str = Field(min_length=1, max_length=80)
    decision: Decision
    span_start: int = Field(default=ANSWER_LEVEL, ge=ANSWER_LEVEL)
    span_end: int = Field(default=ANSWER_LEVEL, ge=ANSWER_LEVEL)
    reason: str = Field(default="", max_length=MAX_COMMENT_CHARS)

    _clean_reason = field_validator("reason")(_clean)


class ReviewInput(_Strict):
    """Everything one reviewer says about one attempt."""

    overall_comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)
    comments: list[CommentInput] = Field(default_factory=list, max_length=MAX_COMMENTS)
    decisions: list[FlagDecisionInput] = Field(default_factory=list, max_length=MAX_COMMENTS)
    elements: dict[str, bool] = Field(default_factory=dict)
    score_override: int | None = Field(default=None, ge=0, le=100)
    override_reason: str = Field(default="", max_length=MAX_COMMENT_CHARS)

    _clean_text = field_validator("overall_comment", "override_reason")(_clean)


def parse_review(data: object, *, strict: bool = False) -> ReviewInput:
    """``data`` (a dict from a form or a file) as a :class:`ReviewInput`, or a clear error;
    ``strict`` refuses a value of the wrong JSON type instead of converting it ("80" for 80)."""
    try:
        return ReviewInput.model_validate(data, strict=strict)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'review'}: {item['msg']}"
            for item in error.errors()
        )
        raise ReviewInputError(f"The review is not valid: {problems}.") from None


def anchored(comment: CommentInput, answer: str) -> CommentInput:
    """``comment`` with its span checked against ``answer`` (and found from the quote alone
    when no offsets are given). Raises :class:`ReviewInputError` when the span does not match.

    >>> anchored(CommentInput(body="Good", quote="agents"), "Tier-1 agents first").span_start
    7
    >>> anchored(CommentInput(body="x", quote="nurses", span_start=0, span_end=6), "agents")
    Traceback (most recent call last):
    coach.errors.ReviewInputError: The quoted words "nurses" are not at that place ...
    """
    if comment.span_start is None and comment.span_end is None:
        if not comment.quote:
            return comment  # about the whole answer
        at = answer.find(comment.quote)
        if at < 0:
            raise ReviewInputError(
                f'The quoted words "{_short(comment.quote)}" are not in the answer: '
                "select or paste words exactly as the answer has them."
            )
        return comment.model_copy(update={"span_start": at, "span_end": at + len(comment.quote)})
    start, end = comment.span_start, comment.span_end
    if start is None or end is None or not start < end <= len(answer):
        raise ReviewInputError(
            "A comment's span must have a start before its end, inside the answer."
        )
    if comment.quote and answer[start:end] != comment.quote:
        raise ReviewInputError(
            f'The quoted words "{_short(comment.quote)}" are not at that place in the answer '
            "(it may have changed): quote the words again."
        )
    return comment.model_copy(update={"quote": answer[start:end]})


def checked(
    review: ReviewInput,
    *,
    answer: str,
    flag_ids: set[str],
    known_flags: set[str],
    places: frozenset[tuple[str, int]] = frozenset(),
) -> ReviewInput:
    """``review`` checked against the attempt: spans anchored in ``answer``, accepted or
    rejected flags among the attempt's ``flag_ids`` and, when a decision names a place, at
    one of the flag's ``places`` (flag id, span start), added flags among ``known_flags``
    (the engine's rule ids), elements among the seven labels, reasons where a decision
    needs one."""
    unknown = sorted(set(review.elements) - set(LABELS))
    if unknown:
        raise ReviewInputError(f"Unknown element {', '.join(unknown)}: use {', '.join(LABELS)}.")
    for decision in review.decisions:
        pool = known_flags if decision.decision == "add" else flag_ids
        if decision.flag_id not in pool:
            where = "known flags" if decision.decision == "add" else "this attempt's flags"
            raise ReviewInputError(f'"{_short(decision.flag_id)}" is not one of {where}.')
        placed = decision.decision == "add" or decision.span_start == ANSWER_LEVEL
        if not placed and (decision.flag_id, decision.span_start) not in places:
            raise ReviewInputError(
                f'"{_short(decision.flag_id)}" is not flagged at that place in this answer '
                "(the attempt may have been rescored): open the review again."
            )
        if decision.decision != "accept" and not decision.reason:
            raise ReviewInputError(
                f'Say why you {decision.decision} "{decision.flag_id}": a reason is required.'
            )
    keys = [(d.flag_id, d.span_start) for d in review.decisions]
    if len(keys) != len(set(keys)):
        raise ReviewInputError("A flag has two decisions: keep one per flag and place.")
    if review.score_override is not None and not review.override_reason:
        raise ReviewInputError("Say why you override the score: a reason is required.")
    comments = [anchored(comment, answer) for comment in review.comments]
    return review.model_copy(update={"comments": comments})


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def flag_place(flag: Flag) -> tuple[int, int]:
    """Where a decision about ``flag`` is anchored: its span, or -1 for a whole-answer flag."""
    if flag.scope == "answer":
        return ANSWER_LEVEL, ANSWER_LEVEL
    return flag.start, flag.end


@dataclass(frozen=True, slots=True)
class ReviewTarget:
    """What a review form shows and asks about, on every path (mentor page, link, file): the
    answer, its report, the flags the engine counted (report order) and its seven labels."""

    answer: str
    report: Report | None
    flags: tuple[Flag, ...]
    engine_labels: dict[str, bool]
    known_flags: tuple[str, ...] = KNOWN_FLAGS


def review_target(answer: str, report: Report | None) -> ReviewTarget:
    """The review target of an attempt's ``answer`` and ``report`` (None: not scored)."""
    flags = tuple(flag for flag in report.flags if not flag.tentative) if report else ()
    return ReviewTarget(
        answer=answer, report=report, flags=flags, engine_labels=engine_labels(report)
    )


def engine_labels(report: Report | None) -> dict[str, bool]:
    """The engine's seven labels of ``report``; empty for no report, or for one without the
    coverage the labels read (e.g. an old scorer's)."""
    if report is None:
        return {}
    try:
        return report_labels(report)
    except KeyError:
        return {}


def review_of(
    data: object,
    *,
    answer: str,
    report: Report | None,
    previous: Report | None = None,
    strict: bool = False,
) -> ReviewInput:
    """Parse ``data`` (a form's or a file's dict) and check it against the attempt it reviews:
    its ``answer`` and the flags of its ``report`` (and of the ``previous`` report, for a
    review stored before the attempt was rescored). Raises :class:`ReviewInputError`."""
    flags = [
        *(report.flags if report is not None else ()),
        *(previous.flags if previous is not None else ()),
    ]
    return checked(
        parse_review(data, strict=strict),
        answer=answer,
        flag_ids={flag.id for flag in flags},
        known_flags=set(KNOWN_FLAGS),
        places=frozenset((flag.id, flag_place(flag)[0]) for flag in flags),
    )


def reviewer_name(name: object) -> str:
    """A reviewer's name as stored: stripped, 1-200 characters; kept as text (HTML included).

    >>> reviewer_name("  Mo <b>  ")
    'Mo <b>'
    """
    cleaned = _clean(name.strip()) if isinstance(name, str) else ""
    if not cleaned:
        raise ReviewInputError("Give your name, so the learner knows who reviewed the answer.")
    if len(cleaned) > MAX_NAME_CHARS:
        raise ReviewInputError(f"The name is too long: at most {MAX_NAME_CHARS} characters.")
    return cleaned
