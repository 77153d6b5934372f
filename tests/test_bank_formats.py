"""CSV custom banks and exports: lossless round trips and row-precise errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from question_bank import BankValidationError, load_bank
from question_bank.formats import (
    CSV_COLUMNS,
    dump_csv,
    dump_yaml,
    join_items,
    split_items,
)
from tests.test_bank_support import TEXTS, prompt_data, write_bank

HEADER = ",".join(CSV_COLUMNS)


def csv_row(index: int, **cells: str) -> str:
    values = {
        "category": "sample-category",
        "id": f"sample-prompt-{index}",
        "text": TEXTS[index],
        "difficulty": "2",
        "expects": "who | why | metrics",
        "time_limit_s": "300",
        "hints": "Say who the user is first. | Name the pain before any feature.",
        "follow_ups": "What would you cut from v1? | How would you know it worked?",
        "outline": "who: The people. | why: Their pain. | metrics: One metric. | summary: Recap.",
        "pitfalls": "Starting with the model. | No primary metric.",
        "tags": "sample | csv",
        **cells,
    }
    return ",".join(f'"{values[column]}"' for column in CSV_COLUMNS)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(BankValidationError) as caught:
        load_bank([path], builtin=False)
    return caught.value.problems


@pytest.mark.parametrize(
    "items",
    [["plain"], ["a | b", "c"], ["back\\slash", "bar\\|"], ["ends with \\"], ["x", "", "y"]],
)
def test_list_cells_split_back_into_the_same_items(items: list[str]) -> None:
    kept = [item for item in items if item.strip()]
    assert split_items(join_items(items)) == kept


def test_csv_bank_loads_like_yaml(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("\n".join([HEADER, csv_row(0), csv_row(1)]) + "\n", encoding="utf-8")
    bank = load_bank([path], builtin=False)
    prompt = bank.get("sample-prompt-1")
    assert prompt.expects == ["who", "why", "metrics"]
    assert (prompt.outline[0].move, prompt.outline[0].text) == ("who", "The people.")
    assert prompt.tags == ["sample", "csv"]
    assert str(bank.source("sample-prompt-1")) == f"{path}:3"
    assert bank.categories[0].title == "Sample category"  # from the slug: no title column


def test_csv_round_trip_is_lossless(tmp_path: Path) -> None:
    tricky = prompt_data(
        2,
        text='Beekeepers ask for an app that listens to hives, with a | in it, and "quotes".',
        hints=["A hint with a bar | inside.", "A hint, with a comma\nand a newline."],
    )
    original = load_bank(
        [write_bank(tmp_path / "mine.yaml", [prompt_data(0), tricky])], builtin=False
    )
    exported = tmp_path / "exported.csv"
    exported.write_text(dump_csv(original.prompts, original.categories), encoding="utf-8")
    again = load_bank([exported], builtin=False)
    assert again.prompts == original.prompts
    assert again.categories == original.categories
    assert again.get("sample-prompt-2").hints[0] == "A hint with a bar | inside."


def test_export_yaml_then_validate_round_trip_of_the_whole_builtin_bank(tmp_path: Path) -> None:
    builtin = load_bank()
    exported = tmp_path / "bank.yaml"
    exported.write_text(dump_yaml(builtin.prompts, builtin.categories), encoding="utf-8")
    again = load_bank([exported], builtin=False)
    assert again.prompts == builtin.prompts
    assert again.categories == builtin.categories


def test_export_csv_of_the_whole_builtin_bank_round_trips(tmp_path: Path) -> None:
    builtin = load_bank()
    exported = tmp_path / "bank.csv"
    exported.write_text(dump_csv(builtin.prompts, builtin.categories), encoding="utf-8")
    again = load_bank([exported], builtin=False)
    assert again.prompts == builtin.prompts
    assert again.categories == builtin.categories


def test_csv_errors_point_at_the_row(tmp_path: Path) -> None:
    multiline_first = csv_row(0, text=TEXTS[0].replace(" wants", "\nwants"))
    broken = csv_row(
        1,
        difficulty="hard",
        outline="who: The people. | just words | why: Pain. | metrics: Metric.",
        hints="Only one hint.",
    )
    path = tmp_path / "mine.csv"
    path.write_text("\n".join([HEADER, multiline_first, "", broken]) + "\n", encoding="utf-8")
    label = f"{path}:5: prompt 'sample-prompt-1'"
    assert problems_of(path) == [
        f"{label}: outline[1]: write each step as 'move: text', got 'just words'",
        f"{label}: difficulty: must be a whole number, got text 'hard'",
        f"{label}: hints: at least 2 required",
        f"{label}: outline: at least 4 required",
    ]


def test_csv_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("category,id,txt,difficulty\n" + '"x","y","z","1"\n', encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:1: txt: unknown column (did you mean 'text'?)",
        f"{path}:1: missing column(s): text, expects, time_limit_s, hints, follow_ups, outline, "
        "pitfalls, tags",
    ]
    path.write_text("", encoding="utf-8")
    assert problems_of(path) == [f"{path}:1: file is empty; expected a header row: {HEADER}"]


def test_csv_category_title_columns_name_a_new_category(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    header = HEADER + ",category_title,category_description"
    rows = [csv_row(0) + ',"Mentor picks","Prompts from my cohort."', csv_row(1) + ",,"]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    (category,) = load_bank([path], builtin=False).categories
    assert (category.title, category.description, category.count) == (
        "Mentor picks",
        "Prompts from my cohort.",
        2,
    )


def test_csv_with_excel_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([HEADER, csv_row(0)]) + "\r\n").encode("utf-8"))
    assert [p.id for p in load_bank([path], builtin=False).prompts] == ["sample-prompt-0"]


def test_exported_csv_is_plain_csv_with_one_row_per_prompt(tmp_path: Path) -> None:
    bank = load_bank(
        [write_bank(tmp_path / "m.yaml", [prompt_data(0), prompt_data(1)])], builtin=False
    )
    rows = list(csv.DictReader(dump_csv(bank.prompts, bank.categories).splitlines()))
    assert [row["id"] for row in rows] == ["sample-prompt-0", "sample-prompt-1"]
    assert rows[0]["outline"].startswith("clarify: Confirm the scope and the constraints. | who:")
