"""Export, import, delete-all and the mentor Markdown."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coach.db.database import Database
from coach.errors import DataImportError
from coach.services import attempts, data_io, interviewer, progress, rescore
from coach.services.users import UserContext
from coach.settings import Settings, load_settings
from question_bank import Bank, Prompt
from scoring import rule_by_id
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER
from tests.test_services_attempts import UNSURE_ANSWER

T0 = datetime(2025, 5, 5, 9, 0, 0, 123456, tzinfo=UTC)
UNUSUAL = 'Nurses 👩‍⚕️ — المشكلة <b>handover</b>\n=SUM(A1) "quoted", comma'


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
    assert data["version"] == data_io.EXPORT_VERSION == 3
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
        (b'{"format": "aipm-coach-export", "version": true, "attempts": []}', "version True"),
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
    with pytest.raises(DataImportError, match=r"^record 3: level: must be one of .*'ceo'"):
        data_io.import_json(db, user, json.dumps(data).encode())
    data["attempts"][2]["level"] = "pm"
    data["attempts"][1]["submitted_at"] = "2025-05-06T09:00:00"  # No time zone.
    with pytest.raises(DataImportError, match=r"^record 2: submitted_at: .* no time zone"):
        data_io.import_json(db, user, json.dumps(data).encode())
    data["attempts"][1]["submitted_at"] = "2025-05-06T09:00:00+00:00"
    data["attempts"][0]["report"]["flags"] = "garbage"
    with pytest.raises(DataImportError, match=r"^record 1: report\.flags: must be a list"):
        data_io.import_json(db, user, json.dumps(data).encode())
    assert attempts.list_attempts(db, user) == []


def test_export_csv_has_one_row_per_attempt_and_neutralises_formulas(
    db: Database, user: UserContext, history: list[attempts.AttemptView]
) -> None:
    text = data_io.export_csv(db, user).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [data_io.CSV_HEADERS[column] for column in data_io.CSV_COLUMNS]
    assert "flag_ids" not in rows[0] and "Red flags" in rows[0]  # labels, not ids
    assert [row["Answer"] for row in rows] == [
        WEAK_ANSWER,
        UNUSUAL,  # Starts with "N": left alone; the "=" inside a cell is harmless.
        STRONG_ANSWER,
        "Scorer was down for this one.",
    ]
    assert rows[0]["Overall score"] == str(history[0].report.overall)  # type: ignore[union-attr]
    titles = [rule_by_id(flag_id).title for flag_id in history[0].report.flag_ids()]  # type: ignore[union-attr]
    assert rows[0]["Red flags"].split("; ") == titles
    assert rows[3]["Status"] == "not_scored"
    assert rows[3]["Overall score"] == ""
    assert rows[3]["Scoring error"].startswith("ZeroDivisionError")
    assert rows[0]["Submitted (UTC)"] == "2025-05-05T09:00:00.123456+00:00"


def test_export_csv_prefixes_cells_a_spreadsheet_would_run(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    _submit(db, user, prompt, '=HYPERLINK("http://evil")', T0)
    rows = list(csv.DictReader(io.StringIO(data_io.export_csv(db, user).decode())))
    assert rows[0]["Answer"] == '\'=HYPERLINK("http://evil")'


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
        title = rule_by_id(flag.id).title
        assert f"### {flag.severity.value.upper()}: {title} (`{flag.id}`)" in markdown
        assert flag.message in markdown
        assert f"**Fix:** {flag.fix}" in markdown
        if flag.evidence:
            assert f"> {flag.evidence.splitlines()[0]}" in markdown
    assert "- Missing: " in markdown and "Eval criteria" in markdown
    assert "eval_criteria" not in markdown  # labels, not ids
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
    assert "> Nurses 👩‍⚕️ — المشكلة &lt;b&gt;handover&lt;/b&gt;\n> =SUM(A1)" in markdown
    assert "Not scored yet: ZeroDivisionError" in markdown
    assert "## Scores" not in markdown


HOSTILE = (
    "<script>alert('answer')</script> Nurses lose time.\n"
    '<img src=x onerror="alert(1)"> [click me](javascript:alert(2)) '
    '![pic](javascript:alert(3)) <javascript:alert(4)> <a href="javascript:alert(5)">a</a>\n'
    "[ref]: javascript:alert(6)\n"
    "`<b>code</b>` and \\[escaped](javascript:alert(7)) & more"
)


def test_attempt_markdown_escapes_html_and_neutralises_links(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    from html.parser import HTMLParser

    from markdown_it import MarkdownIt

    hostile_prompt = prompt.model_copy(
        update={"text": "Design [this](javascript:alert(8)) <b onmouseover=alert(9)>now</b>"}
    )
    view = _submit(db, user, hostile_prompt, HOSTILE, T0)
    markdown = data_io.attempt_markdown(view, hostile_prompt)
    # A renderer that passes HTML through, as the audit's mentor used.
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.urls: list[str] = []
            self.text = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            self.urls += [value or "" for name, value in attrs if name in ("href", "src")]

        def handle_data(self, data: str) -> None:
            self.text += data

    page = Tags()
    page.feed(rendered)
    assert {"script", "img", "a", "b"} & set(page.tags) == set(), page.tags
    assert page.urls == []
    # The text reads the same: every line of the answer and the prompt is there verbatim.
    for line in [*HOSTILE.splitlines(), hostile_prompt.text]:
        assert line in page.text, line


# --- hostile imports: every record checked like Submit, nothing written on any problem -------


def _export_with(db: Database, user: UserContext, prompt: Prompt, **changes: object) -> bytes:
    """A one-attempt export whose record has ``changes`` applied; the user's data is emptied."""
    _submit(db, user, prompt, WEAK_ANSWER, T0)
    data = json.loads(data_io.export_json(db, user))
    data_io.delete_all(db, user)
    data["attempts"][0].update(changes)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"error": {"an": "object"}}, "record 1: error: must be text, got an object"),
        ({"prompt_id": "p" * 100_000}, "record 1: prompt_id: must be at most 80 characters"),
        ({"category": ["x"]}, "record 1: category: must be text, got a list"),
        ({"level": "x" * 17}, "record 1: level: must be one of apm, pm, senior"),
        ({"is_demo": "false"}, "record 1: is_demo: must be true or false, got 'false'"),
        ({"is_demo": 1}, "record 1: is_demo: must be true or false, got a number"),
        ({"answer": "   "}, "record 1: answer: is empty"),
        ({"answer": "word " * 20_001}, "record 1: answer: has 20,001 words; the limit is"),
        ({"scorer_version": "v" * 33}, "record 1: scorer_version: must be at most 32 characters"),
        ({"started_at": 5}, "record 1: started_at: must be an ISO date and time, got a number"),
    ],
)
def test_a_hostile_record_is_refused_field_by_field(
    db: Database, user: UserContext, prompt: Prompt, changes: dict, expected: str
) -> None:
    payload = _export_with(db, user, prompt, **changes)
    with pytest.raises(DataImportError) as caught:
        data_io.import_json(db, user, payload)
    message = str(caught.value)
    assert message.startswith(expected), message
    assert message.endswith("Nothing was imported.")
    assert attempts.list_attempts(db, user) == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("flags", 0, "id"), {"x": 1}, "record 1: report.flags[0].id: must be text, got an object"),
        (("flags", 0, "id"), "f" * 81, "record 1: report.flags[0].id: must be at most 80"),
        (("flags", 0, "severity"), "fatal", "record 1: report.flags[0].severity: must be one of"),
        (("flags", 0, "start"), 2**40, "record 1: report.flags[0].start: must be a whole number"),
        (("overall",), 10**12, "record 1: report.overall: must be a whole number"),
        (("overall",), 101, "record 1: report.overall: must be 0 to 100, got 101"),
        (("grade",), True, "record 1: report.grade: must be a whole number, got true"),
        (("stats",), None, "record 1: report.stats: must be an object, got null"),
        (("surprise",), 1, "record 1: report.surprise: is not a known field"),
    ],
)
def test_a_hostile_report_is_refused_with_its_path(
    db: Database, user: UserContext, prompt: Prompt, path: tuple, value: object, expected: str
) -> None:
    _submit(db, user, prompt, WEAK_ANSWER, T0)
    data = json.loads(data_io.export_json(db, user))
    data_io.delete_all(db, user)
    target = data["attempts"][0]["report"]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(DataImportError) as caught:
        data_io.import_json(db, user, json.dumps(data).encode())
    assert str(caught.value).startswith(expected), str(caught.value)
    assert attempts.list_attempts(db, user) == []


def test_every_problem_of_every_record_is_listed_and_nothing_is_written(
    db: Database, user: UserContext, history: list[attempts.AttemptView]
) -> None:
    data = json.loads(data_io.export_json(db, user))
    data_io.delete_all(db, user)
    data["attempts"][0]["mode"] = 3
    data["attempts"][2]["answer"] = None
    data["attempts"][2]["is_demo"] = "yes"
    data["attempts"].append("not an object")
    with pytest.raises(DataImportError) as caught:
        data_io.import_json(db, user, json.dumps(data).encode())
    assert str(caught.value).splitlines() == [
        "record 1: mode: must be one of practice, timed, got a number",
        "record 3: answer: must be text, got null",
        "record 3: is_demo: must be true or false, got 'yes'",
        "record 5: attempt: must be an object, got 'not an object'",
        "Nothing was imported.",
    ]
    assert attempts.list_attempts(db, user) == []


def test_nul_and_lone_surrogates_are_stored_like_submit_stores_them(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    answer = "Nurses\x00 lose time \ud800 at handover. " + WEAK_ANSWER
    payload = _export_with(db, user, prompt, answer=answer, error="bad \udfff\x00 error")
    assert data_io.import_json(db, user, payload).added == 1
    (summary,) = attempts.list_attempts(db, user)
    view = attempts.get_attempt(db, user, summary.id)
    assert view.answer == attempts.storable_text(answer)
    assert view.answer.startswith("Nurses\ufffd lose time \ufffd at handover.")
    assert view.error == "bad \ufffd\ufffd error"


@pytest.mark.postgres
def test_an_export_from_sqlite_always_imports_into_postgresql(
    settings: Settings, postgres_settings: Settings, prompt: Prompt
) -> None:
    from sqlalchemy import text

    from coach.db.database import open_database
    from coach.services.users import local_learner

    source = open_database(settings)
    target = open_database(postgres_settings)
    try:
        user = local_learner(source)
        for index, answer in enumerate((WEAK_ANSWER, STRONG_ANSWER, UNUSUAL)):
            _submit(source, user, prompt, answer, T0 + timedelta(hours=index))
        # What SQLite accepts and PostgreSQL refuses, written behind the app's back: NUL.
        with source.engine.begin() as connection:
            connection.execute(
                text("UPDATE attempts SET answer = :answer, error = :error WHERE id = 1"),
                {"answer": "Nul\x00 here. " + WEAK_ANSWER, "error": "a NUL \x00 in the error"},
            )
        payload = data_io.export_json(source, user)
        learner = local_learner(target)
        result = data_io.import_json(target, learner, payload)
        assert (result.added, result.skipped) == (3, 0)
        imported = {view.answer for view in _views(target, learner)}
        assert imported == {
            "Nul\ufffd here. " + WEAK_ANSWER,
            STRONG_ANSWER,
            UNUSUAL,
        }
    finally:
        with target.engine.begin() as connection:
            connection.exec_driver_sql("TRUNCATE attempt_flags, attempts, users CASCADE")
        source.close()
        target.close()


def _views(db: Database, user: UserContext) -> list[attempts.AttemptView]:
    return [attempts.get_attempt(db, user, s.id) for s in attempts.list_attempts(db, user)]


# --- what the learner added to an attempt: self-ratings, disputes, answers, interviews --------


def _learner_data(db: Database, user: UserContext, bank: Bank) -> None:
    """Every kind of row a learner owns: self-ratings, a disputed flag, an answer to the
    engine's question, an interview (answered, then a question left open) and a finished
    mock interview with its own interview."""
    design = next(p for p in bank.prompts if p.category == "ai-product-design")
    unsure = attempts.submit(
        db,
        user,
        prompt=design,
        answer=UNSURE_ANSWER,
        mode="practice",
        level="pm",
        started_at=T0,
        submitted_at=T0 + timedelta(minutes=4),
        self_ratings={"framing": 80, "metrics": 55},
    )
    attempts.answer_question(db, user, unsure.attempt.id, element="why", answer=True)
    weak = _submit(db, user, design, WEAK_ANSWER, T0 + timedelta(days=1))
    flag = next(f for f in weak.report.flags if not f.tentative)  # type: ignore[union-attr]
    attempts.dispute_flag(
        db, user, weak.id, flag_id=flag.id, span_start=flag.start, reason="I named the user."
    )
    interview = interviewer.start_interview(db, user, weak.id, bank=bank)
    interviewer.answer_follow_up(db, user, interview.id, "Handle time falls from 9 to 6 min.")
    interviewer.ask_another(db, user, interview.id, bank=bank)  # left waiting for an answer
    prompts = [p for p in bank.prompts if p.category == "ai-product-design"][:3]
    mock = interviewer.start_mock(db, user, prompts, level="pm", chosen_by="ai-product-design")
    mock = interviewer.answer_mock_question(
        db, user, mock.id, bank=bank, answer=STRONG_ANSWER, started_at=T0 + timedelta(days=2)
    )
    pending = mock.questions[0].interview
    assert pending is not None
    interviewer.answer_follow_up(db, user, pending.id, "We would track engagement.")
    interviewer.finish_mock(db, user, mock.id)


def _portable(payload: bytes) -> dict[str, Any]:
    """An export without what differs between two databases holding the same data: the time
    of export and the mock interviews' ids."""
    data = json.loads(payload)
    data.pop("exported_at")
    order = {mock["id"]: index for index, mock in enumerate(data["mock_interviews"])}
    for mock in data["mock_interviews"]:
        mock["id"] = order[mock["id"]]
    for record in data["attempts"]:
        for interview in record["interviews"]:
            if interview["mock_interview"] is not None:
                interview["mock_interview"] = order[interview["mock_interview"]]
    return data


def _owned_rows(db: Database, user: UserContext) -> dict[str, int]:
    from sqlalchemy import func, select

    from coach.db.models import FlagDispute, Interview, InterviewTurn, MockInterview, SelfRating

    with db.session() as session:
        return {
            model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(model.user_id == user.user_id)
            )
            for model in (SelfRating, FlagDispute, Interview, InterviewTurn, MockInterview)
        }


def test_export_then_import_restores_notes_interviews_and_mock_interviews(
    db: Database, user: UserContext, bank: Bank
) -> None:
    _learner_data(db, user, bank)
    payload = data_io.export_json(db, user)
    exported = json.loads(payload)
    unsure, weak, strong = exported["attempts"]
    assert unsure["self_ratings"] == {"framing": 80, "metrics": 55}
    assert unsure["confirmations"]["why"]["answer"] is True
    assert [d["reason"] for d in weak["disputes"]] == ["I named the user."]
    assert [len(i["turns"]) for i in weak["interviews"]] == [2]
    assert weak["interviews"][0]["turns"][1]["answer"] is None  # the open question travels too
    assert strong["interviews"][0]["mock_interview"] == exported["mock_interviews"][0]["id"]
    assert exported["mock_interviews"][0]["finished_at"] is not None
    rows_before = _owned_rows(db, user)

    data_io.delete_all(db, user)
    assert set(_owned_rows(db, user).values()) == {0}
    assert data_io.import_json(db, user, payload) == data_io.ImportResult(added=3, skipped=0)

    assert _owned_rows(db, user) == rows_before
    assert _portable(data_io.export_json(db, user)) == _portable(payload)
    # The services read the restored rows on the attempts' new ids.
    by_answer = {view.answer: view for view in _all_views(db, user)}
    feedback = attempts.feedback_view(db, user, by_answer[UNSURE_ANSWER].id)
    assert feedback.self_ratings == {"framing": 80, "metrics": 55}
    assert feedback.attempt.report is not None
    assert feedback.attempt.report.coverage["why"].present  # the learner's "yes" still counts
    rescore.rescore_attempts(db, only_outdated=False, user=user)
    again = attempts.get_attempt(db, user, feedback.attempt.id).report
    assert again is not None and again.coverage["why"].present
    disputed = attempts.feedback_view(db, user, by_answer[WEAK_ANSWER].id).disputes
    assert list(disputed.values()) == ["I named the user."]
    interview = interviewer.get_interview(
        db, user, _interview_id(db, user, by_answer[WEAK_ANSWER].id)
    )
    assert interview.pending is not None and interview.report is not None
    (mock_id,) = [m.id for m in _mocks(db, user)]
    mock = interviewer.get_mock(db, user, mock_id, bank=bank)
    assert mock.questions[0].stage == "done"
    assert mock.questions[0].interview is not None
    assert mock.questions[0].interview.attempt.answer == STRONG_ANSWER


def _interview_id(db: Database, user: UserContext, attempt_id: int) -> int:
    from coach.db import repositories as repo

    with db.session() as session:
        found = repo.interview_for_attempt(session, user_id=user.user_id, attempt_id=attempt_id)
        assert found is not None
        return found.id


def _mocks(db: Database, user: UserContext) -> list[Any]:
    from coach.db import repositories as repo

    with db.session() as session:
        return list(repo.mock_interviews(session, user_id=user.user_id))


def test_importing_notes_and_interviews_twice_adds_nothing_the_second_time(
    db: Database, user: UserContext, other_user: UserContext, bank: Bank
) -> None:
    _learner_data(db, user, bank)
    payload = data_io.export_json(db, user)
    rows = _owned_rows(db, user)
    assert data_io.import_json(db, user, payload) == data_io.ImportResult(added=0, skipped=3)
    assert _owned_rows(db, user) == rows
    # Into another account: everything once, then nothing more.
    assert data_io.import_json(db, other_user, payload).added == 3
    assert data_io.import_json(db, other_user, payload).added == 0
    assert _owned_rows(db, other_user) == rows
    assert (
        _portable(data_io.export_json(db, other_user))["attempts"]
        == (_portable(payload)["attempts"])
    )
    assert _owned_rows(db, user) == rows  # the first account is untouched


def test_a_version_1_export_still_imports_its_notes(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    attempts.submit(
        db,
        user,
        prompt=prompt,
        answer=WEAK_ANSWER,
        mode="practice",
        level="pm",
        started_at=T0,
        self_ratings={"solution": 70},
    )
    data = json.loads(data_io.export_json(db, user))
    data_io.delete_all(db, user)
    data["version"] = 1  # what the app wrote before interviews travelled
    for key in ("interviews", "confirmations"):
        data["attempts"][0].pop(key)
    data.pop("mock_interviews")
    assert data_io.import_json(db, user, json.dumps(data).encode()).added == 1
    (summary,) = attempts.list_attempts(db, user)
    assert attempts.feedback_view(db, user, summary.id).self_ratings == {"solution": 70}


def _set(data: dict[str, Any], path: str, value: object) -> None:
    """Change one value of an export; ``path`` reads like ``attempts.1.disputes.0.flag_id``."""
    *steps, last = [int(step) if step.isdigit() else step for step in path.split(".")]
    target: Any = data
    for step in steps:
        target = target[step]
    target[last] = value


HOSTILE_NOTES = [
    ("attempts.0.self_ratings.framing", 101, "record 1: self_ratings.framing: must be 0 to 100"),
    ("attempts.0.self_ratings.charm", 50, "record 1: self_ratings.charm: is not a dimension"),
    ("attempts.0.self_ratings", [1], "record 1: self_ratings: must be an object, got a list"),
    ("attempts.0.confirmations.why.end", 10**6, "record 1: confirmations.why.end: must be"),
    ("attempts.0.confirmations.vibe", {}, "record 1: confirmations.vibe: must be one of"),
    ("attempts.1.disputes.0.flag_id", "made-up", "record 2: disputes[0].flag_id: the report has"),
    ("attempts.1.disputes.0.span_start", -1, "record 2: disputes[0].span_start: must be 0 to"),
    ("attempts.1.disputes.0.reason", "r" * 2001, "record 2: disputes[0].reason: must be at most"),
    ("attempts.1.disputes.0", "x", "record 2: disputes[0]: must be an object, got 'x'"),
    ("attempts.1.interviews.0.status", "done", "record 2: interviews[0].status: must be one of"),
    ("attempts.1.interviews.0.turns.0.source", "oracle", "record 2: interviews[0].turns[0].source"),
    ("attempts.1.interviews.0.turns.1.question", " ", "record 2: interviews[0].turns[1].question"),
    (
        "attempts.1.interviews.0.turns.0.asked_at",
        "now",
        "record 2: interviews[0].turns[0].asked_at",
    ),
    ("attempts.1.interviews.0.report.overall", 500, "record 2: interviews[0].report.overall: must"),
    ("attempts.2.interviews.0.mock_interview", 999, "record 3: interviews[0].mock_interview: must"),
    ("mock_interviews.0.level", "intern", "mock interview 1: level: must be one of"),
    ("mock_interviews.0.prompt_ids", "a,b", "mock interview 1: prompt_ids: must be a list of 1"),
    ("mock_interviews", {}, "mock_interviews: must be a list, got an object"),
    ("mock_interviews.0", 7, "mock interview 1: must be an object, got a number"),
]


@pytest.mark.parametrize(
    ("path", "value", "expected"), HOSTILE_NOTES, ids=[h[0] for h in HOSTILE_NOTES]
)
def test_a_hostile_note_or_interview_is_refused_and_nothing_is_written(
    db: Database, user: UserContext, bank: Bank, path: str, value: object, expected: str
) -> None:
    _learner_data(db, user, bank)
    data = json.loads(data_io.export_json(db, user))
    data_io.delete_all(db, user)
    _set(data, path, value)
    with pytest.raises(DataImportError) as caught:
        data_io.import_json(db, user, json.dumps(data).encode())
    message = str(caught.value)
    assert message.startswith(expected), message
    assert message.endswith("Nothing was imported.")
    assert attempts.list_attempts(db, user) == []
    assert set(_owned_rows(db, user).values()) == {0}


def test_a_flag_disputed_twice_in_a_file_is_refused(
    db: Database, user: UserContext, bank: Bank
) -> None:
    _learner_data(db, user, bank)
    data = json.loads(data_io.export_json(db, user))
    data_io.delete_all(db, user)
    disputes = data["attempts"][1]["disputes"]
    disputes.append(dict(disputes[0]))
    with pytest.raises(DataImportError, match=r"^record 2: disputes\[1\]\.flag_id: .* twice"):
        data_io.import_json(db, user, json.dumps(data).encode())


@pytest.mark.postgres
def test_notes_and_interviews_exported_from_sqlite_import_into_postgresql(
    settings: Settings, postgres_settings: Settings, bank: Bank
) -> None:
    from coach.db.database import open_database
    from coach.services.users import local_learner
    from tests.conftest import APP_TABLES

    source = open_database(settings)
    target = open_database(postgres_settings)
    try:
        learner = local_learner(source)
        _learner_data(source, learner, bank)
        payload = data_io.export_json(source, learner)
        imported = local_learner(target)
        assert data_io.import_json(target, imported, payload).added == 3
        assert _owned_rows(target, imported) == _owned_rows(source, learner)
        assert _portable(data_io.export_json(target, imported)) == _portable(payload)
        assert data_io.import_json(target, imported, payload).added == 0
    finally:
        with target.engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {', '.join(APP_TABLES)} RESTART IDENTITY CASCADE")
        source.close()
        target.close()
