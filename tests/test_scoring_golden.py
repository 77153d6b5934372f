"""Multi-flag behaviour pinned by small golden files: answer -> expected `id:start:end` lines.

Regenerate after a deliberate change with ``python -m tests.test_scoring_golden`` and review
the diff like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import analyze

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.txt"))


def flag_lines(answer: str) -> str:
    report = analyze(answer)
    return "".join(f"{flag.id}:{flag.start}:{flag.end}\n" for flag in report.flags)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_flags_match_the_golden_file(case: Path) -> None:
    expected = case.with_suffix(".flags").read_text(encoding="utf-8")
    assert flag_lines(case.read_text(encoding="utf-8")) == expected


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 4


if __name__ == "__main__":
    for case in CASES:
        golden = case.with_suffix(".flags")
        golden.write_text(flag_lines(case.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {case.with_suffix('.flags').name}")
