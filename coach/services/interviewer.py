"""The interviewer: follow-up questions aimed at what an answer lacks, and mock interviews.

After feedback the learner can go on as in a real interview. The follow-up targets the most
important gap (no metric: "How would you know it worked?"; a story with no result: "What
happened in the end?"). Offline it comes from gap templates and the prompt's ``follow_ups``;
with an endpoint the LLM phrases it, and any LLM failure falls back to the offline question.
The whole exchange (the first answer and every follow-up answer) is scored as one answer, its
turns recorded so the timeline spans them. Each answer is committed before it is scored.
"""

from __future__ import annotations

import logging
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import Interview, InterviewTurn, MockInterview
from coach.errors import AccessDeniedError, CoachError, EmptyAnswerError, InterviewNotFoundError
from coach.services import attempts
from coach.services.judge import neutralise
from coach.services.llm_client import LLMClient
from coach.services.templates import render
from coach.services.users import UserContext
from question_bank import Bank, Prompt
from question_bank.selection import recommend_next
from scoring import PromptSpec, Report, ScoringError, analyze, rule_by_id

logger = logging.getLogger(__name__)

Scorer = Callable[[str, PromptSpec, str], Report]
MOCK_SIZES: tuple[int, ...] = (3, 4, 5)
TURN_SEPARATOR = "\n\n"

# Gap -> the question a real interviewer asks about it, most important gap first.
GAP_QUESTIONS: dict[str, str] = {
    "who": "Who exactly is this for? Describe the one user you would build it for first.",
    "why": "What problem does this solve for them, and how do you know it hurts?",
    "metrics": "How would you know it worked?",
    "result": "What happened in the end?",
    "eval_criteria": "How would you judge whether the model's output is good enough to ship?",
    "guardrail": "What could get worse while your main metric improves?",
    "risks": "What happens when the model gets it wrong?",
    "tradeoffs": "What would you leave out of the first version, and why?",
}
# Rule flags that point at a gap an interviewer would probe.
FLAG_GAPS: dict[str, str] = {
    "missing-user": "who",
    "generic-user": "who",
    "missing-problem": "why",
    "missing-metrics": "metrics",
    "vague-metric": "metrics",
    "missing-eval-criteria": "eval_criteria",
    "no-guardrail-metric": "guardrail",
    "no-failure-plan": "risks",
    "no-risks": "risks",
    "no-tradeoffs": "tradeoffs",
}
_RESULT = re.compile(
    r"\b(in the end|as a result|result(?:ed|s)?|outcome|ended up|we (?:shipped|launched|hit|cut|"
    r"grew|reduced|improved)|which (?:cut|grew|reduced|improved)|led to)\b|\d+\s?%",
    re.IGNORECASE,
)


class FollowUp(BaseModel):
    """The LLM interviewer's next question."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=300, description="one short follow-up question")
    targets: str = Field(max_length=40, description="the gap it probes")


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    source: str  # "gap", "bank" or "llm"
    targets: str | None


@dataclass(frozen=True, slots=True)
class TurnView:
    position: int
    question: str
    source: str
    targets: str | None
    answer: str | None


@dataclass(frozen=True, slots=True)
class InterviewView:
    """An interview as the pages show it: the first attempt, its turns and the joint report."""

    id: int
    attempt: attempts.AttemptView
    mock_id: int | None
    status: str
    turns: tuple[TurnView, ...]
    report: Report | None
    error: str | None

    @property
    def pending(self) -> TurnView | None:
        """The question waiting for an answer, if any."""
        return next((turn for turn in self.turns if turn.answer is None), None)

    @property
    def transcript(self) -> str:
        return conversation_text(self.attempt.answer, [t.answer for t in self.turns])


# --- choosing the follow-up ----------------------------------------------------------------------


def gaps(report: Report | None, prompt: Prompt | None, answer: str) -> list[str]:
    """The gaps worth a follow-up, most important first."""
    expects = set(prompt.expects) if prompt else {"who", "why", "metrics"}
    found: list[str] = []
    if report is not None:
        for element in ("who", "why", "metrics", "eval_criteria", "risks", "tradeoffs"):
            coverage = report.coverage.get(element)
            if element in expects and coverage is not None and not coverage.present:
                found.append(element)
        for flag in report.flags:
            gap = FLAG_GAPS.get(flag.id)
            if gap and gap not in found:
                found.append(gap)
    if prompt is not None and "result" in prompt.moves and not _RESULT.search(answer):
        found.insert(0, "result")  # a story with no ending is the first thing to ask about
    order = list(GAP_QUESTIONS)
    # A story is judged by its ending first; otherwise the framing gaps come first.
    return sorted(dict.fromkeys(found), key=lambda gap: (gap != "result", order.index(gap)))


def offline_question(
    report: Report | None, prompt: Prompt | None, answer: str, asked: Sequence[str]
) -> Question | None:
    """The next follow-up from gap templates, then the prompt's own follow-ups."""
    for gap in gaps(report, prompt, answer):
        if GAP_QUESTIONS[gap] not in asked:
            return Question(GAP_QUESTIONS[gap], "gap", gap)
    for text in prompt.follow_ups if prompt else ():
        if text not in asked:
            return Question(text, "bank", None)
    return None


def llm_question(
    client: LLMClient,
    report: Report | None,
    prompt: Prompt | None,
    answer: str,
    asked: Sequence[str],
) -> Question:
    """Ask the LLM interviewer for a follow-up (the candidate's words in their own message).

    Raises:
        LLMUnavailableError: no valid question within the time budget.
    """
    found = gaps(report, prompt, answer)
    system = render(
        "followup_system.md",
        prompt_text=prompt.text if prompt else "(free practice)",
        gaps="\n".join(f"- {gap}: e.g. {GAP_QUESTIONS[gap]}" for gap in found) or "- none found",
        bank_follow_ups="\n".join(f"- {text}" for text in (prompt.follow_ups if prompt else ()))
        or "- none",
        targets=", ".join([*GAP_QUESTIONS, "depth"]),
    )
    already = "\n".join(f"- {text}" for text in asked)
    if already:
        system += f"\n\nAlready asked (do not repeat):\n{already}"
    messages = [
        {"role": "system", "content": system},
        {"role": "user", "content": render("followup_answer.md", answer=neutralise(answer))},
    ]
    reply = client.structured(messages, FollowUp)
    return Question(" ".join(reply.value.question.split()), "llm", reply.value.targets[:40])


def next_question(
    report: Report | None,
    prompt: Prompt | None,
    answer: str,
    asked: Sequence[str],
    *,
    client_factory: Callable[[], LLMClient] | None = None,
) -> Question | None:
    """The LLM's follow-up when an endpoint is configured, else (or on failure) the offline one."""
    if client_factory is not None:
        try:
            return llm_question(client_factory(), report, prompt, answer, asked)
        except CoachError as error:
            logger.warning("Follow-up from the LLM failed, asking offline: %s", error)
    return offline_question(report, prompt, answer, asked)


# --- interviews --------------------------------------------------------------------------------


def conversation_text(first: str, answers: Sequence[str | None]) -> str:
    """The candidate's words across turns, as one answer to score."""
    return TURN_SEPARATOR.join([first, *(a for a in answers if a)])


def turn_spans(first: str, turns: Sequence[TurnView], prompt_text: str) -> list[dict[str, Any]]:
    """Where each turn's answer sits in the conversation text (for the timeline)."""
    spans = [{"question": prompt_text, "start": 0, "end": len(first)}]
    cursor = len(first)
    for turn in turns:
        if turn.answer is None:
            continue
        start = cursor + len(TURN_SEPARATOR)
        spans.append({"question": turn.question, "start": start, "end": start + len(turn.answer)})
        cursor = start + len(turn.answer)
    return spans


def start_interview(
    db: Database,
    user: UserContext,
    attempt_id: int,
    *,
    bank: Bank,
    client_factory: Callable[[], LLMClient] | None = None,
    mock_id: int | None = None,
) -> InterviewView:
    """Continue an attempt as an interview: the interviewer asks the first follow-up.

    Returns the open interview for the attempt if there is one already.
    """
    with db.session() as session:
        existing = repo.interview_for_attempt(session, user_id=user.user_id, attempt_id=attempt_id)
        if existing is not None and existing.status == "open":
            return _view(session, user, existing)
    view = attempts.get_attempt(db, user, attempt_id)  # AccessDeniedError for others' attempts
    prompt = bank.get(view.prompt_id) if view.prompt_id in bank else None
    question = next_question(
        view.report, prompt, view.answer, [], client_factory=client_factory
    ) or Question(GAP_QUESTIONS["tradeoffs"], "gap", "tradeoffs")
    with db.session() as session:
        row = Interview(user_id=user.user_id, attempt_id=attempt_id, mock_id=mock_id)
        row.turns = [_turn(user, 1, question)]
        session.add(row)
        session.commit()
        return _view(session, user, row)


def answer_follow_up(
    db: Database,
    user: UserContext,
    interview_id: int,
    answer: str,
    *,
    scorer: Scorer | None = None,
) -> InterviewView:
    """Store the answer to the pending question, then score the whole conversation.

    Raises:
        EmptyAnswerError: the answer is blank (nothing stored).
        AccessDeniedError: not this user's interview, or no question is waiting.
    """
    answer = attempts.storable_text(answer)
    if not answer.strip():
        raise EmptyAnswerError()
    with db.session() as session:
        row = _owned(session, user, interview_id)
        pending = next((turn for turn in row.turns if turn.answer is None), None)
        if pending is None:
            raise AccessDeniedError("This interview has no question waiting for an answer.")
        pending.answer = answer
        pending.answered_at = datetime.now(UTC)
        session.commit()  # stored first: a scorer failure cannot lose it
        _score(session, user, row, scorer)
        session.commit()
        return _view(session, user, row)


def ask_another(
    db: Database,
    user: UserContext,
    interview_id: int,
    *,
    bank: Bank,
    client_factory: Callable[[], LLMClient] | None = None,
) -> InterviewView:
    """Add the next follow-up to an interview (None left: the interview stays as it is)."""
    with db.session() as session:
        row = _owned(session, user, interview_id)
        view = _view(session, user, row)
        if view.pending is not None:
            return view
        prompt = bank.get(view.attempt.prompt_id) if view.attempt.prompt_id in bank else None
        asked = [turn.question for turn in view.turns]
        question = next_question(
            view.report or view.attempt.report,
            prompt,
            view.transcript,
            asked,
            client_factory=client_factory,
        )
        if question is None:
            return view
        row.turns.append(_turn(user, len(row.turns) + 1, question))
        row.status = "open"
        session.commit()
        return _view(session, user, row)


def get_interview(db: Database, user: UserContext, interview_id: int) -> InterviewView:
    with db.session() as session:
        return _view(session, user, _owned(session, user, interview_id))


def _turn(user: UserContext, position: int, question: Question) -> InterviewTurn:
    return InterviewTurn(
        user_id=user.user_id,
        position=position,
        question=question.text,
        source=question.source,
        targets=question.targets,
    )


def _score(session: Any, user: UserContext, row: Interview, scorer: Scorer | None) -> None:
    attempt = repo.get_attempt(session, user_id=user.user_id, attempt_id=row.attempt_id)
    if attempt is None:
        raise AccessDeniedError("The attempt behind this interview no longer exists.")
    turns = [_turn_view(turn) for turn in row.turns]
    text = conversation_text(attempt.answer, [turn.answer for turn in turns])
    try:
        report = (scorer or analyze)(text, attempts.spec_for(attempt), attempt.level)
    except (ScoringError, CoachError) as error:
        row.status, row.error = "not_scored", str(error)[: attempts.ERROR_TEXT_LIMIT]
        return
    spans = turn_spans(attempt.answer, turns, attempt.prompt_text)
    report = _with_extras(report, turns=spans)
    row.status, row.error, row.overall = "scored", None, report.overall
    row.report = report.to_json()


def _with_extras(report: Report, **extras: Any) -> Report:
    return replace(report, extras={**report.extras, **extras})


def _owned(session: Any, user: UserContext, interview_id: int) -> Interview:
    row = repo.get_interview(session, user_id=user.user_id, interview_id=interview_id)
    if row is None:
        raise InterviewNotFoundError("Interview", interview_id)
    return row


def _turn_view(turn: InterviewTurn) -> TurnView:
    return TurnView(turn.position, turn.question, turn.source, turn.targets, turn.answer)


def _view(session: Any, user: UserContext, row: Interview) -> InterviewView:
    attempt = repo.get_attempt(session, user_id=user.user_id, attempt_id=row.attempt_id)
    if attempt is None:
        raise AccessDeniedError("The attempt behind this interview no longer exists.")
    return InterviewView(
        id=row.id,
        attempt=attempts.to_view(attempt),
        mock_id=row.mock_id,
        status=row.status,
        turns=tuple(_turn_view(turn) for turn in row.turns),
        report=attempts.parse_report(row.report),
        error=row.error,
    )


# --- mock interviews ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MockQuestion:
    """One prompt of a mock interview and how far the learner got with it."""

    prompt: Prompt
    interview: InterviewView | None

    @property
    def stage(self) -> str:
        """``answer`` (not answered yet), ``follow_up`` (a question waits) or ``done``."""
        if self.interview is None:
            return "answer"
        return "follow_up" if self.interview.pending is not None else "done"

    @property
    def score(self) -> int | None:
        """The conversation's score, else the first answer's."""
        if self.interview is None:
            return None
        report = self.interview.report or self.interview.attempt.report
        return report.overall if report else None


@dataclass(frozen=True, slots=True)
class MockView:
    id: int
    level: str
    chosen_by: str
    started_at: datetime
    finished_at: datetime | None
    questions: tuple[MockQuestion, ...]

    @property
    def current(self) -> int | None:
        """Index of the question in progress (None once every question is done)."""
        return next((i for i, q in enumerate(self.questions) if q.stage != "done"), None)


@dataclass(frozen=True, slots=True)
class MockSummary:
    """The end of a mock interview: scores, recurring red flags, what to practise next."""

    scores: tuple[tuple[str, str, int | None, int, int], ...]  # id, text, score, used_s, limit_s
    average: int | None
    recurring_flags: tuple[tuple[str, int], ...]
    practise_next: tuple[str, ...]


def choose_mock_prompts(
    db: Database,
    user: UserContext,
    bank: Bank,
    *,
    count: int,
    category: str | None,
    now: datetime,
    rng: random.Random | None = None,
) -> list[Prompt]:
    """Pick the prompts: by category (shuffled), or one recommendation after another."""
    if count not in MOCK_SIZES:
        raise ValueError(f"a mock interview has {MOCK_SIZES[0]}-{MOCK_SIZES[-1]} questions")
    if category is not None:
        pool = [prompt for prompt in bank.prompts if prompt.category == category]
        (rng or random.Random()).shuffle(pool)  # noqa: S311 - practice order, not security
        if len(pool) < count:
            raise ValueError(f"category {category!r} has only {len(pool)} prompt(s)")
        return pool[:count]
    history = attempts.history_items(db, user)
    chosen: list[Prompt] = []
    for _ in range(count):
        remaining = [p for p in bank.prompts if p not in chosen]
        chosen.append(recommend_next(remaining, history, now=now).prompt)
    return chosen


def start_mock(
    db: Database,
    user: UserContext,
    prompts: Sequence[Prompt],
    *,
    level: str,
    chosen_by: str,
) -> MockView:
    """Open a mock interview over ``prompts`` (3-5 of them)."""
    if len(prompts) not in MOCK_SIZES:
        raise ValueError(f"a mock interview has {MOCK_SIZES[0]}-{MOCK_SIZES[-1]} questions")
    with db.session() as session:
        row = MockInterview(
            user_id=user.user_id,
            prompt_ids=",".join(p.id for p in prompts),
            chosen_by=chosen_by,
            level=level,
        )
        session.add(row)
        session.commit()
        mock_id = row.id
    return _mock_view(db, user, mock_id, prompts)


def get_mock(db: Database, user: UserContext, mock_id: int, *, bank: Bank) -> MockView:
    with db.session() as session:
        row = repo.get_mock_interview(session, user_id=user.user_id, mock_id=mock_id)
        if row is None:
            raise InterviewNotFoundError("Mock interview", mock_id)
        ids = row.prompt_ids.split(",")
    return _mock_view(db, user, mock_id, [bank.get(i) for i in ids if i in bank])


def answer_mock_question(
    db: Database,
    user: UserContext,
    mock_id: int,
    *,
    bank: Bank,
    answer: str,
    started_at: datetime,
    scorer: Scorer | None = None,
    client_factory: Callable[[], LLMClient] | None = None,
) -> MockView:
    """Submit the answer to the current question (timed) and get the interviewer's follow-up."""
    mock = get_mock(db, user, mock_id, bank=bank)
    index = mock.current
    if index is None or mock.questions[index].stage != "answer":
        raise AccessDeniedError("No question of this mock interview is waiting for an answer.")
    view = attempts.submit_answer(
        db,
        user,
        prompt=mock.questions[index].prompt,
        answer=answer,
        mode="timed",
        level=mock.level,
        started_at=started_at,
        scorer=scorer,
    )
    start_interview(db, user, view.id, bank=bank, client_factory=client_factory, mock_id=mock_id)
    return get_mock(db, user, mock_id, bank=bank)


def finish_mock(db: Database, user: UserContext, mock_id: int) -> None:
    with db.session() as session:
        row = repo.get_mock_interview(session, user_id=user.user_id, mock_id=mock_id)
        if row is not None and row.finished_at is None:
            row.finished_at = datetime.now(UTC)
            session.commit()


def mock_summary(mock: MockView) -> MockSummary:
    """Per-question scores, red flags that came back in two or more answers, what to practise."""
    rows = []
    flag_counts: Counter[str] = Counter()
    fixes: dict[str, str] = {}
    for question in mock.questions:
        interview = question.interview
        used = 0
        if interview is not None:
            attempt = interview.attempt
            used = round((attempt.submitted_at - attempt.started_at).total_seconds())
            report = interview.report or attempt.report
            if report is not None:
                ids = dict.fromkeys(report.flag_ids())
                flag_counts.update(list(ids))
                fixes.update({flag.id: flag.fix for flag in report.flags})
        rows.append(
            (
                question.prompt.id,
                question.prompt.text,
                question.score,
                used,
                question.prompt.time_limit_s,
            )
        )
    scored = [row[2] for row in rows if row[2] is not None]
    recurring = tuple((flag, n) for flag, n in flag_counts.most_common() if n >= 2)
    practise = [f"{_title(flag)}: {fixes[flag]}" for flag, _ in recurring[:3]]
    if not practise and flag_counts:
        flag = flag_counts.most_common(1)[0][0]
        practise = [f"{_title(flag)}: {fixes[flag]}"]
    weakest = min((row for row in rows if row[2] is not None), key=lambda r: r[2], default=None)
    if weakest is not None:
        practise.append(f"Retry the weakest question ({weakest[0]}, {weakest[2]}/100).")
    return MockSummary(
        scores=tuple(rows),
        average=round(sum(scored) / len(scored)) if scored else None,
        recurring_flags=recurring,
        practise_next=tuple(practise),
    )


def _title(flag_id: str) -> str:
    try:
        return rule_by_id(flag_id).title
    except KeyError:  # a rule retired since the answer was scored
        return flag_id


def _mock_view(
    db: Database, user: UserContext, mock_id: int, prompts: Sequence[Prompt]
) -> MockView:
    with db.session() as session:
        row = repo.get_mock_interview(session, user_id=user.user_id, mock_id=mock_id)
        if row is None:
            raise InterviewNotFoundError("Mock interview", mock_id)
        by_prompt: dict[str, InterviewView] = {}
        for interview in repo.interviews_of_mock(session, user_id=user.user_id, mock_id=mock_id):
            view = _view(session, user, interview)
            by_prompt.setdefault(view.attempt.prompt_id, view)
        return MockView(
            id=row.id,
            level=row.level,
            chosen_by=row.chosen_by,
            started_at=row.started_at,
            finished_at=row.finished_at,
            questions=tuple(MockQuestion(p, by_prompt.get(p.id)) for p in prompts),
        )
