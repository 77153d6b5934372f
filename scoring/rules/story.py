"""Rules for behavioural answers: a story needs the speaker's own action, a result and a lesson.

Only behavioural questions ("Tell me about a time ...") run these; product-design order flags
never judge a story.
"""

from __future__ import annotations

import re

from scoring.analysis import Analysis
from scoring.question_type import BEHAVIORAL
from scoring.report import Severity, Span
from scoring.rules.base import Rule, ex

STORIES = frozenset({BEHAVIORAL})
PROMPT = "Tell me about a time you disagreed with an engineer."
# "I" followed by a past-tense verb of doing; "I was", "I felt", "I think" set a scene.
OWN_ACTION = re.compile(
    r"\b(?:i|i've)\s+(?:then\s+|also\s+|first\s+)?"
    r"(?!(?:was|were|am|felt|thought|think|believe|guess|mean|had|wanted|needed|liked|"
    r"loved|hated|would|could|should)\b)"
    r"(?:[a-z]+ed|led|built|ran|made|set|took|wrote|met|spoke|chose|brought|got|drove|sat|"
    r"went|began|kept|sent|found|told|gave|put|held|won|cut|shipped|pushed|proposed|asked|"
    r"did|rewrote|redid|ran|split|shut|laid|sought|fought|taught|bought|pulled)\b",
    re.IGNORECASE,
)
RESULT = re.compile(
    r"\b(?:result(?:ed|s)?|outcome|in the end|ended up|which led to|went live|we (?:shipped|"
    r"launched|hit|met|beat)|(?:reduced|increased|improved|grew|dropped|cut|saved|boosted|raised|"
    r"lowered|halved|doubled|tripled|achieved|delivered)\b[^.]{0,60}?\d)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
REFLECTION = re.compile(
    r"\b(?:learn(?:ed|t)|lessons?|in hindsight|looking back|next time|differently|taught me|"
    r"takeaway|reali[sz](?:ed|e)|since then|i now|would have|i'd have|should have)\b",
    re.IGNORECASE,
)


def concrete_result(analysis: Analysis) -> bool:
    """A result with a measure: a sentence telling the outcome also holds a number.

    >>> from scoring import PromptSpec
    >>> from scoring.analysis import analyse_text
    >>> def told(text):
    ...     return concrete_result(analyse_text(text, PromptSpec.from_text(PROMPT), "pm"))
    >>> told("We shipped the smaller model and p95 latency dropped from 2.1 to 0.9 seconds.")
    True
    >>> told("It was challenging but we shipped it. The feature was successful.")
    False
    """
    answer = analysis.answer
    for match in RESULT.finditer(answer):
        sentence = analysis.sentence_at(match.start())
        if _DIGIT.search(answer[sentence.start : sentence.end]):
            return True
    return False


def _absent(pattern: re.Pattern[str]):
    def check(analysis: Analysis) -> Span | None:
        if analysis.words < 20 or pattern.search(analysis.answer):
            return None
        return Span(0, 0, "")

    return check


NO_OWN_ACTION = Rule(
    id="no-own-action",
    applies_to=STORIES,
    scope="answer",
    title="No action of your own",
    severity=Severity.WARNING,
    message="The story never says what you did yourself.",
    why=(
        "A behavioural question asks what you did. 'We decided' and 'the team shipped' hide "
        "your part; interviewers score the actions they can attribute to you."
    ),
    fix="Say 'I ...' for your own steps: what you decided, wrote, asked or changed.",
    check=_absent(OWN_ACTION),
    must_flag=(
        ex(
            "The team was split on whether to ship the model. We discussed it for a week and the "
            "engineers eventually agreed to run a pilot, which went well and everyone was happy.",
            prompt=PROMPT,
        ),
        ex(
            "There was a disagreement about latency versus quality. It was a tough period for "
            "everyone on the team and the launch slipped a month, but we got there in the end.",
            prompt=PROMPT,
        ),
    ),
    must_pass=(
        ex(
            "Our lead engineer wanted a bigger model. I pulled the error analysis, showed that 70% "
            "of failures were retrieval misses, and proposed fixing retrieval first. We shipped in "
            "three weeks and escalations dropped 30%. I learned to bring data, not opinions.",
            prompt=PROMPT,
        ),
        ex(
            "I asked the engineer to walk me through the latency budget, then I rewrote the spec "
            "so the model only ran on long tickets; the result was a 40% cost cut.",
            prompt=PROMPT,
        ),
    ),
)

NO_RESULT = Rule(
    id="no-result",
    applies_to=STORIES,
    scope="answer",
    title="No result",
    severity=Severity.WARNING,
    message="The story stops before saying what happened in the end.",
    why=(
        "Without a result the interviewer cannot tell whether your actions worked. A concrete "
        "outcome (a number if you have one) closes the story."
    ),
    fix="End with the outcome: what shipped, what changed, by how much.",
    check=_absent(RESULT),
    must_flag=(
        ex(
            "I disagreed with our ML lead about shipping a larger model. I set up a meeting, "
            "brought the latency data from our users' sessions and argued for the smaller model.",
            prompt=PROMPT,
        ),
        ex(
            "My engineer wanted to rebuild the ranking service. I asked him to estimate the work "
            "and compared it with the customer requests we had in the backlog that quarter.",
            prompt=PROMPT,
        ),
    ),
    must_pass=(
        ex(
            "I set up a meeting with the ML lead and brought latency data. We shipped the smaller "
            "model and p95 latency dropped from 2.1 to 0.9 seconds.",
            prompt=PROMPT,
        ),
        ex(
            "I asked for a two-week spike instead of a rebuild. In the end we kept the service and "
            "the spike found the real bottleneck in the cache.",
            prompt=PROMPT,
        ),
    ),
)

NO_REFLECTION = Rule(
    id="no-reflection",
    applies_to=STORIES,
    scope="answer",
    title="No reflection",
    severity=Severity.INFO,
    message="The story does not say what you learned or would do differently.",
    why=(
        "Interviewers look for people who learn from experience. One sentence on what you took "
        "away shows judgement beyond the single episode."
    ),
    fix="Close with what you learned or what you would do differently next time.",
    check=_absent(REFLECTION),
    must_flag=(
        ex(
            "I disagreed with our ML lead about the model. I brought latency data to the review "
            "and we shipped the smaller model; p95 latency dropped by half.",
            prompt=PROMPT,
        ),
        ex(
            "I asked the engineer to prototype both options over one week. The result was clear "
            "and we went with retrieval, which cut wrong answers by a third.",
            prompt=PROMPT,
        ),
    ),
    must_pass=(
        ex(
            "I brought latency data and we shipped the smaller model; latency halved. I learned to "
            "settle debates with an experiment rather than opinions.",
            prompt=PROMPT,
        ),
        ex(
            "I asked for a prototype and we went with retrieval, which cut wrong answers by a "
            "third. Looking back, I would have involved support agents a week earlier.",
            prompt=PROMPT,
        ),
    ),
)

RULES = (NO_OWN_ACTION, NO_RESULT, NO_REFLECTION)
