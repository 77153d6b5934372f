"""Export, import and delete a user's data; render one attempt as Markdown for a mentor."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from coach.db import repositories as repo
from coach.db import review_queries
from coach.db.database import Database
from coach.db.models import DIMENSION_COLUMNS, Attempt, FlagDispute, MockInterview, Review
from coach.errors import DataImportError
from coach.services.attempts import AttemptView, confirmations, parse_report
from coach.services.explain import ELEMENT_TITLES
from coach.services.interview_records import (
    ImportedInterview,
    interview_record,
    interviews_from_record,
    mock_record,
    mocks_from_records,
)
from coach.services.records import ImportedAttempt, attempt_from_record
from coach.services.review_records import ImportedReview, review_record, reviews_from_record
from coach.services.users import UserContext
from coach.settings import Settings, mask_url
from scoring import Report, rule_by_id
from scoring.report import DIMENSIONS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from question_bank import Prompt

EXPORT_FORMAT = "aipm-coach-export"
# 2 added interviews, mock interviews and the answers to the engine's questions; 3 added the
# mentors' submitted reviews with the learner's replies.
EXPORT_VERSION = 3
READABLE_VERSIONS = (1, 2, EXPORT_VERSION)
MAX_SHOWN_PROBLEMS = 20  # an import error lists this many problems, then counts the rest
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "prompt_id",
    "category",
    "mode",
    "level",
    "started_at",
    "submitted_at",
    "status",
    "overall",
    "grade",
    *DIMENSION_COLUMNS,
    "flag_ids",
    "disputed_flags",
    "is_demo",
    "scorer_version",
    "error",
    "answer",
)
# Spreadsheet apps run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DIMENSION_TITLES = {
    "framing": "Framing (who, why)",
    "metrics": "Metrics",
    "ai_evaluation": "AI evaluation",
    "solution": "Solution",
    "communication": "Communication",
}


# The CSV is read by people in spreadsheets: headers and flags are labels, not internal ids
# (the JSON export keeps the ids for re-import).
CSV_HEADERS: dict[str, str] = {
    "id": "Attempt",
    "prompt_id": "Prompt",
    "category": "Category",
    "mode": "Mode",
    "level": "Level",
    "started_at": "Started (UTC)",
    "submitted_at": "Submitted (UTC)",
    "status": "Status",
    "overall": "Overall score",
    "grade": "Grade",
    **_DIMENSION_TITLES,
    "flag_ids": "Red flags",
    "disputed_flags": "Flags you disagreed with",
    "is_demo": "Demo data",
    "scorer_version": "Scorer version",
    "error": "Scoring error",
    "answer": "Answer",
}


def _flag_title(flag_id: str) -> str:
    try:
        return rule_by_id(flag_id).title
    except KeyError:
        return flag_id  # a retired rule keeps its id


def _flag_titles(flag_ids: Iterable[str]) -> str:
    return "; ".join(_flag_title(flag_id) for flag_id in flag_ids)


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    skipped: int


def export_csv(db: Database, user: UserContext) -> bytes:
    """Return the user's attempts as UTF-8 CSV (one row each; for spreadsheets, not re-import)."""
    with db.session() as session:
        rows = repo.attempts_for_export(session, user_id=user.user_id)
        flags = repo.flag_ids_by_attempt(session, user_id=user.user_id)
        disputes = repo.disputes_by_attempt(session, user_id=user.user_id)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_HEADERS.get(column, column) for column in CSV_COLUMNS)
        for row in rows:
            values: dict[str, Any] = {
                column: getattr(row, column) for column in CSV_COLUMNS if hasattr(row, column)
            }
            values["started_at"] = row.started_at.isoformat()
            values["submitted_at"] = row.submitted_at.isoformat()
            values["flag_ids"] = _flag_titles(flags.get(row.id, ()))
            values["disputed_flags"] = _flag_titles(d.flag_id for d in disputes.get(row.id, ()))
            writer.writerow(csv_cell(values.get(column)) for column in CSV_COLUMNS)
    return buffer.getvalue().encode("utf-8")


def csv_cell(value: Any) -> Any:
    """Return a value safe for a spreadsheet cell: empty for None, text that would run as a
    formula quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_json(db: Database, user: UserContext) -> bytes:
    """Return everything about the user's attempts (reports included) as JSON that
    :func:`import_json` restores."""
    with db.session() as session:
        rows = repo.attempts_for_export(session, user_id=user.user_id)
        disputes = repo.disputes_by_attempt(session, user_id=user.user_id)
        ratings: dict[int, dict[str, int]] = {}
        for attempt_id, dimension, score in repo.self_rating_rows(session, user_id=user.user_id):
            ratings.setdefault(attempt_id, {})[dimension] = score
        interviews = repo.interviews_by_attempt(session, user_id=user.user_id)
        reviews: dict[int, list[Review]] = {}
        # Submitted only: a mentor's draft is theirs until they send it.
        for review in review_queries.reviews_of_attempts(
            session, attempt_ids=[row.id for row in rows]
        ):
            reviews.setdefault(review.attempt_id, []).append(review)
        payload = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": datetime.now(UTC).isoformat(),
            "user": {"display_name": user.display_name},
            "attempts": [
                {
                    **_attempt_record(row),
                    **_learner_notes(row, ratings, disputes),
                    "interviews": [interview_record(i) for i in interviews.get(row.id, ())],
                    "reviews": [
                        review_record(review, attempt_key=_attempt_key(row))
                        for review in reviews.get(row.id, ())
                    ],
                }
                for row in rows
            ],
            "mock_interviews": [
                mock_record(mock)
                for mock in sorted(
                    repo.mock_interviews(session, user_id=user.user_id), key=lambda m: m.id
                )
            ],
        }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def _attempt_record(row: Attempt) -> dict[str, Any]:
    return {
        "prompt_id": row.prompt_id,
        "category": row.category,
        "prompt_text": row.prompt_text,
        "prompt_expects": row.prompt_expects,
        "answer": row.answer,
        "mode": row.mode,
        "level": row.level,
        "started_at": row.started_at.isoformat(),
        "submitted_at": row.submitted_at.isoformat(),
        "status": row.status,
        "error": row.error,
        "scorer_version": row.scorer_version,
        "is_demo": row.is_demo,
        "report": json.loads(row.report) if row.report else None,
        "previous_report": json.loads(row.previous_report) if row.previous_report else None,
    }


def _learner_notes(
    row: Attempt, ratings: dict[int, dict[str, int]], disputes: dict[int, list[FlagDispute]]
) -> dict[str, Any]:
    """What the learner added to an attempt: self-ratings, flags they disagree with, and their
    answers to the engine's questions."""
    return {
        "self_ratings": ratings.get(row.id, {}),
        "disputes": [
            {
                "flag_id": d.flag_id,
                "span_start": d.span_start,
                "reason": d.reason,
                "created_at": d.created_at.isoformat(),
            }
            for d in disputes.get(row.id, ())
        ],
        "confirmations": confirmations(row) or None,
    }


def import_json(db: Database, user: UserContext, payload: bytes) -> ImportResult:
    """Add the attempts of an export to the user's data, skipping ones already there.

    Each attempt comes with what hangs off it (self-ratings, disputed flags, answers to the
    engine's questions, interviews, mentors' reviews with the learner's replies), restored onto
    the attempt's new id; mock interviews come once each. An attempt counts as already there
    when prompt id, submission time and answer match: it is skipped with everything attached,
    so importing a file twice adds nothing. A review is stored as one whose reviewer has no
    account here, and skipped when a review with its external id is here already (as a review
    file's import does).
    All or nothing: every record is checked first with the rules Submit and the schema
    enforce; any problem raises DataImportError listing ``record N: field: problem`` lines,
    and nothing is written.
    """
    data = _export(payload)
    mocks, problems = mocks_from_records(data.get("mock_interviews"), user_id=user.user_id)
    imported: list[_Imported] = []
    review_ids: set[str] = set()
    for number, record in enumerate(data["attempts"], start=1):
        attempt, found = attempt_from_record(record, user_id=user.user_id)
        interviews, found_in_interviews = interviews_from_record(
            record, user_id=user.user_id, mock_keys=mocks.keys()
        )
        found += found_in_interviews
        reviews: list[ImportedReview] = []
        if attempt is not None:  # a review is checked against its attempt's answer and reports
            reviews, found_in_reviews = reviews_from_record(
                record,
                answer=attempt.row.answer,
                report=parse_report(attempt.row.report),
                previous=parse_report(attempt.row.previous_report),
                seen_ids=review_ids,
            )
            found += found_in_reviews
        problems += [f"record {number}: {problem}" for problem in found]
        if attempt is not None:
            imported.append(_Imported(attempt, interviews, reviews))
    if problems:
        shown = problems[:MAX_SHOWN_PROBLEMS]
        more = len(problems) - len(shown)
        raise DataImportError(
            "\n".join(
                [*shown, *([f"... and {more} more"] if more else []), "Nothing was imported."]
            )
        )
    with db.session() as session:
        seen = {
            _identity(prompt_id, submitted_at, answer)
            for prompt_id, submitted_at, answer in repo.attempt_identities(
                session, user_id=user.user_id
            )
        }
        added: list[_Imported] = []
        for item in imported:
            row = item.attempt.row
            key = _identity(row.prompt_id, row.submitted_at, row.answer)
            if key in seen:
                continue
            seen.add(key)
            session.add(row)
            added.append(item)
        mock_ids = _store_mocks(session, user, mocks)
        session.flush()  # The new attempts get their ids here.
        for item in added:
            attempt_id = item.attempt.row.id
            session.add_all(item.attempt.notes_for(attempt_id))
            session.add_all(i.attach(attempt_id, mock_ids) for i in item.interviews)
            for review in item.reviews:
                review.store(session, attempt_id=attempt_id, user_id=user.user_id)
        session.commit()
    return ImportResult(added=len(added), skipped=len(imported) - len(added))


@dataclass(frozen=True, slots=True)
class _Imported:
    """One valid attempt record of the file, as rows waiting to be stored."""

    attempt: ImportedAttempt
    interviews: list[ImportedInterview]
    reviews: list[ImportedReview]


def _store_mocks(
    session: Session, user: UserContext, mocks: dict[int, MockInterview]
) -> dict[int, int]:
    """Add the file's mock interviews that are not there yet; map file ids to ids here."""
    existing = {_mock_identity(m): m for m in repo.mock_interviews(session, user_id=user.user_id)}
    for mock in mocks.values():
        if _mock_identity(mock) not in existing:
            session.add(mock)
            existing[_mock_identity(mock)] = mock
    session.flush()
    return {key: existing[_mock_identity(mock)].id for key, mock in mocks.items()}


def _mock_identity(mock: MockInterview) -> tuple[str, str, str, str]:
    return (
        mock.started_at.astimezone(UTC).isoformat(),
        mock.prompt_ids,
        mock.chosen_by,
        mock.level,
    )


def _export(payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise DataImportError(f"The file is not valid JSON ({error}).") from error
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise DataImportError("The file is not an aipm-coach JSON export.")
    version = data.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        *earlier, last = map(str, READABLE_VERSIONS)
        readable = f"{', '.join(earlier)} and {last}"
        raise DataImportError(
            f"Export format version {version!r} is not supported "
            f"(this app reads versions {readable}); upgrade aipm-coach."
        )
    if not isinstance(data.get("attempts"), list):
        raise DataImportError("The export's 'attempts' must be a list of objects.")
    return data


def _identity(prompt_id: str, submitted_at: datetime, answer: str) -> tuple[str, str, str]:
    # Microseconds are kept by both backends, so the timestamp is compared exactly.
    digest = hashlib.sha256(answer.encode("utf-8")).hexdigest()
    return prompt_id, submitted_at.astimezone(UTC).isoformat(), digest


def _attempt_key(row: Attempt) -> str:
    """The attempt's identity as one line: the same on every install it is imported into."""
    return " ".join(_identity(row.prompt_id, row.submitted_at, row.answer))


def delete_all(db: Database, user: UserContext) -> int:
    """Delete every attempt of the user (demo ones included); return how many."""
    with db.session() as session:
        repo.delete_llm_data(session, user_id=user.user_id)  # verdicts quote the answers too
        count = repo.delete_attempts(session, user_id=user.user_id)
        session.commit()
    return count


def data_location(settings: Settings) -> str:
    """Say where the data lives: the SQLite file path, or the server URL without password."""
    if settings.uses_sqlite:
        return settings.database_url.removeprefix("sqlite:///")
    return mask_url(settings.database_url)


# --- Markdown for a mentor -------------------------------------------------------------------


def attempt_markdown(attempt: AttemptView, prompt: Prompt | None) -> str:
    """Render one attempt's feedback as Markdown a learner can send to a mentor."""
    title = prompt.text if prompt is not None else (attempt.prompt_text or attempt.prompt_id)
    when = attempt.submitted_at.strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Practice answer: {md_text(attempt.prompt_id)}",
        "",
        f"*{when} · level {attempt.level} · {attempt.mode} mode"
        + (f" · category {md_text(attempt.category)}" if attempt.category else "")
        + (" · demo data" if attempt.is_demo else "")
        + "*",
        "",
        "## Prompt",
        "",
        _quote(title),
        "",
        "## My answer",
        "",
        _quote(attempt.answer),
        "",
    ]
    report = attempt.report
    if report is None:
        lines += [
            "## Feedback",
            "",
            "Not scored yet" + (f": {md_text(attempt.error)}" if attempt.error else "."),
            "",
        ]
        return "\n".join(lines)
    lines += _scores(report) + _coverage(report) + _flags(report)
    if prompt is not None and prompt.follow_ups:
        lines += ["## Follow-up questions to practise", ""]
        lines += [f"- {md_text(question)}" for question in prompt.follow_ups] + [""]
    scorer = md_text(f"{report.scorer.name} {report.scorer.version}")
    lines += [f"*Scored by {scorer}.*", ""]
    return "\n".join(lines)


# Text that came from a learner, a custom bank or an imported file: HTML becomes entities and
# the characters that open links, images, link definitions and code spans are escaped, so a
# renderer that allows HTML shows the text exactly as typed and runs nothing.
_MD_LINK_SYNTAX = re.compile(r"([\\`\[\]])")
_SAFE_ID = re.compile(r"[\w.-]+")


def md_text(text: str) -> str:
    """Return ``text`` for Markdown that renders it literally: no HTML, no links, no code."""
    return _MD_LINK_SYNTAX.sub(r"\\\1", html.escape(text, quote=False))


def _quote(text: str) -> str:
    return "\n".join(
        f"> {md_text(line)}" if line.strip() else ">" for line in text.splitlines() or [""]
    )


def _scores(report: Report) -> list[str]:
    lines = [
        "## Scores",
        "",
        f"**Overall: {report.overall}/100 (grade {report.grade}/5, {report.level} level)**",
        "",
        "| Dimension | Score | Why |",
        "|---|---|---|",
    ]
    for name in DIMENSIONS:
        dimension = report.dimensions.get(name)
        if dimension is None:
            continue
        score = "not assessed" if dimension.score is None else str(dimension.score)
        reason = md_text(dimension.reason).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {_DIMENSION_TITLES.get(name, name)} | {score} | {reason} |")
    return [*lines, ""]


def _coverage(report: Report) -> list[str]:
    covered = [ELEMENT_TITLES.get(n, n) for n, item in report.coverage.items() if item.present]
    missing = [ELEMENT_TITLES.get(n, n) for n, item in report.coverage.items() if not item.present]
    lines = ["## What the answer covers", ""]
    lines.append(f"- Covered: {', '.join(covered) if covered else 'nothing detected'}")
    lines.append(f"- Missing: {', '.join(missing) if missing else 'nothing'}")
    return [*lines, ""]


def _flags(report: Report) -> list[str]:
    if not report.flags:
        return ["## Red flags", "", "None found.", ""]
    lines = ["## Red flags", ""]
    for flag in report.flags:
        shown_id = f"`{flag.id}`" if _SAFE_ID.fullmatch(flag.id) else md_text(flag.id)
        title = md_text(_flag_title(flag.id))
        lines.append(f"### {flag.severity.value.upper()}: {title} ({shown_id})")
        lines.append("")
        lines.append(md_text(flag.message))
        lines.append("")
        if flag.evidence:
            lines.append(_quote(flag.evidence))
            lines.append("")
        lines.append(f"**Fix:** {md_text(flag.fix)}")
        lines.append("")
    return lines
