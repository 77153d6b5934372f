"""Progress and Settings: demo history, charts, table -> feedback, delete with confirmation,
export, import, delete everything."""

from __future__ import annotations

import json

import pytest

from coach.db.database import open_database
from coach.services import attempts, data_io, demo
from coach.services.users import local_learner
from coach.settings import load_settings
from question_bank import load_bank
from tests.test_app_support import (
    FEEDBACK,
    FRAMED,
    ML_FIRST,
    PROGRESS,
    SETTINGS,
    assert_clean,
    current_page,
    framing_prompt_id,
    goto,
    new_app,
    plotly_specs,
    submit,
    texts,
    values,
)


def _with_demo() -> object:
    at = goto(new_app(), PROGRESS)
    at.button(key="progress_load_demo").click().run()
    assert_clean(at)
    return at


def test_load_demo_history_fills_the_charts_and_totals(services) -> None:
    db, user = services
    at = _with_demo()
    stored = attempts.list_attempts(db, user)
    assert len(stored) >= 30 and all(item.is_demo for item in stored)
    assert "demo attempts" in texts(at.success)

    titles = [spec["layout"]["title"]["text"] for spec in plotly_specs(at)]
    assert titles[:2] == ["Overall score over time", "Dimension trends (weekly average)"]
    assert titles[2].endswith("share of answers per week")  # one flag, chosen in a selector
    assert titles[3] == "Average score by category and dimension"
    assert at.selectbox(key="progress_flag").value is not None
    overall = plotly_specs(at)[0]
    points = next(trace for trace in overall["data"] if trace["name"] == "Attempt")
    assert len(values(points["y"])) == sum(item.status == "scored" for item in stored)
    assert any(trace["name"].startswith("Rolling average") for trace in overall["data"])
    assert overall["layout"]["shapes"][0]["y0"] == 70  # the readiness bar
    heatmap = plotly_specs(at)[3]["data"][0]
    assert heatmap["type"] == "heatmap" and len(values(heatmap["y"])) >= 2
    assert isinstance(heatmap["colorscale"], list), "named scales need plotly's validation"

    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Attempts"] == str(len(stored))
    assert "Streak" in metrics
    table = at.dataframe[0].value
    assert len(table) == len(stored)
    assert "id" not in table.columns and "Category" in table.columns
    verdicts = (texts(at.success) + texts(at.info)).replace("\\", "")
    assert "at PM level: last 3 answers ≥ 70 and no open errors" in verdicts


def test_both_attempts_appear_after_practising_and_the_table_opens_feedback(services) -> None:
    db, user = services
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    at.button(key="feedback_try_again").click().run()
    submit(at, FRAMED)
    goto(at, PROGRESS)

    overall = plotly_specs(at)[0]
    points = next(trace for trace in overall["data"] if trace["name"] == "Attempt")
    assert len(values(points["y"])) == 2
    stored = attempts.list_attempts(db, user)
    oldest = min(item.id for item in stored)
    at.selectbox(key="progress_pick").select(oldest).run()
    at.button(key="progress_open").click().run()
    assert_clean(at)
    assert current_page(at) == "Feedback"
    assert f"Attempt #{oldest}" in texts(at.caption)


def test_delete_an_attempt_asks_for_confirmation(services) -> None:
    db, user = services
    at = _with_demo()
    before = attempts.list_attempts(db, user)
    victim = before[-1].id
    at.selectbox(key="progress_pick").select(victim).run()
    at.button(key="progress_delete").click().run()
    assert_clean(at)
    assert f"#{victim}" in texts(at.warning)
    assert len(attempts.list_attempts(db, user)) == len(before), "nothing deleted yet"

    at.button(key="progress_delete_cancel").click().run()
    assert_clean(at)
    assert (
        not at.button(key="progress_delete_confirm")
        if _has(at, "progress_delete_confirm")
        else True
    )
    assert len(attempts.list_attempts(db, user)) == len(before)

    at.button(key="progress_delete").click().run()
    at.button(key="progress_delete_confirm").click().run()
    assert_clean(at)
    remaining = attempts.list_attempts(db, user)
    assert len(remaining) == len(before) - 1
    assert victim not in {item.id for item in remaining}
    assert f"Deleted attempt #{victim}" in texts(at.success)


def _has(at: object, key: str) -> bool:
    return any(button.key == key for button in at.button)  # type: ignore[attr-defined]


def test_progress_offers_csv_and_json_export_built_when_asked(data_dir) -> None:
    at = _with_demo()
    assert not at.download_button  # nothing is built until asked for
    at.button(key="progress_export_json__prepare").click().run()
    assert_clean(at)
    assert at.download_button(key="progress_export_json").label == "JSON (all data)"
    at.button(key="progress_export_csv__prepare").click().run()
    assert at.download_button(key="progress_export_csv")
    assert not any(b.key == "progress_export_json" for b in at.download_button)  # one at a time


def test_settings_shows_where_the_data_lives(data_dir) -> None:
    at = goto(new_app(), SETTINGS)
    assert str(data_dir) in texts(at.code)
    assert _has(at, "settings_export_json__prepare")


def test_import_adds_attempts_and_skips_ones_already_there(services, tmp_path, monkeypatch) -> None:
    db, user = services
    _with_demo()
    payload = data_io.export_json(db, user)
    count = len(attempts.list_attempts(db, user))

    other = tmp_path / "other-install"
    monkeypatch.setenv("COACH_DATA_DIR", str(other))
    fresh = goto(new_app(), SETTINGS)
    fresh.file_uploader(key="settings_import").upload(
        "aipm-coach-export.json", payload, "application/json"
    ).run()
    fresh.button(key="settings_import_run").click().run()
    assert_clean(fresh)
    assert f"Imported {count} attempt(s)" in texts(fresh.success)
    fresh.button(key="settings_import_run").click().run()
    assert f"Imported 0 attempt(s); skipped {count}" in texts(fresh.success)
    # The other install now holds the same attempts (COACH_DATA_DIR still names it).
    copy = open_database(load_settings())
    try:

        def identities(database, learner) -> list[tuple[str, object, object]]:
            rows = attempts.list_attempts(database, learner)
            return sorted((row.prompt_id, row.submitted_at, row.overall) for row in rows)

        assert identities(copy, local_learner(copy)) == identities(db, user)
    finally:
        copy.close()


def test_import_of_a_wrong_file_imports_nothing(data_dir) -> None:
    at = goto(new_app(), SETTINGS)
    at.file_uploader(key="settings_import").upload("x.json", b'{"hello": 1}', "application/json")
    at.run()
    at.button(key="settings_import_run").click().run()
    assert_clean(at)
    assert "Nothing was imported" in texts(at.error)


def test_import_of_a_hostile_export_lists_its_problems_literally(services) -> None:
    db, user = services
    submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    data = json.loads(data_io.export_json(db, user))
    data_io.delete_all(db, user)
    data["attempts"][0]["error"] = {"<b>x</b>": "[y](javascript:alert(1))"}
    data["attempts"][0]["prompt_id"] = "p" * 100_000
    at = goto(new_app(), SETTINGS)
    payload = json.dumps(data).encode()
    at.file_uploader(key="settings_import").upload("x.json", payload, "application/json")
    at.run()
    at.button(key="settings_import_run").click().run()
    assert_clean(at)
    assert texts(at.error) == "Nothing was imported."
    shown = texts(at.code)
    assert "record 1: prompt_id: must be at most 80 characters, got 100,000" in shown
    assert "record 1: error: must be text, got an object" in shown
    assert attempts.list_attempts(db, user) == []


def test_delete_everything_asks_for_confirmation(services) -> None:
    db, user = services
    at = _with_demo()
    count = len(attempts.list_attempts(db, user))
    goto(at, SETTINGS)
    at.button(key="settings_delete_all").click().run()
    assert "cannot be undone" in texts(at.warning)
    assert len(attempts.list_attempts(db, user)) == count
    at.button(key="settings_delete_all_confirm").click().run()
    assert_clean(at)
    assert attempts.list_attempts(db, user) == []
    assert f"Deleted {count} attempt(s)" in texts(at.success)
    goto(at, PROGRESS)
    assert "No attempts yet" in texts(at.info)
    goto(at, FEEDBACK)
    assert "No feedback yet" in texts(at.info)


def test_demo_attempts_can_be_removed_without_touching_the_learners_own(services) -> None:
    db, user = services
    at = submit(new_app(), FRAMED, prompt_id=framing_prompt_id())
    goto(at, PROGRESS)
    # The learner has an attempt, so the empty state (and its demo button) is not shown.
    assert not _has(at, "progress_load_demo")
    demo.load_demo(db, user, load_bank())
    goto(at, SETTINGS)
    at.button(key="settings_remove_demo").click().run()
    assert_clean(at)
    (own,) = attempts.list_attempts(db, user)
    assert not own.is_demo
    assert "Removed" in texts(at.success)


@pytest.mark.usefixtures("data_dir")
def test_clicking_a_table_row_picks_that_attempt() -> None:
    at = _with_demo()
    db = open_database(load_settings())
    try:
        newest_first = [item.id for item in attempts.list_attempts(db, local_learner(db))]
    finally:
        db.close()
    row = 7
    at.session_state["progress_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert_clean(at)
    assert at.selectbox(key="progress_pick").value == newest_first[row]
    at.button(key="progress_open").click().run()
    assert f"Attempt #{newest_first[row]}" in texts(at.caption)


def test_progress_tracks_the_self_rating_gap(services) -> None:
    at = new_app()
    at.selectbox(key="practice_prompt").select(framing_prompt_id()).run()
    at.text_area(key="practice_answer").input(ML_FIRST)
    at.session_state["practice_rate_framing"] = 100
    at.button(key="practice_submit").click().run()
    goto(at, PROGRESS)
    (chart,) = [
        s for s in plotly_specs(at) if s["layout"]["title"]["text"].startswith("Self-rating")
    ]
    (gap,) = values(chart["data"][0]["y"])
    framing = attempts.list_attempts(*services)[0]
    assert gap > 0 and "rated yourself" in texts(at.caption)
    assert framing.overall is not None
