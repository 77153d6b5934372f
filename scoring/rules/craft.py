"""AI-PM craft rules: why AI, guardrails, failure plans, trade-offs, risks, frameworks."""

from __future__ import annotations

from scoring.analysis import Analysis
from scoring.question_type import FRAMED, PROPOSING
from scoring.report import Severity, Span
from scoring.rules.base import Rule, ex, whole_answer

_SENIOR = "senior"


def _ai_proposal(analysis: Analysis) -> Span | None:
    """Where the answer first proposes AI (a tech mention), if it does."""
    tech = analysis.coverage["tech"]
    if not tech.present:
        return None
    return tech.evidence[0]


def _no_why_ai(analysis: Analysis) -> Span | None:
    proposal = _ai_proposal(analysis)
    if proposal is None or analysis.signal("why_ai"):
        return None
    return analysis.sentence_at(proposal.start)


def _no_guardrail(analysis: Analysis) -> Span | None:
    metrics = analysis.coverage["metrics"]
    if not metrics.present or analysis.signal("guardrail") or analysis.level == "apm":
        return None
    return analysis.sentence_at(metrics.evidence[0].start)


def _no_failure_plan(analysis: Analysis) -> Span | None:
    proposal = _ai_proposal(analysis)
    if proposal is None or analysis.signal("failure_plan") or analysis.level == "apm":
        return None
    return analysis.sentence_at(proposal.start)


def _expected_or_senior(analysis: Analysis, element: str, *, senior_needs_ai: bool) -> bool:
    if element in analysis.expects:
        return True
    if analysis.level != _SENIOR:
        return False
    return analysis.is_ai if senior_needs_ai else True


def _no_tradeoffs(analysis: Analysis) -> Span | None:
    if analysis.words < 30 or analysis.present("tradeoffs"):
        return None
    if not _expected_or_senior(analysis, "tradeoffs", senior_needs_ai=False):
        return None
    return whole_answer(analysis)


def _no_risks(analysis: Analysis) -> Span | None:
    if analysis.words < 30 or analysis.present("risks"):
        return None
    if not _expected_or_senior(analysis, "risks", senior_needs_ai=True):
        return None
    return whole_answer(analysis)


def _framework_narration(analysis: Analysis) -> Span | None:
    names = analysis.signal("framework")
    if not names:
        return None
    hollow = not (analysis.present("who") and analysis.present("why"))
    steps = len(analysis.signal("framework_step"))
    recited = steps >= 3 and analysis.words < 25 * len(analysis.segments or [1])
    if hollow or recited:
        return names[0]
    return None


NO_WHY_AI = Rule(
    id="no-why-ai",
    applies_to=PROPOSING,
    title="AI without a reason",
    severity=Severity.WARNING,
    message="AI is proposed (\u201c{quote}\u201d) without saying why it beats rules, search or manual work.",
    why=(
        "Interviewers probe whether AI is needed at all. A rule, a template or better search is "
        "often cheaper, more predictable and easier to trust."
    ),
    fix="Say what makes the problem need AI (unstructured text, too many variations, scale) and what simpler option you ruled out.",
    check=_no_why_ai,
    must_flag=(
        ex("I'd use an LLM to write the weekly report."),
        ex("We'd add a recommendation model to the homepage."),
    ),
    must_pass=(
        ex("Rules can't cope with free-text complaints, so I'd use an LLM to triage them."),
        ex("Teachers spend six hours grading."),
    ),
)

NO_GUARDRAIL_METRIC = Rule(
    id="no-guardrail-metric",
    applies_to=FRAMED,
    title="Success metric without a guardrail",
    severity=Severity.WARNING,
    message="A success metric (\u201c{quote}\u201d) is given with no guardrail or counter metric.",
    why=(
        "Any metric can be gamed: an AI that drafts more replies can also send more wrong ones. "
        "Strong answers pair the north star with quality, safety, latency or cost guardrails."
    ),
    fix="Add a counter metric that must not get worse, e.g. 'while complaint rate stays under 1%'.",
    check=_no_guardrail,
    must_flag=(
        ex("We'd track 7-day retention."),
        ex("The north star is weekly active teachers; we'd measure conversion rate too."),
    ),
    must_pass=(
        ex("We'd track 7-day retention while keeping the complaint rate flat."),
        ex("We'd track 7-day retention.", level="apm"),
    ),
)

NO_FAILURE_PLAN = Rule(
    id="no-failure-plan",
    applies_to=FRAMED,
    title="No plan for when the model is wrong",
    severity=Severity.WARNING,
    message="An AI feature (\u201c{quote}\u201d) with no word on what happens when the model is wrong.",
    why=(
        "Models fail, and confident wrong answers do more damage than uncertain ones. "
        "Interviewers expect human review, confidence thresholds or a fallback."
    ),
    fix="Say what the user sees when confidence is low, who reviews risky outputs, and how to undo.",
    check=_no_failure_plan,
    must_flag=(
        ex("I'd use an LLM to answer patients' billing questions."),
        ex("A classifier routes tickets to the right queue."),
    ),
    must_pass=(
        ex("An LLM drafts the answer; below a confidence threshold it goes to a human reviewer."),
        ex("Teachers spend six hours grading."),
    ),
)

NO_TRADEOFFS = Rule(
    id="no-tradeoffs",
    applies_to=FRAMED,
    scope="answer",
    title="No trade-offs",
    severity=Severity.WARNING,
    message="The answer commits to a path without weighing any alternative or trade-off.",
    why=(
        "Judgement shows in what you give up. Senior interviewers expect options compared "
        "against a criterion and a clear statement of what v1 leaves out."
    ),
    fix="Compare two options on one criterion (cost, speed, quality) and say what you chose not to do.",
    check=_no_tradeoffs,
    must_flag=(
        ex(
            "For first-time Etsy sellers who struggle to price items I'd build a pricing assistant "
            "that suggests a price from similar listings and shows the range, tracking conversion "
            "rate and time to first sale across the first month of selling.",
            level="senior",
        ),
        ex(
            "Small clinics struggle to schedule staff, so I'd build a scheduling assistant that "
            "proposes rotas from availability and past demand and track hours spent on "
            "scheduling per week plus the share of shifts filled on time in the first two months.",
            expects=("who", "why", "tradeoffs"),
        ),
    ),
    must_pass=(
        ex(
            "Small clinics struggle to schedule staff, so I'd build a scheduling assistant rather "
            "than a marketplace: it is cheaper to test, at the cost of a smaller market, and we "
            "would track hours spent on scheduling per week and shifts filled.",
            level="senior",
        ),
        ex("Short answer.", level="senior"),
    ),
)

NO_RISKS = Rule(
    id="no-risks",
    applies_to=FRAMED,
    scope="answer",
    title="No risks",
    severity=Severity.WARNING,
    message="The answer names no risk: privacy, bias, safety, misuse or failure modes.",
    why=(
        "Responsible launch is part of the AI PM's job. Interviewers look for the risks you "
        "would watch and how you would limit them, above all at senior level."
    ),
    fix="Name the one or two risks that matter most for this user and how you would contain them.",
    check=_no_risks,
    must_flag=(
        ex(
            "Freelance accountants spend hours categorising receipts, so I'd use an LLM to "
            "categorise them automatically and measure minutes saved per week and the share of "
            "receipts accepted without edits over the first month.",
            level="senior",
        ),
        ex(
            "Teachers spend six hours a week grading essays, so I'd build a grading helper that "
            "suggests comments and measure the hours saved each week across a full term of regular use.",
            expects=("who", "why", "risks"),
        ),
    ),
    must_pass=(
        ex(
            "Freelance accountants spend hours categorising receipts, so I'd use an LLM; the main "
            "risk is privacy of client data, and we'd measure minutes saved per week.",
            level="senior",
        ),
        ex("Teachers spend six hours a week grading essays.", level="senior"),
    ),
)

FRAMEWORK_NARRATION = Rule(
    id="framework-narration",
    title="Framework recited without content",
    severity=Severity.WARNING,
    message="\u201c{quote}\u201d is named, but its steps are recited rather than filled with this user and problem.",
    why=(
        "Naming CIRCLES or RICE is not structure. Interviewers want the content each step "
        "should produce: a chosen user, a real pain, a prioritised solution."
    ),
    fix="Drop the framework's name and say the content: 'I'll focus on X because Y'.",
    check=_framework_narration,
    must_flag=(
        ex(
            "I'll use the CIRCLES method. First comprehend the situation, then identify the "
            "customer, report the customer's needs, cut through prioritization, list solutions, "
            "evaluate tradeoffs and summarize."
        ),
        ex("Using RICE: reach, impact, confidence, effort. Then we decide."),
    ),
    must_pass=(
        ex(
            "I'll use CIRCLES briefly. The customer is night-shift nurses, who lose 40 minutes a "
            "shift re-typing handover notes."
        ),
        ex("Night-shift nurses lose 40 minutes a shift re-typing handover notes."),
    ),
)

RULES = (
    NO_WHY_AI,
    NO_GUARDRAIL_METRIC,
    NO_FAILURE_PLAN,
    NO_TRADEOFFS,
    NO_RISKS,
    FRAMEWORK_NARRATION,
)
