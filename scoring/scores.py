"""Dimension scores from declared rubrics, the overall score and the grade.

Each dimension is a table (scoring/rubric.py): gates that decide it outright (not assessed, or
a fixed score), then rows that read evidence (scoring/evidence.py) and add points. Only
evidence moves a score: naming a framework, length alone or buzzwords never raise one. Every
tier, gate and unmet row lists answers that reach it; tests/test_scoring_rubric.py runs them.
"""

from __future__ import annotations

from collections.abc import Sequence

from scoring import evidence as ev
from scoring.analysis import Analysis
from scoring.question_type import BEHAVIORAL
from scoring.report import Dimension, Flag, Report, Severity
from scoring.rubric import Evidence, Gate, Points, Row, Rubric, Tier, explain_dimension
from scoring.rules.base import Example, Rule, ex
from scoring.rules.framing import MISSING_METRICS, MISSING_PROBLEM, MISSING_USER, ML_FIRST, STRONG
from scoring.rules.story import PROMPT as STORY_PROMPT

WEIGHTS = {
    "framing": 0.30,
    "metrics": 0.20,
    "ai_evaluation": 0.15,
    "solution": 0.20,
    "communication": 0.15,
}
ERROR_PENALTY = {"apm": 3, "pm": 4, "senior": 6}
LEVEL_SHIFT = {"apm": 5, "pm": 0, "senior": -5}
GRADE_FLOORS = ((85, 5), (70, 4), (55, 3), (40, 2))

NO_ANSWER = "No answer to assess."
METRICS_PROMPT = "How would you measure the success of AI-drafted replies in a support inbox?"
CONCEPT_PROMPT = "Explain retrieval-augmented generation to a new PM."
AI_PROMPT = "Design an AI assistant for nurses."
RAG = (
    "Retrieval-augmented generation fetches relevant documents first and lets the model answer "
    "from them."
)
GRADED_DRAFTS = (
    "A good draft cites the chart, is factually accurate and complete; we grade 300 real "
    "handovers with a rubric before launch."
)
# Answers shared by several rows: a framed answer without a metric, and one with two.
NURSES = "Night-shift nurses lose 40 minutes a shift re-typing handover notes."
NURSES_DRAFT = NURSES + " I'd build a draft-handover feature."
# A metrics-only answer to a metrics-only prompt: no user and no solution are asked for.
METRICS_ONLY = ex(
    "I'd track the share of replies sent without edits and time to resolution.",
    expects=("metrics",),
    prompt=METRICS_PROMPT,
)
TWO_METRICS = (
    "Success is handover time per patient and the share of notes edited before sending; the "
    "guardrail is missed medications."
)


# An answer the English vocabulary cannot read: its absences are only "worth checking".
FOREIGN = (
    "Construiría un asistente con IA que resume las notas de cada paciente para el equipo del "
    "turno siguiente, con un modelo de lenguaje ajustado a nuestros datos clínicos."
)


def _unsure_absence(rule: Rule, points: int, missing: str) -> Tier:
    """The tier of an absence the coach is unsure of ("worth checking"): counted in part."""
    return Tier(
        ev.absence_unsure(rule),
        ev.credit_if_unsure(rule, points),
        f"no {missing} found, but the coach is unsure: counted in part",
        f"no {missing} found (worth checking)",
        examples=(ex(FOREIGN),),
    )


def _story(text: str):
    return ex(text, prompt=STORY_PROMPT)


FRAMING = Rubric(
    dimension="framing",
    title="Framing",
    gates=(
        Gate("framing.no-answer", ev.no_answer, None, NO_ANSWER, examples=(ex(""),)),
        Gate(
            "framing.not-asked",
            ev.framing_not_asked,
            None,
            "Framing a user is not what this question asks for.",
            examples=(ex(RAG, prompt=CONCEPT_PROMPT),),
        ),
        Gate(
            "framing.user-not-asked",
            ev.user_not_asked,
            None,
            "The question does not ask who the user is.",
            examples=(METRICS_ONLY,),
        ),
    ),
    rows=(
        Row(
            "framing.who",
            tiers=(
                Tier(ev.user_named, 40, "who named", examples=(ex(NURSES),)),
                _unsure_absence(MISSING_USER, 40, "user"),
                Tier(
                    ev.generic_users_only,
                    10,
                    "users only generic",
                    "users are only generic",
                    examples=(ex("Users lose 40 minutes a day re-typing notes."),),
                ),
            ),
            unmet="no user named",
            unmet_note="no user named",
            misses=(ex(ML_FIRST),),
        ),
        Row(
            "framing.why",
            tiers=(
                Tier(ev.problem_named, 40, "user problem named", examples=(ex(NURSES),)),
                _unsure_absence(MISSING_PROBLEM, 40, "user problem"),
            ),
            unmet="no user problem",
            unmet_note="no user problem",
            misses=(ex("Night-shift nurses would get a handover assistant."),),
        ),
        Row(
            "framing.before-solution",
            tiers=(
                Tier(
                    ev.framing_before_solution,
                    20,
                    "framing before the solution",
                    examples=(ex(STRONG), ex(NURSES_DRAFT)),
                ),
            ),
            unmet="solution before the framing",
            unmet_note="solution comes before the framing",
            misses=(ex(ML_FIRST),),
        ),
    ),
    clear="Who and why are set before the solution.",
)

STORY = Rubric(
    dimension="framing",
    title="Framing (story)",
    gates=(Gate("story.no-answer", ev.no_answer, None, NO_ANSWER, examples=(_story(""),)),),
    rows=(
        Row(
            "story.own-action",
            tiers=(
                Tier(
                    ev.own_action_told,
                    35,
                    "your own action",
                    examples=(
                        _story(
                            "I pulled the error analysis and proposed fixing retrieval first; we "
                            "shipped in three weeks."
                        ),
                    ),
                ),
            ),
            unmet="no action of your own",
            unmet_note="your own action",
            misses=(
                _story(
                    "The team was split on whether to ship the model. We discussed it for a week "
                    "and the engineers eventually agreed to run a pilot, which went well."
                ),
            ),
        ),
        Row(
            "story.result",
            tiers=(
                Tier(
                    ev.measured_result_told,
                    35,
                    "a measured result",
                    examples=(
                        _story(
                            "I set up a meeting with the ML lead and brought latency data. We "
                            "shipped the smaller model and p95 latency dropped from 2.1 to 0.9 "
                            "seconds."
                        ),
                    ),
                ),
                Tier(
                    ev.result_told,
                    20,
                    "a result without a measure",
                    "a measure of its result",
                    examples=(
                        _story(
                            "I set up a meeting with the ML lead and brought latency data. In "
                            "the end we shipped the smaller model and the team was happy."
                        ),
                    ),
                ),
            ),
            unmet="no result",
            unmet_note="a result",
            misses=(
                _story(
                    "I disagreed with our ML lead about shipping a larger model. I set up a "
                    "meeting, brought the latency data from our users' sessions and argued for "
                    "the smaller model."
                ),
            ),
        ),
        Row(
            "story.reflection",
            tiers=(
                Tier(
                    ev.reflection_told,
                    30,
                    "what you learned",
                    examples=(
                        _story(
                            "I brought latency data and we shipped the smaller model; latency "
                            "halved. I learned to settle debates with an experiment rather than "
                            "opinions."
                        ),
                    ),
                ),
            ),
            unmet="no reflection",
            unmet_note="what you learned",
            misses=(
                _story(
                    "I disagreed with our ML lead about the model. I brought latency data to the "
                    "review and we shipped the smaller model; p95 latency dropped by half."
                ),
            ),
        ),
    ),
    clear="The story has your action, a result and a reflection.",
    lead="The story lacks ",
    joiner=", ",
    last_joiner=" and ",
)

METRICS = Rubric(
    dimension="metrics",
    title="Metrics",
    gates=(
        Gate(
            "metrics.not-asked",
            ev.metrics_not_asked,
            None,
            "Metrics were not asked for and not named.",
            examples=(ex(RAG, expects=("who",), prompt=CONCEPT_PROMPT),),
        ),
        Gate(
            "metrics.vague-only",
            ev.vague_measures_only,
            15,
            "Only vague measures (engagement, KPIs), no named metric.",
            examples=(ex(NURSES + " Success means better engagement."),),
        ),
        Gate(
            "metrics.unsure",
            ev.absence_unsure(MISSING_METRICS),
            None,
            "No success metric found, but the coach is not sure (worth checking): not counted.",
            examples=(ex(FOREIGN),),
        ),
        Gate(
            "metrics.none",
            ev.no_metric,
            0,
            "No success metric named.",
            examples=(ex(NURSES_DRAFT),),
        ),
    ),
    rows=(
        Row(
            "metrics.named",
            tiers=(
                Tier(
                    ev.metrics_named,
                    40,
                    "named metrics",
                    "{n} named metric(s)",
                    examples=(ex(NURSES + " Success is handover time per patient."),),
                ),
            ),
            unmet="no named metric",  # unreachable: the gates above decide that case
            measure=ev.metric_count,
        ),
        Row(
            "metrics.several",
            tiers=(
                Tier(ev.several_metrics, 10, "two or more metrics", examples=(ex(TWO_METRICS),)),
            ),
            unmet="a single metric",
            misses=(ex(NURSES + " Success is handover time per patient."),),
        ),
        Row(
            "metrics.guardrail",
            tiers=(
                Tier(
                    ev.guardrail_with_metrics,
                    15,
                    "a guardrail metric",
                    "with a guardrail",
                    examples=(ex(TWO_METRICS),),
                ),
            ),
            unmet="no guardrail",
            unmet_note="no guardrail",
            misses=(ex(NURSES + " Success is handover time per patient."),),
        ),
        Row(
            "metrics.target",
            tiers=(
                Tier(
                    ev.numeric_target,
                    15,
                    "a numeric target",
                    "a numeric target",
                    examples=(
                        ex(NURSES + " Success is handover time per patient falling to 3 minutes."),
                    ),
                ),
            ),
            unmet="no numeric target",
            misses=(ex(TWO_METRICS),),
        ),
        Row(
            "metrics.before-tech",
            tiers=(
                Tier(
                    ev.metrics_before_tech,
                    20,
                    "metrics before the technology",
                    examples=(ex(STRONG),),
                ),
            ),
            unmet="metrics only after the technology",
            unmet_note="but only after the technology",
            misses=(
                ex(
                    "I'd fine-tune an LLM on past handovers for night-shift nurses. Success is "
                    "handover time per patient."
                ),
            ),
        ),
    ),
    clear="Metrics named.",  # unreachable: the named-metrics row always has a note
)

AI_EVALUATION = Rubric(
    dimension="ai_evaluation",
    title="AI evaluation",
    gates=(
        Gate(
            "ai_evaluation.no-ai",
            ev.no_ai_output_to_judge,
            None,
            "No AI output to evaluate in this answer.",
            examples=(ex("Teachers spend six hours a week grading essays by hand."),),
        ),
        Gate(
            "ai_evaluation.no-answer",
            ev.no_answer,
            None,
            NO_ANSWER,
            examples=(ex("", prompt=AI_PROMPT),),
        ),
    ),
    rows=(
        Row(
            "ai_evaluation.criteria",
            tiers=(
                Tier(
                    ev.criteria_named,
                    55,
                    "criteria for a good output",
                    "says how output quality is judged",
                    examples=(ex(GRADED_DRAFTS, prompt=AI_PROMPT),),
                ),
            ),
            unmet="no criteria for a good output",
            unmet_note="no criteria for a good output",
            misses=(ex(ML_FIRST),),
        ),
        Row(
            "ai_evaluation.more-criteria",
            tiers=(
                Tier(
                    ev.several_criteria,
                    ev.extra_criteria_points,
                    "more than one criterion",
                    examples=(ex(GRADED_DRAFTS, prompt=AI_PROMPT),),
                ),
            ),
            unmet="one criterion or none",
            misses=(ex(ML_FIRST),),
            best=20,
        ),
        Row(
            "ai_evaluation.failure-plan",
            tiers=(
                Tier(
                    ev.failure_plan,
                    25,
                    "a plan for wrong outputs",
                    "plans for wrong outputs",
                    examples=(
                        ex(
                            "When confidence is low the draft is marked and a human reviews it "
                            "before it is shared.",
                            prompt=AI_PROMPT,
                        ),
                    ),
                ),
                Tier(
                    ev.ai_on_the_table,
                    0,
                    "no plan for wrong outputs",
                    "no plan for wrong outputs",
                    examples=(ex(ML_FIRST),),
                ),
            ),
            unmet="no failure plan",
            misses=(  # criteria for work no AI does: no AI output can go wrong
                ex(
                    "Teachers spend six hours a week grading essays. A good grade is accurate and "
                    "consistent; we audit 100 essays with a rubric."
                ),
            ),
            best=25,
        ),
    ),
    clear="Output quality is judged.",  # unreachable: the criteria row always has a note
)

SOLUTION = Rubric(
    dimension="solution",
    title="Solution",
    gates=(
        Gate(
            "solution.missing",
            ev.proposal_missing,
            10,
            "No concrete solution proposed.",
            examples=(ex(NURSES),),
        ),
        Gate(
            "solution.not-asked",
            ev.no_proposal,
            None,
            "No solution was asked for or proposed.",
            examples=(METRICS_ONLY,),
        ),
    ),
    rows=(
        Row(
            "solution.proposal",
            tiers=(
                Tier(
                    ev.solution_proposed,
                    40,
                    "a concrete proposal",
                    "a concrete proposal",
                    examples=(ex(NURSES_DRAFT),),
                ),
            ),
            unmet="no proposal",  # unreachable: the gates above decide that case
        ),
        Row(
            "solution.why-ai",
            tiers=(
                Tier(ev.no_ai_to_justify, 15, "no AI to justify", examples=(ex(NURSES_DRAFT),)),
                Tier(
                    ev.why_ai_given,
                    15,
                    "why AI is said",
                    examples=(
                        ex(
                            NURSES + " I'd build a draft on an LLM, because the notes are free "
                            "text that rules cannot summarise."
                        ),
                    ),
                ),
            ),
            unmet="AI not justified",
            unmet_note="AI not justified",
            misses=(ex(ML_FIRST),),
        ),
        Row(
            "solution.tradeoffs",
            tiers=(
                Tier(
                    ev.tradeoffs_weighed,
                    20,
                    "trade-offs weighed",
                    "trade-offs weighed",
                    examples=(
                        ex(
                            NURSES_DRAFT + " The trade-off is recall versus precision: a missed "
                            "allergy costs more than an extra line."
                        ),
                    ),
                ),
            ),
            unmet="no trade-offs",
            misses=(ex(NURSES_DRAFT),),
        ),
        Row(
            "solution.risks",
            tiers=(
                Tier(
                    ev.risks_named,
                    15,
                    "risks named",
                    "risks named",
                    examples=(
                        ex(
                            NURSES_DRAFT + " Privacy is the main risk, so the draft only uses "
                            "data the nurse can already see."
                        ),
                    ),
                ),
            ),
            unmet="no risks named",
            misses=(ex(NURSES_DRAFT),),
        ),
        Row(
            "solution.after-framing",
            tiers=(
                Tier(
                    ev.framing_before_solution,
                    10,
                    "proposed after the framing",
                    examples=(ex(NURSES_DRAFT),),
                ),
            ),
            unmet="proposed before the framing",
            misses=(ex(ML_FIRST),),
        ),
    ),
    clear="A concrete proposal.",  # unreachable: the proposal row always has a note
)


def _penalty(
    row_id: str,
    evidence: Evidence,
    points: Points,
    label: str,
    unmet: str,
    example: Example,
    miss: Example,
) -> Row:
    """A communication row that costs points when its evidence is there."""
    return Row(
        row_id,
        tiers=(Tier(evidence, points, label, label, examples=(example,)),),
        unmet=unmet,
        misses=(miss,),
    )


COMMUNICATION = Rubric(
    dimension="communication",
    title="Communication",
    gates=(Gate("communication.no-answer", ev.no_answer, None, NO_ANSWER, examples=(ex(""),)),),
    rows=(
        Row(
            "communication.start",
            tiers=(Tier(ev.answered, 100, "starts from full marks", examples=(ex(NURSES),)),),
            unmet="no answer",  # unreachable: the gate above decides that case
        ),
        Row(
            "communication.length",
            tiers=(
                Tier(
                    ev.too_short,
                    ev.short_answer_points,
                    "too short for the level",
                    "too short",
                    examples=(ex(NURSES),),
                ),
            ),
            unmet="long enough",
            misses=(ex(" ".join([NURSES] * 8)),),
        ),
        Row(
            "communication.fillers",
            tiers=(
                Tier(
                    ev.many_fillers,
                    ev.filler_points,
                    "many filler words",
                    "many fillers",
                    examples=(ex("um so like basically " + " ".join([NURSES] * 3)),),
                ),
            ),
            unmet="few fillers",
            misses=(ex(" ".join([NURSES] * 3)),),
        ),
        _penalty(
            "communication.commits",
            ev.asks_interviewer_to_decide,
            -10,
            "asks the interviewer to decide",
            "commits to a choice",
            ex("I could focus on nurses or doctors. What do you think?"),
            ex("I'll focus on nurses because their handovers fail most often."),
        ),
        _penalty(
            "communication.focus",
            ev.runs_too_long,
            -25,
            "too long",
            "within the time",
            ex("and then we could also do this " * 200),
            ex(" ".join([NURSES] * 8)),
        ),
        _penalty(
            "communication.plain-words",
            ev.jargon_heavy,
            -15,
            "jargon-heavy",
            "plain words",
            ex("We use RAG with embeddings in a vector database, fine-tune an LLM with LoRA."),
            ex(NURSES_DRAFT),
        ),
        _penalty(
            "communication.own-structure",
            ev.recites_a_framework,
            -10,
            "recites a framework",
            "no framework recital",
            ex("Using RICE: reach, impact, confidence, effort. Then we decide."),
            ex(NURSES_DRAFT),
        ),
        _penalty(
            "communication.summary",
            ev.long_without_summary,
            -5,
            "no summary",
            "summary, or short enough",
            ex("Nurses lose forty minutes a shift. " * 60),
            ex("Nurses lose forty minutes a shift. " * 60 + "To sum up, ship the handover draft."),
        ),
    ),
    clear="Clear and well paced.",
)

RUBRICS: dict[str, Rubric] = {
    rubric.dimension: rubric
    for rubric in (FRAMING, METRICS, AI_EVALUATION, SOLUTION, COMMUNICATION)
}
# A kind of question that judges a dimension by its own table: a story is framed differently.
VARIANTS: dict[tuple[str, str], Rubric] = {("framing", BEHAVIORAL): STORY}
ALL_RUBRICS: tuple[Rubric, ...] = (*RUBRICS.values(), *VARIANTS.values())


def rubric_for(dimension: str, question_type: str) -> Rubric:
    return VARIANTS.get((dimension, question_type), RUBRICS[dimension])


def dimensions(a: Analysis) -> dict[str, Dimension]:
    question_type = a.prompt.question_type
    return {name: rubric_for(name, question_type).score(a) for name in RUBRICS}


def explain_score(source: Report | Analysis) -> list[str]:
    """One line per dimension saying how its score was computed, row by row.

    A report carries its rows (so a stored one explains itself); an analysis is scored first.
    """
    if isinstance(source, Report):
        dims, question_type = source.dimensions, source.question_type
    else:
        dims, question_type = dimensions(source), source.prompt.question_type
    return [
        explain_dimension(rubric_for(name, question_type).title, dims[name])
        for name in RUBRICS
        if name in dims
    ]


def overall(dims: dict[str, Dimension], flags: Sequence[Flag], level: str) -> int:
    """Weighted mean of the assessed dimensions, minus error flags, shifted for the level."""
    assessed = {name: dim.score for name, dim in dims.items() if dim.score is not None}
    if not assessed:
        return 0
    total_weight = sum(WEIGHTS[name] for name in assessed)
    mean = sum(WEIGHTS[name] * score for name, score in assessed.items()) / total_weight
    errors = sum(1 for flag in flags if flag.severity is Severity.ERROR and not flag.tentative)
    value = mean - errors * ERROR_PENALTY[level] + LEVEL_SHIFT[level]
    return round(max(0.0, min(100.0, value)))


def grade(score: int) -> int:
    """1-5 grade from the overall score."""
    for floor, value in GRADE_FLOORS:
        if score >= floor:
            return value
    return 1
