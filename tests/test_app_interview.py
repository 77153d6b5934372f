"""The AI features in the app (AppTest): without a key everything works and the app says what
is missing; with the fake endpoint the judge, hybrid marks, the fallback notice, follow-ups,
a mock interview and a transcribed recording."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.services import attempts, transcription
from tests.fake_openai import FAKE_TRANSCRIPT, FakeOpenAI, error_reply, running_fake
from tests.test_app_support import (
    ML_FIRST,
    SETTINGS,
    assert_clean,
    current_page,
    framing_prompt_id,
    goto,
    new_app,
    plotly_specs,
    submit,
    texts,
)
from tests.test_services_interviewer import wav

INTERVIEW = "coach/pages/interview.py"
MOCK = "coach/pages/mock_interview.py"
METRIC_REPLY = (
    "Success means median handle time per ticket falls from 9 to 6 minutes, with CSAT as a "
    "guardrail that must not drop."
)


@pytest.fixture
def offline(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("OPENAI_BASE_URL", "COACH_SCORER", "COACH_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return data_dir


@pytest.fixture
def endpoint(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with running_fake() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
        monkeypatch.setenv("COACH_LLM_BUDGET_S", "1.5")
        monkeypatch.delenv("COACH_SCORER", raising=False)
        yield fake


def captions(at) -> str:  # type: ignore[no-untyped-def]
    return texts(at.caption)


# --- without a key ------------------------------------------------------------------------------


def test_without_a_key_the_app_says_what_is_missing_and_scores_with_rules(
    offline: Path, services
) -> None:
    at = new_app()
    assert "needs an OpenAI-compatible endpoint" in captions(at), "the recorder says so"
    at = goto(at, SETTINGS)
    assert "OPENAI_API_KEY" in texts(at.info) and "OPENAI_BASE_URL" in texts(at.info)
    assert at.radio(key="settings_scorer").disabled
    at = goto(at, "coach/pages/practice.py")
    at = submit(at, ML_FIRST, prompt_id=framing_prompt_id())
    assert current_page(at) == "Feedback"
    assert "Scored by rules" in captions(at)
    assert not at.warning, "no fallback notice when the rules were asked for"


def test_continue_as_an_interview_offline(offline: Path, services) -> None:
    db, user = services
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    at.button(key="feedback_interview").click().run()
    assert_clean(at)
    assert current_page(at) == "Interview"
    markdown = texts(at.markdown)
    assert "Interviewer:" in markdown
    at.text_area(key="interview_reply").input(METRIC_REPLY)
    at.button(key="interview_answer").click().run()
    assert_clean(at)
    assert "The whole conversation, scored as one answer" in texts(at.subheader)
    (timeline,) = plotly_specs(at)
    notes = [a.get("text") for a in timeline["layout"].get("annotations", [])]
    assert "follow-up 1" in notes, "the timeline marks where the follow-up answer starts"
    assert at.button(key="interview_another")
    first = attempts.list_attempts(db, user)[0]
    assert first.overall is not None


def test_a_mock_interview_offline(offline: Path, services) -> None:
    at = goto(new_app(), MOCK)
    at.selectbox(key="mock_source").select("ai-product-design").run()
    at.button(key="mock_start").click().run()
    assert_clean(at)
    for _ in range(3):
        at.text_area(key="mock_answer").input(ML_FIRST)
        at.button(key="mock_submit").click().run()
        assert_clean(at)
        assert "Interviewer:" in texts(at.markdown)
        at.text_area(key="mock_reply").input("We would track engagement and CSAT.")
        at.button(key="mock_reply_submit").click().run()
        assert_clean(at)
    assert "Summary" in texts(at.subheader)
    table = at.dataframe[0].value
    assert len(table) == 3 and table["Score"].notna().all()
    assert "Red flags that came back" in texts(at.markdown)


# --- with the fake endpoint ---------------------------------------------------------------------


def choose_scorer(at, name: str):  # type: ignore[no-untyped-def]
    at = goto(at, SETTINGS)
    at.radio(key="settings_scorer").set_value(name).run()
    assert_clean(at)
    return goto(at, "coach/pages/practice.py")


def test_hybrid_marks_disagreements_and_records_the_cost(endpoint: FakeOpenAI, services) -> None:
    db, user = services
    at = choose_scorer(new_app(), "hybrid")
    at = submit(at, ML_FIRST, prompt_id=framing_prompt_id())
    assert current_page(at) == "Feedback"
    assert "AI judge" in captions(at) and "ungrounded quote" in captions(at)
    assert "Rules and AI judge disagree" in texts(at.markdown)
    assert "the rules say" in texts(at.markdown)
    view = attempts.get_attempt(db, user, attempts.list_attempts(db, user)[0].id)
    assert view.report is not None and view.report.scorer.name == "hybrid"
    request = endpoint.chat_requests()[0]
    assert ML_FIRST in request.messages[-1]["content"]
    assert ML_FIRST not in request.messages[0]["content"]
    at = goto(at, "coach/pages/progress.py")
    assert "AI judge usage" in texts(at.subheader)
    usage = at.dataframe[-1].value  # the last table on Progress
    assert list(usage["Tokens"]) == [1150] and list(usage["Scorer"]) == ["hybrid"]
    assert usage["Est. cost (US$)"].iloc[0] == pytest.approx(0.000285)


def test_a_dead_endpoint_gives_the_rule_report_with_a_notice(
    endpoint: FakeOpenAI, services
) -> None:
    db, user = services
    endpoint.push("chat", *[error_reply(500, "overloaded") for _ in range(30)])
    at = choose_scorer(new_app(), "llm")
    at = submit(at, ML_FIRST, prompt_id=framing_prompt_id())
    assert current_page(at) == "Feedback"
    assert "The AI judge was unavailable" in texts(at.warning)
    stored = attempts.list_attempts(db, user)
    assert stored[0].status == "scored", "the answer is stored and scored by the rules"


def test_follow_up_from_the_llm_interviewer(endpoint: FakeOpenAI, services) -> None:
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    at.button(key="feedback_interview").click().run()
    assert_clean(at)
    assert "How would you know it worked?" in texts(at.markdown)
    assert "AI interviewer" in captions(at)


def test_a_recording_is_transcribed_into_the_answer_box(endpoint: FakeOpenAI, services) -> None:
    db, user = services
    at = new_app()
    at.audio_input(key="practice_audio").upload("rec.wav", wav(1.0), "audio/wav").run()
    assert_clean(at)
    at.button(key="practice_transcribe").click().run()
    assert_clean(at)
    assert at.text_area(key="practice_answer").value == FAKE_TRANSCRIPT
    assert "words/min (measured)" in captions(at) and "long pause" in captions(at)
    at.checkbox(key="practice_keep_audio").check().run()
    at.button(key="practice_submit").click().run()
    assert_clean(at)
    stored = attempts.list_attempts(db, user)[0]
    assert transcription.kept_audio(db, user, stored.id) is not None


def test_a_recording_is_not_kept_without_consent(endpoint: FakeOpenAI, services) -> None:
    db, user = services
    at = new_app()
    at.audio_input(key="practice_audio").upload("rec.wav", wav(1.0), "audio/wav").run()
    at.button(key="practice_transcribe").click().run()
    at.button(key="practice_submit").click().run()
    assert_clean(at)
    stored = attempts.list_attempts(db, user)[0]
    assert transcription.kept_audio(db, user, stored.id) is None
