"""Every page renders, navigation works, empty states guide a new learner, errors are pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.services import attempts
from tests.test_app_support import (
    BANK,
    FEEDBACK,
    ML_FIRST,
    PAGES,
    PRACTICE,
    PROGRESS,
    SETTINGS,
    AppTest,
    assert_clean,
    current_page,
    framing_prompt_id,
    goto,
    new_app,
    submit,
    texts,
)

TITLES = {
    PRACTICE: "Practice",
    FEEDBACK: "Feedback",
    PROGRESS: "Progress",
    BANK: "Question bank",
    SETTINGS: "Settings & data",
}


@pytest.mark.usefixtures("data_dir")
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_a_fresh_install(page: str) -> None:
    at = new_app()
    goto(at, page)
    assert current_page(at) == TITLES[page]


@pytest.mark.usefixtures("data_dir")
def test_default_page_is_practice_with_a_prompt_and_an_answer_box() -> None:
    at = new_app()
    assert current_page(at) == "Practice"
    assert at.selectbox(key="practice_prompt").value
    assert at.text_area(key="practice_answer").value == ""
    assert at.button(key="practice_submit")


@pytest.mark.usefixtures("data_dir")
def test_navigating_through_all_pages_and_back_keeps_working() -> None:
    at = new_app()
    for page in (*PAGES, PRACTICE):
        goto(at, page)
        assert current_page(at) == TITLES[page]


@pytest.mark.usefixtures("data_dir")
def test_empty_feedback_tells_a_new_learner_what_to_do() -> None:
    at = goto(new_app(), FEEDBACK)
    assert "No feedback yet" in texts(at.info)
    assert not at.get("plotly_chart")


@pytest.mark.usefixtures("data_dir")
def test_empty_progress_tells_a_new_learner_what_to_do_and_offers_a_demo() -> None:
    at = goto(new_app(), PROGRESS)
    assert "No attempts yet" in texts(at.info)
    assert at.button(key="progress_load_demo")
    assert not at.get("plotly_chart")


def test_a_database_that_cannot_be_opened_shows_an_error_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corrupt = tmp_path / "coach.db"
    corrupt.write_bytes(b"this is not a SQLite database, just bytes\n" * 200)
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{corrupt}")
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30
    ).run()
    assert_clean(at)
    assert "cannot be opened" in current_page(at)
    assert at.error, "the page must say what went wrong"
    assert str(corrupt) in texts(at.code)
    assert not at.text_area, "no practice UI on a broken database"


def test_a_data_folder_that_cannot_be_created_shows_an_error_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the data folder should go")
    monkeypatch.setenv("COACH_DATA_DIR", str(blocker / "data"))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30
    ).run()
    assert_clean(at)
    assert "cannot be opened" in current_page(at)
    assert "COACH_DATA_DIR" in texts(at.code)


def test_invalid_settings_show_an_error_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COACH_LEVEL", "intern")
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30
    ).run()
    assert_clean(at)
    assert "settings are invalid" in current_page(at)


def test_settings_fixed_or_changed_while_the_app_runs_apply_on_the_next_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The frame remembers the settings between reruns: a change must still be seen.
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COACH_LEVEL", "intern")
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30
    ).run()
    assert "settings are invalid" in current_page(at)
    monkeypatch.setenv("COACH_LEVEL", "senior")
    at.run()
    assert_clean(at)
    assert current_page(at) == TITLES[PRACTICE]
    assert at.radio(key="practice_level").value == "senior"
    monkeypatch.setenv("COACH_LEVEL", "intern")
    at.run()
    assert "settings are invalid" in current_page(at)


def test_changed_secrets_apply_on_the_next_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_LEVEL", raising=False)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30)
    at.secrets["COACH_LEVEL"] = "apm"
    at.run()
    assert_clean(at)
    assert at.radio(key="practice_level").value == "apm"
    at.secrets["COACH_LEVEL"] = "intern"
    at.run()
    assert "settings are invalid" in current_page(at)


@pytest.mark.usefixtures("data_dir")
def test_question_bank_filters_and_practise_this_opens_practice_with_the_prompt() -> None:
    at = goto(new_app(), BANK)
    at.text_input(key="bank_query").input("nurses").run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) >= 1 and table["Prompt"].str.contains("nurse", case=False).all()
    chosen = at.selectbox(key="bank_prompt").options[-1]
    at.selectbox(key="bank_prompt").select(chosen).run()
    labels = [expander.label for expander in at.expander]
    assert {"Hints", "Outline of a strong answer"} <= set(labels)
    picked = at.selectbox(key="bank_prompt").value
    at.button(key="bank_practise").click().run()
    assert_clean(at)
    assert current_page(at) == "Practice"
    assert at.selectbox(key="practice_prompt").value == picked


@pytest.mark.usefixtures("data_dir")
def test_an_empty_bank_search_says_so() -> None:
    at = goto(new_app(), BANK)
    at.text_input(key="bank_query").input("zzzz-no-such-prompt").run()
    assert_clean(at)
    assert "No prompt matches" in texts(at.info)


@pytest.mark.usefixtures("data_dir")
def test_clicking_a_bank_row_shows_that_prompt() -> None:
    at = goto(new_app(), BANK)
    table = at.dataframe[0].value
    at.session_state["bank_table"] = {"selection": {"rows": [3], "columns": [], "cells": []}}
    at.run()
    assert_clean(at)
    assert at.selectbox(key="bank_prompt").value == table["id"].iloc[3]
    assert "id" not in at.dataframe[0].proto.column_order  # the id is data, not a column


def test_a_broken_custom_bank_shows_an_error_page_with_the_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "mine.yaml").write_text("category: mine\ntitle: Mine\nprompts: []\n")
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30
    ).run()
    assert_clean(at)
    assert current_page(at) == "The question bank has errors"
    assert "mine.yaml" in texts(at.code)


def test_the_bank_shows_practised_best_score_and_last_practised(services) -> None:
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    goto(at, BANK)
    table = at.dataframe[0].value.set_index("id")
    row = table.loc[framing_prompt_id()]
    assert row["Practised"] == 1
    assert row["Best score"] == attempts.list_attempts(*services)[0].overall
    assert row["Last practised"] is not None
    assert table["Practised"].sum() == 1
    # Labels, not keys: element names and category titles.
    assert "Who (user)" in " ".join(table["Expects"])
    assert not any("_" in value for value in table["Expects"])
