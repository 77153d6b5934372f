"""Spoken transcripts: cut unpunctuated speech into clauses and find the headings said aloud.

A transcript ("user hvac technicians in their first two years problem when they hit a fault
code they call a senior tech success first time fix rate ...") has no sentence ends and no
line breaks, so the detectors would read it as one giant sentence: headings vanish and the
order of framing and proposal blurs. :func:`chunk_spoken` restores clause-sized units:

- a *label* is a heading said as one or a few words ("problem", "success metrics", "how we'd
  know it worked"): it becomes its own segment, read like ``Problem:`` in written text;
- a *question* is a heading said as a question ("who is it for"): its own segment, read like
  ``Who is it for?``;
- a *marker* opens a new clause ("so the user", "the problem is", "then i'd build").

Only text without normal punctuation is chunked this way (:func:`is_unpunctuated`); written
answers keep their sentences. The vocabulary is the table :data:`CUES`; each cue carries
examples (``|`` marks the expected cuts) that ``tests/test_scoring_spoken.py`` checks.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from typing import Literal

from scoring import lexicon as lx
from scoring.text import DISCOURSE_MARKERS, MAX_CHUNK_WORDS, MIN_CHUNK_WORDS, Token

CueKind = Literal["label", "question", "marker"]

# A text is unpunctuated when it has no line break and fewer sentence ends than one per this
# many words: written prose averages one per 15-25 words; a transcript rewrite has none.
WORDS_PER_BOUNDARY = 40
MIN_SPOKEN_WORDS = 6
# A marker opens a clause once the clause before it has this many words.
MIN_MARKER_WORDS = 1

_PERCENT = re.compile("%")
_BOUNDARY = re.compile(r"[.!?;:]+[\"')\]]*(?=\s|\Z)")


@dataclass(frozen=True, slots=True)
class Cue:
    """A spoken heading or clause opener, with transcripts showing where it cuts (``|``)."""

    phrase: str
    kind: CueKind
    examples: tuple[str, ...]
    words: tuple[str, ...] = ()  # the phrase's words, filled in from it

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.phrase.split()))


@dataclass(frozen=True, slots=True)
class Chunk:
    """Tokens ``first`` to ``last`` (exclusive) of a transcript, and what kind of unit it is."""

    first: int
    last: int
    kind: Literal["clause", "label", "question"] = "clause"


def _label(phrase: str, *examples: str) -> Cue:
    return Cue(phrase, "label", examples)


def _question(phrase: str, *examples: str) -> Cue:
    return Cue(phrase, "question", examples)


def _marker(phrase: str, *examples: str) -> Cue:
    return Cue(phrase, "marker", examples)


# The written headings of ``scoring.lexicon`` (WHO_/WHY_/METRIC_/SOLUTION_/EVAL_HEADINGS) said
# aloud, without the ones that are ordinary words in running speech ("what", "how", "need",
# "job", "product", "tech"): said bare they are far more often part of a sentence.
CUES: tuple[Cue, ...] = (
    # who
    _label(
        "who",
        "who | single parents applying for childcare subsidies | why | the form is 14 pages",
        "the resale side is broken | who | ticket holders who bought seats and can't go",
        "the resale side is broken | who | fans who bought tickets and can't go",
    ),
    _label(
        "user", "user | hvac technicians in their first two years | problem | they call a senior"
    ),
    _label("users", "users | finance teams at mid size companies | problem | they miss fraud"),
    _label("target user", "target user | solo dentists | pain | claim denials"),
    _label("target users", "target users | warehouse supervisors | pain | rota changes"),
    _label("target segment", "target segment | owners of small dental practices"),
    _label("segment", "segment | independent pharmacists who run a single store"),
    _label("persona", "persona | aisha a first generation student | pain | she works nights"),
    _label("audience", "audience | high school chemistry teachers in their first two years"),
    _label("focus", "focus | outpatient schedulers in a large imaging department"),
    # why
    _label("problem", "problem | mri slots go unused | solution | an ai waitlist"),
    _label("pain", "who | night nurses | pain | handovers take 40 minutes | fix | a voice summary"),
    _label("core pain", "core pain | they rekey every order by hand | success | minutes per order"),
    _label("why", "who | new puppy owners | why | they can't tell an emergency from a scare"),
    _label("why it matters", "why it matters | 40% of forms come back | metric | incomplete rate"),
    # metrics
    _label("success", "success | first time fix rate for junior technicians"),
    _label("success metric", "success metric | minutes of documentation per visit"),
    _label("success metrics", "success metrics | week four retention and reps corrected"),
    _label("metric", "fix | pre submission claim checker | metric | first pass acceptance rate"),
    _label("metrics", "metrics | tbd", "a video estimate | metrics | % of jobs priced within 10%"),
    _label("kpi", "kpi | share of drafts sent without edits"),
    _label("kpis", "kpis | tickets per agent and time to resolve"),
    _label("north star", "north star | weekly active teams | guardrail | complaints per order"),
    _label("primary metric", "primary metric | conversations with five messages each way"),
    _label("guardrail", "guardrail | caregiver overtime hours per week"),
    _label("guardrails", "success | first time fix rate | guardrails | safety incidents"),
    _label(
        "how we'd know it worked", "how we'd know it worked | incomplete application rate falls"
    ),
    _label("goal", "goal | growth back to 8% a quarter"),
    _label(
        "goals",
        "goals | grow the grocery business | ideas | 1 | ai recipe suggestions | 2 | "
        "a smart reorder list",
    ),
    _label("measure", "feature | fair resale matching | measure | % of tickets resold at face"),
    _label("measured by", "so a triage chat | measured by | % of after hours chats resolved"),
    _label("target", "pain | nurses chart after their shift | target | charting overtime down 50%"),
    # solution
    _label("solution", "solution | a diagnostic assistant on their phone | technique | retrieval"),
    _label("fix", "fix | pre submission claim checker | metric | first pass acceptance rate"),
    _label("idea", "idea | an ai form coach for first time applicants"),
    _label("feature", "feature | ai powered fair resale matching"),
    _label("features", "a demand model | features | promotions weather holidays"),
    _label(
        "ideas",
        "goals | grow the grocery business | ideas | 1 | ai recipe suggestions | 2 | "
        "a smart reorder list",
    ),
    _label("proposal", "proposal | a voice note that drafts the visit record"),
    _label("approach", "approach | machine translation and llm explanations"),
    _label("mvp", "mvp | a shared inbox that drafts replies"),
    _label("what i'd build", "what i'd build | a lesson adaptation tool for new teachers"),
    # how: technique, evaluation, failure, rollout
    _label("technique", "technique | retrieval over manuals and work orders"),
    _label("stack", "stack | retrieval and an llm that cites the manual"),
    _label(
        "tech", "we'd check 500 replies before launch | tech | llm with prices pulled from the ro"
    ),
    _label("evaluation", "evaluation | senior techs build 200 real fault scenarios"),
    _label("eval", "eval | a golden set of 200 questions with reference answers"),
    _label("evals", "evals | 300 labelled calls graded by two supervisors"),
    _label("failure", "failure | if no source supports a step it isn't shown"),
    _label("failure plan", "failure plan | say it does not know and hand over to a person"),
    _label("risks", "risks | wrong doses | rollout | one ward first"),
    _label("rollout", "rollout | one ward first then the whole hospital"),
    # heading questions
    _question("who is it for", "okay so | who is it for | tier one support agents"),
    _question("who is this for", "who is this for | night nurses on surgical wards"),
    _question("who's it for", "who's it for | owners of small bakeries"),
    _question("who is the user", "who is the user | a warehouse shift supervisor"),
    _question("who are the users", "who are the users | freelance translators"),
    _question("what's the problem", "what's the problem | invoices get paid late"),
    _question("what is the problem", "what is the problem | riders can't see when the bus comes"),
    _question("why does it matter", "why does it matter | a missed dose sends patients back"),
    _question("why does this matter", "why does this matter | 40% of forms come back incomplete"),
    _question("how would we know it worked", "how would we know it worked | fewer repeat visits"),
    _question("how do we measure success", "how do we measure success | minutes per note"),
    _question("what does success look like", "a scribe | what does success look like | minutes"),
    _question("what would i build", "what would i build | a voice log of every feed"),
    # clause openers
    _marker("so the user", "i'd start with the people | so the user is a night nurse"),
    _marker("so the problem", "i'd start with the people | so the problem is the handover"),
    _marker(
        "the problem is", "nurses on night shift | the problem is handovers take forty minutes"
    ),
    _marker("the pain is", "coaches of youth teams | the pain is practice planning"),
    _marker("success looks like", "drivers wait at the depot for hours | success looks like less"),
    _marker("success means", "drivers wait at the depot | success means waits under ten minutes"),
    _marker("success is", "a claims chatbot | success is claims filed without a call"),
    _marker("success would be", "a claims chatbot | success would be claims filed in minutes"),
    _marker("for metrics", "they lose a day a week to invoices | for metrics days to payment"),
    _marker("the metric i'd use", "a voice log | the metric i'd use is days with a full log"),
    _marker("the metric is", "a voice log | the metric is days with a complete log"),
    _marker("the metric would be", "a voice log | the metric would be days with a complete log"),
    _marker("the metrics are", "a voice log | the metrics are logged days and missed feeds"),
    _marker("measure would be", "evaluate whether they like it | measure would be days per week"),
    _marker("the north star is", "a shared inbox | the north star is replies sent within an hour"),
    _marker("then i'd build", "riders miss transfers | then i'd build better arrival predictions"),
    _marker("okay so", "um | okay so the riders"),
    _marker("and then", "we would pilot in one warehouse first | and then roll out to the others"),
    _marker(
        "i'd",
        "success | adoption | i'd look at the data after launch",
        "they rely on it | so before launch i'd build a test set",
    ),
    _marker("we'd", "success | adoption | we'd look at the data after launch"),
    _marker("i'll", "riders miss transfers | i'll start with the predictions"),
    _marker("we'll", "riders miss transfers | we'll start with one city"),
)

# Headings said as a sentence ("The eval is ...", "The persona is ..."). Words that open
# ordinary sentences as often stay out: "the problem is we need revenue" states the company's
# goal, "our users are digital natives" names no one, "the target is near zero" is a number.
SAID_HEADINGS = frozenset(
    """eval evaluation evals persona segment pain pains solution feature features idea ideas
    proposal metric metrics measure measures kpi kpis north guardrail guardrails""".split()
)
# ... and some only when the sentence opens with "the" ("The success is weekly active teams",
# "The goal is +15% revenue from upsell"): "Success will be measured by adoption", "Success
# would feel like ..." and "Ultimately the goal is a chatbot that delivers value" name no measure.
_SAID_AFTER_THE = frozenset({"success", "goal", "goals"})
_COPULAS = frozenset("is are would will".split())
_SAID_HEADING_OPENERS = frozenset("the our my".split())
_SAID_HEADING_CUE = Cue("the <heading> is", "marker", ())
# "As for the metrics, ...": a lead-in that names the heading of what follows.
_LEAD_IN = ("as", "for")
_LEAD_IN_SKIP = frozenset("the our my their".split())


@dataclass(frozen=True, slots=True)
class SaidHeading:
    """The heading words a sentence opens by naming, and whether it leads in to what follows."""

    names: frozenset[str]
    lead_in: bool = False


def said_heading(words: list[str]) -> SaidHeading | None:
    """A heading said as a sentence: "The eval is ...", "Our core pain is ...", or a lead-in
    that names the heading of what follows: "As for the metrics, ...".

    Computed once per sentence (``Context``); the caller asks for the headings it reads.

    >>> said_heading("the eval is vets grade 300 answers".split())
    SaidHeading(names=frozenset({'eval'}), lead_in=False)
    >>> said_heading("our core pain is lost notes".split())
    SaidHeading(names=frozenset({'pain'}), lead_in=False)
    >>> said_heading("as for the metrics minutes per note".split())
    SaidHeading(names=frozenset({'metrics'}), lead_in=True)
    >>> said_heading("the problem is we need revenue".split()) is None
    True
    """
    if tuple(words[:2]) == _LEAD_IN:
        rest = [word for word in words[2:5] if word not in _LEAD_IN_SKIP]
        return SaidHeading(frozenset(rest[:1]), lead_in=True) if rest else None
    if _COPULAS.isdisjoint(words[:7]):  # the fast path: most sentences name no heading
        return None
    content = [word for word in words[:6] if word not in _LEAD_IN_SKIP and word != "so"]
    # The heading may come with a word before or after it: "core pain", "eval plan".
    copula = next((i for i, word in enumerate(content[:4]) if word in _COPULAS), 0)
    if not 1 <= copula <= 2 or copula + 1 >= len(content):
        return None
    said = SAID_HEADINGS | _SAID_AFTER_THE if words[:1] == ["the"] else SAID_HEADINGS
    names = frozenset(word for word in content[:copula] if word in said)
    return SaidHeading(names) if names else None


# Words after a heading word that show it is running speech, not a label: "the problem is",
# "success rate", "fix the bug", "users who". A label is followed by its content.
_NOT_AFTER_LABEL = frozenset(
    """is are was were be been being 's would will can could should must might may do does did
    has have had of and or but to that which who whose rate rates point points space statement
    request requests experience experiences flag flags it this these those than then
    like as""".split()
)
# Words before a heading word that make it part of a noun phrase or clause ("the problem",
# "their pain", "a fix for", "on success"): a label follows a finished clause.
_NOT_BEFORE_LABEL = frozenset(
    """a an the this that these those our my their his her its your whose some any no every each
    main biggest real key core big first second one of for in on with to about by at from into
    as than is are was were be 's what which how why who quick clear per let help helps allow
    allows i we you they he she me us them i'd we'd i'll we'll can could would should will must
    let's don't""".split()
)
# Words before "why" or "who" that make it a clause ("that's why", "the reason why", "ask who").
_NOT_BEFORE_QUESTION_WORD = frozenset(
    "that's thats reason explain explains know knows understand see wonder ask asks".split()
)
_PEOPLE_WINDOW = 5
# Words that open the clause of a marker just after them ("so before launch i'd build").
_CLAUSE_LEADS = frozenset("so and but then before after when once if because".split())
_LEAD_WINDOW = 3
# Labels that name the audience: their content names people ("user | solo dentists").
_AUDIENCE_LABELS = frozenset(
    {
        "who",
        "user",
        "users",
        "target user",
        "target users",
        "target segment",
        "segment",
        "persona",
        "audience",
    }
)
# Words right after an audience word that make it a sentence's subject ("users want ...").
_SPOKEN_VERBS = frozenset(
    """want wants need needs love loves hate hates like likes often always never usually don't
    can't won't didn't keep keeps get gets say says think thinks know knows use uses""".split()
)
_AGENTIVE = re.compile(r"\w{3,}(?:er|or|ist|ian|ant|ent)s?$")


@cache
def _people_nouns() -> frozenset[str]:
    """Head nouns of people and organisations: what follows a spoken "who" label."""
    roles = lx.with_plurals(lx.EXTERNAL_ROLES) + lx.with_plurals(lx.ORG_TYPES)
    heads = {role.split()[-1] for role in roles + lx.with_plurals(lx.MULTIWORD_ROLES)}
    return frozenset(heads | lx.PEOPLE_NOUNS)


@cache
def _cue_index() -> dict[str, tuple[Cue, ...]]:
    """Cues by their first word, longest first (so "success metrics" wins over "success")."""
    index: dict[str, list[Cue]] = {}
    for cue in CUES:
        index.setdefault(cue.words[0], []).append(cue)
    return {
        word: tuple(sorted(cues, key=lambda cue: -len(cue.words))) for word, cues in index.items()
    }


@cache
def _cue_starters() -> frozenset[str]:
    """Words that may open a cue: any other word is read past at once."""
    return frozenset(_cue_index()) | _SAID_HEADING_OPENERS


@cache
def _label_words() -> frozenset[str]:
    return frozenset(cue.words[0] for cue in CUES if cue.kind == "label")


def is_unpunctuated(text: str, tokens: list[Token]) -> bool:
    """Speech without punctuation: no line break and almost no sentence ends.

    >>> from scoring.text import tokenize
    >>> said = "so the user is a night nurse and the problem is handovers take forty minutes"
    >>> is_unpunctuated(said, tokenize(said))
    True
    >>> written = "The user is a night nurse. The problem is that handovers take forty minutes."
    >>> is_unpunctuated(written, tokenize(written))
    False
    """
    if len(tokens) < MIN_SPOKEN_WORDS or "\n" in text:
        return False
    return len(_BOUNDARY.findall(text)) * WORDS_PER_BOUNDARY < len(tokens)


def _is_label(norms: list[str], after_percent: set[int], index: int, cue: Cue) -> bool:
    """A heading word said as a run-in label, not as part of a sentence.

    ``after_percent`` holds the tokens said right after a "%": a "%" after the label is its
    content ("metrics % of jobs ..."), whatever word follows it.
    """
    end = index + len(cue.words)
    if end >= len(norms):
        return False
    said_content = end in after_percent or cue.words[-1] == "by"  # "measured by ..." leads in
    if norms[end] in _NOT_AFTER_LABEL and not said_content:
        return False
    if norms[end] in _label_words():  # a label has content: "a senior tech success ..."
        return False
    previous = norms[index - 1] if index else ""
    if previous in _NOT_BEFORE_LABEL:
        return False
    if cue.phrase in {"why", "who"} and previous in _NOT_BEFORE_QUESTION_WORD:
        return False  # "that's why", "can i ask who the main customer is"
    if cue.phrase == "why":
        return True
    if cue.phrase in _AUDIENCE_LABELS:
        if norms[end] in _SPOKEN_VERBS:  # "users want a dashboard": a sentence about users
            return False
        return not index or _names_people(norms, previous, end)
    if cue.phrase == "tech" and index:
        # "a senior tech ..." is a person; the label names a technique right after it.
        return not _technique_words().isdisjoint(norms[end : end + _PEOPLE_WINDOW])
    return True


@cache
def _technique_words() -> frozenset[str]:
    """Words of the lexicon's technique names ("llm", "retrieval", "vision model")."""
    words = {word.strip("*") for phrase in lx.TECH + lx.MODEL_WORDS for word in phrase.split()}
    return frozenset(w for w in words if w.isalnum() and w not in lx.ENGLISH_STOPWORDS)


def _names_people(norms: list[str], previous: str, end: int) -> bool:
    """Mid-transcript, an audience label is followed by the people it names.

    "who single parents applying ..." is a label; in "nurses who work nights" the "who" follows
    the people it describes, and "users want a dashboard" is a sentence about users.
    """
    people = _people_nouns()
    if previous in people:
        return False
    named = norms[end : end + _PEOPLE_WINDOW]
    # "who fans who bought tickets": people are what a relative "who" follows.
    return "who" in named[1:] or any(word in people or _AGENTIVE.match(word) for word in named)


def _said_heading_at(norms: list[str], index: int) -> bool:
    """ "the feature would be ...", "our goal is ...": a heading said as a clause opens one."""
    return (
        norms[index] in _SAID_HEADING_OPENERS
        and index + 2 < len(norms)
        and norms[index + 1] in SAID_HEADINGS
        and norms[index + 2] in _COPULAS
    )


def _cue_at(norms: list[str], after_percent: set[int], index: int) -> Cue | None:
    if _said_heading_at(norms, index):
        return _SAID_HEADING_CUE
    for cue in _cue_index().get(norms[index], ()):  # most words start no cue: no loop
        end = index + len(cue.words)
        if tuple(norms[index:end]) != cue.words:
            continue
        if cue.kind != "label" or _is_label(norms, after_percent, index, cue):
            return cue
    return None


def _clause_start(norms: list[str], begin: int, marker: int) -> int:
    """Where the clause holding a marker starts: "so before launch | i'd build" cuts before "so".

    A conjunction or subordinator just before the marker belongs to its clause.
    """
    for index in range(max(begin, marker - _LEAD_WINDOW), marker):
        if norms[index] in _CLAUSE_LEADS:
            return index
    return marker


def _enumerators(norms: list[str]) -> set[int]:
    """Positions of "1", "2", "3", ... said in order: a numbered list read aloud.

    Only a run that reaches "2" counts: a lone "1" is a quantity ("1 in 7 claims").
    """
    found: list[int] = []
    expected = "1"
    for index, word in enumerate(norms):
        if word == expected and (not found or index - found[-1] > 1):
            found.append(index)
            expected = str(len(found) + 1)
    return set(found) if len(found) >= 2 else set()


def _after_percent(text: str, tokens: list[Token]) -> set[int]:
    """Indices of the tokens right after a "%" (the tokenizer drops the sign itself)."""
    if "%" not in text:
        return set()
    starts = [token.start for token in tokens]
    return {bisect_left(starts, sign.start()) for sign in _PERCENT.finditer(text)}


def chunk_spoken(text: str, tokens: list[Token]) -> list[Chunk]:
    """Cut an unpunctuated transcript's tokens into labels, questions and clauses.

    Plain discourse words ("so", "and") cut as in written run-on sentences
    (:func:`scoring.text.chunk_long_span`); cues cut wherever they are.

    >>> from scoring.text import tokenize
    >>> said = "user solo dentists problem claim denials cost them hours every week"
    >>> tokens = tokenize(said)
    >>> [(said[tokens[c.first].start : tokens[c.last - 1].end], c.kind)
    ...  for c in chunk_spoken(said, tokens)]  # doctest: +NORMALIZE_WHITESPACE
    [('user', 'label'), ('solo dentists', 'clause'), ('problem', 'label'),
     ('claim denials cost them hours every week', 'clause')]
    """
    norms = [token.norm for token in tokens]
    after_percent = _after_percent(text, tokens)
    enumerators = _enumerators(norms)
    chunks: list[Chunk] = []
    begin = index = 0

    def cut(at: int, kind: Literal["clause", "label", "question"] = "clause") -> None:
        nonlocal begin
        if at > begin:
            chunks.append(Chunk(begin, at, kind))
        begin = at

    starters = _cue_starters()
    while index < len(norms):
        length = index - begin
        cue = _cue_at(norms, after_percent, index) if norms[index] in starters else None
        if cue is not None and cue.kind != "marker":
            end = index + len(cue.words)
            cut(index)
            cut(end, cue.kind)
            index = end
            continue
        if cue is not None and length >= MIN_MARKER_WORDS:
            cut(_clause_start(norms, begin, index))
            index += len(cue.words)  # no cut inside the marker ("the metric i'd use")
            continue
        if index in enumerators:  # "ideas 1 ai recipe suggestions 2 smart reorder list"
            cut(index)
            cut(index + 1)
        at_marker = norms[index] in DISCOURSE_MARKERS and length >= MIN_CHUNK_WORDS
        if at_marker or length >= MAX_CHUNK_WORDS:
            cut(index)
        index += 1
    cut(len(norms))
    return chunks
