"""`coach score` and `coach rules` through the real CLI entry point."""

from __future__ import annotations

import io
import json
import os
import unicodedata
from pathlib import Path

import pytest

from coach.cli import main
from scoring.render import rules_markdown

ROOT = Path(__file__).resolve().parent.parent
ML_FIRST = "I'd fine-tune an LLM on our tickets. Then we'd look at engagement."


def test_score_file_prints_flags_with_quoted_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(ML_FIRST, encoding="utf-8")
    assert main(["score", str(answer)]) == 0
    out = capsys.readouterr().out
    assert "solution-first" in out and "tech-before-framing" in out
    assert "\u201cI'd fine-tune an LLM on our tickets.\u201d" in out
    assert "Overall" in out and "framing" in out


def test_score_stdin_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(ML_FIRST))
    assert main(["score", "-", "--json", "--level", "senior"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["level"] == "senior"
    assert {"solution-first", "tech-before-framing"} <= {f["id"] for f in report["flags"]}
    assert report["coverage"]["tech"]["evidence"][0]["text"] == "fine-tune"


def test_score_jsonl_batch_keeps_going_after_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "answer": ML_FIRST}),
                "{not json",
                json.dumps({"id": "c", "answer": 42}),
                json.dumps(
                    {"id": "d", "answer": "Nurses lose time.", "prompt": "Design an AI assistant"}
                ),
                json.dumps({"id": "e", "answer": "word " * 20_001}),
            ]
        ),
        encoding="utf-8",
    )
    assert main(["score", "--jsonl", str(batch)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row.get("id") for row in rows] == ["a", None, "c", "d", "e"]
    assert "flags" in rows[0] and "flags" in rows[3]
    assert rows[1]["line"] == 2 and "error" in rows[1]
    assert "error" in rows[2] and "error" in rows[4] and "20,000" in rows[4]["error"]
    assert "missing-eval-criteria" in {f["id"] for f in rows[3]["flags"]}


def test_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "/nonexistent/answer.txt"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "solution-first" in out and "no-failure-plan" in out


def test_rules_reference_in_docs_is_in_sync() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "regenerate with: coach rules --markdown > docs/rules.md"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
        ".venv/bin/python -m pytest -n 2 --dist loadgroup\n"
    )
    assert command in readme and command in ci


def test_unknown_prompt_id_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(ML_FIRST))
    assert main(["score", "-", "--prompt", "no-such-prompt"]) == 1
    assert "no prompt with id 'no-such-prompt'" in capsys.readouterr().err


def test_prompt_id_drives_expectations(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from question_bank import load_bank

    prompt = next(p for p in load_bank().prompts if "eval_criteria" in p.expects)
    monkeypatch.setattr("sys.stdin", io.StringIO("Nurses lose forty minutes a shift on handovers."))
    assert main(["score", "-", "--prompt", prompt.id, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["prompt_id"] == prompt.id
    assert "missing-eval-criteria" in {f["id"] for f in report["flags"]}


def test_score_explain_prints_what_matched_and_what_was_rejected(tmp_path, capsys) -> None:
    from coach.cli import main

    answer = tmp_path / "a.txt"
    answer.write_text(
        "Our ML engineers improve the user experience. Night-shift nurses lose 40 minutes.",
        encoding="utf-8",
    )
    assert main(["score", str(answer), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "question type: product_design" in out
    assert "- \u201cuser\u201d at 29: modifies the noun 'experience'" in out
    assert "+ \u201cnurses\u201d at 58: narrowed by 'shift'" in out
    assert "    Framing 100 = who named +40, user problem named +40, framing before the" in out
    assert "    Metrics 0: No success metric named." in out


# --- hostile and unclear input --------------------------------------------------------------


def test_jsonl_lines_with_wrongly_typed_fields_get_errors_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "in.jsonl"
    lines = [
        {"id": 1, "answer": ML_FIRST, "prompt": 42},
        {"id": 2, "answer": ML_FIRST, "prompt_id": ["a", "list"]},
        {"id": 3, "answer": ML_FIRST, "prompt_id": {"an": "object"}},
        {"id": 4, "answer": ML_FIRST, "level": ["pm"]},
        {"id": 5, "answer": "   \n"},
        {"id": 6, "answer": ML_FIRST},
    ]
    batch.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert main(["score", "--jsonl", str(batch)]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [row["id"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert [row.get("error") for row in rows] == [
        '"prompt" must be text, got a number',
        '"prompt_id" must be text, got a list',
        '"prompt_id" must be text, got an object',
        '"level" must be one of apm, pm, senior, got a list',
        "empty answer: there is nothing to score",
        None,
    ]
    assert [row["line"] for row in rows[:5]] == [1, 2, 3, 4, 5]
    assert "solution-first" in {flag["id"] for flag in rows[5]["flags"]}
    assert captured.err == ""


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_bad_jsonl_path_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = tmp_path / "nothing.jsonl" if kind == "missing" else tmp_path
    assert main(["score", "--jsonl", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    reason = "No such file or directory" if kind == "missing" else "Is a directory"
    assert err == f"error: cannot read {path}: {reason}\n"


def test_terminal_escapes_in_the_answer_never_reach_the_text_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = (
        "\x1b]0;pwned\x07\x1b[31;1mI'd fine-tune an LLM\x1b[0m on our tickets.\x9b2J "
        "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ Then we'd look at engagement."
    )
    answer = tmp_path / "answer.txt"
    answer.write_text(hostile, encoding="utf-8")
    assert main(["score", str(answer)]) == 0
    out = capsys.readouterr().out
    assert "solution-first" in out
    controls = {ch for ch in out if unicodedata.category(ch) == "Cc"} - {"\n"}
    assert controls == set(), sorted(map(hex, map(ord, controls)))
    # The words stay readable, only the control characters are gone.
    assert "fine-tune an LLM" in out


def test_json_output_still_escapes_control_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = "I'd fine-tune \x1b[31man LLM\x1b[0m on our tickets. Then we'd look at engagement."
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    assert main(["score", "-", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\u001b[31man LLM" in out
    evidence = [flag["evidence"] for flag in json.loads(out)["flags"]]
    assert any("\x1b[31man LLM" in text for text in evidence)  # escaped, not lost


@pytest.mark.parametrize("source", ["empty-file", "whitespace-file", "dev-null"])
def test_an_empty_answer_is_refused_with_a_nonzero_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    if source == "dev-null":
        path = Path(os.devnull)
    else:
        path = tmp_path / "answer.txt"
        path.write_text("" if source == "empty-file" else " \n\t\n", encoding="utf-8")
    assert main(["score", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"error: empty answer in {path}: there is nothing to score\n"


def test_a_binary_file_is_refused_not_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert main(["score", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"error: {path} looks like a binary file, not text; give a UTF-8 text file\n")


def test_a_binary_stdin_is_refused_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"ab\x00\xff\xfe cd")))
    assert main(["score", "-"]) == 1
    assert "standard input looks like a binary file" in capsys.readouterr().err


def test_utf8_text_from_stdin_bytes_is_still_scored(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Nurses lose forty minutes a shift on handovers — I'd fine-tune an LLM first."
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(["score", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stats"]["words"] > 10


def test_rules_asked_counts_the_learners_answers(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    assert main(["rules", "--asked"]) == 0
    assert "no answers to the engine's questions yet" in capsys.readouterr().out
