"""Follow-up questions (offline and through the fake endpoint), interviews scored as one
conversation, mock interviews, spoken answers and the schema that stores them."""

from __future__ import annotations

import io
import json
import random
import wave
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from coach.db.database import Database, alembic_config
from coach.errors import AccessDeniedError, CoachError, EmptyAnswerError
from coach.services import attempts, data_io, interviewer, transcription
from coach.services.llm_client import LLMClient
from coach.services.users import UserContext
from coach.settings import Settings
from question_bank import Bank, Prompt
from scoring import analyze
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER
from tests.fake_openai import FAKE_TRANSCRIPT, FakeOpenAI, chat_reply, error_reply

NO_METRIC = (
    "Tier-1 support agents handling 60 tickets a day retype the same boilerplate and customers "
    "wait hours. I'd build a drafting assistant over the help centre that agents edit and send."
)
STORY_NO_RESULT = (
    "At my last company our invoice model failed for German suppliers. I pulled the error "
    "logs, labelled 400 invoices with the finance team and retrained with a golden set."
)
METRIC_REPLY = (
    "Success means median handle time per ticket falls from 9 to 6 minutes, with CSAT and "
    "reopen rate as guardrails that must not drop."
)


def submit(
    db: Database,
    user: UserContext,
    prompt: Prompt,
    answer: str,
    scorer: interviewer.Scorer | None = None,
) -> attempts.AttemptView:
    """Submit an answer started three minutes ago (with the rules, or ``scorer``)."""
    return attempts.submit_answer(
        db,
        user,
        prompt=prompt,
        answer=answer,
        mode="practice",
        level="pm",
        started_at=datetime.now(UTC) - timedelta(minutes=3),
        scorer=scorer,
    )


# --- choosing the follow-up --------------------------------------------------------------------


def test_no_metric_gets_how_would_you_know_it_worked(prompt: Prompt) -> None:
    report = analyze(NO_METRIC, prompt.to_spec(), "pm")
    question = interviewer.offline_question(report, prompt, NO_METRIC, [])
    assert question is not None and question.text == "How would you know it worked?"
    assert question.source == "gap" and question.targets == "metrics"


def test_a_story_with_no_result_gets_what_happened_in_the_end(bank: Bank) -> None:
    story = next(p for p in bank.prompts if "result" in p.moves)
    report = analyze(STORY_NO_RESULT, story.to_spec(), "pm")
    question = interviewer.offline_question(report, story, STORY_NO_RESULT, [])
    assert question is not None and question.text == "What happened in the end?"
    ended = STORY_NO_RESULT + " In the end accuracy rose to 94% and auto-posting resumed."
    again = interviewer.offline_question(analyze(ended, story.to_spec(), "pm"), story, ended, [])
    assert again is None or again.text != "What happened in the end?"


def test_offline_follow_ups_move_on_to_the_bank_and_then_run_out(prompt: Prompt) -> None:
    report = analyze(STRONG_ANSWER, prompt.to_spec(), "pm")
    asked: list[str] = []
    while (
        question := interviewer.offline_question(report, prompt, STRONG_ANSWER, asked)
    ) is not None:
        asked.append(question.text)
        assert len(asked) < 20
    assert asked[-len(prompt.follow_ups) :] == list(prompt.follow_ups)
    assert len(set(asked)) == len(asked), "no question twice"


def test_the_llm_interviewer_asks_with_the_answer_delimited(
    llm_settings: Settings, fake_openai: FakeOpenAI, prompt: Prompt
) -> None:
    fake_openai.push(
        "chat",
        chat_reply(
            json.dumps({"question": "What would make you roll it back?", "targets": "risks"})
        ),
    )
    report = analyze(NO_METRIC, prompt.to_spec(), "pm")
    question = interviewer.next_question(
        report,
        prompt,
        NO_METRIC,
        ["Earlier question?"],
        client_factory=lambda: LLMClient(llm_settings),
    )
    assert question == interviewer.Question("What would make you roll it back?", "llm", "risks")
    system, user = fake_openai.chat_requests()[0].messages
    assert NO_METRIC not in system["content"] and "Earlier question?" in system["content"]
    assert "<answer>\n" + NO_METRIC + "\n</answer>" in user["content"]
    assert "metrics" in system["content"], "the gaps found by the rules steer the question"


def test_an_llm_failure_falls_back_to_the_offline_question(
    llm_settings: Settings, fake_openai: FakeOpenAI, prompt: Prompt
) -> None:
    settings = llm_settings.model_copy(update={"llm_budget_s": 0.5})
    fake_openai.push("chat", *[error_reply(500, "down") for _ in range(10)])
    report = analyze(NO_METRIC, prompt.to_spec(), "pm")
    question = interviewer.next_question(
        report, prompt, NO_METRIC, [], client_factory=lambda: LLMClient(settings)
    )
    assert question is not None and question.source == "gap"


# --- interviews --------------------------------------------------------------------------------


def test_an_interview_is_scored_as_one_conversation(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt
) -> None:
    view = submit(db, user, prompt, NO_METRIC)
    assert view.report is not None and not view.report.coverage["metrics"].present
    interview = interviewer.start_interview(db, user, view.id, bank=_bank_with(prompt))
    assert interview.pending is not None
    assert interview.pending.question == "How would you know it worked?"
    with pytest.raises(EmptyAnswerError):
        interviewer.answer_follow_up(db, user, interview.id, "   ")
    with pytest.raises(AccessDeniedError):
        interviewer.answer_follow_up(db, other_user, interview.id, METRIC_REPLY)
    done = interviewer.answer_follow_up(db, user, interview.id, METRIC_REPLY)
    assert done.status == "scored" and done.report is not None
    assert done.report.coverage["metrics"].present, "the follow-up answer counts"
    assert done.report.overall > view.report.overall
    turns = done.report.extras["turns"]
    assert [t["question"] for t in turns] == [prompt.text, "How would you know it worked?"]
    transcript = done.transcript
    assert transcript[turns[1]["start"] : turns[1]["end"]] == METRIC_REPLY
    assert transcript[: turns[0]["end"]] == NO_METRIC
    evidence = done.report.coverage["metrics"].evidence[0]
    assert evidence.start >= turns[1]["start"], "the timeline spans both turns"
    following = interviewer.ask_another(db, user, interview.id, bank=_bank_with(prompt))
    assert following.pending is not None and following.pending.position == 2


def test_an_interview_reply_is_kept_when_scoring_fails(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    view = submit(db, user, prompt, NO_METRIC)
    interview = interviewer.start_interview(db, user, view.id, bank=_bank_with(prompt))

    def broken(*_args: object) -> None:
        raise CoachError("scorer exploded")

    result = interviewer.answer_follow_up(db, user, interview.id, METRIC_REPLY, scorer=broken)  # type: ignore[arg-type]
    assert result.status == "not_scored" and "scorer exploded" in (result.error or "")
    assert result.turns[0].answer == METRIC_REPLY


def test_deleting_everything_removes_interviews_and_mocks(
    db: Database, user: UserContext, bank: Bank
) -> None:
    mock = _finished_mock(db, user, bank)
    data_io.delete_all(db, user)
    with pytest.raises(AccessDeniedError):
        interviewer.get_mock(db, user, mock.id, bank=bank)


# --- mock interviews ---------------------------------------------------------------------------


def _finished_mock(db: Database, user: UserContext, bank: Bank) -> interviewer.MockView:
    prompts = interviewer.choose_mock_prompts(
        db,
        user,
        bank,
        count=3,
        category="ai-product-design",
        now=datetime.now(UTC),
        rng=random.Random(7),
    )
    assert {p.category for p in prompts} == {"ai-product-design"} and len(set(prompts)) == 3
    mock = interviewer.start_mock(db, user, prompts, level="pm", chosen_by="ai-product-design")
    for index in range(3):
        assert mock.current == index and mock.questions[index].stage == "answer"
        mock = interviewer.answer_mock_question(
            db,
            user,
            mock.id,
            bank=bank,
            answer=WEAK_ANSWER,
            started_at=datetime.now(UTC) - timedelta(seconds=90),
        )
        assert mock.questions[index].stage == "follow_up"
        pending = mock.questions[index].interview
        assert pending is not None and pending.pending is not None
        interviewer.answer_follow_up(db, user, pending.id, "We would track engagement.")
        mock = interviewer.get_mock(db, user, mock.id, bank=bank)
    return mock


def test_a_mock_interview_chains_timed_questions_and_sums_up(
    db: Database, user: UserContext, bank: Bank
) -> None:
    mock = _finished_mock(db, user, bank)
    assert mock.current is None
    history = attempts.list_attempts(db, user)
    assert len(history) == 3 and {a.prompt_id for a in history} == {
        q.prompt.id for q in mock.questions
    }
    summary = interviewer.mock_summary(mock)
    assert [row[0] for row in summary.scores] == [q.prompt.id for q in mock.questions]
    assert all(row[2] is not None and row[3] >= 90 for row in summary.scores)
    recurring = dict(summary.recurring_flags)
    assert "missing-metrics" in recurring or "vague-metric" in recurring
    assert all(count >= 2 for count in recurring.values())
    assert summary.practise_next and "Retry the weakest question" in summary.practise_next[-1]


def test_recommended_mock_prompts_are_distinct(db: Database, user: UserContext, bank: Bank) -> None:
    prompts = interviewer.choose_mock_prompts(
        db, user, bank, count=5, category=None, now=datetime.now(UTC)
    )
    assert len({p.id for p in prompts}) == 5
    with pytest.raises(ValueError):
        interviewer.choose_mock_prompts(
            db, user, bank, count=6, category=None, now=datetime.now(UTC)
        )


# --- spoken answers ----------------------------------------------------------------------------


def wav(seconds: float) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * int(16000 * seconds))
    return buffer.getvalue()


def test_a_transcription_with_speech_stats(llm_settings: Settings, fake_openai: FakeOpenAI) -> None:
    result = transcription.transcribe(LLMClient(llm_settings), wav(1.0))
    assert result.text == FAKE_TRANSCRIPT and result.duration_s == 12.0
    request = next(r for r in fake_openai.requests if "/audio/transcriptions" in r.path)
    assert b"whisper-1" in request.raw and b"RIFF" in request.raw
    stats = transcription.speech_stats(
        result.text, duration_s=result.duration_s, segments=result.segments
    )
    assert stats.measured and stats.words_per_minute == round(len(FAKE_TRANSCRIPT.split()) / 0.2)
    assert stats.fillers == {"um": 1, "basically": 1, "like": 1}
    assert stats.fillers_per_minute == 15.0
    assert stats.long_pauses == 1


def test_typed_text_gets_the_same_filler_statistics() -> None:
    stats = transcription.speech_stats("Um, you know, it is basically, like, fine. " * 2)
    assert not stats.measured and stats.long_pauses is None
    assert stats.fillers == {"um": 2, "you know": 2, "basically": 2, "like": 2}
    assert transcription.wav_duration(wav(2.5)) == pytest.approx(2.5)


def test_a_failed_transcription_says_why(llm_settings: Settings, fake_openai: FakeOpenAI) -> None:
    settings = llm_settings.model_copy(update={"llm_budget_s": 0.5})
    fake_openai.push("audio", error_reply(400, "unsupported audio format"))
    with pytest.raises(Exception, match="unsupported audio format"):
        transcription.transcribe(LLMClient(settings), wav(0.5))
    with pytest.raises(ValueError, match="empty"):
        transcription.transcribe(LLMClient(settings), b"")


def test_audio_is_kept_only_on_request_and_only_for_its_owner(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt
) -> None:
    view = submit(db, user, prompt, NO_METRIC)
    assert transcription.kept_audio(db, user, view.id) is None
    transcription.keep_audio(db, user, view.id, wav(0.2), mime="audio/wav")
    kept = transcription.kept_audio(db, user, view.id)
    assert kept is not None and kept[1] == "audio/wav" and kept[0][:4] == b"RIFF"
    assert transcription.kept_audio(db, other_user, view.id) is None
    with pytest.raises(AccessDeniedError):
        transcription.keep_audio(db, other_user, view.id, b"x", mime="audio/wav")
    attempts.delete_attempt(db, user, view.id)
    assert transcription.kept_audio(db, user, view.id) is None


# --- schema ------------------------------------------------------------------------------------


def test_revision_0005_adds_and_removes_the_llm_tables(fresh_database_url: str) -> None:
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", fresh_database_url)
    new = {"judge_cache", "interviews", "interview_turns", "mock_interviews", "attempt_audio"}
    command.upgrade(config, "head")
    engine = create_engine(fresh_database_url)
    try:
        assert new <= set(inspect(engine).get_table_names())
        columns = {c["name"] for c in inspect(engine).get_columns("attempts")}
        assert {"scorer_name", "llm_tokens", "llm_cost_usd"} <= columns
        command.downgrade(config, "0002")
        inspect_after = inspect(engine)
        assert not new & set(inspect_after.get_table_names())
        assert "llm_tokens" not in {c["name"] for c in inspect_after.get_columns("attempts")}
        command.upgrade(config, "head")
    finally:
        engine.dispose()


def _bank_with(prompt: Prompt) -> Bank:
    """The shipped bank plus the test prompt (which the shipped bank does not have)."""
    from question_bank import load_bank

    shipped = load_bank()
    return Bank([*shipped.prompts, prompt], shipped.categories, {})
