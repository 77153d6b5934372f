"""Every rubric row's examples are its tests; a meta-test keeps the tables honest."""

from __future__ import annotations

import json

import pytest

from scoring import DIMENSIONS, PromptSpec, Report, analyze, calibration
from scoring.analysis import analyse_text
from scoring.report import Dimension, ScorePart
from scoring.rubric import Gate, Row, Rubric, Tier, explain_dimension
from scoring.rules import Example
from scoring.rules.framing import ML_FIRST, STRONG
from scoring.scores import ALL_RUBRICS, explain_score, rubric_for

# Rows whose evidence the rubric's gates guarantee: their unmet case cannot be reached.
GUARANTEED_BY_GATES = {"metrics.named", "solution.proposal", "communication.start"}


def _spec(example: Example) -> PromptSpec:
    if example.expects:
        return PromptSpec(text=example.prompt, expects=example.expects)
    return PromptSpec(text=example.prompt)


def _scored(rubric: Rubric, example: Example) -> Dimension:
    report = analyze(example.answer, _spec(example), example.level)
    assert rubric_for(rubric.dimension, report.question_type) is rubric, (
        f"{example.answer!r} is judged by another {rubric.dimension} table "
        f"(question type {report.question_type})"
    )
    return report.dimensions[rubric.dimension]


def _part(rubric: Rubric, row: Row, example: Example) -> ScorePart:
    dimension = _scored(rubric, example)
    parts = {part.row: part for part in dimension.parts}
    assert row.id in parts, f"{row.id}: a gate decided {example.answer!r}: {dimension.reason}"
    return parts[row.id]


def _tier_cases() -> list[tuple[Rubric, Row, Tier, Example]]:
    return [
        (rubric, row, tier, example)
        for rubric in ALL_RUBRICS
        for row in rubric.rows
        for tier in row.tiers
        for example in tier.examples
    ]


def _miss_cases() -> list[tuple[Rubric, Row, Example]]:
    return [
        (rubric, row, example)
        for rubric in ALL_RUBRICS
        for row in rubric.rows
        for example in row.misses
    ]


def _gate_cases() -> list[tuple[Rubric, Gate, Example]]:
    return [
        (rubric, gate, example)
        for rubric in ALL_RUBRICS
        for gate in rubric.gates
        for example in gate.examples
    ]


def _id(case: tuple) -> str:
    unit, example = case[1], case[-1]
    return f"{unit.id}:{example.answer[:40]!r}"


@pytest.mark.parametrize("case", _tier_cases(), ids=_id)
def test_a_tier_scores_on_its_examples(case: tuple[Rubric, Row, Tier, Example]) -> None:
    rubric, row, tier, example = case
    part = _part(rubric, row, example)
    assert part.label == tier.label, f"{row.id} on {example.answer!r}: got {part.label!r}"
    points = tier.points_for(analyse_text(example.answer, _spec(example), example.level))
    assert part.points == points


@pytest.mark.parametrize("case", _miss_cases(), ids=_id)
def test_a_row_scores_nothing_on_its_misses(case: tuple[Rubric, Row, Example]) -> None:
    rubric, row, example = case
    part = _part(rubric, row, example)
    assert (part.label, part.points) == (row.unmet, 0), f"{row.id} on {example.answer!r}"


@pytest.mark.parametrize("case", _gate_cases(), ids=_id)
def test_a_gate_decides_its_examples(case: tuple[Rubric, Gate, Example]) -> None:
    rubric, gate, example = case
    dimension = _scored(rubric, example)
    assert (dimension.score, dimension.reason, dimension.parts) == (gate.score, gate.reason, ())


@pytest.mark.parametrize("rubric", ALL_RUBRICS, ids=lambda r: r.title)
def test_every_rubric_is_fully_declared(rubric: Rubric) -> None:
    assert rubric.dimension in DIMENSIONS and rubric.gates and rubric.rows
    for gate in rubric.gates:
        assert gate.examples, f"gate {gate.id} has no example"
    for row in rubric.rows:
        assert row.id.split(".")[0] in (rubric.dimension, "story"), row.id
        for tier in row.tiers:
            assert tier.label and tier.examples, f"{row.id}: a tier without label or examples"
        assert row.unmet, f"{row.id} needs a label for when its evidence is not there"
        assert row.misses or row.id in GUARANTEED_BY_GATES, f"{row.id} has no miss example"


def test_row_and_gate_ids_are_unique() -> None:
    ids = [unit.id for rubric in ALL_RUBRICS for unit in (*rubric.gates, *rubric.rows)]
    assert len(ids) == len(set(ids))


def test_every_dimension_has_a_rubric() -> None:
    for name in DIMENSIONS:
        assert rubric_for(name, "product_design").dimension == name


def test_the_explanation_adds_up_each_dimension() -> None:
    report = analyze(ML_FIRST)
    assert explain_score(report) == [
        "Framing 0 = no user named +0 of 40, no user problem +0 of 40, "
        "solution before the framing +0 of 20",
        "Metrics 15: Only vague measures (engagement, KPIs), no named metric.",
        "AI evaluation 0 = no criteria for a good output +0 of 55, "
        "one criterion or none +0 of 20, no plan for wrong outputs +0 of 25",
        "Solution 40 = a concrete proposal +40, AI not justified +0 of 15, "
        "no trade-offs +0 of 20, no risks named +0 of 15, proposed before the framing +0 of 10",
        "Communication 26 = starts from full marks +100, too short for the level -74",
    ]


def test_a_stored_report_explains_itself_as_its_analysis_does() -> None:
    spec = PromptSpec.from_text("Design an AI assistant for nurses.")
    report = analyze(STRONG, spec)
    stored = Report.from_dict(json.loads(report.to_json()))
    assert stored.dimensions == report.dimensions
    assert explain_score(stored) == explain_score(analyse_text(STRONG, spec, "pm"))
    assert all(" = " in line for line in explain_score(stored) if "not assessed" not in line)


def test_a_clamped_or_judged_dimension_says_so() -> None:
    too_long = ScorePart("c.long", "too long", -60, 0)
    penalties = (ScorePart("c.start", "starts from full marks", 100, 100), too_long, too_long)
    assert explain_dimension("Communication", Dimension(0, "Too long.", penalties)) == (
        "Communication 0 = starts from full marks +100, too long -60, too long -60, "
        "kept within 0-100 (from -20)"
    )
    judged = Dimension(70, "Rules: a. Judge: b.")
    assert explain_dimension("Framing", judged) == "Framing 70: Rules: a. Judge: b."
    assert explain_dimension("Solution", Dimension(None, "No solution.")) == (
        "Solution: not assessed. No solution."
    )


def test_a_finding_worth_checking_costs_no_points(monkeypatch) -> None:
    def parts(report: Report) -> dict[str, int]:
        return {
            p.row: p.points
            for name in ("framing", "solution")
            for p in report.dimensions[name].parts
        }

    sure = analyze(ML_FIRST)
    assert (
        parts(sure)["framing.before-solution"] == 0 and parts(sure)["solution.after-framing"] == 0
    )
    # The same solution-first finding, calibrated as unsure: shown apart, and free of charge.
    real = calibration.confidence
    monkeypatch.setattr(
        calibration,
        "confidence",
        lambda verdict, basis: 0.3 if verdict == "solution-first" else real(verdict, basis),
    )
    unsure = analyze(ML_FIRST)
    assert [f.tentative for f in unsure.flags if f.id == "solution-first"] == [True]
    assert parts(unsure)["framing.before-solution"] == 20
    assert parts(unsure)["solution.after-framing"] == 10


def test_a_story_without_a_measured_result_is_told_so_in_one_sentence() -> None:
    story = (
        "At my last company we needed a better onboarding flow for new sellers. I ran five "
        "interviews with sellers and I rewrote the spec around their first listing. We shipped "
        "it and the team was happy with the launch. It was a good experience overall."
    )
    prompt = PromptSpec.from_text("Tell me about a time a model performed worse in production.")
    framing = analyze(story, prompt).dimensions["framing"]
    assert framing.reason == "The story lacks a measure of its result and what you learned."
    assert [p.points for p in framing.parts] == [35, 20, 0]


def test_an_unsure_absence_costs_only_what_the_coach_is_sure_of() -> None:
    """A 'worth checking' missing-problem does not cost the row's 40 points: it costs them in
    proportion to how often such an absence was right (its calibrated confidence)."""
    from tests.test_scoring_question_types import DELIVERY, UNSURE

    report = analyze(UNSURE, DELIVERY)
    (flag,) = [f for f in report.flags if f.id == "missing-problem"]
    assert flag.tentative
    why = next(p for p in report.dimensions["framing"].parts if p.row == "framing.why")
    assert why.points == round(40 * (1 - flag.confidence)) and 0 < why.points < 40
    assert "worth checking" in report.dimensions["framing"].reason
