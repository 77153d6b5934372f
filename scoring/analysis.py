"""Turn an answer into located evidence: segments, element coverage and rule signals.

The matcher finds vocabulary; the functions here add the context the definitions need:
a generic "users" is not a segment, a business goal is not the user's problem, a
"business model" is not ML, and "before we pick an algorithm" is a deferral, not tech.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from scoring import lexicon as lx
from scoring.context import (
    Context,
    SegmentSpan,
    content_count,
    heading_bodies,
    heading_content,
    is_modifier,
    segment_text,
)
from scoring.matcher import Match, PhraseMatcher
from scoring.prompt_spec import DEFAULT_EXPECTS, PromptSpec
from scoring.question_type import ANALYSING, BEHAVIORAL, PROPOSING
from scoring.report import Coverage, Span
from scoring.text import Token, sanitize, tokenize

# Labels of the single matcher pass; every lexicon list gets one.
_LEXICON: dict[str, list[str]] = {
    "role": lx.with_plurals(lx.EXTERNAL_ROLES) + lx.with_plurals(lx.MULTIWORD_ROLES),
    "org": lx.with_plurals(lx.ORG_TYPES) + lx.with_plurals(lx.DEMOGRAPHICS),
    "targeting": lx.TARGETING_CUES,
    "generic": lx.GENERIC_PEOPLE,
    "persona": [
        "# year old",
        "# years old",
        "aged #",
        "age #",
        "in their #s",
        "in their #",
        "in their twenties|thirties|forties|fifties|sixties|seventies|eighties|teens",
        "persona named",
        "persona called",
        "meet",
    ],
    "pain": lx.PAIN,
    "business": lx.BUSINESS_GOAL,
    "metric": lx.NAMED_METRIC,
    "percent": [
        "#%",
        "# percent",
        "# %",
        "#x",
        "# x",
        "# times",
        "# minutes|minute|mins|hours|hour|seconds|second|days|day|weeks|clicks|steps",
    ],
    "time_word": ["time", "times", "turnaround"],
    "rate_word": ["rate", "rates", "ratio", "per # *", "per *"],
    "metric_cue": lx.METRIC_CUES,
    "vague": lx.VAGUE_METRIC,
    "guardrail": lx.GUARDRAIL,
    "eval": lx.EVAL_CRITERIA + lx.EVAL_STRONG,
    "eval_verb": lx.EVAL_VERBS,
    "eval_object": lx.EVAL_OBJECTS + lx.EVAL_QUALITIES,
    "tech": lx.TECH,
    "model_word": lx.MODEL_WORDS,
    "ml_context": lx.ML_CONTEXT,
    "defer_before": lx.DEFER_BEFORE,
    "defer_after": lx.DEFER_AFTER,
    "solution": lx.SOLUTION,
    "tradeoffs": lx.TRADEOFF,
    "risks": lx.RISK,
    "failure": lx.FAILURE_PLAN,
    "why_ai": lx.WHY_AI,
    "validation": lx.SEEKS_VALIDATION,
    "framework": lx.FRAMEWORK_NAMES,
    "framework_step": lx.FRAMEWORK_STEPS,
    "filler": lx.FILLERS,
    "summary": lx.SUMMARY,
    "buzz": lx.BUZZWORDS,
}


OPTION_SEPARATORS = re.compile(r"[,/;]")
BE_FORMS = frozenset({"is", "was", "are", "were"})
POSSESSIVE_ROLES = frozenset(  # singular roles, as "<role>'s" loses its last two letters
    role for role in lx.EXTERNAL_ROLES if role not in lx.PROCESS_ROLES
)
SAID_MEASURE_WORDS = 5


@cache
def matcher() -> PhraseMatcher:
    """The compiled vocabulary, built once per process (see :func:`warm_up`)."""
    return PhraseMatcher(_LEXICON)


def warm_up(*, freeze: bool = False) -> None:
    """Build the vocabulary now rather than on the first answer.

    With ``freeze`` (for a long-running process's start-up: the app, the CLI, benchmarks),
    everything alive is moved out of the cyclic garbage collector's reach (``gc.freeze``):
    full collections otherwise rescan the vocabulary and took ~20 ms, the whole p99 latency
    of a 1,000-word answer. It is process-wide, so a library import never does it.
    """
    matcher()
    if freeze:
        gc.freeze()


@dataclass(slots=True)
class Analysis:
    """Everything rules and scores read: coverage plus located signals."""

    answer: str
    tokens: list[Token]
    segments: list[SegmentSpan]
    coverage: dict[str, Coverage]
    signals: dict[str, list[Span]] = field(default_factory=dict)
    prompt: PromptSpec = field(default_factory=PromptSpec)
    level: str = "pm"
    language: str = "en"
    trace: _Trace | None = None
    _starts: list[int] | None = None

    def decisions(self) -> list[Decision]:
        """Every candidate the element detectors kept or rejected, with the reason."""
        return self.trace.decisions() if self.trace else []

    @property
    def words(self) -> int:
        return len(self.tokens)

    def present(self, element: str) -> bool:
        return self.coverage[element].present

    def first(self, element: str) -> int | None:
        return self.coverage[element].first_at

    def signal(self, name: str) -> list[Span]:
        return self.signals.get(name, [])

    def segment_at(self, offset: int) -> SegmentSpan | None:
        """The segment holding ``offset`` (binary search: flags and scores call this often)."""
        if self._starts is None:
            self._starts = [segment.start for segment in self.segments]
        index = bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self.segments[index].end:
            return self.segments[index]
        return None

    def sentence_at(self, offset: int) -> Span:
        """The segment holding ``offset`` (the unit a flag points at)."""
        segment = self.segment_at(offset)
        if segment is None:
            return Span(offset, offset, "")
        return Span(segment.start, segment.end, self.answer[segment.start : segment.end])

    def credited_words(self) -> int:
        """Words that count toward length: segments that only name a framework do not."""
        hollow: set[int] = set()
        for name in self.signal("framework"):
            segment = self.segment_at(name.start)
            if segment is None:
                continue
            has_content = any(
                segment.start <= span.start < segment.end
                for cover in self.coverage.values()
                for span in cover.evidence
            )
            if not has_content:
                hollow.add(segment.start)
        excluded = sum(s.last_token - s.first_token for s in self.segments if s.start in hollow)
        return self.words - excluded

    @property
    def expects(self) -> frozenset[str]:
        return self.prompt.expects if self.prompt else DEFAULT_EXPECTS

    @property
    def is_ai(self) -> bool:
        """An AI feature is on the table: the prompt is about AI, or the answer proposes AI."""
        return self.prompt.is_ai or self.present("tech")


def _span(answer: str, tokens: list[Token], match: Match, basis: str = "") -> Span:
    start, end = tokens[match.first].start, tokens[match.last].end
    return Span(start, end, answer[start:end], basis)


@dataclass(frozen=True, slots=True)
class Decision:
    """One candidate an element detector looked at: kept or rejected, and why."""

    element: str
    span: Span
    accepted: bool
    reason: str


class _Trace:
    """Records every detector decision, so evidence can say why it counts (``--explain``)."""

    def __init__(self, answer: str, tokens: list[Token]) -> None:
        self.answer = answer
        self.tokens = tokens
        # Kept raw: spans are built only when someone asks (--explain), not on every answer.
        self._records: list[tuple[str, Match, bool, str]] = []
        self._reasons: dict[tuple[str, int, int], str] = {}

    def record(self, element: str, match: Match, accepted: bool, reason: str) -> None:
        self._records.append((element, match, accepted, reason))
        if accepted:
            self._reasons.setdefault((element, match.first, match.last), reason)

    def decisions(self) -> list[Decision]:
        return [
            Decision(element, _span(self.answer, self.tokens, match), accepted, reason)
            for element, match, accepted, reason in self._records
        ]

    def judge(
        self, element: str, matches: Iterable[Match], judge: Callable[[Match], tuple[bool, str]]
    ) -> list[Match]:
        kept = []
        for match in matches:
            accepted, reason = judge(match)
            self.record(element, match, accepted, reason)
            if accepted:
                kept.append(match)
        return kept

    def accept(self, element: str, matches: list[Match], reason: str) -> list[Match]:
        for match in matches:
            self.record(element, match, True, reason)
        return matches

    def spans(self, element: str, matches: Iterable[Match]) -> list[Span]:
        """Evidence spans carrying the pattern and the decision that accepted them."""
        out = []
        for m in matches:
            reason = self._reasons.get((element, m.first, m.last), "")
            basis = f"{m.pattern}: {reason}" if reason else m.pattern
            out.append(_span(self.answer, self.tokens, m, basis))
        return out


class _WhoDetector:
    """A segment is named when a people noun is narrowed: a modifier, a clause, a persona,
    or an explicit choice ("I'd focus on nurses"). A bare noun that merely echoes the
    prompt ("farmers", "users") is not a segment."""

    def __init__(
        self, ctx: Context, targeting: list[Match], *, strict: bool, story: bool = False
    ) -> None:
        self.ctx = ctx
        # Outside product questions (stories, concepts, metrics) people in the answer are
        # characters or data, not a chosen segment: only an explicit choice counts.
        self.strict = strict
        self.story = story
        self.cue_tokens = {i for m in targeting for i in range(m.first, m.last + 1)}
        self.heading_segments = {
            n
            for n, seg in enumerate(ctx.segments)
            if seg.first_token < seg.last_token
            and ctx.tokens[seg.first_token].norm in lx.HEADING_CUES
        }
        self.heading_segments |= {n + 1 for n in self.heading_segments}
        self.enumerations: set[int] = set()

    def mark_enumerations(self, people: list[Match]) -> None:
        """Sentences listing stakeholders: 'such as patients, doctors and nurses', or the word."""
        ctx = self.ctx
        cues: dict[int, int] = {}
        for number, segment in enumerate(ctx.segments):
            if lx.LISTING_CUES.isdisjoint(ctx.words[number]):
                continue
            for index in range(segment.first_token, segment.last_token):
                if ctx.norms[index] in lx.LISTING_CUES:
                    cues[number] = index
                    break
        listed: dict[int, int] = defaultdict(int)
        for match in people:
            number = ctx.segment_of[match.first]
            if number in cues and match.first > cues[number]:
                listed[number] += 1
        for number, words in enumerate(ctx.words):
            if listed[number] >= 3 or lx.STAKEHOLDER_WORDS & set(words):
                self.enumerations.add(number)

    def _exclusion(self, match: Match) -> str | None:
        """Why this people noun is not the one the product serves, if it is not."""
        ctx = self.ctx
        head = ctx.tokens[match.last].norm
        prev = ctx.before(match.first, 3)
        nxt = ctx.after(match.last, 1)
        if prev and prev[-1] in lx.AI_AGENT:  # "an AI coach", "a virtual assistant" are products
            return "an AI product, not a person"
        if head in lx.AI_ACTOR_HEADS and set(ctx.before(match.first, 4)) & lx.AI_PRODUCT_CUES:
            return "an AI product, not a person"  # "an AI-powered travel planner"
        if ctx.segment_of[match.first] in self.enumerations:
            return "in a list of stakeholders"
        if head in {"agent", "agents"} and not prev:
            return "an AI agent"
        if nxt == ["team"] or bool(set(prev[-2:]) & lx.OWN_TEAM):
            return "the speaker's own team"
        if nxt and nxt[0] in lx.MODIFIED_HEADS:  # "user experience", "customer tickets"
            return f"modifies the noun '{nxt[0]}'"
        return None

    def _targeted(self, match: Match) -> bool:
        ctx = self.ctx
        if ctx.segment_of[match.first] in self.heading_segments:
            return True
        segment = ctx.segments[ctx.segment_of[match.first]]
        lo = max(segment.first_token, match.first - 6)
        return any(i in self.cue_tokens for i in range(lo, match.first))

    def _narrowed_process_role(self, match: Match) -> bool:
        """'freelance designers', 'support agents' are segments; '2 designers', 'ML engineers'
        or a bare 'engineers' are the team building the product."""
        inside = [self.ctx.tokens[i].norm for i in range(match.first, match.last)]
        if inside:  # a listed multi-word role: its own modifier narrows it
            return not set(inside) & lx.TEAM_MODIFIERS
        return self._modified_outside_the_team(match)

    def _narrowed_story_role(self, match: Match, head: str) -> bool:
        """In a story, a narrowed outside role ('warehouse shift leads') is the user met."""
        if head in lx.PROCESS_ROLES:
            return False
        return match.last > match.first or self._modified_outside_the_team(match)

    def _modified_outside_the_team(self, match: Match) -> bool:
        """A modifier narrows the role, and it is not one of the team's ('ML', 'our')."""
        modifier = self.ctx.modifier_before(match.first)
        return bool(modifier) and is_modifier(modifier) and modifier not in lx.TEAM_MODIFIERS

    def _clause(self, match: Match, needed: int) -> bool:
        nxt = self.ctx.after(match.last, 5)
        opens = bool(nxt) and (nxt[0] in lx.CLAUSE_OPENERS or _is_participle(nxt[0]))
        return opens and content_count(nxt[1:]) >= needed

    def judge_role(self, match: Match) -> tuple[bool, str]:
        """Whether a named role or organisation is the segment served, and why."""
        excluded = self._exclusion(match)
        if excluded:
            return False, excluded
        targeted = self._targeted(match)
        if targeted:
            return True, "explicitly chosen (a cue or a Who heading)"
        head = self.ctx.tokens[match.last].norm
        if self.strict and not (self.story and self._narrowed_story_role(match, head)):
            return False, "a person in a non-product answer, not chosen as the user"
        if head in lx.PROCESS_ROLES and not self._narrowed_process_role(match):
            return False, "a team or process role"
        if match.last > match.first:  # "support agents", "small business owners"
            return True, "a narrowed role"
        modifier = self.ctx.modifier_before(match.first)
        if modifier and is_modifier(modifier):
            return True, f"narrowed by '{modifier}'"
        if self._clause(match, 1):
            return True, "narrowed by a clause"
        return False, "a bare role with nothing narrowing it"

    def judge_generic(self, match: Match) -> tuple[bool, str]:
        """Whether 'users', 'people', ... are narrowed into a segment, and why."""
        prev = self.ctx.before(match.first, 1)
        if prev and prev[0] in {"of", "per"}:
            return False, "a unit ('per user'), not a segment"
        excluded = self._exclusion(match)
        if excluded:
            return False, excluded
        modifier = self.ctx.modifier_before(match.first)
        modified = modifier is not None and is_modifier(modifier)
        if self.strict:
            if self._targeted(match) and modified:
                return True, "explicitly chosen and narrowed"
            return False, "generic people in a non-product answer"
        if modified:
            return True, f"narrowed by '{modifier}'"
        if prev and prev[0] in lx.DESCRIBING_VERBS:  # "it assists users in navigation"
            return False, "the users a described product serves, not a chosen segment"
        if self._clause(match, 2):
            return True, "narrowed by a clause"
        return False, "generic: says no one in particular"


def _judge_pain(match: Match, ctx: Context, *, strict: bool) -> tuple[bool, str]:
    """A pain counts with a sufferer: a person in its sentence, not the company or the model."""
    if _speaker_subject(match, ctx):
        return False, "the company's or speaker's trouble"  # "we want to", "I would want to"
    if set(ctx.before(match.first, 6)) & lx.PAIN_META:
        return False, "talk about finding pains, not a pain"  # "identify a pain point"
    if set(ctx.after(match.last, 1)) & lx.PAIN_RECORDS:
        return False, "a record or measure of pains ('complaint logs'), not a pain"
    if set(ctx.before(match.first, 2)) & lx.MEASURING_VERBS:
        return False, "something measured ('tracking drop-off'), not the user's problem"
    if strict and match.first == match.last and not _sufferer_before(match, ctx):
        # Outside product questions one word ("friction", "delay", "mistakes") is the
        # speaker's or the team's trouble unless someone is named suffering it.
        return False, "one word with no one named suffering it"
    if _machine_subject(match, ctx):
        return False, "the model's failure, not a user's pain"  # "the model is wrong"
    if _in_option_list(match, ctx):
        return False, "an option of a rating scale or list ('correct / needs fix / wrong')"
    if ctx.after(match.last, 1) in (["free"], ["less"]):
        return False, "a slogan ('hassle-free')"
    segment = ctx.segment_of[match.first]
    if ctx.is_question(segment):
        return False, "asked, not stated"
    # The sufferer may be named in this sentence or carried over from the one before.
    nearby = (segment - 1, segment) if segment else (segment,)
    # In a non-product answer "you need to" is the generic you, not a sufferer.
    references = lx.USER_REFERENCE - {"you"} if strict else lx.USER_REFERENCE
    if any(n in ctx.person_segments or set(ctx.words[n]) & references for n in nearby):
        return True, "a pain with someone suffering it"
    return False, "no one named suffering it"


def _machine_subject(match: Match, ctx: Context) -> bool:
    """The model is the subject ('the model is wrong'); 'it's' is only when a model was named
    in this sentence or the one before ('it's the most tedious part of their job' is a task)."""
    subjects = set(ctx.before(match.first, 3)) & lx.MACHINE_SUBJECTS
    if subjects - {"it's"}:
        return True
    if not subjects:
        return False
    segment = ctx.segment_of[match.first]
    lo = ctx.segments[segment - 1].first_token if segment else 0
    return any(w in lx.MACHINE_SUBJECTS and w != "it's" for w in ctx.norms[lo : match.first])


def _builds_nothing_named(match: Match, ctx: Context) -> bool:
    """'we can build products that earn trust': the verb's object is no thing in particular."""
    if ctx.norms[match.last] not in lx.PROPOSAL_VERBS:
        return False
    following = [w for w in ctx.after(match.last, 3) if w not in lx.ENGLISH_STOPWORDS]
    return bool(following) and following[0] in lx.UNNAMED_BUILDS


def _is_participle(word: str) -> bool:
    """'planning', 'waiting': a present participle opening a clause ('teachers planning a
    trip'); not a noun or word that merely ends in -ing ('morning', 'nothing', 'building')."""
    return (
        len(word) > 5
        and word.endswith("ing")
        and word not in lx.NOT_PARTICIPLES
        and word not in lx.ENGLISH_STOPWORDS
    )


def _in_option_list(match: Match, ctx: Context) -> bool:
    """A word among slash-separated options or in a parenthesised list of short items:
    'rated correct / needs fix / wrong', 'a reason picker (wrong, off-tone, too long)'."""
    text = ctx.text
    start, end = ctx.tokens[match.first].start, ctx.tokens[match.last].end
    slash_after = text[end : end + 3].lstrip(" ").startswith("/")
    slash_before = text[max(0, start - 3) : start].rstrip(" ").endswith("/")
    if slash_after or slash_before:
        return True
    line_start = text.rfind("\n", 0, start) + 1
    opening = text.rfind("(", line_start, start)
    if opening < 0 or ")" in text[opening:start]:
        return False
    closing = text.find(")", end)
    if closing < 0 or "\n" in text[end:closing]:
        return False
    items = OPTION_SEPARATORS.split(text[opening + 1 : closing])
    return len(items) >= 3 and all(len(item.split()) <= 3 for item in items)


def _said_measures(ctx: Context) -> list[Match]:
    """'I'd measure colony winter survival', 'Would measure cancellations after an ETA
    increase': the object of the speaker's measuring verb, when it names something concrete
    (not 'it', 'success', 'engagement' or 'how users feel')."""
    found = []
    for index, word in enumerate(ctx.norms):
        if word not in lx.SAID_MEASURE_VERBS:
            continue
        before = ctx.before(index, 2)
        if not before or not set(before) & lx.SAID_MEASURE_SUBJECTS:
            continue
        segment = ctx.segments[ctx.segment_of[index]]
        end = min(segment.last_token, index + 1 + SAID_MEASURE_WORDS)
        obj = ctx.norms[index + 1 : end]
        if not obj or obj[0] in lx.SAID_MEASURE_QUESTIONS:
            continue  # "measure whether users like it" asks, it names no measure
        content = [w for w in obj if w not in lx.ENGLISH_STOPWORDS and w not in lx.VAGUE_WORDS]
        if len(content) >= 2:
            found.append(Match("metric", "said", index + 1, end - 1))
    return found


def _time_had_not_measured(match: Match, ctx: Context) -> bool:
    """'giving us time to execute', 'the estimated time to reach': time had, not measured."""
    if ctx.norms[match.first] != "time":
        return False
    return bool(set(ctx.before(match.first, 1)) & lx.TIME_NOT_MEASURED)


def _speaker_subject(match: Match, ctx: Context) -> bool:
    """The speaker or the company is the subject, perhaps behind modals ("I would want")."""
    for word in reversed(ctx.before(match.first, 3)):
        if word in lx.SUBJECTS_SELF:
            return True
        if word not in lx.MODALS:
            return False
    return False


def _metric_target_heading(ctx: Context, body: int) -> bool:
    """'Target: under 3% unsupported' sets a metric's target; it names no audience."""
    heading = ctx.words[body - 1] if body else []
    own = ctx.words[body]
    opener = (heading or own)[:1]
    return opener == ["target"] and any(w[:1].isdigit() for w in own)


def _sufferer_before(match: Match, ctx: Context) -> bool:
    """A person (a named role or a people noun, not 'you' or 'I') shortly before the match."""
    lo = max(ctx.segments[ctx.segment_of[match.first]].first_token, match.first - 8)
    return any(
        i in ctx.person_tokens or ctx.norms[i] in lx.PEOPLE_NOUNS for i in range(lo, match.first)
    )


def _deferred(match: Match, ctx: Context, defer_before: set[int], defer_after: set[int]) -> bool:
    segment = ctx.segments[ctx.segment_of[match.first]]
    lo = max(segment.first_token, match.first - 8)
    if any(i in defer_before for i in range(lo, match.first)):
        return True
    hi = min(segment.last_token, match.last + 7)
    return any(i in defer_after for i in range(match.last + 1, hi))


def _is_ml_model_word(match: Match, ctx: Context, ml_context: set[int]) -> bool:
    prev = ctx.before(match.first, 2)
    head = ctx.tokens[match.first].norm
    if prev and prev[-1] in lx.NON_ML_MODIFIERS:
        return False
    nxt = ctx.after(match.last, 2)
    if (
        head in {"ml", "machine"}
        and nxt[:1]
        and nxt[0]
        in {
            "engineer",
            "engineers",
            "team",
            "teams",
            "background",
            "experience",
            "researcher",
            "researchers",
            "org",
            "people",
            "folks",
            "side",
        }
    ):
        return False
    if head in {"algorithm", "algorithms", "algo", "algos"}:
        return True
    segment = ctx.segments[ctx.segment_of[match.first]]
    return any(
        i in ml_context and not (match.first <= i <= match.last)
        for i in range(segment.first_token, segment.last_token)
    )


def _first_indices(matches: Iterable[Match]) -> set[int]:
    return {m.first for m in matches}


def _judged_outputs(ctx: Context, by_label: dict[str, list[Match]]) -> list[Match]:
    """A judging verb near an AI output or a quality word: 'vets grade the bot's answers'."""
    objects: dict[int, list[int]] = defaultdict(list)
    for match in by_label["eval_object"]:
        objects[ctx.segment_of[match.first]].append(match.first)
    found = []
    for verb in by_label["eval_verb"]:
        prev, nxt = ctx.before(verb.first, 1), ctx.after(verb.last, 1)
        named = ctx.norms[verb.first] in {"rate", "rates", "score", "scores"}
        if named and prev and is_modifier(prev[0]) and nxt[:1] != ["of"]:
            continue  # "engagement rate", "credit score": a measure's name, not someone judging
        nearby = objects.get(ctx.segment_of[verb.first], ())
        if any(-6 <= i - verb.last <= 10 for i in nearby):
            found.append(verb)
    return found


def _speaker_proposes(words: list[str], *, strict: bool) -> bool:
    """'I'd go with ...', 'we could use ...', 'my recommendation is', 'Use RAG for ...'.

    With ``strict`` (answers to questions that do not ask for a product) a modal alone is
    not enough ("we can see that from the logs"): an action verb must follow the speaker.
    """
    at = next((i for i, w in enumerate(words) if w[:1].isalpha()), None)
    opener = words[at] if at is not None else ""
    # "Design question was a shopping assistant": a noun phrase's subject, not an instruction.
    if opener in lx.IMPERATIVE_OPENERS and not set(words[at + 1 : at + 3]) & BE_FORMS:
        return True
    if lx.SPEAKER_WORDS.isdisjoint(words):
        return False  # no speaker, no proposal: skip the per-word scan
    verbs = lx.PROPOSAL_ACTIONS if strict else lx.PROPOSAL_VERBS
    for i, word in enumerate(words):
        if word in lx.SPEAKER_INTENT and (not strict or set(words[i + 1 : i + 4]) & verbs):
            return True
        if word in lx.PROPOSAL_NOUNS and i and words[i - 1] in lx.SPEAKERS:
            return True
        if word in lx.SPEAKERS and set(words[i + 1 : i + 4]) & verbs:
            return True
    return False


def _describes(words: list[str]) -> bool:
    """'Alexa is a voice assistant that ...', 'it helps people ...': an existing thing."""
    for i, word in enumerate(words[:-2]):
        if word in lx.DESCRIBING_VERBS and i and words[i - 1] not in lx.SPEAKERS:
            return True
        if word in {"is", "are"} and words[i + 1] in {"a", "an"} and i:
            subject = words[i - 1]
            if subject not in lx.SPEAKERS and subject not in lx.PROPOSAL_NOUNS:
                return True
    return False


def _story_proposes(words: list[str]) -> bool:
    """In a story only an explicit proposal of the speaker's counts: 'I proposed a ...'."""
    return not lx.SPEAKERS.isdisjoint(words) and any(
        word in lx.SPEAKERS and set(words[i + 1 : i + 3]) & lx.STORY_PROPOSALS
        for i, word in enumerate(words)
    )


def _proposal_segments(ctx: Context, *, strict: bool, story: bool = False) -> set[int]:
    """Sentences where the speaker proposes something.

    In a product question a solution or technique named without a description frame is the
    candidate's proposal (terse notes such as "XGBoost churn model on tenure ..." included);
    elsewhere only the speaker's own framing counts ("I'd build", "we could use").
    """
    found = set()
    for number, words in enumerate(ctx.words):
        if story:
            proposes = _story_proposes(words)
        else:
            proposes = _speaker_proposes(words, strict=strict) or not (strict or _describes(words))
        if proposes:
            found.add(number)
    return found


def _prompt_words(prompt_text: str) -> frozenset[str]:
    return frozenset(w.strip(".,?!:;'\"()").lower() for w in prompt_text.split())


def _echoes_prompt(match: Match, ctx: Context, prompt_words: frozenset[str]) -> bool:
    """Restating the prompt's own subject ("To evaluate a recommendation engine, ...") is not
    a proposal of the speaker's."""
    words = [ctx.norms[i] for i in range(match.first, match.last + 1)]
    content = [w for w in words if w not in lx.ENGLISH_STOPWORDS]
    return bool(content) and all(w in prompt_words for w in content)


_OPEN_QUOTE = re.compile(r"(?:^|[\s(:])[\"'\u2018\u201c]")
_CLOSE_QUOTE = re.compile(r"(?<=[^\s(:])[\"'\u2019\u201d](?=[\s.,;:!?)]|$)")


def _quoted(match: Match, ctx: Context, text: str) -> bool:
    """Inside quotation marks in its sentence: someone else's words ("they say 'we'd build'")."""
    start = ctx.tokens[match.first].start
    before = text[ctx.segments[ctx.segment_of[match.first]].start : start]
    return len(_OPEN_QUOTE.findall(before)) > len(_CLOSE_QUOTE.findall(before))


def _ai_product_lines(ctx: Context) -> list[Match]:
    """A line that opens with 'AI <noun>' names a product: '1. AI spot finder'."""
    found = []
    for number, words in enumerate(ctx.words):
        opens_with_ai = len(words) >= 2 and words[0] in {"ai", "llm", "genai"}
        if opens_with_ai and words[1] not in lx.NOT_AN_AI_PRODUCT:
            first = ctx.segments[number].first_token
            found.append(Match("solution", "ai line", first, first + 1))
    return found


def _is_named_rate(match: Match, ctx: Context) -> bool:
    """'kickback rate', 'calls per job': a measure named by its noun, not 'at any rate'."""
    prev = ctx.before(match.first, 1)
    if not prev or not is_modifier(prev[0]) or prev[0] in lx.NOT_A_MEASURE:
        return False
    if ctx.tokens[match.first].norm == "per":
        following = ctx.tokens[match.last].norm if match.last > match.first else ""
        return following not in lx.ENGLISH_STOPWORDS and following not in {"se", "cent"}
    return True


def _eval_headings(ctx: Context) -> list[Match]:
    """An 'Evaluation:' heading followed by a segment with real content, or the heading said
    as a sentence with it ("The eval is ...", "As for the evaluation, ...")."""
    found = []
    for number, segment in enumerate(ctx.segments):
        words = ctx.words[number]
        if 1 <= len(words) <= 3 and words[0] in lx.EVAL_HEADINGS:
            body = ctx.words[number + 1] if number + 1 < len(ctx.segments) else []
            if content_count(body) >= 3:
                found.append(Match("eval", words[0], segment.first_token, segment.first_token))
        elif ctx.is_inline_heading(number, lx.EVAL_HEADINGS) and content_count(words) >= 4:
            head = next(i for i, w in enumerate(words) if w in lx.EVAL_HEADINGS)
            index = segment.first_token + head
            found.append(Match("eval", words[head], index, index))
    return found


def merge_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlapping ones reduced to the longest ('7-day retention', not both)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = (
                    span
                    if span.end - span.start > merged[-1].end - merged[-1].start
                    else merged[-1]
                )
            continue
        merged.append(span)
    return merged


def _coverage(spans: list[Span]) -> Coverage:
    spans = merge_overlaps(spans)
    return Coverage(
        present=bool(spans), evidence=tuple(spans), first_at=spans[0].start if spans else None
    )


def _language(norms: list[str]) -> str:
    """'en', or 'other' when foreign function words or non-Latin script dominate."""
    if len(norms) < 6:
        return "en"
    english = sum(1 for n in norms if n in lx.ENGLISH_STOPWORDS)
    foreign = sum(1 for n in norms if n in lx.FOREIGN_STOPWORDS)
    ascii_words = sum(map(str.isascii, norms))
    if ascii_words < len(norms) * 0.5 or (foreign >= 2 and foreign > english):
        return "other"
    return "en"


def analyse_text(answer: str, prompt: PromptSpec, level: str) -> Analysis:
    """Locate every element and signal in ``answer``."""
    text = sanitize(answer)
    tokens = tokenize(text)
    segments = segment_text(text, tokens)
    ctx = Context(tokens, segments, text)
    by_label: dict[str, list[Match]] = {label: [] for label in _LEXICON}
    for match in matcher().find(tokens):
        by_label[match.label].append(match)

    def spans(matches: Iterable[Match]) -> list[Span]:
        return [_span(answer, tokens, m) for m in matches]

    # who
    # Strict reading where the question does not ask for a user (stories, concepts, metrics
    # prompts that do not expect one): people there are characters, not a chosen segment.
    strict = prompt.question_type not in PROPOSING and "who" not in prompt.expects
    who_detector = _WhoDetector(
        ctx, by_label["targeting"], strict=strict, story=prompt.question_type == BEHAVIORAL
    )
    who_detector.mark_enumerations(by_label["role"] + by_label["org"] + by_label["generic"])
    trace = _Trace(answer, tokens)
    roles = trace.judge("who", by_label["role"] + by_label["org"], who_detector.judge_role)
    qualified = trace.judge("who", by_label["generic"], who_detector.judge_generic)
    personas = trace.accept(
        "who",
        [
            m
            for m in by_label["persona"]
            if tokens[m.first].norm != "meet"
            or (m.last + 1 < len(tokens) and text[tokens[m.last + 1].start].isupper())
        ],
        "a persona with detail",
    )
    people_tokens = {
        i
        for m in by_label["role"] + by_label["org"] + by_label["generic"] + by_label["persona"]
        for i in range(m.first, m.last + 1)
    }

    def judge_who_heading(m: Match) -> tuple[bool, str]:
        if _metric_target_heading(ctx, ctx.segment_of[m.first]):
            return False, "a metric target ('Target: 3%'), not an audience"
        if strict and people_tokens.isdisjoint(range(m.first, m.last + 1)):
            # Outside product questions "User:" often heads the user's side of a goal list.
            return False, "no one named under the Who heading ('User: discover videos')"
        return True, "content under a Who heading"

    who_heading = trace.judge(
        "who",
        heading_content(ctx, heading_bodies(ctx, text, lx.WHO_HEADINGS, 1), "who", 2),
        judge_who_heading,
    )
    who = roles + qualified + personas + who_heading
    ctx.role_segments = {ctx.segment_of[m.first] for m in who}
    # Who can suffer a pain: people outside the team ("senior engineers rated it wrong" and
    # "the reviewers" are the process, not sufferers).
    people = [
        m for m in by_label["role"] + by_label["org"] if tokens[m.last].norm not in lx.PROCESS_ROLES
    ]
    # "a radiologist's reading queue" names the radiologist too.
    possessors = [
        i
        for i, norm in enumerate(ctx.norms)
        if norm.endswith("'s") and norm[:-2] in POSSESSIVE_ROLES
    ]
    ctx.person_tokens = {i for m in people for i in range(m.first, m.last + 1)} | set(possessors)
    ctx.person_segments = (
        {ctx.segment_of[m.first] for m in people}
        | {ctx.segment_of[i] for i in possessors}
        | ctx.role_segments
    )
    generic_only = [m for m in by_label["generic"] if m not in qualified]

    # tech (with deferrals and non-ML "models" removed)
    defer_before = _first_indices(by_label["defer_before"])
    defer_after = _first_indices(by_label["defer_after"])
    ml_context = {i for m in by_label["ml_context"] for i in range(m.first, m.last + 1)}

    def judge_tech(m: Match) -> tuple[bool, str]:
        if _deferred(m, ctx, defer_before, defer_after):
            return False, "deferred ('before we pick a model')"
        if set(ctx.before(m.first, 2)) & lx.NON_ML_TECH_PREFIXES:
            return False, "not machine learning"
        return True, "an ML technique"

    tech_terms = trace.judge("tech", by_label["tech"], judge_tech)
    tech_tokens = {i for t in tech_terms for i in (t.first, t.last)}

    def judge_model_word(m: Match) -> tuple[bool, str]:
        if not _is_ml_model_word(m, ctx, ml_context | tech_tokens):
            return False, "not a technique ('business model', 'ML engineers')"
        return judge_tech(m)

    model_words = trace.judge("tech", by_label["model_word"], judge_model_word)
    tech = tech_terms + model_words

    # why: a pain with a sufferer (a business goal alone is not the user's problem)
    why = trace.judge("why", by_label["pain"], lambda m: _judge_pain(m, ctx, strict=strict))
    why += trace.accept(
        "why",
        heading_content(ctx, heading_bodies(ctx, text, lx.WHY_HEADINGS, 1), "why", 3),
        "content under a Why / Problem heading",
    )

    # metrics: named measures, "<noun> rate", "<noun> per <unit>", numbers tied to a
    # measuring verb, or content under a "Success:" heading
    cue_segments = {ctx.segment_of[m.first] for m in by_label["metric_cue"]}
    metric_sections = heading_bodies(ctx, text, lx.METRIC_HEADINGS, 4)
    metric_context = cue_segments | metric_sections
    timed = [
        m
        for m in by_label["time_word"]
        if ctx.segment_of[m.first] in metric_context
        and ctx.before(m.first, 1)
        and ctx.before(m.first, 1)[0] not in lx.NOT_A_MEASURE
    ]
    numeric = [m for m in by_label["percent"] if ctx.segment_of[m.first] in metric_context]
    rates = [
        m
        for m in by_label["rate_word"]
        if _is_named_rate(m, ctx)
        and ctx.after(m.last, 1)[:1] not in (["limit"], ["limits"], ["limiting"])
        and (ctx.tokens[m.first].norm != "per" or ctx.segment_of[m.first] in metric_context)
    ]
    named = [
        m
        for m in by_label["metric"]
        if ctx.after(m.last, 1) != ["team"] and not _time_had_not_measured(m, ctx)
    ]
    under_heading = heading_content(ctx, metric_sections, "metric", 2, lx.MEASURE_NOUNS)
    said_measures = _said_measures(ctx)
    metrics = (
        trace.accept("metrics", named, "a named measure")
        + trace.accept("metrics", numeric, "a number in a measuring sentence")
        + trace.accept("metrics", timed, "a time in a measuring sentence")
        + trace.accept("metrics", rates, "a rate named by its noun")
        + trace.accept("metrics", under_heading, "a measure under a Metrics heading")
        + trace.accept("metrics", said_measures, "what the speaker says they would measure")
    )

    evaluation = (
        trace.accept("eval_criteria", by_label["eval"], "evaluation vocabulary")
        + trace.accept("eval_criteria", _judged_outputs(ctx, by_label), "AI output being judged")
        + trace.accept("eval_criteria", _eval_headings(ctx), "content under an Evaluation heading")
    )

    proposals = heading_content(
        ctx, heading_bodies(ctx, text, lx.SOLUTION_HEADINGS, 1), "solution", 1
    )
    if prompt.question_type in ANALYSING:
        # Asked for measures, "Product: share of questions answered ..." names a tier of
        # metrics, not a proposal.
        measured = {ctx.segment_of[m.first] for m in metrics}
        proposals = [m for m in proposals if ctx.segment_of[m.first] not in measured]
    # solution: the speaker's own proposal; a product described or a technique discussed
    # ("Alexa is a voice assistant that ...", "RAG retrieves passages") proposes nothing.
    story = prompt.question_type == BEHAVIORAL
    proposing = _proposal_segments(ctx, strict=strict, story=story)
    if not strict:
        proposing |= heading_bodies(ctx, text, lx.SOLUTION_HEADINGS, 1)
    echoes = _prompt_words(prompt.text)

    def judge_proposal(m: Match) -> tuple[bool, str]:
        if ctx.segment_of[m.first] not in proposing:
            return False, "described or discussed, not proposed by the speaker"
        if "for" in ctx.after(m.last, 2):
            return False, "names who it is for ('I'd build this for ...')"
        if _echoes_prompt(m, ctx, echoes):
            return False, "restates the prompt's own subject"
        if _quoted(m, ctx, text):
            return False, "in quotation marks: someone else's words"
        if _deferred(m, ctx, defer_before, defer_after):
            return False, "deferred"
        if _builds_nothing_named(m, ctx):
            return False, "a promise to build, naming nothing ('we can build products that')"
        return True, "the speaker's proposal"

    proposed = trace.judge("solution", by_label["solution"] + tech, judge_proposal)
    if not strict:
        proposed += trace.accept("solution", _ai_product_lines(ctx), "a line naming an AI product")
    solution = proposed + trace.accept("solution", proposals, "content under a Solution heading")
    coverage = {
        "who": _coverage(trace.spans("who", who)),
        "why": _coverage(trace.spans("why", why)),
        "metrics": _coverage(trace.spans("metrics", metrics)),
        "eval_criteria": _coverage(trace.spans("eval_criteria", evaluation)),
        "tech": _coverage(trace.spans("tech", tech)),
        "solution": _coverage(trace.spans("solution", solution)),
        "tradeoffs": _coverage(spans(by_label["tradeoffs"])),
        "risks": _coverage(spans(by_label["risks"])),
    }
    signals = {
        "generic_user": spans(generic_only),
        "vague_metric": spans(by_label["vague"]),
        "guardrail": spans(by_label["guardrail"]),
        "failure_plan": spans(by_label["failure"]),
        "why_ai": spans(by_label["why_ai"]),
        "seeks_validation": spans(by_label["validation"]),
        "framework": spans(by_label["framework"]),
        "framework_step": spans(by_label["framework_step"]),
        "filler": spans(by_label["filler"]),
        "summary": spans(by_label["summary"]),
        "buzz": spans(by_label["buzz"]),
        "tech_terms": spans(tech),
        "metric_numbers": spans(numeric),
    }
    return Analysis(
        answer=answer,
        tokens=tokens,
        segments=segments,
        coverage=coverage,
        signals=signals,
        prompt=prompt,
        level=level,
        language=_language(ctx.norms),
        trace=trace,
    )
