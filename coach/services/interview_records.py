"""The interviews part of the JSON export: an attempt's follow-up conversations and the mock
interviews they belong to, written out and checked back in.

An interview travels inside its attempt's record (so it lands on the attempt's new id); mock
interviews are listed once at the top level under an ``id`` that only the file uses, and an
interview names its mock by that id. Problems read ``field: problem`` like the attempt's own.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection, Mapping
from typing import Any

from coach.db.models import (
    INTERVIEW_STATUSES,
    QUESTION_SOURCES,
    Interview,
    InterviewTurn,
    MockInterview,
)
from coach.services.attempts import ERROR_TEXT_LIMIT, storable_text
from coach.services.records import RecordReader, json_kind
from scoring.report import LEVELS

MAX_MOCK_PROMPTS = 5  # the mock interview page offers 3-5 prompts


# --- export ------------------------------------------------------------------------------------


def interview_record(row: Interview) -> dict[str, Any]:
    """One interview (its turns in order) as the export writes it."""
    return {
        "mock_interview": row.mock_id,
        "created_at": row.created_at.isoformat(),
        "status": row.status,
        "error": row.error,
        "report": _json(row.report),
        "turns": [
            {
                "question": turn.question,
                "source": turn.source,
                "targets": turn.targets,
                "answer": turn.answer,
                "asked_at": turn.asked_at.isoformat(),
                "answered_at": turn.answered_at.isoformat() if turn.answered_at else None,
            }
            for turn in row.turns
        ],
    }


def mock_record(row: MockInterview) -> dict[str, Any]:
    """One mock interview as the export writes it (``id`` is what its interviews name)."""
    return {
        "id": row.id,
        "prompt_ids": row.prompt_ids.split(","),
        "chosen_by": row.chosen_by,
        "level": row.level,
        "started_at": row.started_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
    }


def _json(text: str | None) -> Any:
    return json.loads(text) if text else None


# --- import ------------------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class ImportedInterview:
    """An interview's rows, waiting for the ids of its attempt and mock in this database."""

    row: Interview
    mock_key: int | None

    def attach(self, attempt_id: int, mock_ids: Mapping[int, int]) -> Interview:
        self.row.attempt_id = attempt_id
        self.row.mock_id = mock_ids[self.mock_key] if self.mock_key is not None else None
        return self.row


def mocks_from_records(data: Any, *, user_id: int) -> tuple[dict[int, MockInterview], list[str]]:
    """Return the file's mock interviews by their file ids, or the problems found."""
    if data is None:
        return {}, []
    if not isinstance(data, list):
        return {}, [f"mock_interviews: must be a list, got {json_kind(data)}"]
    mocks: dict[int, MockInterview] = {}
    problems: list[str] = []
    for number, item in enumerate(data, start=1):
        where = f"mock interview {number}: "
        if not isinstance(item, dict):
            problems.append(f"{where}must be an object, got {json_kind(item)}")
            continue
        record = RecordReader(item, table=MockInterview, path=where, problems=problems)
        before = len(problems)
        key = record.whole("id", 0)
        if len(problems) == before and key in mocks:
            record.fail("id", f"{key} is used twice")
        row = MockInterview(
            user_id=user_id,
            prompt_ids=_prompt_ids(record),
            chosen_by=record.text("chosen_by", required=True),
            level=record.choice("level", LEVELS),
            started_at=record.moment("started_at"),
            finished_at=record.moment("finished_at", required=False),
        )
        mocks[key] = row
    return mocks, problems


def _prompt_ids(record: RecordReader) -> str:
    value = record.data.get("prompt_ids")
    ids = value if isinstance(value, list) else []
    if not 1 <= len(ids) <= MAX_MOCK_PROMPTS or not all(
        isinstance(i, str) and i.strip() and "," not in i for i in ids
    ):
        record.fail(
            "prompt_ids",
            f"must be a list of 1 to {MAX_MOCK_PROMPTS} prompt ids without commas, "
            f"got {json_kind(value)}",
        )
        return ""
    return ",".join(storable_text(i) for i in ids)


def interviews_from_record(
    data: Any, *, user_id: int, mock_keys: Collection[int]
) -> tuple[list[ImportedInterview], list[str]]:
    """Return the interviews of one attempt record, or the ``field: problem`` lines found."""
    if not isinstance(data, dict):
        return [], []  # the attempt's own check reports it
    record = RecordReader(data)
    found = []
    for interview in record.objects("interviews", table=Interview):
        mock_key = interview.data.get("mock_interview")
        is_id = isinstance(mock_key, int) and not isinstance(mock_key, bool)
        if mock_key is not None and not (is_id and mock_key in mock_keys):
            interview.fail(
                "mock_interview",
                f"must be null or a mock interview id of the file, got {json_kind(mock_key)}",
            )
            mock_key = None
        status = interview.choice("status", INTERVIEW_STATUSES, "open")
        before = len(interview.problems)
        report = interview.report("report")
        if report is None and status == "scored" and len(interview.problems) == before:
            interview.fail("report", "is missing, but status is scored")
        row = Interview(
            user_id=user_id,
            created_at=interview.moment("created_at"),
            status=status,
            overall=report.overall if report is not None else None,
            report=storable_text(report.to_json()) if report is not None else None,
            error=interview.text("error", default=None, limit=ERROR_TEXT_LIMIT),
        )
        row.turns = [
            InterviewTurn(
                user_id=user_id,
                position=position,
                question=_question(turn),
                source=turn.choice("source", QUESTION_SOURCES),
                targets=turn.text("targets", default=None),
                answer=turn.text("answer", default=None),
                asked_at=turn.moment("asked_at"),
                answered_at=turn.moment("answered_at", required=False),
            )
            for position, turn in enumerate(
                interview.objects("turns", table=InterviewTurn), start=1
            )
        ]
        found.append(ImportedInterview(row, mock_key))
    return found, record.problems


def _question(turn: RecordReader) -> str | None:
    question = turn.text("question", required=True)
    if question is not None and not question.strip():
        turn.fail("question", "is empty")
    return question
