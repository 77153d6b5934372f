"""What kind of question an answer responds to, and what that kind of question expects.

A product-design answer is judged on who / why / metrics before the solution; a behavioural
answer is a story (situation, the speaker's own action, a result, a reflection); a concept
explanation or a metrics answer proposes nothing and must not be told it proposed too early.
The type comes from the bank's category when the prompt is in the bank, else from its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

PRODUCT_DESIGN = "product_design"
STRATEGY = "strategy"
METRICS = "metrics"
AI_EVALUATION = "ai_evaluation"
CONCEPT = "concept"
BEHAVIORAL = "behavioral"
ESTIMATION = "estimation"

QUESTION_TYPES: tuple[str, ...] = (
    PRODUCT_DESIGN,
    STRATEGY,
    METRICS,
    AI_EVALUATION,
    CONCEPT,
    BEHAVIORAL,
    ESTIMATION,
)
# Kinds of question that ask the candidate to decide what to build: the order flags apply.
PROPOSING: frozenset[str] = frozenset({PRODUCT_DESIGN, STRATEGY})
# Kinds that analyse a product without necessarily proposing one.
ANALYSING: frozenset[str] = frozenset({METRICS, AI_EVALUATION})
FRAMED: frozenset[str] = PROPOSING | ANALYSING

LABELS: dict[str, str] = {
    PRODUCT_DESIGN: "Product design",
    STRATEGY: "Strategy",
    METRICS: "Metrics",
    AI_EVALUATION: "AI evaluation",
    CONCEPT: "Concept or approach",
    BEHAVIORAL: "Behavioural story",
    ESTIMATION: "Estimation",
}

# The question bank's categories (question_bank/*.yaml) and the kind of question each holds.
CATEGORY_TYPES: dict[str, str] = {
    "behavioral": BEHAVIORAL,
    "ai-metrics": METRICS,
    "ai-evaluation": AI_EVALUATION,
    "ai-strategy": STRATEGY,
}


@dataclass(frozen=True, slots=True)
class TypeCue:
    """A pattern in a free-text prompt that reveals its kind; the first matching cue wins."""

    question_type: str
    pattern: re.Pattern[str]
    examples: tuple[str, ...]


def _cue(question_type: str, pattern: str, *examples: str) -> TypeCue:
    return TypeCue(question_type, re.compile(pattern, re.IGNORECASE), examples)


TYPE_CUES: tuple[TypeCue, ...] = (
    _cue(
        BEHAVIORAL,
        r"\b(tell me about (a|an|the|your) (?!(ai |ml |an ai |a )?(product|feature|app)\b)|"
        r"(tell|let) me (know )?about a time|"
        r"describe (a|an) (time|situation|occasion|disagreement)|"
        r"give (me )?an example of (a|an) (time|situation)|a time (when )?you|have you ever|"
        r"tell me about yourself|why do you want|why (should we|are you)|"
        r"(your|previous|past) (ml |ai )?projects? (are you|you are|you're)|most proud|"
        r"greatest (strength|weakness)|pick a (product|feature)[^.?]* you led|"
        r"how has (this|your) (background|experience)|resonates? with you|"
        r"(values|principles)\b[^?]*\?)",
        "Tell me about a time you led a cross-functional team.",
        "Describe a time when you had a disagreement with your manager.",
        "What aspects of your previous ML projects are you most proud of?",
    ),
    _cue(
        ESTIMATION,
        r"\b(how many [a-z ]+ (are|is|do|does|would|will|in)|market size|size (of )?the market|"
        r"guesstimate|estimate (the )?(number|size|market|revenue|demand|how many))",
        "How many electric scooters are there in Paris?",
        "Estimate the market size for AI note-takers.",
    ),
    _cue(
        AI_EVALUATION,
        r"\b(how (do|would|will) you know (if |whether |that )?(a |an |the |your )?(model|llm|ai|"
        r"output|answers?)\b|good enough to ship|evals?\b)",
        "How do you know a model is good enough to ship?",
        "Are LLM evals just vibes?",
    ),
    _cue(
        METRICS,
        r"\b(metrics?|kpis?|north[- ]star|measure (the )?success|how (would|do|will) you measure|"
        r"define success|success (look like|criteria)|how (would|do|will) you know (whether|if)|"
        r"(dau|mau|retention|conversion)\b[^?]*"
        r"(dropped|fell|fall|decline|went down|increase)|diagnos)",
        "How would you measure success for a photo-sharing feature?",
        "DAU dropped 8% this week. Walk through how you would diagnose it.",
    ),
    _cue(
        AI_EVALUATION,
        r"\b(evaluat\w*|hallucinat\w*|criteria for (a )?good|judge (whether|the quality)|"
        r"quality of (the |its |an? )?(ai|model|llm|output|answers|responses|summar)\w*|"
        r"golden set|red[- ]team)",
        "How would you evaluate an LLM that summarises support tickets?",
        "Write the criteria for a good AI-generated recipe.",
    ),
    _cue(
        CONCEPT,
        r"^\s*(what is (?!your)|what's (?!your)|what are (?!your)|explain|define|describe how|"
        r"how does|how do (you|we|i) "
        r"(detect|handle|approach|estimate|manage|deal|decide|prioriti[sz]e|incorporate|think|"
        r"mitigate|reduce|balance|make|work)|what('s| is) the difference|difference between|"
        r"when (should|would|do) (you|we)|compare|why (do|does|is|are)|course notes|"
        r"(critique|analy[sz]e|what'?s wrong|what is wrong|what do you think (of|about))|"
        r"(anyone|has anyone|hot takes?|re:|tip for|how did you answer|what did you say)|"
        r"(do|does|are|is) [a-z ]+ (need|just)|what is your approach|which would you pick|"
        r"[\w-]+ or [\w-]+(, which| for )|how (would|do) you (mitigate|a/b test|test))\b",
        "What is retrieval-augmented generation?",
        "How do you handle scope creep in fuzzy AI projects?",
        "Explain the difference between precision and recall.",
    ),
    _cue(
        STRATEGY,
        r"\b(should (we|you|i|the company)|strategy|strategic|compete|competitor|enter (the|a)|"
        r"build or buy|buy or build|invest|roadmap|which (single )?(ai )?(investment|bet)|"
        r"or [a-z]+ first\??$|prioriti[sz]e)",
        "Should we build our own model or use a vendor's?",
        "You are launching a new app. Should you build for iOS or Android first?",
    ),
)


@lru_cache(maxsize=1024)  # rules and score rows ask for every answer; prompts repeat
def infer_question_type(text: str, category: str | None = None) -> str:
    """The kind of question, from the bank category if known, else from the prompt's words.

    >>> infer_question_type("Tell me about a time you shipped under uncertainty.")
    'behavioral'
    >>> infer_question_type("What metrics would you track for an AI summariser?")
    'metrics'
    >>> infer_question_type("Design an AI assistant for home-health nurses.")
    'product_design'
    >>> infer_question_type("anything", category="behavioral")
    'behavioral'
    """
    if category and category in CATEGORY_TYPES:
        return CATEGORY_TYPES[category]
    if category:  # a bank category not listed above holds product questions
        return PRODUCT_DESIGN
    for cue in TYPE_CUES:
        if cue.pattern.search(text or ""):
            return cue.question_type
    return PRODUCT_DESIGN


def default_expects(question_type: str, *, is_ai: bool) -> frozenset[str]:
    """What a free-text prompt of this kind expects (bank prompts declare their own).

    >>> sorted(default_expects("product_design", is_ai=False))
    ['metrics', 'who', 'why']
    >>> sorted(default_expects("behavioral", is_ai=True))
    []
    """
    if question_type in PROPOSING:
        base = {"who", "why", "metrics"}
    elif question_type == METRICS:
        base = {"metrics"}
    elif question_type == AI_EVALUATION:
        base = {"eval_criteria"}
    else:
        return frozenset()
    if is_ai:
        base.add("eval_criteria")
    return frozenset(base)
