"""Rules about delivery: length, focus, jargon, fillers, committing, language."""

from __future__ import annotations

from scoring.analysis import Analysis
from scoring.report import Severity, Span
from scoring.rules.base import Rule, ex, whole_answer

MIN_WORDS = {"apm": 50, "pm": 60, "senior": 80}
RAMBLING_WORDS = 900  # about seven minutes of speech
FILLER_RATE = 0.05
JARGON_RATE = 0.08
SUMMARY_MIN_WORDS = 300

FILLER_HEAVY_EXAMPLE = (
    "um so like basically I think we would um you know like look at the the uh problem and um "
    "kind of see what nurses need you know and um like yeah basically that"
)


def filler_rate(analysis: Analysis) -> float:
    return len(analysis.signal("filler")) / analysis.words if analysis.words else 0.0


def _too_short(analysis: Analysis) -> Span | None:
    if analysis.words >= MIN_WORDS.get(analysis.level, 60):
        return None
    return whole_answer(analysis)


def _rambling(analysis: Analysis) -> Span | None:
    if analysis.words <= RAMBLING_WORDS:
        return None
    longest = max(analysis.segments, key=lambda s: s.last_token - s.first_token)
    return Span(longest.start, longest.end, analysis.answer[longest.start : longest.end])


def _jargon_heavy(analysis: Analysis) -> Span | None:
    jargon = analysis.signal("tech_terms") + analysis.signal("buzz")
    if len(jargon) < 5 or len(jargon) / max(analysis.words, 1) < JARGON_RATE:
        return None
    return min(jargon, key=lambda s: s.start)


def _seeks_validation(analysis: Analysis) -> Span | None:
    asks = analysis.signal("seeks_validation")
    return analysis.sentence_at(asks[0].start) if asks else None


def _filler_heavy(analysis: Analysis) -> Span | None:
    if analysis.words < 30 or filler_rate(analysis) < FILLER_RATE:
        return None
    return analysis.signal("filler")[0]


def _no_summary(analysis: Analysis) -> Span | None:
    if analysis.words < SUMMARY_MIN_WORDS or analysis.signal("summary"):
        return None
    last = analysis.segments[-1]
    return Span(last.start, last.end, analysis.answer[last.start : last.end])


def _non_english(analysis: Analysis) -> Span | None:
    return whole_answer(analysis) if analysis.language != "en" else None


TOO_SHORT = Rule(
    id="too-short",
    scope="answer",
    title="Too short",
    severity=Severity.WARNING,
    # Every kind of question gets this rule, so its words fit a story as well as a design.
    message="The answer is too short to show your reasoning.",
    why=(
        "An interview answer has to show how you think. A few lines cannot cover the parts "
        "the question asks for, let alone the trade-offs between them."
    ),
    fix=(
        "Give each part a few sentences: for a product question the user, problem, metrics, "
        "solution and risks; for a story the situation, your action, the result and what you "
        "learned."
    ),
    check=_too_short,
    must_flag=(ex("I'd build a chatbot."), ex("")),
    must_pass=(
        ex(" ".join(["Night-shift nurses lose forty minutes a shift re-typing notes."] * 8)),
        ex("Short but fine at APM level? No. " * 12, level="apm"),
    ),
)

RAMBLING = Rule(
    id="rambling",
    title="Rambling",
    severity=Severity.WARNING,
    message="The answer runs past seven minutes of speech; the interviewer will lose the thread.",
    why=(
        "Interviewers score structure and time management. An answer that never lands "
        "leaves no time for their follow-ups."
    ),
    fix="Aim for 3-5 minutes: state the structure up front, keep each part short, end with a summary.",
    check=_rambling,
    must_flag=(ex("and then we could also do this " * 200), ex("word " * 1000)),
    must_pass=(ex("Night-shift nurses lose forty minutes a shift."), ex("word " * 500)),
)

JARGON_HEAVY = Rule(
    id="jargon-heavy",
    title="Jargon-heavy",
    severity=Severity.WARNING,
    message="Dense technical or buzzword vocabulary (\u201c{quote}\u201d ...) crowds out the user and the problem.",
    why=(
        "An AI PM translates models into value for people. A wall of acronyms reads as "
        "hiding behind technology instead of explaining the product."
    ),
    fix="Keep one sentence on the approach in plain words; spend the rest on user, problem and outcomes.",
    check=_jargon_heavy,
    must_flag=(
        ex(
            "We use RAG with embeddings in a vector database, fine-tune an LLM with LoRA, and add RLHF."
        ),
        ex(
            "A cutting-edge, state-of-the-art, AI-powered, seamless, scalable transformer platform."
        ),
    ),
    must_pass=(
        ex("Night-shift nurses lose forty minutes a shift; an LLM drafts the handover note."),
        ex("Teachers spend six hours grading essays each week."),
    ),
)

SEEKS_VALIDATION = Rule(
    id="seeks-validation",
    title="Asks the interviewer to decide",
    severity=Severity.WARNING,
    message="\u201c{quote}\u201d hands the decision to the interviewer instead of committing.",
    why=(
        "Interviewers want to see you make a call with stated assumptions. Asking them to choose "
        "reads as lack of conviction."
    ),
    fix="State your assumption and choice ('I'll focus on X because Y'), then move on; they will redirect you if needed.",
    check=_seeks_validation,
    must_flag=(
        ex("I could focus on nurses or doctors. What do you think?"),
        ex("Should I go deeper on metrics?"),
    ),
    must_pass=(
        ex("I'll focus on nurses because their handovers fail most often."),
        ex("I think nurses are the right segment."),
    ),
)

FILLER_HEAVY = Rule(
    id="filler-heavy",
    title="Many filler words",
    severity=Severity.INFO,
    message="Filler words such as \u201c{quote}\u201d are frequent; they blur the structure when spoken.",
    why="Fillers make a spoken answer sound unsure and hide its structure from the interviewer.",
    fix="Pause instead of filling; signpost the parts ('first the user, then the metric').",
    check=_filler_heavy,
    must_flag=(ex(FILLER_HEAVY_EXAMPLE), ex("um " * 10 + "nurses need handovers " * 8)),
    must_pass=(
        ex("Night-shift nurses lose forty minutes a shift re-typing notes. " * 4),
        ex("um ok"),
    ),
)

NO_SUMMARY = Rule(
    id="no-summary",
    title="No summary",
    severity=Severity.INFO,
    message="A long answer ends without a summary of the recommendation.",
    why="A one-line close tells the interviewer what you recommend and why; without it a long answer blurs.",
    fix="End with 'To sum up: for X with problem Y, I'd ship Z first and judge it by M.'",
    check=_no_summary,
    must_flag=(
        ex("Nurses lose forty minutes a shift. " * 60),
        ex("We measure retention weekly. " * 80),
    ),
    must_pass=(
        ex("Nurses lose forty minutes a shift. " * 60 + "To sum up, ship the handover draft."),
        ex("Nurses lose forty minutes a shift."),
    ),
)

NON_ENGLISH = Rule(
    id="non-english",
    scope="answer",
    title="Not in English",
    severity=Severity.INFO,
    message="This answer does not look like English; the analysis is tuned for English, so read its scores with care.",
    why="The coach's vocabulary for users, problems and metrics is English; other languages will be under-detected.",
    fix="Answer in English for a reliable score, or use the feedback as a rough guide only.",
    check=_non_english,
    must_flag=(
        ex(
            "Para las enfermeras del turno de noche, el problema es que pierden cuarenta minutos cada turno."
        ),
        ex("Die Pflegekräfte verlieren jede Schicht vierzig Minuten mit der Übergabe der Notizen."),
    ),
    must_pass=(
        ex("Night-shift nurses lose forty minutes a shift re-typing handover notes."),
        ex("Teachers spend six hours a week grading essays and want faster feedback."),
    ),
)

RULES = (TOO_SHORT, RAMBLING, JARGON_HEAVY, SEEKS_VALIDATION, FILLER_HEAVY, NO_SUMMARY, NON_ENGLISH)
