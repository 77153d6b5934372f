"""The bank service and the `coach bank ...` commands, run through coach.cli.main."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.cli import main
from coach.errors import PromptNotFoundError, QuestionBankError
from coach.services import bank as bank_service
from question_bank import load_bank
from question_bank.loader import builtin_paths
from tests.test_bank_support import prompt_data, write_bank


@pytest.fixture
def builtin():
    return load_bank()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder that is also the default one (so no test reads the real one)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("COACH_DATA_DIR", str(folder))
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- service ---------------------------------------------------------------------------------


def test_get_bank_wraps_validation_errors(tmp_path: Path) -> None:
    path = write_bank(tmp_path / "bad.yaml", [prompt_data(0, hints=["one"])])
    with pytest.raises(QuestionBankError) as caught:
        bank_service.get_bank([path], builtin=False)
    assert caught.value.problems == [
        f"{path}:13: prompt 'sample-prompt-0': hints: at least 2 required"
    ]


def test_get_prompt_raises_the_app_error(builtin) -> None:
    assert bank_service.get_prompt(builtin, builtin.prompts[0].id) == builtin.prompts[0]
    with pytest.raises(PromptNotFoundError):
        bank_service.get_prompt(builtin, "no-such-prompt")


def test_add_custom_bank_installs_it_for_get_bank(tmp_path: Path, data_dir: Path, builtin) -> None:
    source = write_bank(tmp_path / "mentor.yaml", [prompt_data(0), prompt_data(1)])
    installed, count = bank_service.add_custom_bank(source, data_dir)
    assert (installed, count) == (data_dir / "banks" / "mentor.yaml", 2)
    assert installed.read_bytes() == source.read_bytes()
    assert bank_service.custom_bank_paths(data_dir) == [installed]
    assert len(bank_service.get_bank(data_dir=data_dir)) == len(builtin) + 2
    assert list((data_dir / "banks").iterdir()) == [installed]  # no temporary file left behind


def test_adding_a_file_again_under_the_same_name_updates_it(tmp_path: Path, data_dir: Path) -> None:
    source = write_bank(tmp_path / "mentor.yaml", [prompt_data(0)])
    bank_service.add_custom_bank(source, data_dir)
    write_bank(source, [prompt_data(0), prompt_data(1)])
    assert bank_service.add_custom_bank(source, data_dir)[1] == 2


def test_add_custom_bank_rejects_clashes_with_installed_banks(
    tmp_path: Path, data_dir: Path
) -> None:
    bank_service.add_custom_bank(write_bank(tmp_path / "one.yaml", [prompt_data(0)]), data_dir)
    clash = write_bank(tmp_path / "two.yaml", [prompt_data(1, id="sample-prompt-0")])
    with pytest.raises(QuestionBankError) as caught:
        bank_service.add_custom_bank(clash, data_dir)
    installed = data_dir / "banks" / "one.yaml"
    assert caught.value.problems == [
        f"{clash}:5: prompt 'sample-prompt-0': id: duplicate id, first defined at {installed}:5"
    ]
    assert bank_service.custom_bank_paths(data_dir) == [installed]


def test_add_custom_bank_refuses_non_bank_files_and_builtin_files(
    tmp_path: Path, data_dir: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hi")
    with pytest.raises(QuestionBankError, match="not a bank file"):
        bank_service.add_custom_bank(notes, data_dir)
    with pytest.raises(QuestionBankError, match="part of the built-in bank"):
        bank_service.add_custom_bank(builtin_paths()[0], data_dir)
    assert bank_service.custom_bank_paths(data_dir) == []


def test_export_bank_rejects_unknown_formats(builtin) -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        bank_service.export_bank(builtin, "pdf")


# --- CLI -------------------------------------------------------------------------------------


def test_list_filters(capsys: pytest.CaptureFixture[str], data_dir: Path, builtin) -> None:
    category = builtin.categories[0].slug
    code, out, _ = run(capsys, "bank", "list", "--category", category, "--difficulty", "1")
    expected = [p for p in builtin.prompts if p.category == category and p.difficulty == 1]
    lines = out.splitlines()
    assert code == 0
    assert [line.split()[0] for line in lines[:-1]] == [p.id for p in expected]
    assert lines[-1] == f"{len(expected)} of {len(builtin)} prompts"


def test_list_tag_and_search(capsys: pytest.CaptureFixture[str], data_dir: Path, builtin) -> None:
    target = builtin.prompts[3]
    _, out, _ = run(capsys, "bank", "list", "--tag", target.tags[0], "--search", target.id)
    assert out.splitlines()[0].split()[0] == target.id
    assert out.splitlines()[-1] == f"1 of {len(builtin)} prompts"


def test_show_prints_everything_a_mentor_needs(
    capsys: pytest.CaptureFixture[str], data_dir: Path, builtin
) -> None:
    prompt = builtin.prompts[0]
    code, out, _ = run(capsys, "bank", "show", prompt.id)
    assert code == 0
    assert out.startswith(f"{prompt.id}  ({builtin.category(prompt.category).title} · ")
    for part in (prompt.text, *prompt.hints, *prompt.follow_ups, *prompt.pitfalls):
        assert part in out
    assert f"  1. {prompt.outline[0].move}: {prompt.outline[0].text}" in out
    assert out.rstrip().endswith(f"Source: {builtin.source(prompt.id)}")


def test_show_unknown_id_exits_1(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, err = run(capsys, "bank", "show", "no-such-prompt")
    assert (code, out) == (1, "")
    assert err == "error: no prompt with id 'no-such-prompt'; `coach bank list` shows the ids\n"


def test_validate_builtin_prints_one_summary_line(
    capsys: pytest.CaptureFixture[str], data_dir: Path, builtin
) -> None:
    code, out, _ = run(capsys, "bank", "validate")
    assert code == 0
    assert out == (
        f"valid: {len(builtin)} prompts in {len(builtin.categories)} categories "
        f"(the built-in bank and the custom banks in {data_dir})\n"
    )


def test_validate_invalid_file_lists_every_error_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_bank(
        tmp_path / "bad.yaml", [prompt_data(0, hints=["one"]), prompt_data(1, difficulty=7)]
    )
    code, out, _ = run(capsys, "bank", "validate", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:13: prompt 'sample-prompt-0': hints: at least 2 required",
        f"{path}:34: prompt 'sample-prompt-1': difficulty: must be 1 (warm-up), 2 (PM) or "
        "3 (senior), got 7",
        "invalid: 2 problem(s)",
    ]


def test_validate_with_builtin_catches_a_reused_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, builtin
) -> None:
    taken = builtin.prompts[-1].id
    path = write_bank(tmp_path / "mine.yaml", [prompt_data(0, id=taken)])
    assert run(capsys, "bank", "validate", str(path))[0] == 0
    code, out, _ = run(capsys, "bank", "validate", str(path), "--with-builtin")
    assert code == 1
    assert f"'{taken}' is already a built-in prompt ({builtin.source(taken)})" in out


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_export_then_validate_round_trip(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path, fmt: str, builtin
) -> None:
    target = tmp_path / f"bank.{fmt}"
    code, out, _ = run(capsys, "bank", "export", "--format", fmt, "--output", str(target))
    assert (code, out) == (0, f"wrote {len(builtin)} prompts to {target}\n")
    code, out, _ = run(capsys, "bank", "validate", str(target))
    assert code == 0
    assert out.startswith(f"valid: {len(builtin)} prompts in {len(builtin.categories)} categories")
    assert load_bank([target], builtin=False).prompts == builtin.prompts


def test_export_to_stdout(capsys: pytest.CaptureFixture[str], data_dir: Path, builtin) -> None:
    code, out, _ = run(capsys, "bank", "export", "--format", "csv")
    assert code == 0
    assert out.startswith("category,id,text,")
    assert out.count("\n") >= len(builtin) + 1


def test_add_then_list_shows_custom_prompts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, builtin
) -> None:
    data = tmp_path / "elsewhere"
    source = write_bank(tmp_path / "mentor.yaml", [prompt_data(0), prompt_data(1)])
    code, out, _ = run(capsys, "bank", "add", str(source), "--data-dir", str(data))
    installed = data / "banks" / "mentor.yaml"
    assert (code, out) == (0, f"added 2 prompts from {source}; installed as {installed}\n")
    _, out, _ = run(
        capsys, "bank", "list", "--category", "sample-category", "--data-dir", str(data)
    )
    assert out.splitlines()[-1] == f"2 of {len(builtin) + 2} prompts"


def test_add_invalid_bank_exits_1_and_installs_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    source = write_bank(tmp_path / "mentor.yaml", [prompt_data(0, tags=[])])
    code, out, err = run(capsys, "bank", "add", str(source))
    assert (code, out) == (1, "")
    assert err == f"error: {source}:31: prompt 'sample-prompt-0': tags: at least 1 required\n"
    assert bank_service.custom_bank_paths(data_dir) == []


def test_a_broken_installed_bank_is_reported_by_list(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    (data_dir / "banks").mkdir(parents=True)
    broken = data_dir / "banks" / "broken.yaml"
    broken.write_text("category: [\n", encoding="utf-8")
    code, out, err = run(capsys, "bank", "list")
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {broken}:2: YAML syntax error")
