"""Export, import, delete-all and the mentor Markdown."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from coach.db.database import Database
from coach.errors import DataImportError
from coach.services import attempts, data_io, progress, rescore
from coach.services.users import UserContext
from coach.settings import Settings, load_settings
from question_bank import Prompt
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER

T0 = datetime(2025, 5, 5, 9, 0, 0, 123456, tzinfo=UTC)
UNUSUAL = "Nurses 👩‍⚕️ — المشكلة <b>handover</b>\n=SUM(A1) \"quoted\", comma"


def _submit(
    db: Database, user: UserContext, prompt: Prompt, answer: str, at: datetime
) -> attempts.AttemptView:
    return attempts.submit_answer(
        db,
        user,
        prompt=prompt,
        answer=answer,
        mode="timed",
        level="senior",
        started_at=at - timedelta(minutes=7),
        submitted_at=at,
    )


@pytest.fixture
def history(
    db: Database,
    user: UserContext,
    prompt: Prompt,
    other_prompt: Prompt,
    monkeypatch: pytest.MonkeyPatch,
) -> list[attempts.AttemptView]:
    views = [
        _submit(db, user, prompt, WEAK_ANSWER, T0),
        _submit(db, user, other_prompt, UNUSUAL, T0 + timedelta(days=1)),
        _submit(db, user, prompt, STRONG_ANSWER, T0 + timedelta(days=2)),
    ]
    # One rescored attempt (so previous_report must survive) and one that never got scored.
    with db.session() as session:
        from coach.db.models import Attempt

        row = session.get(Attempt, views[0].id)
        assert row is not None
        row.scorer_version = "0.9.0"
        session.commit()
    rescore.rescore_attempts(db)
    monkeypatch.setattr(attempts, "analyze", lambda *args: 1 / 0)
    views.append(_submit(db, user, prompt, "Scorer was down for this one.", T0 + timedelta(days=3)))
    monkeypatch.undo()
    return [attempts.get_attempt(db, user, view.id) for view in views]


def _comparable(view: attempts.AttemptView) -> tuple[object, ...]:
    return (
        view.prompt_id,
        view.category,
        view.answer,
        view.mode,
        view.level,
        view.started_at,
        view.submitted_at,
        view.status,
        view.report,
        view.error,
        view.scorer_version,
        view.is_demo,
        view.prompt_text,
        view.previous_report,
    )


def _all_views(db: Database, user: UserContext) -> list[attempts.AttemptView]:
    summaries = sorted(attempts.list_attempts(db, user), key=lambda s: s.submitted_at)
    return [attempts.get_attempt(db, user, s.id) for s in summaries]


def test_export_delete_all_import_restores_everything(
    db: Database, user: UserContext, history: list[attempts.AttemptView]
) -> None:
    assert history[0].previous_report is not None
    assert history[3].status == "not_scored"
    before_views = [_comparable(v) for v in _all_views(db, user)]
    before_summaries = [(s.flag_ids, s.overall) for s in attempts.list_attempts(db, user)]
    before_progress = progress.load_progress(db, user)
    payload = data_io.export_json(db, user)

    assert data_io.delete_all(db, user) == 4
    assert attempts.list_attempts(db, user) == []

    assert data_io.import_json(db, user, payload) == data_io.ImportResult(added=4, skipped=0)
    assert [_comparable(v) for v in _all_views(db, user)] == before_views
    assert [(s.flag_ids, s.overall) for s in attempts.list_attempts(db, user)] == before_summaries
    after_progress = progress.load_progress(db, user)
    assert after_progress.flags_per_week.equals(before_progress.flags_per_week)
    assert after_progress.attempts.drop(columns="id").equals(
        before_progress.attempts.drop(columns="id")
    )


def test_importing_twice_skips_duplicates(
    db: Database, user: UserContext, history: list[attempts.AttemptView]
) -> None:
    payload = data_io.export_json(db, user)
    assert data_io.import_json(db, user, payload) == data_io.ImportResult(added=0, skipped=4)
    assert len(attempts.list_attempts(db, user)) == 4


def test_import_goes_to_the_importing_user_only(
    db: Database,
    user: UserContext,
    other_user: UserContext,
    history: list[attempts.AttemptView],
) -> None:
    payload = data_io.export_json(db, user)
    assert data_io.import_json(db, other_user, payload).added == 4
    assert len(attempts.list_attempts(db, other_user)) == 4
    assert len(attempts.list_attempts(db, user)) == 4
    data_io.delete_all(db, other_user)
    assert len(attempts.list_attempts(db, user)) == 4


def test_export_json_is_readable_and_complete(
    db: Database, user: UserContext, history: list[attempts.AttemptView]
) -> None:
    data = json.loads(data_io.export_json(db, user))
    assert data["format"] == "aipm-coach-export"
    assert data["version"] == 1
    assert [a["answer"] for a in data["attempts"]] == [v.answer for v in history]
    assert data["attempts"][1]["answer"] == UNUSUAL
    assert data["attempts"][0]["report"]["overall"] == history[0].report.overall  # type: ignore[union-attr]
    assert data["attempts"][0]["previous_report"] is not None
    assert data["attempts"][0]["submitted_at"] == "2025-05-05T09:00:00.123456+00:00"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\xff\xfe not utf-8", "not valid JSON"),
        (b"{not json", "not valid JSON"),
        (b'{"format": "something-else"}', "not an aipm-coach JSON export"),
        (b'{"format": "aipm-coach-export", "version": 99, "attempts": []}', "version 99"),
        (b'{"format": "aipm-coach-export", "version": 1, "attempts": {}}', "must be a list"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(
    db: Database, user: UserContext, payload: bytes, message: str
) -> None:
    with pytest.raises(DataImportError, match=message):
        data_io.import_json(db, user, payload)


def test_a_damaged_attempt_imports_nothing(
    db: Database, user: UserContext, history: list[attempts.AttemptView]
) -> None:
    data = json.loads(data_io.export_json(db, user))
    data_io.delete_all(db, user)
    data["attempts"][2]["level"] = "ceo"
    with pytest.raises(DataImportError, match=r"Attempt 3 .* level 'ceo'"):
        data_io.import_json(db, user, json.dumps(data).encode())
    data["attempts"][2]["level"] = "pm"
    data["attempts"][1]["submitted_at"] = "2025-05-06T09:00:00"  # No time zone.
    with pytest.raises(DataImportError, match="Attempt 2"):
        data_io.import_json(db, user, json.dumps(data).encode())
    data["attempts"][1]["submitted_at"] = "2025-05-06T09:00:00+00:00"
    data["attempts"][0]["report"]["flags"] = "garbage"
    with pytest.raises(DataImportError, match="Attempt 1"):
        data_io.import_json(db, user, json.dumps(data).encode())
    assert attempts.list_attempts(db, user) == []


def test_export_csv_has_one_row_per_attempt_and_neutralises_formulas(
    db: Database, user: UserContext, history: list[attempts.AttemptView]
) -> None:
    text = data_io.export_csv(db, user).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(data_io.CSV_COLUMNS)
    assert [row["answer"] for row in rows] == [
        WEAK_ANSWER,
        UNUSUAL,  # Starts with "N": left alone; the "=" inside a cell is harmless.
        STRONG_ANSWER,
        "Scorer was down for this one.",
    ]
    assert rows[0]["overall"] == str(history[0].report.overall)  # type: ignore[union-attr]
    assert rows[0]["flag_ids"].split() == history[0].report.flag_ids()  # type: ignore[union-attr]
    assert rows[3]["status"] == "not_scored"
    assert rows[3]["overall"] == ""
    assert rows[3]["error"].startswith("ZeroDivisionError")
    assert rows[0]["submitted_at"] == "2025-05-05T09:00:00.123456+00:00"


def test_export_csv_prefixes_cells_a_spreadsheet_would_run(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    _submit(db, user, prompt, "=HYPERLINK(\"http://evil\")", T0)
    rows = list(csv.DictReader(io.StringIO(data_io.export_csv(db, user).decode())))
    assert rows[0]["answer"] == "'=HYPERLINK(\"http://evil\")"


def test_delete_all_leaves_other_users_alone(
    db: Database,
    user: UserContext,
    other_user: UserContext,
    prompt: Prompt,
) -> None:
    _submit(db, user, prompt, WEAK_ANSWER, T0)
    _submit(db, other_user, prompt, WEAK_ANSWER, T0)
    assert data_io.delete_all(db, user) == 1
    assert attempts.list_attempts(db, user) == []
    assert len(attempts.list_attempts(db, other_user)) == 1


def test_data_location(settings: Settings) -> None:
    assert data_io.data_location(settings) == str(settings.data_dir.resolve() / "coach.db")
    server = load_settings(
        environ={"COACH_DATABASE_URL": "postgresql+psycopg://coach:hunter2@db:5432/coach"}
    )
    assert data_io.data_location(server) == "postgresql+psycopg://coach:***@db:5432/coach"


# --- Markdown for a mentor -------------------------------------------------------------------


def test_attempt_markdown_has_prompt_answer_scores_and_flags(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    view = _submit(db, user, prompt, WEAK_ANSWER + "\n\nSecond paragraph.", T0)
    report = view.report
    assert report is not None
    markdown = data_io.attempt_markdown(view, prompt)

    assert markdown.startswith(f"# Practice answer: {prompt.id}")
    assert prompt.text in markdown
    assert "2025-05-05 09:00 UTC" in markdown
    assert "level senior" in markdown
    assert "> I would fine-tune a large language model" in markdown
    assert ">\n> Second paragraph." in markdown  # The blank line stays inside the quote.
    assert f"**Overall: {report.overall}/100 (grade {report.grade}/5, senior level)**" in markdown
    for name, dimension in report.dimensions.items():
        score = "not assessed" if dimension.score is None else str(dimension.score)
        assert f"| {score} | " in markdown, name
    for flag in report.flags:
        assert f"### {flag.severity.value.upper()}: `{flag.id}`" in markdown
        assert flag.message in markdown
        assert f"**Fix:** {flag.fix}" in markdown
        if flag.evidence:
            assert f"> {flag.evidence.splitlines()[0]}" in markdown
    assert "- Missing: " in markdown and "eval_criteria" in markdown
    for question in prompt.follow_ups:
        assert f"- {question}" in markdown
    assert f"Scored by {report.scorer.name} {report.scorer.version}" in markdown


def test_attempt_markdown_without_a_prompt_or_a_score(
    db: Database, user: UserContext, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attempts, "analyze", lambda *args: 1 / 0)
    view = _submit(db, user, prompt, UNUSUAL, T0)
    markdown = data_io.attempt_markdown(view, None)
    assert prompt.text in markdown  # Stored with the attempt.
    assert "> Nurses 👩‍⚕️ — المشكلة <b>handover</b>\n> =SUM(A1)" in markdown
    assert "Not scored yet: ZeroDivisionError" in markdown
    assert "## Scores" not in markdown
