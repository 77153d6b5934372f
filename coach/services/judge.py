"""The optional LLM judge, held to the answer's own words, and the hybrid of judge and rules.

The judge returns a :class:`Verdict` (structured outputs, validated by pydantic); it becomes a
:class:`scoring.Report` only through grounding: every quote must be found in the answer after
whitespace normalisation, or it is dropped and counted. An element or flag with no grounded
quote is not credited, and a dimension score above :data:`UNGROUNDED_CAP` with no grounded
quote is clamped to it, because LLM judges are lenient: their scores are not trusted more than
their quotes. ``hybrid`` keeps every rule flag, adds the judge's grounded flags, and marks each
place where the two disagree. Any LLM failure gives the rule report with ``scorer.fallback``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from coach.db import repositories as repo
from coach.db.database import Database
from coach.errors import CoachError
from coach.services.llm_client import InvalidReply, LLMClient, Usage
from coach.services.templates import render
from coach.services.users import UserContext
from coach.settings import Settings
from question_bank import Bank
from scoring import RULES, PromptSpec, Report, analyze, rule_by_id
from scoring.engine import SCORER_NAME
from scoring.report import (
    DIMENSIONS,
    ELEMENTS,
    Coverage,
    Dimension,
    Flag,
    ScorerInfo,
    Segment,
    Span,
)
from scoring.scores import grade, overall

logger = logging.getLogger(__name__)

JUDGE_VERSION = "1.0.0"
UNGROUNDED_CAP = 40  # the most a dimension scores when no quote from the answer backs it
DISAGREE_POINTS = 20  # dimension scores this far apart are marked as a disagreement
MIN_QUOTE_CHARS = 3
RAW_LIMIT = 20_000  # characters of the raw reply kept for audit
AnswerScorer = Callable[[str, PromptSpec, str], Report]

ELEMENT_HELP = {
    "who": "a specific user or segment (not 'everyone')",
    "why": "the user's problem or pain, and why it matters",
    "metrics": "a named success metric (ideally with a target and a guardrail)",
    "eval_criteria": "how the AI output's quality is judged (golden set, rubric, ship gate)",
    "tech": "the technology or model (LLM, RAG, fine-tuning...)",
    "solution": "a concrete product proposal",
    "tradeoffs": "options weighed, what v1 leaves out and why",
    "risks": "what can go wrong and the mitigation (fallback, human in the loop)",
}
DIMENSION_HELP = {
    "framing": "user and problem set before the solution",
    "metrics": "named metrics, a guardrail, numeric targets, measured before the tech talk",
    "ai_evaluation": "criteria for a good AI output and a plan for wrong outputs",
    "solution": "a concrete proposal, AI justified, trade-offs and risks",
    "communication": "clear, structured, concise, summarised; no validation-seeking",
}

Score = Annotated[int, Field(ge=0, le=100)]


# --- the verdict the model must return ---------------------------------------------------------


class ElementJudgement(BaseModel):
    """Whether one element is in the answer, with the exact words that show it."""

    model_config = ConfigDict(extra="forbid")
    element: Literal[ELEMENTS] = Field(description="the element judged")  # type: ignore[valid-type]
    present: bool = Field(description="true only if the answer really contains it")
    quotes: list[str] = Field(description="exact phrases copied from the answer as evidence")


class FlagJudgement(BaseModel):
    """One red flag from the catalogue, anchored to a quote."""

    model_config = ConfigDict(extra="forbid")
    rule_id: str = Field(description="an id from the red-flag catalogue")
    quote: str = Field(description="the exact words of the answer the flag points at")
    reason: str = Field(description="one sentence: why this is a red flag here")


class DimensionJudgement(BaseModel):
    """One 0-100 dimension score with its reason and evidence."""

    model_config = ConfigDict(extra="forbid")
    dimension: Literal[DIMENSIONS] = Field(description="the dimension scored")  # type: ignore[valid-type]
    score: Score | None = Field(description="0-100, or null when there is nothing to assess")
    reason: str = Field(description="one sentence citing what the answer does or lacks")
    quotes: list[str] = Field(description="exact phrases copied from the answer as evidence")


class Verdict(BaseModel):
    """The judge's whole assessment of one answer."""

    model_config = ConfigDict(extra="forbid")
    elements: list[ElementJudgement]
    flags: list[FlagJudgement]
    dimensions: list[DimensionJudgement]
    overall: Score = Field(description="0-100 judgement of the whole answer at the target level")
    summary: str = Field(description="two sentences of feedback for the candidate")


# --- grounding ---------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_QUOTE_EDGES = " \t\n\"'“”‘’…."
_MARKER = re.compile(r"</?\s*answer\s*>", re.IGNORECASE)


class Grounder:
    """Find quotes in an answer after whitespace normalisation, mapping back to offsets."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        chars: list[str] = []
        self._index: list[int] = []
        for match in re.finditer(r"\S+", answer):
            if chars:
                chars.append(" ")
                self._index.append(match.start())
            for offset, char in enumerate(match.group()):
                chars.append(char)
                self._index.append(match.start() + offset)
        self._text = _fold("".join(chars))
        self.dropped = 0

    def locate(self, quote: str) -> Span | None:
        """The span of ``quote`` in the answer, or None (counted in ``dropped``)."""
        needle = _fold(_SPACE.sub(" ", quote).strip(_QUOTE_EDGES))
        at = self._text.find(needle) if len(needle) >= MIN_QUOTE_CHARS else -1
        if at < 0:
            self.dropped += 1
            return None
        start = self._index[at]
        end = self._index[at + len(needle) - 1] + 1
        return Span(start, end, self.answer[start:end])

    def spans(self, quotes: Iterable[str]) -> list[Span]:
        return [span for quote in quotes if (span := self.locate(quote)) is not None]


def _fold(text: str) -> str:
    folded = text.translate(_TYPOGRAPHIC)
    lowered = folded.lower()
    # Lower-casing keeps offsets for nearly all text; keep the case where it would not.
    return lowered if len(lowered) == len(folded) else folded


# --- the judge's messages ------------------------------------------------------------------------


def judge_messages(
    answer: str, spec: PromptSpec, level: str, outline: Iterable[str] = ()
) -> list[dict[str, str]]:
    """The system rubric and the answer in its own, delimited user message."""
    steps = list(outline)
    system = render(
        "judge_system.md",
        prompt_text=spec.text or "(free practice: no question given)",
        category=spec.category or "general",
        level=level,
        expects=", ".join(sorted(spec.expects)),
        outline="\n".join(f"- {step}" for step in steps)
        or "- (no outline for this question: judge against the elements it expects)",
        elements="\n".join(f"- `{name}`: {ELEMENT_HELP[name]}" for name in ELEMENTS),
        rules="\n".join(
            f"- `{rule.id}` ({rule.severity.value}): {rule.title}. {rule.why}" for rule in RULES
        ),
        dimensions="\n".join(f"- `{name}`: {DIMENSION_HELP[name]}" for name in DIMENSIONS),
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": render("judge_answer.md", answer=neutralise(answer))},
    ]


def neutralise(answer: str) -> str:
    """Defuse answer markers inside the answer (same length, so offsets stay put)."""
    return _MARKER.sub(lambda m: m.group().replace("<", "‹").replace(">", "›"), answer)


# --- verdict -> report -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judgement:
    """A validated verdict with what it cost; ``cached`` when it came from the judge cache."""

    verdict: Verdict
    model: str
    usage: Usage
    mode: str
    cached: bool = False


def check_verdict(verdict: Verdict) -> None:
    """Reject a verdict that names no element or dimension twice or uses unknown flag ids.

    Raises:
        InvalidReply: with a message the model can act on when re-asked.
    """
    for label, names in (
        ("element", [item.element for item in verdict.elements]),
        ("dimension", [item.dimension for item in verdict.dimensions]),
    ):
        repeated = {name for name in names if names.count(name) > 1}
        if repeated:
            raise InvalidReply(f"{label} {sorted(repeated)[0]!r} is judged twice")
    known = {rule.id for rule in RULES}
    unknown = sorted({flag.rule_id for flag in verdict.flags} - known)
    if unknown:
        raise InvalidReply(f"unknown red-flag id(s) {unknown}; use ids from the catalogue")


def verdict_report(judgement: Judgement, answer: str, rules: Report) -> Report:
    """Turn a verdict into a Report, keeping only what grounded quotes back."""
    verdict = judgement.verdict
    grounder = Grounder(answer)
    coverage = _coverage(verdict, grounder)
    flags = _flags(verdict, grounder)
    dims, clamped = _dimensions(verdict, grounder)
    score = overall(dims, flags, rules.level)
    return Report(
        coverage=coverage,
        flags=flags,
        structure=_structure(rules.structure, coverage),
        dimensions=dims,
        overall=score,
        grade=grade(score),
        level=rules.level,
        stats=rules.stats,
        scorer=ScorerInfo("llm", JUDGE_VERSION, judgement.model, None),
        prompt_id=rules.prompt_id,
        extras={
            "judge": {
                "ungrounded_quotes": grounder.dropped,
                "judged_elements": sorted({item.element for item in verdict.elements}),
                "clamped_dimensions": clamped,
                "judge_overall": verdict.overall,
                "summary": verdict.summary,
                "mode": judgement.mode,
                "cached": judgement.cached,
            },
            "llm": judgement.usage.to_dict(judgement.model),
        },
    )


def _coverage(verdict: Verdict, grounder: Grounder) -> dict[str, Coverage]:
    judged = {item.element: item for item in verdict.elements}
    coverage = {}
    for name in ELEMENTS:
        item = judged.get(name)
        spans = tuple(sorted(grounder.spans(item.quotes), key=lambda s: s.start)) if item else ()
        present = bool(item and item.present and spans)
        coverage[name] = Coverage(
            present=present,
            evidence=spans if present else (),
            first_at=spans[0].start if present else None,
        )
    return coverage


def _flags(verdict: Verdict, grounder: Grounder) -> tuple[Flag, ...]:
    flags: dict[str, Flag] = {}
    for item in verdict.flags:
        span = grounder.locate(item.quote)
        if span is None or item.rule_id in flags:
            continue
        rule = rule_by_id(item.rule_id)
        flags[item.rule_id] = Flag(
            id=rule.id,
            severity=rule.severity,
            message=rule.render_message(span),
            start=span.start,
            end=span.end,
            evidence=span.text,
            fix=rule.fix,
        )
    return _in_report_order(flags.values())


def _in_report_order(flags: Iterable[Flag]) -> tuple[Flag, ...]:
    """The engine's flag order: errors first, then by position."""
    return tuple(sorted(flags, key=lambda f: (f.severity.rank, f.start, f.id)))


def _dimensions(verdict: Verdict, grounder: Grounder) -> tuple[dict[str, Dimension], list[str]]:
    judged = {item.dimension: item for item in verdict.dimensions}
    dims, clamped = {}, []
    for name in DIMENSIONS:
        item = judged.get(name)
        if item is None:
            dims[name] = Dimension(None, "The judge did not assess this.")
            continue
        score = item.score
        if score is not None and score > UNGROUNDED_CAP and not grounder.spans(item.quotes):
            score = UNGROUNDED_CAP
            clamped.append(name)
        dims[name] = Dimension(score, item.reason.strip() or "No reason given.")
    return dims, clamped


def _structure(segments: tuple[Segment, ...], coverage: dict[str, Coverage]) -> tuple[Segment, ...]:
    starts = sorted((s.start, name) for name, c in coverage.items() for s in c.evidence)
    return tuple(
        replace(
            seg,
            moves=tuple(dict.fromkeys(n for at, n in starts if seg.start <= at < seg.end)),
        )
        for seg in segments
    )


# --- hybrid ------------------------------------------------------------------------------------


def merge(rules: Report, judge: Report) -> Report:
    """Rules and judge in one report, each disagreement marked ("the rules say X, the judge Y").

    Rule coverage stays (it is deterministic); every rule flag stands and so does every judge
    flag (each is backed by grounded evidence); dimension scores are averaged, except that a
    judge score clamped for lack of quotes never lifts a rule score.
    """
    disagreements: list[dict[str, Any]] = []
    judged = set(judge.extras.get("judge", {}).get("judged_elements", ELEMENTS))
    for name in ELEMENTS:
        if name not in judged:
            continue  # the judge said nothing about it: no disagreement to show
        said_rules, said_judge = rules.coverage[name].present, judge.coverage[name].present
        if said_rules != said_judge:
            side = judge.coverage[name] if said_judge else rules.coverage[name]
            disagreements.append(
                _mark("element", name, _found(said_rules), _found(said_judge), side.evidence)
            )
    rule_ids, judge_ids = set(rules.flag_ids()), set(judge.flag_ids())
    extra = [flag for flag in judge.flags if flag.id not in rule_ids]
    for flag in rules.flags:
        if flag.id not in judge_ids:
            disagreements.append(_flag_mark(flag, "raised", "not raised"))
    for flag in extra:
        disagreements.append(_flag_mark(flag, "not raised", "raised"))
    flags = _in_report_order((*rules.flags, *extra))
    clamped = set(judge.extras.get("judge", {}).get("clamped_dimensions", ()))
    dims = {}
    for name in DIMENSIONS:
        mine, theirs = rules.dimensions[name], judge.dimensions[name]
        dims[name] = _merged_dimension(mine, theirs, lifted=name not in clamped)
        if (
            mine.score is not None
            and theirs.score is not None
            and abs(mine.score - theirs.score) >= DISAGREE_POINTS
        ):
            disagreements.append(
                _mark("dimension", name, f"{mine.score}/100", f"{theirs.score}/100", ())
            )
    score = overall(dims, flags, rules.level)
    return replace(
        rules,
        flags=flags,
        dimensions=dims,
        overall=score,
        grade=grade(score),
        scorer=ScorerInfo("hybrid", JUDGE_VERSION, judge.scorer.model, None),
        extras={
            **rules.extras,
            "disagreements": disagreements,
            "judge": judge.extras.get("judge", {}),
            "llm": judge.extras.get("llm", {}),
            "judge_overall": judge.overall,
            "rules_overall": rules.overall,
        },
    )


def _merged_dimension(rules: Dimension, judge: Dimension, *, lifted: bool) -> Dimension:
    if rules.score is None or judge.score is None:
        return rules if rules.score is not None or judge.score is None else judge
    if judge.score > rules.score and not lifted:
        return rules
    return Dimension(
        round((rules.score + judge.score) / 2), f"Rules: {rules.reason} Judge: {judge.reason}"
    )


def _found(present: bool) -> str:
    return "present" if present else "missing"


def _flag_mark(flag: Flag, rules: str, judge: str) -> dict[str, Any]:
    evidence = (Span(flag.start, flag.end, flag.evidence),)
    return _mark("flag", flag.id, rules, judge, evidence)


def _mark(kind: str, key: str, rules: str, judge: str, evidence: Iterable[Span]) -> dict[str, Any]:
    first = next(iter(evidence), None)
    return {
        "kind": kind,
        "key": key,
        "rules": rules,
        "judge": judge,
        "text": f"{kind} {key}: the rules say {rules}, the judge says {judge}",
        "start": first.start if first else None,
        "end": first.end if first else None,
    }


# --- the scorer behind one interface -----------------------------------------------------------


class JudgeCache(Protocol):
    """Where validated verdicts are kept, by a key over answer, prompt, model and version."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


def cache_key(answer: str, spec: PromptSpec, level: str, model: str) -> str:
    """The cache key: same answer, prompt, level, model and judge version -> same verdict."""
    material = json.dumps(
        [answer, spec.text, sorted(spec.expects), spec.category, level, model, JUDGE_VERSION],
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def judge(
    client: LLMClient,
    answer: str,
    spec: PromptSpec,
    level: str,
    *,
    outline: Iterable[str] = (),
    cache: JudgeCache | None = None,
) -> Judgement:
    """Ask the judge for a verdict (or reuse a cached one).

    Raises:
        LLMUnavailableError: no valid verdict within the time budget.
    """
    key = cache_key(answer, spec, level, client.model)
    stored = cache.get(key) if cache is not None else None
    if stored is not None:
        try:
            record = json.loads(stored)
            return Judgement(
                Verdict.model_validate(record["verdict"]),
                client.model,
                Usage(),
                record["mode"],
                True,
            )
        except (ValueError, KeyError, TypeError) as error:
            logger.warning("Ignoring an unreadable cached verdict: %s", error)
    messages = judge_messages(answer, spec, level, outline)
    reply = client.structured(messages, Verdict, check=check_verdict)
    if cache is not None:
        # The raw reply and the model are kept with the verdict, for audit.
        record = {
            "verdict": reply.value.model_dump(),
            "mode": reply.mode,
            "model": reply.model,
            "judge_version": JUDGE_VERSION,
            "raw": reply.raw[:RAW_LIMIT],
        }
        cache.put(key, json.dumps(record, ensure_ascii=False))
    return Judgement(reply.value, reply.model, reply.usage, reply.mode)


@dataclass
class Scorer:
    """Score an answer with the rules, the judge or both; the rules are the safety net.

    Calling it never raises for an LLM problem: the rule report comes back with
    ``scorer.fallback`` saying why. Scoring errors of the rule engine itself propagate.
    """

    name: str
    settings: Settings
    cache: JudgeCache | None = None
    outlines: Callable[[str | None], list[str]] = lambda _prompt_id: []
    client_factory: Callable[[Settings], LLMClient] = LLMClient

    def __call__(self, answer: str, spec: PromptSpec, level: str) -> Report:
        rules = analyze(answer, spec, level)
        if self.name == "rules":
            return rules
        try:
            client = self.client_factory(self.settings)
            outline = self.outlines(spec.id)
            judgement = judge(client, answer, spec, level, outline=outline, cache=self.cache)
            judged = verdict_report(judgement, answer, rules)
        except CoachError as error:
            logger.warning("The %s scorer fell back to the rules: %s", self.name, error)
            return replace(rules, scorer=replace(rules.scorer, fallback=str(error)))
        return judged if self.name == "llm" else merge(rules, judged)


def rules_only(answer: str, spec: PromptSpec, level: str) -> Report:
    """The default scorer: the offline rule engine."""
    return analyze(answer, spec, level)


def scorer_label(report: Report) -> str:
    """A short human label of what scored a report."""
    info = report.scorer
    if info.fallback:
        return f"rules (the AI judge was unavailable: {info.fallback})"
    if info.name == SCORER_NAME:
        return f"rules {info.version}"
    return f"{'AI judge' if info.name == 'llm' else 'rules + AI judge'} ({info.model})"


# --- wiring for the app and the CLI ------------------------------------------------------------


@dataclass
class StoredJudgeCache:
    """The judge cache in the database, scoped to one learner."""

    db: Database
    user: UserContext

    def get(self, key: str) -> str | None:
        with self.db.session() as session:
            return repo.get_cached_verdict(session, user_id=self.user.user_id, key=key)

    def put(self, key: str, value: str) -> None:
        with self.db.session() as session:
            repo.put_cached_verdict(session, user_id=self.user.user_id, key=key, value=value)
            session.commit()


def bank_outlines(bank: Bank | None) -> Callable[[str | None], list[str]]:
    """Look up a prompt's outline (the judge's picture of a strong answer) in the bank."""

    def outline(prompt_id: str | None) -> list[str]:
        if bank is None or prompt_id is None or prompt_id not in bank:
            return []
        return [f"{step.move}: {step.text}" for step in bank.get(prompt_id).outline]

    return outline


def scorer_for(
    settings: Settings,
    name: str | None = None,
    *,
    db: Database | None = None,
    user: UserContext | None = None,
    bank: Bank | None = None,
) -> Scorer:
    """The scorer the settings (or a per-session choice ``name``) ask for, cached per user."""
    cache = StoredJudgeCache(db, user) if db is not None and user is not None else None
    return Scorer(name or settings.scorer, settings, cache=cache, outlines=bank_outlines(bank))


@dataclass(frozen=True, slots=True)
class UsageRow:
    """What the AI judge cost on one attempt."""

    attempt_id: int
    submitted_at: Any
    prompt_id: str
    scorer: str | None
    tokens: int
    cost_usd: float | None


def llm_usage(db: Database, user: UserContext) -> list[UsageRow]:
    """Tokens and estimated cost per attempt scored with the judge, newest first."""
    with db.session() as session:
        rows = repo.llm_usage_rows(session, user_id=user.user_id)
    return [
        UsageRow(
            r.id, r.submitted_at, r.prompt_id, r.scorer_name, r.llm_tokens or 0, r.llm_cost_usd
        )
        for r in rows
    ]
