"""Check one attempt of a JSON export (with the self-ratings, disputes and answers to the
engine's questions the learner added) with the rules Submit and the database schema enforce.

Every problem reads ``field: problem`` (the importer prefixes ``record N``), so a damaged or
hostile file is refused with a list a person can act on, never a raw database error. Text is
made storable the way Submit does it (NUL and lone surrogates become U+FFFD), so whatever one
backend exported, the other can import.
"""

from __future__ import annotations

import dataclasses
import json
import types
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import scoring
from coach.db.models import MODES, STATUSES, Attempt, AttemptFlag, FlagDispute, SelfRating
from coach.services.attempts import ERROR_TEXT_LIMIT, apply_report, storable_text
from scoring import Report
from scoring.questions import ASKED_ELEMENTS
from scoring.report import DIMENSIONS, LEVELS

INT_LIMIT = 2**31 - 1  # Integer columns are 32-bit on PostgreSQL
SCORE_RANGES = {"overall": (0, 100), "grade": (1, 5)}


def json_kind(value: Any) -> str:
    """Name a JSON value the way a person writing the file would ("a list", "'ceo'")."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = repr(value)
    return text if len(text) <= 40 else f"text of {len(value):,} characters"


def _limit(column: str, table: Any = Attempt) -> int | None:
    return getattr(table.__table__.c[column].type, "length", None)


class RecordReader:
    """One record's fields, read with the problems found on the way.

    ``path`` prefixes every problem (``disputes[0].``); readers made with :meth:`nested`
    share the problem list, so a record's problems read in file order. Text limits come
    from ``table``'s columns.
    """

    def __init__(
        self,
        data: dict[str, Any],
        *,
        table: Any = Attempt,
        path: str = "",
        problems: list[str] | None = None,
    ) -> None:
        self.data = data
        self.table = table
        self.path = path
        self.problems: list[str] = [] if problems is None else problems

    def fail(self, field: str, problem: str) -> None:
        self.problems.append(f"{self.path}{field}: {problem}")

    def objects(self, name: str, *, table: Any) -> list[RecordReader]:
        """Readers for a list of objects in ``name`` (absent: none), one problem per non-object."""
        value = self.data.get(name, [])
        if not isinstance(value, list):
            self.fail(name, f"must be a list, got {json_kind(value)}")
            return []
        readers = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                readers.append(
                    RecordReader(
                        item,
                        table=table,
                        path=f"{self.path}{name}[{index}].",
                        problems=self.problems,
                    )
                )
            else:
                self.fail(f"{name}[{index}]", f"must be an object, got {json_kind(item)}")
        return readers

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        default: str | None = "",
        limit: int | None = None,
    ) -> str | None:
        """Read text (None when absent and not required); ``limit`` overrides the column's."""
        value = self.data.get(name, default)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.fail(name, f"must be text, got {json_kind(value)}")
            return None
        value = storable_text(value)
        limit = limit or _limit(name, self.table)
        if limit is not None and len(value) > limit:
            self.fail(name, f"must be at most {limit:,} characters, got {len(value):,}")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.data.get(name, default)
        if not isinstance(value, str) or value not in choices:
            self.fail(name, f"must be one of {', '.join(choices)}, got {json_kind(value)}")
            return choices[0]
        return str(value)

    def whole(self, name: str, low: int, high: int = INT_LIMIT) -> int:
        value = self.data.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(name, f"must be a whole number, got {json_kind(value)}")
            return low
        if not low <= value <= high:
            self.fail(name, f"must be {low} to {high}, got {value}")
        return value

    def moment(self, name: str, *, required: bool = True) -> datetime | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None:
            self.fail(name, f"must be an ISO date and time, got {json_kind(value)}")
        elif moment.tzinfo is None:
            self.fail(name, f"time {value!r} has no time zone")
        else:
            return moment.astimezone(UTC)
        return None

    def boolean(self, name: str) -> bool:
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.fail(name, f"must be true or false, got {json_kind(value)}")
            return False
        return value

    def report(self, name: str) -> Report | None:
        value = self.data.get(name)
        if value is None:
            return None
        before = len(self.problems)
        _check(value, Report, name, self.fail)
        if len(self.problems) > before:
            return None
        for key, (low, high) in SCORE_RANGES.items():
            if not low <= value[key] <= high:
                self.fail(f"{name}.{key}", f"must be {low} to {high}, got {value[key]}")
        for dimension, item in value["dimensions"].items():
            score = item["score"]
            if score is not None and not 0 <= score <= 100:
                self.fail(f"{name}.dimensions.{dimension}.score", f"must be 0 to 100, got {score}")
        id_limit = _limit("flag_id", AttemptFlag)
        for index, flag in enumerate(value["flags"]):
            if id_limit is not None and len(flag["id"]) > id_limit:
                self.fail(f"{name}.flags[{index}].id", f"must be at most {id_limit} characters")
        if len(self.problems) > before:
            return None
        try:
            return Report.from_dict(value)
        except (KeyError, TypeError, ValueError) as error:  # a shape the checks above missed
            self.fail(name, f"is not a report this app wrote ({type(error).__name__}: {error})")
            return None


@dataclasses.dataclass(slots=True)
class ImportedAttempt:
    """One exported attempt as rows: the attempt, then what the learner added to it (stored
    once the attempt has its new id, see :meth:`notes_for`)."""

    row: Attempt
    self_ratings: list[SelfRating] = dataclasses.field(default_factory=list)
    disputes: list[FlagDispute] = dataclasses.field(default_factory=list)

    def notes_for(self, attempt_id: int) -> list[SelfRating | FlagDispute]:
        """The self-ratings and disputes, pointed at the attempt's id in this database."""
        notes: list[SelfRating | FlagDispute] = [*self.self_ratings, *self.disputes]
        for note in notes:
            note.attempt_id = attempt_id
        return notes


def attempt_from_record(data: Any, *, user_id: int) -> tuple[ImportedAttempt | None, list[str]]:
    """Return the rows for one exported attempt, or None and every ``field: problem`` found."""
    if not isinstance(data, dict):
        return None, [f"attempt: must be an object, got {json_kind(data)}"]
    record = RecordReader(data)
    answer = record.text("answer", required=True)
    if answer is not None:
        words = len(answer.split())
        if not answer.strip():
            record.fail("answer", "is empty")
        elif words > scoring.MAX_WORDS:
            record.fail("answer", f"has {words:,} words; the limit is {scoring.MAX_WORDS:,}")
    prompt_id = record.text("prompt_id", required=True)
    if prompt_id is not None and not prompt_id.strip():
        record.fail("prompt_id", "is empty")
    error = record.text("error", default=None, limit=ERROR_TEXT_LIMIT)
    row = Attempt(
        user_id=user_id,
        prompt_id=prompt_id,
        category=record.text("category", default=None),
        prompt_text=record.text("prompt_text") or "",
        prompt_expects=record.text("prompt_expects") or "",
        answer=answer,
        mode=record.choice("mode", MODES, "practice"),
        level=record.choice("level", LEVELS),
        started_at=record.moment("started_at"),
        submitted_at=record.moment("submitted_at"),
        status=record.choice("status", STATUSES, "pending"),
        error=error,
        scorer_version=record.text("scorer_version", default=None),
        is_demo=record.boolean("is_demo"),
        confirmations=_confirmations(record, answer or ""),
    )
    report = record.report("report")
    previous = record.report("previous_report")
    if report is None and row.status == "scored" and not record.problems:
        record.fail("report", "is missing, but status is scored")
    imported = ImportedAttempt(
        row,
        self_ratings=_self_ratings(record, user_id=user_id),
        disputes=_disputes(record, report, user_id=user_id),
    )
    if record.problems:
        return None, record.problems
    if report is not None:
        status, error_text = row.status, row.error
        apply_report(row, report)  # Restores score columns and flag rows from the report.
        row.status, row.error = status, error_text
        row.report = storable_text(row.report or "")
    if previous is not None:
        row.previous_report = storable_text(previous.to_json())
    return imported, []


def _confirmations(record: RecordReader, answer: str) -> str | None:
    """The learner's answers to the engine's questions, as stored (JSON text) or None."""
    value = record.data.get("confirmations")
    if value is None:
        return None
    if not isinstance(value, dict):
        record.fail("confirmations", f"must be an object, got {json_kind(value)}")
        return None
    for element, given in value.items():
        where = f"confirmations.{element}"
        if element not in ASKED_ELEMENTS:
            record.fail(where, f"must be one of {', '.join(ASKED_ELEMENTS)}")
        elif not isinstance(given, dict) or set(given) != {"answer", "start", "end"}:
            record.fail(where, "must be an object with answer, start and end")
        else:
            entry = RecordReader(given, path=f"{where}.", problems=record.problems)
            entry.boolean("answer")
            start = entry.whole("start", 0, len(answer))
            entry.whole("end", start, len(answer))
    return json.dumps(value)


def _self_ratings(record: RecordReader, *, user_id: int) -> list[SelfRating]:
    value = record.data.get("self_ratings") or {}
    if not isinstance(value, dict):
        record.fail("self_ratings", f"must be an object, got {json_kind(value)}")
        return []
    ratings = RecordReader(value, table=SelfRating, path="self_ratings.", problems=record.problems)
    found = []
    for dimension in value:
        if dimension not in DIMENSIONS:
            ratings.fail(dimension, f"is not a dimension ({', '.join(DIMENSIONS)})")
            continue
        score = ratings.whole(dimension, 0, 100)
        found.append(SelfRating(user_id=user_id, dimension=dimension, score=score))
    return found


def _disputes(record: RecordReader, report: Report | None, *, user_id: int) -> list[FlagDispute]:
    """The disputed flags; each must name a counted flag of the report, once (as the app's
    dispute button does)."""
    # A report with problems is reported on its own: its flags cannot be checked against.
    checkable = report is not None or record.data.get("report") is None
    counted = {(f.id, f.start) for f in report.flags if not f.tentative} if report else set()
    found: list[FlagDispute] = []
    seen: set[tuple[str | None, int]] = set()
    for dispute in record.objects("disputes", table=FlagDispute):
        flag_id = dispute.text("flag_id", required=True)
        span_start = dispute.whole("span_start", 0)
        reason = dispute.text("reason", limit=ERROR_TEXT_LIMIT) or ""
        created_at = dispute.moment("created_at")
        key = (flag_id, span_start)
        if flag_id is not None and checkable and key not in counted:
            dispute.fail("flag_id", f"the report has no flag {flag_id!r} at {span_start}")
        elif key in seen:
            dispute.fail("flag_id", f"{flag_id!r} at {span_start} is disputed twice")
        seen.add(key)
        found.append(
            FlagDispute(
                user_id=user_id,
                flag_id=flag_id,
                span_start=span_start,
                reason=reason,
                created_at=created_at,
            )
        )
    return found


# --- the report's shape, checked against its dataclasses --------------------------------------


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _check(value: Any, hint: Any, path: str, fail: Callable[[str, str], None]) -> None:
    """Check that ``value`` (parsed JSON) has the shape of ``hint``; report each mismatch."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return
        (hint,) = [arg for arg in args if arg is not type(None)]
        _check(value, hint, path, fail)
        return
    if dataclasses.is_dataclass(hint):
        _check_object(value, hint, path, fail)
    elif origin is Literal or (isinstance(hint, type) and issubclass(hint, Enum)):
        allowed = args if origin is Literal else tuple(member.value for member in hint)
        if value not in allowed:
            fail(path, f"must be one of {', '.join(map(str, allowed))}, got {json_kind(value)}")
    elif origin in (tuple, list):
        if not isinstance(value, list):
            fail(path, f"must be a list, got {json_kind(value)}")
            return
        for index, item in enumerate(value):
            _check(item, args[0], f"{path}[{index}]", fail)
    elif origin is dict:
        if not isinstance(value, dict):
            fail(path, f"must be an object, got {json_kind(value)}")
            return
        for key, item in value.items():
            _check(item, args[1], f"{path}.{key}", fail)
    elif hint is int:
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > INT_LIMIT:
            fail(path, f"must be a whole number, got {json_kind(value)}")
    elif hint is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            fail(path, f"must be a number, got {json_kind(value)}")
    elif hint is bool:
        if not isinstance(value, bool):
            fail(path, f"must be true or false, got {json_kind(value)}")
    elif hint is str and not isinstance(value, str):
        fail(path, f"must be text, got {json_kind(value)}")


def _check_object(value: Any, cls: type, path: str, fail: Callable[[str, str], None]) -> None:
    if not isinstance(value, dict):
        fail(path, f"must be an object, got {json_kind(value)}")
        return
    fields = {field.name: field for field in dataclasses.fields(cls)}
    for name in value.keys() - fields.keys():
        fail(f"{path}.{name}", "is not a known field")
    for name, field in fields.items():
        if name in value:
            _check(value[name], _hints(cls)[name], f"{path}.{name}", fail)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            fail(f"{path}.{name}", "is missing")
