"""The built-in bank: every file validates, and there is enough of it in every category."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from question_bank import BankValidationError, load_bank
from question_bank.checks import NEAR_DUPLICATE_THRESHOLD, content_words, similarity
from question_bank.loader import builtin_paths
from question_bank.schema import CATEGORY_REQUIRES

MIN_CATEGORIES = 10
MIN_PER_CATEGORY = 8
MIN_PROMPTS = 150


@pytest.fixture(scope="module")
def bank():
    try:
        return load_bank()
    except BankValidationError as error:  # show every problem, not a truncated repr
        pytest.fail("the built-in bank is invalid:\n" + "\n".join(error.problems))


def test_every_builtin_file_validates_on_its_own() -> None:
    problems = []
    for path in builtin_paths():
        try:
            load_bank([path], builtin=False)
        except BankValidationError as error:
            problems.extend(error.problems)
    assert problems == []


def test_whole_builtin_bank_validates_together(bank) -> None:
    # Counted from the files themselves, not from the loaded bank, so a prompt the loader
    # dropped or doubled shows up.
    in_files: Counter[str] = Counter()
    for path in builtin_paths():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        in_files[data["category"]] += len(data["prompts"])
    assert {category.slug: category.count for category in bank.categories} == dict(in_files)
    assert len(bank) == in_files.total()


def test_bank_has_enough_categories_and_prompts(bank) -> None:
    counts = {category.slug: category.count for category in bank.categories}
    thin = {slug: count for slug, count in counts.items() if count < MIN_PER_CATEGORY}
    assert len(counts) >= MIN_CATEGORIES, f"only {len(counts)} categories: {sorted(counts)}"
    assert thin == {}, f"categories with fewer than {MIN_PER_CATEGORY} prompts: {thin}"
    assert len(bank) >= MIN_PROMPTS, f"only {len(bank)} prompts: {counts}"


def test_expects_consistent_with_category(bank) -> None:
    # Re-stated from bank_schema.md rather than read from the loader, so a loader bug that
    # skipped the rule would still be caught here.
    required = {
        "ai-evaluation": {"eval_criteria"},
        "ai-metrics": {"metrics"},
        "responsible-ai": {"risks"},
        "ai-strategy": {"tradeoffs"},
        "ai-product-design": {"who", "why", "metrics"},
        "ai-product-improvement": {"who", "why", "metrics"},
        "technical-background": {"who", "why", "metrics"},
    }
    assert {k: set(v) for k, v in CATEGORY_REQUIRES.items()} == required
    wrong = [
        (prompt.id, sorted(required[prompt.category] - set(prompt.expects)))
        for prompt in bank.prompts
        if not required.get(prompt.category, set()) <= set(prompt.expects)
    ]
    unshown = [
        (prompt.id, sorted(set(prompt.expects) - set(prompt.moves)))
        for prompt in bank.prompts
        if not set(prompt.expects) <= set(prompt.moves)
    ]
    assert wrong == []
    assert unshown == []


def test_category_equals_file_name() -> None:
    for path in builtin_paths():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["category"] == path.stem, path


def test_every_prompt_converts_to_a_scoring_spec(bank) -> None:
    for prompt in bank.prompts:
        spec = prompt.to_spec()
        assert (spec.id, spec.category, spec.text) == (prompt.id, prompt.category, prompt.text)
        assert spec.expects == frozenset(prompt.expects)


def test_ids_unique_and_difficulties_spread(bank) -> None:
    ids = [prompt.id for prompt in bank.prompts]
    assert len(ids) == len(set(ids))
    spread = Counter(prompt.difficulty for prompt in bank.prompts)
    assert set(spread) == {1, 2, 3}, spread


def test_no_builtin_pair_is_close_to_the_near_duplicate_threshold(bank) -> None:
    # Keeps the justification of the threshold honest as content grows: distinct prompts
    # should stay well below it, so a reworded copy stands out.
    words = [(prompt.id, content_words(prompt.text)) for prompt in bank.prompts]
    closest = max(
        (similarity(a, b), first, second)
        for index, (first, a) in enumerate(words)
        for second, b in words[:index]
    )
    assert closest[0] < NEAR_DUPLICATE_THRESHOLD - 0.1, closest
