"""``analyze``: the one entry point that turns an answer into a Report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache

from scoring import calibration as cal
from scoring import findings
from scoring.analysis import Analysis, Decision, analyse_text
from scoring.errors import AnswerTooLongError, ScoringError, UnknownLevelError
from scoring.prompt_spec import PromptSpec
from scoring.questions import CONFIRMED, apply_confirmations, questions
from scoring.report import (
    ELEMENTS,
    LEVELS,
    Coverage,
    Flag,
    Report,
    ScorerInfo,
    Segment,
    Stats,
)
from scoring.rules import RULES
from scoring.rules.communication import filler_rate
from scoring.scores import dimensions, grade, overall

SCORER_NAME = "aipm-rules"
SCORER_VERSION = "2.2.0"  # 2.2: unsure absences cost in part; measured story results; foreign basis
MAX_WORDS = 20_000
WORDS_PER_MINUTE = 140  # a calm interview pace


# When the first rule fires, the second says nothing new about the same gap.
SUPERSEDES: dict[str, tuple[str, ...]] = {
    "missing-user": ("generic-user",),
    "missing-metrics": ("vague-metric",),
}


def _flags(analysis: Analysis) -> tuple[Flag, ...]:
    flags = []
    for rule in RULES:
        for evidence in findings.occurrences(rule, analysis):
            whole = rule.scope == "answer"
            flags.append(
                Flag(
                    id=rule.id,
                    severity=rule.severity,
                    message=rule.render_message(evidence),
                    start=0 if whole else evidence.start,
                    end=0 if whole else evidence.end,
                    evidence="" if whole else evidence.text,
                    fix=rule.fix,
                    scope=rule.scope,
                )
            )
    fired = {flag.id for flag in flags}
    silenced = {quiet for loud in fired for quiet in SUPERSEDES.get(loud, ())}
    kept = [_calibrated(flag, analysis) for flag in flags if flag.id not in silenced]
    return tuple(sorted(kept, key=lambda f: (f.severity.rank, f.start, f.id)))


def _calibrated(flag: Flag, analysis: Analysis) -> Flag:
    basis = findings.basis(flag.id, analysis)
    confidence = cal.confidence(flag.id, basis)
    tentative = findings.is_tentative(flag.severity, confidence)
    return replace(flag, basis=basis, confidence=confidence, tentative=tentative)


@cache
def _reason_key(basis: str) -> str:
    """'nurses: narrowed by 'shift'' -> 'narrowed by': the kind of decision, not the word."""
    reason = basis.partition(": ")[2] or basis
    return reason.split(" '")[0].split(" (")[0].strip()


def _calibrated_coverage(analysis: Analysis) -> dict[str, Coverage]:
    absence = cal.absence_key(analysis.prompt.question_type, analysis.words, analysis.language)
    out = {}
    for element, cover in analysis.coverage.items():
        if cover.present:
            keys = {_reason_key(span.basis) for span in cover.evidence}
            confidence, basis = max((cal.confidence(element, key), key) for key in keys)
        else:
            basis = f"absent:{absence}"
            confidence = cal.confidence(element, basis)
        out[element] = replace(cover, basis=basis, confidence=confidence)
    return out


def _structure(analysis: Analysis) -> tuple[Segment, ...]:
    starts: list[tuple[int, str]] = sorted(
        (span.start, element)
        for element in ELEMENTS
        for span in analysis.coverage[element].evidence
    )
    segments = []
    cursor = 0
    for seg in analysis.segments:
        moves: list[str] = []
        while cursor < len(starts) and starts[cursor][0] < seg.end:
            element = starts[cursor][1]
            if starts[cursor][0] >= seg.start and element not in moves:
                moves.append(element)
            cursor += 1
        segments.append(
            Segment(seg.start, seg.end, analysis.answer[seg.start : seg.end], tuple(moves))
        )
    return tuple(segments)


def explain(
    answer: str, prompt: PromptSpec | None = None, level: str = "pm"
) -> tuple[Report, list[Decision]]:
    """The report plus every candidate the detectors kept or rejected, with the reason."""
    report, analysis = _report_and_analysis(answer, prompt, level, None)
    return report, analysis.decisions()


def analyze(
    answer: str,
    prompt: PromptSpec | None = None,
    level: str = "pm",
    confirmations: Mapping[str, object] | None = None,
) -> Report:
    """Score one answer: coverage, flags, structure, dimensions, overall and grade.

    Deterministic: the same input always gives the same report. ``confirmations`` are the
    learner's answers to the report's questions (``{"who": {"answer": True, "start": 10,
    "end": 25}}``); they settle those verdicts.

    Raises:
        AnswerTooLongError: the answer has more than MAX_WORDS words.
        UnknownLevelError: ``level`` is not one of apm, pm, senior.
        ScoringError: ``answer`` is not text.
    """
    return _report_and_analysis(answer, prompt, level, confirmations)[0]


def _report_and_analysis(
    answer: str,
    prompt: PromptSpec | None,
    level: str,
    confirmations: Mapping[str, object] | None,
) -> tuple[Report, Analysis]:
    """One pass of the engine: the report, and the analysis behind it (for ``explain``)."""
    if not isinstance(answer, str):
        raise ScoringError(f"an answer must be text, not {type(answer).__name__}")
    if level not in LEVELS:
        raise UnknownLevelError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    rough_words = answer.count(" ") + answer.count("\n")
    if rough_words > MAX_WORDS:
        words = len(answer.split())
        if words > MAX_WORDS:
            raise AnswerTooLongError(words, MAX_WORDS)
    spec = prompt or PromptSpec()
    analysis = analyse_text(answer, spec, level)
    settled = apply_confirmations(analysis, confirmations) if confirmations else set()
    flags = _flags(analysis)
    coverage = _calibrated_coverage(analysis)
    for element in settled:
        coverage[element] = replace(coverage[element], basis=CONFIRMED, confidence=1.0)
    asked = tuple(q for q in questions(analysis, coverage) if q.element not in settled)
    dims = dimensions(analysis)
    score = overall(dims, flags, level)
    return Report(
        coverage=coverage,
        flags=flags,
        structure=_structure(analysis),
        dimensions=dims,
        overall=score,
        grade=grade(score),
        level=level,
        stats=Stats(
            words=analysis.words,
            sentences=len(analysis.segments),
            speaking_time_s=round(analysis.words * 60 / WORDS_PER_MINUTE),
            filler_rate=round(filler_rate(analysis), 4),
            language=analysis.language,
        ),
        scorer=ScorerInfo(SCORER_NAME, SCORER_VERSION),
        prompt_id=spec.id,
        question_type=spec.question_type,
        questions=asked,
    ), analysis
