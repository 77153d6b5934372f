"""Drafts, self-ratings and disputed flags: stored per user on SQLite files and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.db.database import Database, open_database
from coach.errors import AccessDeniedError
from coach.services import attempts, drafts
from coach.services.users import UserContext, local_learner
from coach.settings import Settings
from question_bank import Prompt
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _submit(db: Database, user: UserContext, prompt: Prompt, answer: str, **extra: object):
    return attempts.submit(
        db,
        user,
        prompt=prompt,
        answer=answer,
        mode="practice",
        level="pm",
        started_at=T0,
        submitted_at=T0 + timedelta(minutes=5),
        **extra,  # type: ignore[arg-type]
    )


def test_a_draft_is_saved_updated_listed_and_private(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt, other_prompt: Prompt
) -> None:
    drafts.save_draft(db, user, prompt_id=prompt.id, text="first words", level="pm", now=T0)
    drafts.save_draft(db, user, prompt_id=other_prompt.id, text="other", now=T0 + timedelta(1))
    drafts.save_draft(db, user, prompt_id=prompt.id, text="first words, more", now=T0)
    stored = drafts.get_draft(db, user, prompt.id)
    assert stored is not None
    assert (stored.text, stored.level, stored.words) == ("first words, more", "pm", 3)
    assert [d.prompt_id for d in drafts.list_drafts(db, user)] == [other_prompt.id, prompt.id]
    assert drafts.list_drafts(db, other_user) == []
    assert drafts.get_draft(db, other_user, prompt.id) is None


def test_a_blank_draft_is_removed_unless_its_clock_runs(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    drafts.save_draft(db, user, prompt_id=prompt.id, text="something")
    assert drafts.save_draft(db, user, prompt_id=prompt.id, text="   ") is None
    assert drafts.get_draft(db, user, prompt.id) is None
    kept = drafts.save_draft(db, user, prompt_id=prompt.id, text="", timer_started_at=T0)
    assert kept is not None
    assert kept.timer_started_at == T0
    assert drafts.discard_draft(db, user, prompt.id)
    assert not drafts.discard_draft(db, user, prompt.id)


def test_a_draft_survives_a_restart(settings: Settings, prompt: Prompt) -> None:
    db = open_database(settings)
    drafts.save_draft(db, local_learner(db), prompt_id=prompt.id, text="typed before the crash")
    db.close()
    reopened = open_database(settings)
    try:
        stored = drafts.get_draft(reopened, local_learner(reopened), prompt.id)
        assert stored is not None
        assert stored.text == "typed before the crash"
    finally:
        reopened.close()


def test_submitting_stores_self_ratings_and_drops_the_draft(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    drafts.save_draft(db, user, prompt_id=prompt.id, text=WEAK_ANSWER)
    feedback = _submit(db, user, prompt, WEAK_ANSWER, self_ratings={"framing": 80, "metrics": 60})
    assert drafts.get_draft(db, user, prompt.id) is None
    assert feedback.self_ratings == {"framing": 80, "metrics": 60}
    assert feedback.duration_s == 300
    assert attempts.feedback_view(db, user, feedback.attempt.id).self_ratings == {
        "framing": 80,
        "metrics": 60,
    }
    with pytest.raises(ValueError, match="unknown dimension"):
        _submit(db, user, prompt, WEAK_ANSWER, self_ratings={"charm": 100})


def test_a_disputed_flag_stays_on_the_attempt_and_is_counted_per_rule(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt
) -> None:
    feedback = _submit(db, user, prompt, WEAK_ANSWER)
    report = feedback.attempt.report
    assert report is not None
    flag = report.flags[0]
    attempts.dispute_flag(
        db, user, feedback.attempt.id, flag_id=flag.id, span_start=flag.start, reason="I did"
    )
    attempts.dispute_flag(
        db, user, feedback.attempt.id, flag_id=flag.id, span_start=flag.start, reason="I did say"
    )
    view = attempts.feedback_view(db, user, feedback.attempt.id)
    assert view.disputes == {(flag.id, flag.start): "I did say"}
    assert attempts.disputed_rules(db) == [(flag.id, 1, 1)]
    with pytest.raises(AccessDeniedError):
        attempts.dispute_flag(
            db, other_user, feedback.attempt.id, flag_id=flag.id, span_start=flag.start, reason=""
        )
    with pytest.raises(ValueError, match="no flag"):
        attempts.dispute_flag(
            db, user, feedback.attempt.id, flag_id="no-such-rule", span_start=0, reason=""
        )
    attempts.withdraw_dispute(db, user, feedback.attempt.id, flag_id=flag.id, span_start=flag.start)
    assert attempts.feedback_view(db, user, feedback.attempt.id).disputes == {}


def test_feedback_view_reads_the_previous_try_and_the_comparison(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    weak = _submit(db, user, prompt, WEAK_ANSWER)
    assert weak.previous is None and weak.comparison is None
    strong = attempts.submit(
        db,
        user,
        prompt=prompt,
        answer=STRONG_ANSWER,
        mode="timed",
        level="pm",
        started_at=T0 + timedelta(hours=1),
    )
    assert strong.previous is not None and strong.previous.id == weak.attempt.id
    assert strong.comparison is not None
    assert "solution-first" in strong.comparison.fixed_flags


def test_disputes_and_self_ratings_are_exported(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    import json

    from coach.services import data_io
    from scoring import rule_by_id

    feedback = _submit(db, user, prompt, WEAK_ANSWER, self_ratings={"framing": 75})
    flag = feedback.attempt.report.flags[0]  # type: ignore[union-attr]
    attempts.dispute_flag(
        db, user, feedback.attempt.id, flag_id=flag.id, span_start=flag.start, reason="named"
    )
    (record,) = json.loads(data_io.export_json(db, user))["attempts"]
    assert record["self_ratings"] == {"framing": 75}
    assert [(d["flag_id"], d["reason"]) for d in record["disputes"]] == [(flag.id, "named")]
    header, row = data_io.export_csv(db, user).decode().splitlines()[:2]
    title = data_io.CSV_HEADERS["disputed_flags"]
    assert title in header.split(",") and rule_by_id(flag.id).title in row


def test_coach_rules_disputed_counts_per_rule(
    settings: Settings,
    prompt: Prompt,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coach.cli import main

    monkeypatch.setenv("COACH_DATA_DIR", str(settings.data_dir))
    assert main(["rules", "--disputed"]) == 0
    assert "no disputed flags yet" in capsys.readouterr().out
    db = open_database(settings)
    try:
        user = local_learner(db)
        feedback = _submit(db, user, prompt, WEAK_ANSWER)
        flag = feedback.attempt.report.flags[0]  # type: ignore[union-attr]
        attempts.dispute_flag(
            db, user, feedback.attempt.id, flag_id=flag.id, span_start=flag.start, reason=""
        )
    finally:
        db.close()
    assert main(["rules", "--disputed"]) == 0
    out = capsys.readouterr().out
    assert f"       1         1  {flag.id}: " in out


def test_the_calibration_gap_is_self_rating_minus_coach_per_week(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    from coach.services import progress

    first = _submit(db, user, prompt, WEAK_ANSWER, self_ratings={"framing": 100, "metrics": 100})
    report = first.attempt.report
    assert report is not None
    expected = (
        (100 - report.dimensions["framing"].score) + (100 - report.dimensions["metrics"].score)
    ) / 2
    data = progress.load_progress(db, user)
    gap = progress.calibration_gap(db, user, data)
    assert gap["gap"].tolist() == [round(expected, 1)]
    assert gap["answers"].tolist() == [1]


def test_the_heatmap_lists_unpractised_categories_as_empty(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    from coach.services import progress
    from coach.ui.charts import category_heatmap

    _submit(db, user, prompt, WEAK_ANSWER)
    table = progress.category_heatmap(progress.load_progress(db, user), ["behavioral"])
    assert table.loc["behavioral"].isna().all()
    spec = category_heatmap(table, {"behavioral": "Behavioural"}).to_dict()["data"][0]
    assert "Behavioural" in list(spec["y"])
    assert spec["text"][list(spec["y"]).index("Behavioural")][0] == "no attempts"
