"""The Practice page when the database fails during Submit: the typed answer stays on screen,
a plain message says why it was not saved, and Submit again saves it once the database is back
(PostgreSQL database dropped under the app; coach.db made read-only under the app)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.db.database import open_database
from coach.services import attempts
from coach.services.users import local_learner
from coach.settings import load_settings
from tests.conftest import ScratchDatabase, run_script_as_plain_user
from tests.test_app_support import (
    FRAMED,
    assert_clean,
    choose_prompt,
    current_page,
    framing_prompt_id,
    new_app,
    texts,
)


@pytest.mark.postgres
def test_a_dropped_database_keeps_the_answer_on_screen_and_retry_saves_it(
    data_dir: Path, scratch: ScratchDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_DATABASE_URL", scratch.url)
    at = new_app()
    choose_prompt(at, framing_prompt_id())
    at.text_area(key="practice_answer").input(FRAMED)

    scratch.drop()
    at.button(key="practice_submit").click().run()
    assert_clean(at)
    assert current_page(at) == "Practice"
    assert at.text_area(key="practice_answer").value == FRAMED
    message = texts(at.error)
    assert message.startswith("Your answer could not be saved: Cannot reach the database server")
    assert "does not exist" in message
    assert "click Submit for feedback again" in message

    scratch.create()  # back, empty: the app migrates it again and finds its learner anew
    at.button(key="practice_submit").click().run()
    assert_clean(at)
    assert current_page(at) == "Feedback"
    db = open_database(load_settings())
    try:
        stored = attempts.list_attempts(db, local_learner(db))
        assert len(stored) == 1
        assert attempts.get_attempt(db, local_learner(db), stored[0].id).answer == FRAMED
    finally:
        db.close()


@pytest.mark.postgres
def test_a_database_lost_after_the_answer_is_saved_clears_the_box_and_says_where_it_is(
    data_dir: Path, scratch: ScratchDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_DATABASE_URL", scratch.url)
    real_scorer = attempts.run_scorer

    def run_scorer_while_the_server_goes_down(row, scorer):  # type: ignore[no-untyped-def]
        scratch.go_down()  # the answer is committed; its score will not be
        return real_scorer(row, scorer)

    monkeypatch.setattr(attempts, "run_scorer", run_scorer_while_the_server_goes_down)
    at = new_app()
    choose_prompt(at, framing_prompt_id())
    at.text_area(key="practice_answer").input(FRAMED)
    at.button(key="practice_submit").click().run()
    assert_clean(at)
    assert current_page(at) == "Practice"
    message = texts(at.warning)
    assert message.startswith("Your answer is saved, but its score could not be")
    assert "open the answer from Progress and click Retry scoring" in message
    # The box is empty, so a second Submit cannot store the same answer twice.
    assert not at.text_area(key="practice_answer").value

    scratch.come_back()
    db = open_database(load_settings())
    try:
        (stored,) = attempts.list_attempts(db, local_learner(db))
        assert (stored.status, attempts.get_attempt(db, local_learner(db), stored.id).answer) == (
            "pending",
            FRAMED,
        )
    finally:
        db.close()


# AppTest as a plain user (root ignores file modes): make coach.db read-only under the running
# app, submit, make it writable again, submit again.
_READ_ONLY_APP = """
import json, os, sys
from pathlib import Path
os.environ["COACH_DATA_DIR"] = sys.argv[1]
from tests.test_app_support import APP, choose_prompt, current_page, texts
from streamlit.testing.v1 import AppTest
from coach.ui.frame import FRAME_KEY

at = AppTest.from_file(str(APP), default_timeout=30).run()
choose_prompt(at, sys.argv[2])
at.text_area(key="practice_answer").input(sys.argv[3])
folder = Path(sys.argv[1])
(folder / "coach.db").chmod(0o444)
# An open descriptor keeps writing; the failure comes with the next connection.
at.session_state[FRAME_KEY].db.engine.dispose()
at.button(key="practice_submit").click().run()
out = {
    "exceptions": [item.message for item in at.exception],
    "page": current_page(at),
    "answer": at.text_area(key="practice_answer").value,
    "error": texts(at.error),
}
for path in folder.glob("coach.db*"):
    path.chmod(0o644)
at.button(key="practice_submit").click().run()
out["retry_exceptions"] = [item.message for item in at.exception]
out["retry_page"] = current_page(at)
print(json.dumps(out))
"""


def test_a_read_only_database_file_keeps_the_answer_on_screen_and_retry_saves_it(
    data_dir: Path,
) -> None:
    open_database(load_settings()).close()
    out = run_script_as_plain_user(_READ_ONLY_APP, str(data_dir), framing_prompt_id(), FRAMED)
    assert out["exceptions"] == []
    assert (out["page"], out["answer"]) == ("Practice", FRAMED)
    assert out["error"].startswith("Your answer could not be saved: Cannot write to the database")
    assert "attempt to write a readonly database" in out["error"]
    assert (out["retry_exceptions"], out["retry_page"]) == ([], "Feedback")
    db = open_database(load_settings())
    try:
        (stored,) = attempts.list_attempts(db, local_learner(db))
        assert attempts.get_attempt(db, local_learner(db), stored.id).answer == FRAMED
    finally:
        db.close()
