"""Plain-text renderings of reports and rules (terminal output and docs/rules.md)."""

from __future__ import annotations

from scoring.analysis import Decision
from scoring.report import DIMENSIONS, ELEMENTS, Report
from scoring.rules import RULES
from scoring.scores import explain_score

_MARK = {"error": "x", "warning": "!", "info": "i"}


def explain_text(report: Report, decisions: list[Decision]) -> str:
    """Why each verdict came out as it did: what matched, what was rejected and why."""
    lines = ["Why (coach score --explain):", f"  question type: {report.question_type}"]
    for element in ELEMENTS:
        cover = report.coverage[element]
        verdict = "present" if cover.present else "absent"
        basis = cover.basis or "-"
        lines.append(f"  {element}: {verdict} (basis: {basis}, confidence {cover.confidence:.2f})")
        for decision in (d for d in decisions if d.element == element):
            mark = "+" if decision.accepted else "-"
            quote = _clip(decision.span.text, 40)
            at = decision.span.start
            lines.append(f"      {mark} \u201c{quote}\u201d at {at}: {decision.reason}")
    lines.append("  flags:")
    for flag in report.flags:
        state = "worth checking" if flag.tentative else flag.severity.value
        lines.append(
            f"    {flag.id} [{state}] basis {flag.basis or '-'}, confidence {flag.confidence:.2f}"
        )
    for question in report.questions:
        lines.append(f"  asks: {question.text}")
    lines.append("  scores:")
    lines += [f"    {line}" for line in explain_score(report)]
    return "\n".join(lines)


def report_text(report: Report) -> str:
    """Human-readable report: score, flags with quoted evidence, coverage, dimensions."""
    lines = [f"Overall {report.overall}/100  grade {report.grade}/5  (level {report.level})", ""]
    if report.flags:
        lines.append("Flags:")
        for flag in report.flags:
            mark = "?" if flag.tentative else _MARK[flag.severity.value]
            note = " (worth checking)" if flag.tentative else ""
            lines.append(f"  [{mark}] {flag.id}{note}: {flag.message}")
            if flag.evidence:
                lines.append(
                    f"      at {flag.start}-{flag.end}: \u201c{_clip(flag.evidence)}\u201d"
                )
            lines.append(f"      fix: {flag.fix}")
    else:
        lines.append("Flags: none")
    lines += ["", "Coverage:"]
    for element in ELEMENTS:
        cover = report.coverage[element]
        quotes = ", ".join(f"\u201c{_clip(span.text, 30)}\u201d" for span in cover.evidence[:3])
        status = f"yes at {cover.first_at}: {quotes}" if cover.present else "no"
        lines.append(f"  {element:<14} {status}")
    lines += ["", "Dimensions:"]
    for name in DIMENSIONS:
        dim = report.dimensions[name]
        score = "n/a" if dim.score is None else f"{dim.score:>3}"
        lines.append(f"  {name:<14} {score}  {dim.reason}")
    stats = report.stats
    lines += [
        "",
        f"{stats.words} words, {stats.sentences} segments, ~{stats.speaking_time_s}s spoken, "
        f"filler rate {stats.filler_rate:.1%}  [{report.scorer.name} {report.scorer.version}]",
    ]
    return "\n".join(lines)


def _clip(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def rules_text() -> str:
    """One line per rule, for ``coach rules``."""
    return "\n".join(f"{rule.id:<24} {rule.severity.value:<8} {rule.title}" for rule in RULES)


def rules_markdown() -> str:
    """The rules reference, generated from the registry (docs/rules.md)."""
    out = [
        "# Rules reference",
        "",
        "Generated from `scoring/rules/` by `coach rules --markdown`; do not edit by hand.",
        "",
        "| id | severity | what it flags |",
        "|---|---|---|",
    ]
    out += [f"| `{rule.id}` | {rule.severity.value} | {rule.title} |" for rule in RULES]
    for rule in RULES:
        out += [
            "",
            f"## `{rule.id}`: {rule.title}",
            "",
            f"**Severity:** {rule.severity.value}",
            "",
            f"**Why it matters:** {rule.why}",
            "",
            f"**Fix:** {rule.fix}",
            "",
            f"**Fires on:** {_example(rule.must_flag[0].answer)}",
            "",
            f"**Does not fire on:** {_example(rule.must_pass[0].answer)}",
        ]
    return "\n".join(out) + "\n"


def _example(answer: str) -> str:
    return f"\u201c{_clip(answer, 160)}\u201d" if answer.strip() else "an empty answer"
