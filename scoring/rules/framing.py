"""Rules about framing: who, why and metrics before solutions and technology."""

from __future__ import annotations

from scoring.analysis import Analysis
from scoring.order import breach_at
from scoring.question_type import FRAMED, PROPOSING
from scoring.report import Severity, Span
from scoring.rules.base import Rule, ex, whole_answer

STRONG = (
    "Night-shift nurses on busy medical wards lose 40 minutes a shift re-typing handover notes, "
    "and details get dropped. Success means handover time per patient falls from 6 to 3 minutes "
    "while the rate of missed medications stays flat. Only then would I build a draft-handover "
    "feature on an LLM."
)
ML_FIRST = (
    "I'd fine-tune an LLM on our historical tickets and put a RAG layer over the help centre. "
    "Then we'd look at engagement."
)


def _order_breach(flag_id: str):
    def check(analysis: Analysis) -> Span | None:
        # A metrics or evaluation question is judged on order only when it asks for framing.
        asks_framing = {"who", "why"} <= analysis.expects
        if analysis.prompt.question_type not in PROPOSING and not asks_framing:
            return None
        start = breach_at(analysis.first, flag_id)
        return None if start is None else analysis.sentence_at(start)

    return check


_solution_first = _order_breach("solution-first")
_tech_before_framing = _order_breach("tech-before-framing")


def _missing(element: str):
    def check(analysis: Analysis) -> Span | None:
        if element not in analysis.expects or analysis.present(element) or not analysis.words:
            return None
        return whole_answer(analysis)

    return check


def _missing_eval(analysis: Analysis) -> Span | None:
    expected = "eval_criteria" in analysis.expects or (
        analysis.prompt.text == "" and analysis.present("tech")
    )
    if not expected or analysis.present("eval_criteria") or not analysis.words:
        return None
    return whole_answer(analysis)


def _generic_user(analysis: Analysis) -> list[Span] | None:
    generic = analysis.signal("generic_user")
    if analysis.present("who") or not generic:
        return None
    return generic


def _vague_metric(analysis: Analysis) -> list[Span] | None:
    vague = analysis.signal("vague_metric")
    if analysis.present("metrics") or not vague:
        return None
    return vague


SOLUTION_FIRST = Rule(
    id="solution-first",
    applies_to=FRAMED,
    title="Solution before the user and their problem",
    severity=Severity.ERROR,
    message="You propose a solution (\u201c{quote}\u201d) before saying who it is for and what problem it solves.",
    why=(
        "Interviewers test whether you decide what to build and why before how. A solution "
        "chosen before the user and the problem are clear is a guess, however good the tech."
    ),
    fix="Open with one specific user segment and their concrete pain; propose solutions after.",
    check=_solution_first,
    must_flag=(
        ex(ML_FIRST),
        ex("I'd build a chatbot that answers HR questions. It would help employees."),
        ex(
            "We could add smart replies to the inbox. Freelance designers juggle 80 client emails a day."
        ),
    ),
    must_pass=(
        ex(STRONG),
        ex(
            "Freelance designers juggle 80 client emails a day and miss deadlines. I'd add smart replies."
        ),
        ex("Let me start with who this is for: first-time Etsy sellers."),
    ),
)

TECH_BEFORE_FRAMING = Rule(
    id="tech-before-framing",
    applies_to=FRAMED,
    title="Technology before who, why and metrics",
    severity=Severity.ERROR,
    message="Technology comes up (\u201c{quote}\u201d) before the user, their problem and the success metrics are all set.",
    why=(
        "The classic red flag for candidates from machine learning: jumping to models before "
        "defining who the user is, why they need this, and how success is measured. Metrics "
        "must come before any discussion of algorithms."
    ),
    fix="Hold the model talk until you have named the user, their problem and one or two metrics.",
    check=_tech_before_framing,
    must_flag=(
        ex(ML_FIRST),
        ex(
            "Small law firms drown in contract review. I'd fine-tune a model on clauses. Success is review time."
        ),
        ex("Use embeddings and a vector database to match mentors to mentees."),
    ),
    must_pass=(
        ex(STRONG),
        ex("Before we pick an algorithm, I want to know who the user is."),
        ex("Our business model is subscriptions; the pricing model is per seat."),
    ),
)

MISSING_USER = Rule(
    id="missing-user",
    applies_to=FRAMED,
    scope="answer",
    title="No specific user",
    severity=Severity.ERROR,
    message="No specific user or customer segment is named anywhere in the answer.",
    why=(
        "Every product decision follows from who you serve. 'Users' or 'everyone' gives the "
        "interviewer nothing to check your solution against."
    ),
    fix="Name one segment with a detail that matters, e.g. 'night-shift nurses on surgical wards'.",
    check=_missing("who"),
    must_flag=(
        ex("Users want faster answers, so I'd add a search bar and measure CSAT."),
        ex("We should make the product better for everyone and track NPS."),
    ),
    must_pass=(
        ex(STRONG),
        ex("First-time Etsy sellers struggle to price their items."),
        ex("Users want faster answers.", expects=("metrics",)),
    ),
)

MISSING_PROBLEM = Rule(
    id="missing-problem",
    applies_to=FRAMED,
    scope="answer",
    title="No user problem",
    severity=Severity.ERROR,
    message="The answer never states the user's concrete problem, pain or need.",
    why=(
        "Without the 'why' there is no way to tell whether the product matters. A business "
        "goal such as revenue is not the user's problem."
    ),
    fix="Say what the user struggles with today, in their terms, ideally with a number.",
    check=_missing("why"),
    must_flag=(
        ex("For first-time Etsy sellers, I'd build a pricing assistant and track conversion rate."),
        ex("Our goal is to grow revenue with teachers, measured by ARPU."),
    ),
    must_pass=(
        ex(STRONG),
        ex("Teachers spend six hours a week grading essays."),
        ex("For teachers, a grading assistant.", expects=("who",)),
    ),
)

MISSING_METRICS = Rule(
    id="missing-metrics",
    applies_to=FRAMED,
    scope="answer",
    title="No success metric",
    severity=Severity.ERROR,
    message="No concrete, measurable success metric is named.",
    why=(
        "Interviewers expect you to define what success looks like before building. Without a "
        "named metric no launch decision or experiment can be judged."
    ),
    fix="Name one primary metric (e.g. 'time to first draft') and a guardrail (e.g. complaint rate).",
    check=_missing("metrics"),
    must_flag=(
        ex("Nurses struggle with handovers, so I'd build a summary tool and see if it works."),
        ex("Metrics: we'll track KPIs and engagement."),
    ),
    must_pass=(
        ex(STRONG),
        ex("We'd track 7-day retention."),
        ex("Nurses struggle with handovers.", expects=("who", "why")),
    ),
)

MISSING_EVAL_CRITERIA = Rule(
    id="missing-eval-criteria",
    applies_to=FRAMED,
    scope="answer",
    title="No evaluation criteria for the AI's output",
    severity=Severity.ERROR,
    message="The answer never says how the quality of the AI's output will be judged.",
    why=(
        "AI PMs write the criteria for what a good AI output looks like; the PM knows the "
        "customer's job well enough to define them. Business metrics alone cannot tell a "
        "fluent wrong answer from a right one."
    ),
    fix="Describe a good output, build a small golden set of real examples, and set a quality bar to ship.",
    check=_missing_eval,
    must_flag=(
        ex(
            "Nurses lose time on handovers; I'd use an LLM to draft them and track handover time.",
            expects=("who", "why", "metrics", "eval_criteria"),
        ),
        ex("I'd fine-tune a model on tickets."),
    ),
    must_pass=(
        ex(
            "A good draft cites the chart; we grade 200 real handovers with a rubric before launch.",
            expects=("eval_criteria",),
        ),
        ex("Nurses lose time on handovers; track handover time."),
    ),
)

GENERIC_USER = Rule(
    id="generic-user",
    applies_to=FRAMED,
    title="Generic user",
    severity=Severity.WARNING,
    message="\u201c{quote}\u201d is not a segment: say which users.",
    why=(
        "A segment that is everyone cannot be prioritised, interviewed or measured. "
        "Interviewers look for one chosen segment and the reason for choosing it."
    ),
    fix="Replace 'users' with who exactly: their role, situation and what makes them distinct.",
    check=_generic_user,
    must_flag=(
        ex("Users want a faster checkout.", expects=["why", "metrics"]),
        ex("This is for everyone who uses the app.", expects=["metrics"]),
    ),
    must_pass=(
        # Where a user segment is expected, missing-user says it once (never both flags).
        ex("Users want a faster checkout."),
        ex("Users who abandoned a cart twice in a month are the segment."),
        ex("Rural customers without broadband want a faster checkout."),
    ),
)

VAGUE_METRIC = Rule(
    id="vague-metric",
    applies_to=FRAMED,
    title="Vague metric",
    severity=Severity.WARNING,
    message="\u201c{quote}\u201d is not a metric anyone can compute.",
    why=(
        "'Engagement' or 'KPIs' sound like measurement but decide nothing. Interviewers want "
        "a metric you could put on a dashboard tomorrow."
    ),
    fix="Name the exact measure and unit, e.g. 'weekly active teachers' or 'median minutes to grade'.",
    check=_vague_metric,
    must_flag=(
        ex("We'd look at engagement.", expects=["who"]),
        ex("Success metrics: TBD.", expects=["why"]),
    ),
    must_pass=(
        ex("We'd look at engagement rate per weekly active teacher."),
        ex("Teachers spend six hours grading."),
        # Where metrics are expected, missing-metrics says it once.
        ex("We'd look at engagement."),
    ),
)

RULES = (
    SOLUTION_FIRST,
    TECH_BEFORE_FRAMING,
    MISSING_USER,
    MISSING_PROBLEM,
    MISSING_METRICS,
    MISSING_EVAL_CRITERIA,
    GENERIC_USER,
    VAGUE_METRIC,
)
