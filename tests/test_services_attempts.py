"""Attempts: stored before scored, never lost, always scoped to their owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

import scoring
from coach.db.database import Database
from coach.db.models import Attempt, AttemptFlag
from coach.errors import AccessDeniedError, AnswerTooLongError, CoachError, EmptyAnswerError
from coach.services import attempts
from coach.services.users import UserContext
from question_bank import Prompt
from scoring import MAX_WORDS, Report
from scoring import AnswerTooLongError as EngineTooLongError
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER

T0 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)


def _submit(
    db: Database,
    user: UserContext,
    prompt: Prompt,
    answer: str,
    *,
    at: datetime = T0,
    level: str = "pm",
) -> attempts.AttemptView:
    return attempts.submit_answer(
        db,
        user,
        prompt=prompt,
        answer=answer,
        mode="practice",
        level=level,
        started_at=at - timedelta(minutes=6),
        submitted_at=at,
    )


def _count(db: Database) -> tuple[int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Attempt)) or 0,
            session.scalar(select(func.count()).select_from(AttemptFlag)) or 0,
        )


def test_submitting_stores_and_scores_with_the_real_engine(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    view = _submit(db, user, prompt, WEAK_ANSWER)
    assert view.status == "scored"
    assert view.error is None
    assert view.report is not None
    assert view.report == scoring.analyze(WEAK_ANSWER, prompt.to_spec(), "pm")
    assert view.scorer_version == scoring.SCORER_VERSION
    assert view.prompt_id == prompt.id
    assert view.category == prompt.category
    assert view.submitted_at == T0
    assert view.user_id == user.user_id
    assert not view.is_demo
    with db.session() as session:
        row = session.get(Attempt, view.id)
        assert row is not None
        assert row.overall == view.report.overall
        assert row.framing == view.report.dimensions["framing"].score
        assert [f.flag_id for f in row.flags] == view.report.flag_ids()
        assert [(f.span_start, f.span_end) for f in row.flags] == [
            (f.start, f.end) for f in view.report.flags
        ]


def test_the_answer_is_committed_before_the_scorer_runs_and_survives_its_failure(
    db: Database, user: UserContext, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_by_scorer: list[tuple[str, str]] = []

    def broken_scorer(answer: str, spec: scoring.PromptSpec, level: str) -> Report:
        # A separate session sees only committed data: the answer must already be there.
        with db.session() as session:
            row = session.scalars(select(Attempt)).one()
            seen_by_scorer.append((row.status, row.answer))
        raise RuntimeError("scorer exploded")

    monkeypatch.setattr(attempts, "analyze", broken_scorer)
    view = _submit(db, user, prompt, STRONG_ANSWER)

    assert seen_by_scorer == [("pending", STRONG_ANSWER)]
    assert view.status == "not_scored"
    assert view.error == "RuntimeError: scorer exploded"
    assert view.answer == STRONG_ANSWER
    assert view.report is None
    stored = attempts.get_attempt(db, user, view.id)
    assert (stored.status, stored.answer) == ("not_scored", STRONG_ANSWER)

    monkeypatch.undo()
    retried = attempts.retry_scoring(db, user, view.id)
    assert retried.status == "scored"
    assert retried.error is None
    assert retried.report is not None
    assert retried.report.overall > 80
    assert attempts.get_attempt(db, user, view.id).status == "scored"


def test_retrying_a_scored_attempt_changes_nothing(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    view = _submit(db, user, prompt, WEAK_ANSWER)
    assert attempts.retry_scoring(db, user, view.id) == view


@pytest.mark.parametrize("answer", ["", "   ", "\n\t \n"])
def test_an_empty_answer_is_refused_and_nothing_is_stored(
    db: Database, user: UserContext, prompt: Prompt, answer: str
) -> None:
    with pytest.raises(EmptyAnswerError):
        _submit(db, user, prompt, answer)
    assert _count(db) == (0, 0)


def test_an_over_long_answer_is_refused_before_storing(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    with pytest.raises(AnswerTooLongError) as caught:
        _submit(db, user, prompt, "word " * (MAX_WORDS + 1))
    assert caught.value.words == MAX_WORDS + 1
    assert isinstance(caught.value, CoachError)  # the page catches one error family
    assert _count(db) == (0, 0)
    # Exactly at the limit is still accepted.
    assert _submit(db, user, prompt, "word " * MAX_WORDS).status == "scored"


def test_a_too_long_verdict_from_the_engine_itself_also_stores_nothing(
    db: Database, user: UserContext, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    def strict_engine(answer: str, spec: scoring.PromptSpec, level: str) -> Report:
        raise EngineTooLongError(MAX_WORDS + 5, MAX_WORDS)

    monkeypatch.setattr(attempts, "analyze", strict_engine)
    with pytest.raises(AnswerTooLongError):
        _submit(db, user, prompt, WEAK_ANSWER)
    assert _count(db) == (0, 0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mode", "exam", "mode must be one of practice, timed"),
        ("level", "cto", "level must be one of apm, pm, senior"),
        ("started_at", datetime(2025, 5, 5, 9, 0), "timezone-aware"),
    ],
)
def test_bad_choices_are_refused_before_storing(
    db: Database, user: UserContext, prompt: Prompt, field: str, value: object, message: str
) -> None:
    arguments: dict[str, object] = {
        "prompt": prompt,
        "answer": WEAK_ANSWER,
        "mode": "practice",
        "level": "pm",
        "started_at": T0,
    }
    arguments[field] = value
    with pytest.raises(ValueError, match=message):
        attempts.submit_answer(db, user, **arguments)  # type: ignore[arg-type]
    assert _count(db) == (0, 0)


@pytest.mark.parametrize(
    "answer",
    [
        "Users 👩‍⚕️ nurses on night shifts 🌙 need fewer handovers; metric: handover time ⏱️.",
        "المستخدم هو الممرضة في نوبة الليل، والمشكلة هي وقت التسليم. עברית גם כן.",
        "<script>alert('x')</script> <b>who</b>: nurses &amp; doctors; why: 'quotes' \"too\"",
        "Tabs\tand\r\nWindows line ends\rand a NUL-free \u200b zero-width space and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ],
    ids=["emoji", "rtl", "html", "whitespace"],
)
def test_unusual_text_round_trips_exactly(
    db: Database, user: UserContext, prompt: Prompt, answer: str
) -> None:
    view = _submit(db, user, prompt, answer)
    assert attempts.get_attempt(db, user, view.id).answer == answer
    with db.session() as session:
        row = session.get(Attempt, view.id)
        assert row is not None
        assert row.answer == answer


def test_nul_and_lone_surrogates_are_stored_as_replacement_characters(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    view = _submit(db, user, prompt, "Night-shift nurses\x00 lose time \ud800 on handovers.")
    stored = attempts.get_attempt(db, user, view.id).answer
    assert stored == "Night-shift nurses\ufffd lose time \ufffd on handovers."
    assert view.status == "scored"


def test_another_user_cannot_read_retry_compare_or_delete_an_attempt(
    db: Database, user: UserContext, other_user: UserContext, prompt: Prompt
) -> None:
    mine = _submit(db, user, prompt, WEAK_ANSWER)
    with pytest.raises(AccessDeniedError, match=str(mine.id)):
        attempts.get_attempt(db, other_user, mine.id)
    with pytest.raises(AccessDeniedError):
        attempts.retry_scoring(db, other_user, mine.id)
    with pytest.raises(AccessDeniedError):
        attempts.feedback_view(db, other_user, mine.id)
    with pytest.raises(AccessDeniedError):
        attempts.delete_attempt(db, other_user, mine.id)
    assert attempts.list_attempts(db, other_user) == []
    assert attempts.history_items(db, other_user) == []
    # Still there for its owner.
    assert attempts.get_attempt(db, user, mine.id).answer == WEAK_ANSWER


def test_a_missing_attempt_reads_as_access_denied(db: Database, user: UserContext) -> None:
    with pytest.raises(AccessDeniedError, match="not found"):
        attempts.get_attempt(db, user, 999_999)


def test_deleting_removes_the_attempt_and_its_flags(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    view = _submit(db, user, prompt, WEAK_ANSWER)
    assert _count(db)[1] > 0
    attempts.delete_attempt(db, user, view.id)
    assert _count(db) == (0, 0)
    with pytest.raises(AccessDeniedError):
        attempts.delete_attempt(db, user, view.id)


def test_list_attempts_is_newest_first_filters_and_carries_flag_ids(
    db: Database, user: UserContext, prompt: Prompt, other_prompt: Prompt
) -> None:
    first = _submit(db, user, prompt, WEAK_ANSWER, at=T0)
    second = _submit(db, user, other_prompt, STRONG_ANSWER, at=T0 + timedelta(days=1))
    third = _submit(db, user, prompt, STRONG_ANSWER, at=T0 + timedelta(days=2))

    listed = attempts.list_attempts(db, user)
    assert [a.id for a in listed] == [third.id, second.id, first.id]
    assert listed[-1].flag_ids == tuple(first.report.flag_ids())  # type: ignore[union-attr]
    assert listed[-1].overall == first.report.overall  # type: ignore[union-attr]
    assert [a.id for a in attempts.list_attempts(db, user, prompt_id=prompt.id)] == [
        third.id,
        first.id,
    ]
    assert [a.id for a in attempts.list_attempts(db, user, category=other_prompt.category)] == [
        second.id
    ]
    limited = attempts.list_attempts(db, user, limit=1)
    assert [(a.id, a.flag_ids) for a in limited] == [(third.id, listed[0].flag_ids)]


def test_previous_attempt_and_compare_show_what_improved(
    db: Database, user: UserContext, prompt: Prompt, other_prompt: Prompt
) -> None:
    weak = _submit(db, user, prompt, WEAK_ANSWER, at=T0)
    _submit(db, user, other_prompt, WEAK_ANSWER, at=T0 + timedelta(hours=1))
    strong = _submit(db, user, prompt, STRONG_ANSWER, at=T0 + timedelta(days=1))

    feedback = attempts.feedback_view(db, user, strong.id)
    previous = feedback.previous
    assert previous is not None
    assert previous.id == weak.id
    assert feedback.comparison == attempts.compare(previous, strong, expects=prompt.expects)
    assert attempts.feedback_view(db, user, weak.id).previous is None

    comparison = attempts.compare(previous, strong)
    assert weak.report is not None
    assert strong.report is not None
    assert comparison.score_delta == strong.report.overall - weak.report.overall > 0
    assert "solution-first" in comparison.fixed_flags
    weak_flags, strong_flags = set(weak.report.flag_ids()), set(strong.report.flag_ids())
    assert set(comparison.fixed_flags) == weak_flags - strong_flags
    assert set(comparison.new_flags) == strong_flags - weak_flags
    assert {"why", "metrics", "eval_criteria"} <= set(comparison.newly_covered)
    assert "tech" not in comparison.newly_covered + comparison.still_missing
    narrowed = attempts.compare(previous, strong, expects=prompt.expects)
    assert set(narrowed.newly_covered) <= set(prompt.expects)
    assert narrowed.still_missing == ()


def test_previous_attempt_skips_unscored_ones(
    db: Database, user: UserContext, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = _submit(db, user, prompt, WEAK_ANSWER, at=T0)
    monkeypatch.setattr(attempts, "analyze", lambda *args: 1 / 0)
    _submit(db, user, prompt, WEAK_ANSWER, at=T0 + timedelta(hours=1))
    monkeypatch.undo()
    latest = _submit(db, user, prompt, STRONG_ANSWER, at=T0 + timedelta(hours=2))
    previous = attempts.feedback_view(db, user, latest.id).previous
    assert previous is not None
    assert previous.id == scored.id


def test_compare_with_an_unscored_attempt_has_no_delta(
    db: Database, user: UserContext, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = _submit(db, user, prompt, WEAK_ANSWER)
    monkeypatch.setattr(attempts, "analyze", lambda *args: 1 / 0)
    unscored = _submit(db, user, prompt, STRONG_ANSWER, at=T0 + timedelta(hours=1))
    comparison = attempts.compare(scored, unscored)
    assert comparison.score_delta is None
    assert comparison.new_flags == ()
    assert comparison.remaining_flags == ()


def test_history_items_come_from_score_columns(
    db: Database, user: UserContext, prompt: Prompt, other_user: UserContext
) -> None:
    weak = _submit(db, user, prompt, WEAK_ANSWER, at=T0)
    strong = _submit(db, user, prompt, STRONG_ANSWER, at=T0 + timedelta(days=1))
    _submit(db, other_user, prompt, STRONG_ANSWER, at=T0)
    items = attempts.history_items(db, user)
    assert [item.submitted_at for item in items] == [T0, T0 + timedelta(days=1)]
    for item, view in zip(items, (weak, strong), strict=True):
        assert view.report is not None
        assert item.prompt_id == prompt.id
        assert item.overall == view.report.overall
        assert item.flag_ids == tuple(view.report.flag_ids())
        assert item.dimensions == {name: dim.score for name, dim in view.report.dimensions.items()}


def test_a_flag_worth_checking_is_shown_but_not_counted(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    from dataclasses import replace

    view = _submit(db, user, prompt, WEAK_ANSWER)
    assert view.report is not None
    unsure_id = view.report.flags[0].id
    unsure = replace(view.report, flags=(replace(view.report.flags[0], tentative=True),))
    with db.session() as session:
        row = session.get(Attempt, view.id)
        attempts.apply_report(row, unsure)
        session.commit()
        counted = session.scalars(
            select(AttemptFlag.flag_id).where(AttemptFlag.attempt_id == view.id)
        )
        assert list(counted) == []
        stored = attempts.parse_report(session.get(Attempt, view.id).report)
    assert stored is not None
    assert [(f.id, f.tentative) for f in stored.flags] == [(unsure_id, True)]


UNSURE_ANSWER = (
    "Delays at pickup are common. We would predict courier availability with a gradient-boosted "
    "model trained on historical "
    "orders, weather and time of day, and show an honest ETA band instead of a single number. "
    "The restaurant dashboard would get a prep-time nudge. Success is the on-time rate within "
    "the promised band, with cancellations as a guardrail. Offline we backtest the ETA model on "
    "last quarter, online we A/B test against the current estimate, and when the model is "
    "unsure it widens the band rather than guessing."
)


def _design_prompt(bank) -> Prompt:
    return next(p for p in bank.prompts if p.category == "ai-product-design")


def test_the_learners_answer_to_a_question_settles_the_verdict_and_survives_rescoring(
    db: Database, user: UserContext, bank
) -> None:
    from coach.services import rescore

    view = _submit(db, user, _design_prompt(bank), UNSURE_ANSWER)
    assert view.report is not None
    (asked,) = [q for q in view.report.questions if q.element == "why"]
    assert "missing-problem" in view.report.flag_ids()
    settled = attempts.answer_question(db, user, view.id, element="why", answer=True)
    report = settled.attempt.report
    assert report is not None and report.coverage["why"].present
    assert report.coverage["why"].evidence[0].text == asked.quote
    assert "missing-problem" not in report.flag_ids()
    assert not [q for q in report.questions if q.element == "why"]
    rescore.rescore_attempts(db, only_outdated=False, user=user)
    again = attempts.get_attempt(db, user, view.id).report
    assert again is not None and again.coverage["why"].present
    assert attempts.question_answers(db) == {"why": {"yes": 1, "no": 0}}


def test_a_question_the_report_does_not_ask_is_refused(
    db: Database, user: UserContext, prompt: Prompt
) -> None:
    view = _submit(db, user, prompt, STRONG_ANSWER)
    with pytest.raises(ValueError, match="no question about 'tech'"):
        attempts.answer_question(db, user, view.id, element="tech", answer=True)
