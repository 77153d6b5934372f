"""Every rule's declared examples are its tests; a meta-test keeps the table honest."""

from __future__ import annotations

import pytest

from scoring import RULES, PromptSpec, analyze, rule_by_id
from scoring.rules import Example, Rule


def _run(example: Example):
    prompt = (
        PromptSpec(text=example.prompt, expects=example.expects)
        if example.expects
        else PromptSpec(text=example.prompt)
    )
    return analyze(example.answer, prompt, example.level)


def _cases(kind: str) -> list[tuple[Rule, Example]]:
    return [(rule, example) for rule in RULES for example in getattr(rule, kind)]


def _case_id(case: tuple[Rule, Example]) -> str:
    rule, example = case
    return f"{rule.id}:{example.answer[:40]!r}"


@pytest.mark.parametrize("case", _cases("must_flag"), ids=_case_id)
def test_rule_fires_on_its_examples(case: tuple[Rule, Example]) -> None:
    rule, example = case
    report = _run(example)
    assert rule.id in report.flag_ids(), (
        f"{rule.id} should fire on {example.answer!r}, got {report.flag_ids()}"
    )


@pytest.mark.parametrize("case", _cases("must_pass"), ids=_case_id)
def test_rule_stays_quiet_on_its_examples(case: tuple[Rule, Example]) -> None:
    rule, example = case
    report = _run(example)
    assert rule.id not in report.flag_ids(), f"{rule.id} should not fire on {example.answer!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_is_fully_declared(rule: Rule) -> None:
    assert len(rule.must_flag) >= 2, f"{rule.id} needs two answers it must fire on"
    assert len(rule.must_pass) >= 2, f"{rule.id} needs two answers it must not fire on"
    assert rule.id == rule.id.lower() and " " not in rule.id
    assert rule.title and rule.why and rule.fix and rule.message
    assert rule_by_id(rule.id) is rule


def test_required_rule_ids_exist() -> None:
    required = {
        "solution-first",
        "tech-before-framing",
        "missing-user",
        "missing-problem",
        "missing-metrics",
        "missing-eval-criteria",
        "generic-user",
        "vague-metric",
        "no-tradeoffs",
        "no-risks",
        "jargon-heavy",
        "too-short",
        "rambling",
        "no-why-ai",
        "no-guardrail-metric",
        "no-failure-plan",
        "framework-narration",
        "seeks-validation",
    }
    assert required <= {rule.id for rule in RULES}


def test_flag_evidence_is_a_slice_of_the_answer() -> None:
    for rule in RULES:
        for example in rule.must_flag:
            report = _run(example)
            for flag in report.flags:
                assert example.answer[flag.start : flag.end] == flag.evidence, (rule.id, flag)
