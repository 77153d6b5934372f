"""`coach score` and `coach rules` through the real CLI entry point."""

from __future__ import annotations

import io
import json
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
    assert main(["score", "/nonexistent/answer.txt"]) == 1
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
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
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
