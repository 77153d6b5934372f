"""Loading banks: every problem reported with file, line, prompt and field; the Bank API."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from question_bank import BankValidationError, UnknownPromptError, load_bank
from question_bank import loader as loader_module
from tests.test_bank_support import TEXTS, prompt_data, write_bank

GOOD_PROMPT = """\
  - id: {id}
    text: "{text}"
    difficulty: 2
    expects: [who, why, metrics]
    time_limit_s: 300
    hints: ["Say who the user is first.", "Name the pain before any feature."]
    follow_ups: ["What would you cut from v1?", "How would you know it worked?"]
    outline:
      - {{move: who, text: "The people who feel the problem."}}
      - {{move: why, text: "The pain they feel today."}}
      - {{move: metrics, text: "One outcome metric and one guardrail."}}
      - {{move: summary, text: "Recap and next step."}}
    pitfalls: ["Starting with the model.", "No primary metric."]
    tags: [sample]
"""
HEADER = """\
category: sample-category
title: "Sample category"
description: "Prompts written for the tests."
prompts:
"""


def problems_of(*paths: Path, builtin: bool = False) -> list[str]:
    with pytest.raises(BankValidationError) as caught:
        load_bank(list(paths), builtin=builtin)
    return caught.value.problems


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def good(index: int, prompt_id: str | None = None) -> str:
    return GOOD_PROMPT.format(id=prompt_id or f"sample-prompt-{index}", text=TEXTS[index])


# --- valid files -----------------------------------------------------------------------------


def test_valid_custom_bank_loads_with_categories_tags_and_sources(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.yaml", HEADER + good(0) + good(1))
    bank = load_bank([path], builtin=False)
    assert [p.id for p in bank.prompts] == ["sample-prompt-0", "sample-prompt-1"]
    (category,) = bank.categories
    assert (category.slug, category.title, category.count) == (
        "sample-category",
        "Sample category",
        2,
    )
    assert bank.tags == ["sample"]
    assert str(bank.source("sample-prompt-1")) == f"{path}:19"
    prompt = bank.get("sample-prompt-0")
    assert prompt.category == "sample-category"
    assert prompt.moves == ["who", "why", "metrics", "summary"]


def test_unknown_id_raises_a_key_error_subclass(tmp_path: Path) -> None:
    bank = load_bank([write(tmp_path / "mine.yaml", HEADER + good(0))], builtin=False)
    with pytest.raises(UnknownPromptError) as caught:
        bank.get("no-such-prompt")
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == "no prompt with id 'no-such-prompt' in the question bank"
    assert "no-such-prompt" not in bank
    assert "sample-prompt-0" in bank


def test_custom_bank_adds_to_the_builtin_bank(tmp_path: Path) -> None:
    builtin = load_bank()
    path = write_bank(tmp_path / "mine.yaml", [prompt_data(0), prompt_data(1)])
    combined = load_bank([path])
    assert len(combined) == len(builtin) + 2
    assert combined.prompts[-1].id == "sample-prompt-1"
    assert combined.categories[-1].slug == "sample-category"


def test_custom_prompts_in_a_builtin_category_keep_the_builtin_title(tmp_path: Path) -> None:
    builtin = load_bank()
    slug = builtin.categories[0].slug
    data = prompt_data(0, expects=["who", "why", "metrics", "eval_criteria", "tradeoffs", "risks"])
    data["outline"] += [
        {"move": move, "text": "A concrete step."}
        for move in ("eval_criteria", "tradeoffs", "risks")
    ]
    path = write_bank(tmp_path / "extra.yaml", [data], category=slug)
    path.write_text(path.read_text().replace("Sample category", "Another title"))
    combined = load_bank([path])
    assert combined.category(slug).title == builtin.category(slug).title
    assert combined.category(slug).count == builtin.category(slug).count + 1


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write_bank(tmp_path / "mine.yaml", [prompt_data(0)])
    assert len(load_bank([path, tmp_path, path], builtin=False)) == 1


def test_several_documents_in_one_file(tmp_path: Path) -> None:
    second = HEADER.replace("sample-category", "other-category") + good(1)
    path = write(tmp_path / "both.yaml", HEADER + good(0) + "---\n" + second)
    bank = load_bank([path], builtin=False)
    assert [c.slug for c in bank.categories] == ["sample-category", "other-category"]


# --- malformed files: exact messages with file and line --------------------------------------


def test_too_few_hints_reads_like_the_documented_example(tmp_path: Path) -> None:
    text = HEADER + good(0).replace(
        '["Say who the user is first.", "Name the pain before any feature."]', '["Only one."]'
    )
    path = write(tmp_path / "mine.yaml", text)
    assert problems_of(path) == [f"{path}:10: prompt 'sample-prompt-0': hints: at least 2 required"]


def test_bad_yaml_gives_the_parser_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "broken.yaml",
        """\
        category: sample-category
        title: Sample
        prompts:
          - id: [sample
            text: oops
        """,
    )
    assert problems_of(path) == [
        f"{path}:5: YAML syntax error at column 9: did not find expected ',' or ']', "
        "while parsing a flow sequence at line 4"
    ]


def test_missing_fields_point_at_the_prompt(tmp_path: Path) -> None:
    text = HEADER + good(0).replace(
        '    hints: ["Say who the user is first.", "Name the pain before any feature."]\n', ""
    )
    text = text.replace("    tags: [sample]\n", "")
    path = write(tmp_path / "mine.yaml", text)
    assert problems_of(path) == [
        f"{path}:5: prompt 'sample-prompt-0': hints: required field is missing",
        f"{path}:5: prompt 'sample-prompt-0': tags: required field is missing",
    ]


def test_missing_top_level_field(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.yaml", HEADER.replace('title: "Sample category"\n', "") + good(0))
    assert problems_of(path) == [f"{path}:1: title: required field is missing"]


def test_wrong_types_are_named_with_what_was_found(tmp_path: Path) -> None:
    text = HEADER + good(0)
    text = text.replace("difficulty: 2", 'difficulty: "2"')
    text = text.replace("time_limit_s: 300", "time_limit_s: five minutes")
    text = text.replace(
        'follow_ups: ["What would you cut from v1?", "How would you know it worked?"]',
        "follow_ups: What would you cut?",
    )
    text = text.replace("tags: [sample]", "tags: [2024]")
    path = write(tmp_path / "mine.yaml", text)
    label = f"{path}:{{}}: prompt 'sample-prompt-0'"
    assert problems_of(path) == [
        f"{label.format(7)}: difficulty: must be a whole number, got text '2' "
        "(write numbers without quotes)",
        f"{label.format(9)}: time_limit_s: must be a whole number, got text 'five minutes'",
        f"{label.format(11)}: follow_ups: must be a list, got text 'What would you cut?'",
        f"{label.format(18)}: tags[0]: must be text, got 2024",
    ]


def test_out_of_range_values(tmp_path: Path) -> None:
    text = HEADER + good(0)
    text = text.replace("difficulty: 2", "difficulty: 4").replace(
        "time_limit_s: 300", "time_limit_s: 310"
    )
    text = text.replace("expects: [who, why, metrics]", "expects: [who, why, metrics, vibes]")
    text = text.replace("{move: summary,", "{move: dance,").replace(
        "tags: [sample]", "tags: [Big Tag]"
    )
    text = text.replace('"Sample category"', '""').replace("id: sample-prompt-0", "id: Sample_0")
    path = write(tmp_path / "mine.yaml", text)
    label = f"{path}:{{}}: prompt 'Sample_0'"
    assert problems_of(path) == [
        f"{path}:2: title: must not be empty",
        f"{label.format(5)}: id: must be kebab-case (lowercase letters, digits, single hyphens), "
        "got 'Sample_0'",
        f"{label.format(7)}: difficulty: must be 1 (warm-up), 2 (PM) or 3 (senior), got 4",
        f"{label.format(8)}: expects[3]: must be 'who', 'why', 'metrics', 'eval_criteria', "
        "'tradeoffs' or 'risks', got text 'vibes'",
        f"{label.format(9)}: time_limit_s: must be 120..1200 seconds in steps of 30, got 310",
        f"{label.format(16)}: outline[3].move: must be 'clarify', 'who', 'why', 'why_ai', "
        "'solution', 'metrics', 'eval_criteria', 'tradeoffs', 'risks', 'rollout', 'summary', "
        "'situation', 'task', 'action', 'result' or 'reflection', got text 'dance'",
        f"{label.format(18)}: tags[0]: tag 'Big Tag' must be lowercase kebab-case "
        "(letters, digits, single hyphens)",
    ]


def test_unknown_field_suggests_the_right_one_and_duplicate_key_is_caught(tmp_path: Path) -> None:
    text = HEADER + good(0).replace(
        "    tags: [sample]\n", "    tags: [sample]\n    pitfall: [x]\n"
    )
    text += "    tags: [again]\n"
    path = write(tmp_path / "mine.yaml", text)
    assert problems_of(path) == [
        f"{path}:19: prompt 'sample-prompt-0': pitfall: unknown field (did you mean 'pitfalls'?)",
        f"{path}:20: prompt 'sample-prompt-0': tags: duplicate key; YAML keeps only the last value",
    ]


def test_category_rules_and_outline_rule(tmp_path: Path) -> None:
    text = HEADER.replace("sample-category", "ai-evaluation") + good(0)
    text = text.replace("expects: [who, why, metrics]", "expects: [who, why, metrics, risks]")
    path = write(tmp_path / "mine.yaml", text)
    assert problems_of(path) == [
        f"{path}:8: prompt 'sample-prompt-0': expects: every prompt in 'ai-evaluation' must "
        "expect eval_criteria",
        f"{path}:12: prompt 'sample-prompt-0': outline: no step shows risks, which the prompt "
        "expects",
    ]


def test_rules_are_reported_together_with_field_errors(tmp_path: Path) -> None:
    text = HEADER.replace("sample-category", "ai-metrics") + good(0)
    text = text.replace("expects: [who, why, metrics]", "expects: [who, why]")
    text = text.replace('["Starting with the model.", "No primary metric."]', "[]")
    path = write(tmp_path / "mine.yaml", text)
    assert problems_of(path) == [
        f"{path}:8: prompt 'sample-prompt-0': expects: every prompt in 'ai-metrics' must "
        "expect metrics",
        f"{path}:17: prompt 'sample-prompt-0': pitfalls: at least 2 required",
    ]


def test_per_prompt_category_and_non_mapping_prompt(tmp_path: Path) -> None:
    text = HEADER + good(0).replace("    tags: [sample]\n", "    tags: [sample]\n    category: x\n")
    text += '  - "just a string"\n'
    path = write(tmp_path / "mine.yaml", text)
    assert problems_of(path) == [
        f"{path}:19: prompt 'sample-prompt-0': category: set once at the top of the file, "
        "not per prompt",
        f"{path}:20: prompt #2: must be a mapping of field: value pairs, got text 'just a string'",
    ]


def test_duplicate_ids_within_and_across_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a.yaml", HEADER + good(0) + good(1, "sample-prompt-0"))
    second = write(tmp_path / "b.yaml", HEADER + good(2, "sample-prompt-0"))
    assert problems_of(first, second) == [
        f"{first}:19: prompt 'sample-prompt-0': id: duplicate id, first defined at {first}:5",
        f"{second}:5: prompt 'sample-prompt-0': id: duplicate id, first defined at {first}:5",
    ]


def test_near_duplicate_text_is_reported_with_both_places(tmp_path: Path) -> None:
    reworded = TEXTS[0].replace("wants software that predicts", "needs software predicting")
    text = HEADER + good(0) + GOOD_PROMPT.format(id="sample-prompt-9", text=reworded)
    path = write(tmp_path / "mine.yaml", text)
    (problem,) = problems_of(path)
    assert problem.startswith(
        f"{path}:19: prompt 'sample-prompt-9': text: nearly the same question as "
        f"prompt 'sample-prompt-0' ({path}:5), "
    )
    assert problem.endswith("of content words shared; reword it or drop one")


def test_custom_bank_cannot_reuse_a_builtin_id(tmp_path: Path) -> None:
    builtin = load_bank()
    taken = builtin.prompts[0]
    path = write(tmp_path / "mine.yaml", HEADER + good(0, taken.id))
    assert problems_of(path, builtin=True) == [
        f"{path}:5: prompt '{taken.id}': id: '{taken.id}' is already a built-in prompt "
        f"({builtin.source(taken.id)}); a custom bank cannot replace a built-in prompt, "
        "choose another id"
    ]
    assert str(builtin.source(taken.id)).startswith("question_bank/")


def test_every_problem_in_every_file_is_reported_in_order(tmp_path: Path) -> None:
    first = write(tmp_path / "a.yaml", HEADER + good(0).replace("difficulty: 2", "difficulty: 0"))
    second = write(tmp_path / "b.yaml", "category: [\n")
    third = write(
        tmp_path / "c.yaml", HEADER + good(1).replace("time_limit_s: 300", "time_limit_s: 60")
    )
    problems = problems_of(first, second, third)
    assert [p.split(": ")[0] for p in problems] == [f"{first}:7", f"{second}:2", f"{third}:9"]


def test_unreadable_files(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.yaml", "")
    scalar = write(tmp_path / "scalar.yaml", "just words\n")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("category: x\ntitle: caf\xe9\n".encode("latin-1"))
    other = write(tmp_path / "notes.txt", "hello")
    missing = tmp_path / "missing.yaml"
    assert problems_of(empty, scalar, latin, other, missing) == [
        f"{empty}:1: file is empty; expected category, title, description and prompts",
        f"{scalar}:1: a category file must be a mapping with category, title, description and "
        "prompts",
        f"{latin}:2: not UTF-8 text; save the file as UTF-8",
        f"{other}: not a bank file: use .yaml, .yml or .csv",
        f"{missing}: cannot read: file not found",
    ]


def test_builtin_files_must_be_named_after_their_category(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Point the loader at a scratch built-in folder: the real one is the content writers'.
    monkeypatch.setattr(loader_module, "BUILTIN_DIR", tmp_path.resolve())
    path = write_bank(tmp_path / "wrong-name.yaml", [prompt_data(0)])
    assert problems_of(builtin=True) == [
        f"{path}:1: category: must equal the file name 'wrong-name', got 'sample-category'"
    ]
    path.rename(tmp_path / "sample-category.yaml")
    assert len(load_bank()) == 1


def test_validation_error_is_a_value_error_with_structured_details(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.yaml", HEADER + good(0).replace("difficulty: 2", "difficulty: 9"))
    with pytest.raises(ValueError) as caught:
        load_bank([path], builtin=False)
    error = caught.value
    assert isinstance(error, BankValidationError)
    (detail,) = error.details
    assert (detail.location.line, detail.prompt, detail.field) == (
        7,
        "prompt 'sample-prompt-0'",
        "difficulty",
    )
    assert str(error) == str(detail)


def test_an_empty_folder_is_a_problem_not_an_empty_bank(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a bank")
    assert problems_of(tmp_path) == [
        f"{tmp_path}: no bank files (.yaml, .yml, .csv) in this folder"
    ]


def test_a_folder_loads_its_bank_files_by_name(tmp_path: Path) -> None:
    write_bank(tmp_path / "b.yaml", [prompt_data(1)], category="second-category")
    write_bank(tmp_path / "a.yaml", [prompt_data(0)])
    (tmp_path / "readme.txt").write_text("ignored")
    bank = load_bank([tmp_path], builtin=False)
    assert [p.id for p in bank.prompts] == ["sample-prompt-0", "sample-prompt-1"]


def test_anchors_and_merge_keys_work_like_plain_yaml(tmp_path: Path) -> None:
    first = good(0).replace("  - id: sample-prompt-0", "  - &first\n    id: sample-prompt-0")
    second = f"""\
  - <<: *first
    id: sample-prompt-1
    text: "{TEXTS[1]}"
    tags: &tags [merged]
"""
    path = write(tmp_path / "mine.yaml", HEADER + first + second)
    bank = load_bank([path], builtin=False)
    one, two = bank.prompts
    assert (two.id, two.text, two.tags) == ("sample-prompt-1", TEXTS[1], ["merged"])
    assert (two.hints, two.outline) == (one.hints, one.outline)


def test_a_self_referencing_alias_is_reported_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path / "loop.yaml", "category: &loop [*loop]\n")
    assert problems_of(path) == [
        f"{path}:1: YAML syntax error at column 11: an alias refers to itself"
    ]


# --- hostile files: refused before any object is built ---------------------------------------


def alias_bomb(levels: int, width: int = 9) -> str:
    """A "billion laughs" document: each level is a list of ``width`` aliases to the last."""
    lines = ['category: &l0 "lol"']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"k{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_with_the_line_that_expands(tmp_path: Path) -> None:
    # 9**6 = 531,441 leaves: quick to build today, but far past any real bank file.
    path = write(tmp_path / "bomb.yaml", alias_bomb(6))
    (problem,) = problems_of(path)
    limit = f"{loader_module.MAX_YAML_VALUES:,}"
    # Line 7 holds k6, whose nine aliases first push the expansion past the limit.
    assert problem == (
        f"{path}:7: too big: aliases expand this file to more than {limit} values "
        "(a bank file needs a few thousand); use fewer aliases or split the file"
    )


def test_the_audits_nine_level_alias_bomb_fails_fast_in_coach_bank_validate(
    tmp_path: Path,
) -> None:
    """The exact audit case (9 levels of 9 aliases) through the real CLI, in a child process
    capped at 1 GB: it used to run past 120 s at 3.7 GB; now it is one problem line."""
    import resource
    import subprocess
    import sys

    path = write(tmp_path / "bomb.yaml", alias_bomb(9))

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run(
        [sys.executable, "-m", "coach.cli", "bank", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard only: the fixed loader answers at once
        preexec_fn=cap_memory,
        check=False,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert f"{path}:7: too big: aliases expand" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader_module, "MAX_FILE_BYTES", 100)
    path = write(tmp_path / "big.yaml", HEADER + good(0))
    assert problems_of(path) == [
        f"{path}: file is {path.stat().st_size:,} bytes; a bank file may hold at most 100 "
        "(split it into several files)"
    ]


def test_too_many_plain_values_are_refused_like_aliases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader_module, "MAX_YAML_VALUES", 50)
    path = write(tmp_path / "wide.yaml", "category: sample\ntags:\n" + "  - a\n" * 60)
    (problem,) = problems_of(path)
    assert problem == (
        f"{path}:3: too big: this file has more than 50 values "
        "(a bank file needs a few thousand); split the file"
    )


def test_nesting_deeper_than_the_limit_is_a_problem_not_a_recursion_error(
    tmp_path: Path,
) -> None:
    depth = 900  # libyaml accepts up to 1000; building that deep overflowed Python's stack
    path = write(tmp_path / "deep.yaml", "category: " + "[" * depth + "]" * depth + "\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:1: too deep: values nested more than")


def test_the_builtin_bank_is_well_inside_the_limits() -> None:
    for path in loader_module.builtin_paths():
        assert path.stat().st_size * 10 < loader_module.MAX_FILE_BYTES, path
    assert len(load_bank()) > 0
