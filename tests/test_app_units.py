"""The app's pure parts: interviewer nudges, answer highlighting, timeline spans, escaping."""

from __future__ import annotations

import re

import pytest

from coach.services.coaching import analyze_draft, phase_for, phase_nudges
from coach.ui.charts import timeline_figure, timeline_spans
from coach.ui.highlight import answer_html, escape, marks_from_flags
from coach.ui.labels import TIMELINE_ORDER
from coach.ui.timeline import timeline_html
from coach.ui.widgets import flag_list_html, md_escape
from scoring import PromptSpec, analyze, rule_by_id
from scoring.report import Flag, Severity
from tests.test_app_support import FRAMED, ML_FIRST, timeline_starts

SPEC = PromptSpec(
    text="Design an AI assistant for support agents",
    expects=frozenset({"who", "why", "metrics", "eval_criteria"}),
)
LIMIT = 600


def nudge_ids(answer: str | None, used: float, expects: frozenset[str] = SPEC.expects) -> list[str]:
    report = analyze(answer, SPEC, "pm") if answer else None
    coaching = phase_nudges(report, elapsed_s=used * LIMIT, limit_s=LIMIT, expects=expects)
    return [nudge.id for nudge in coaching.nudges]


def test_an_ml_first_draft_is_told_to_name_the_user() -> None:
    assert "solution-before-user" in nudge_ids(ML_FIRST, 0.1)


def test_a_framed_draft_gets_no_nudge_early_on() -> None:
    assert nudge_ids(FRAMED, 0.3) == []


def test_forty_percent_gone_without_a_user_says_so() -> None:
    draft = "Well, there are many things to consider here and I want to be thorough about it."
    coaching = phase_nudges(
        analyze(draft, SPEC, "pm"), elapsed_s=0.42 * LIMIT, limit_s=LIMIT, expects=SPEC.expects
    )
    (nudge,) = [n for n in coaching.nudges if n.id == "no-user"]
    assert nudge.message.startswith("40% of your time is gone and no user is named yet")


def test_a_blank_page_is_nudged_only_after_a_while() -> None:
    assert nudge_ids(None, 0.05) == []
    assert nudge_ids(None, 0.2) == ["blank-page"]


def test_missing_metric_and_eval_come_later_in_the_answer() -> None:
    framing_only = (
        "The users are night-shift nurses on busy hospital wards. Their problem is that they "
        "spend forty minutes a shift re-typing handover notes."
    )
    assert "no-metric" not in nudge_ids(framing_only, 0.5)
    assert "no-metric" in nudge_ids(framing_only, 0.65)
    assert "no-eval" in nudge_ids(framing_only, 0.8)
    assert "no-eval" not in nudge_ids(framing_only, 0.8, frozenset({"who", "why", "metrics"}))


def test_overtime_comes_first_and_at_most_three_nudges() -> None:
    report = analyze("Something vague.", SPEC, "pm")
    coaching = phase_nudges(report, elapsed_s=LIMIT + 30, limit_s=LIMIT, expects=SPEC.expects)
    assert coaching.nudges[0].id == "time-up"
    assert len(coaching.nudges) <= 3
    assert coaching.remaining_s == -30
    assert coaching.phase == "overtime"


@pytest.mark.parametrize(
    ("used", "phase"), [(0.0, "framing"), (0.35, "solution"), (0.7, "quality"), (0.9, "wrap-up")]
)
def test_phases_follow_the_clock(used: float, phase: str) -> None:
    assert phase_for(used)[0] == phase


def test_a_zero_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="limit_s"):
        phase_nudges(None, elapsed_s=1, limit_s=0)


def _flag(flag_id: str, start: int, end: int, severity: str = "error") -> Flag:
    return Flag(flag_id, Severity(severity), f"{flag_id} message", start, end, "", "fix it")


MARK = re.compile(r'<mark class="flag flag-(\w+)" data-flags="([^"]*)"[^>]*>([^<]*)</mark>')


def test_highlight_escapes_every_piece_and_marks_in_place() -> None:
    answer = "<b>Hi</b> & I'd fine-tune a model"
    html = answer_html(answer, [_flag("solution-first", 10, len(answer))])
    assert "&lt;b&gt;Hi&lt;/b&gt; <mark" in html
    assert MARK.findall(html) == [("error", "solution-first", "&amp; I&#x27;d fine-tune a model")]
    assert "<b>" not in html


def test_a_marks_tooltip_names_the_rule_by_its_title_not_its_id() -> None:
    answer = "I'd fine-tune a model"
    html = answer_html(answer, [_flag("solution-first", 0, len(answer))])
    title = rule_by_id("solution-first").title
    assert f'title="1. {escape(title)}: solution-first message"' in html


def test_overlapping_flags_merge_and_the_worst_colours_the_overlap() -> None:
    flags = [_flag("first", 0, 6, "warning"), _flag("second", 4, 10, "error")]
    assert MARK.findall(answer_html("abcdefghij", flags)) == [
        ("warning", "first", "abcd"),
        ("error", "first second", "ef"),
        ("error", "second", "ghij"),
    ]


def test_marks_are_clamped_and_empty_spans_dropped() -> None:
    marks = marks_from_flags([_flag("a", -5, 3), _flag("b", 8, 8), _flag("c", 2, 99)], 10)
    assert [(m.flag_id, m.start, m.end, m.number) for m in marks] == [
        ("a", 0, 3, 1),
        ("c", 2, 10, 3),
    ]


def test_an_empty_answer_still_renders() -> None:
    assert "(empty answer)" in answer_html("")


def test_flag_list_escapes_the_quoted_answer() -> None:
    flag = Flag("x", Severity.ERROR, 'You wrote "<img src=x onerror=alert(1)>"', 0, 5, "<i>", "")
    html = flag_list_html([flag])
    assert "<img" not in html and "&lt;img src=x" in html and "&lt;i&gt;" in html


def test_md_escape_neutralises_markdown() -> None:
    assert md_escape("**bold** [x](y) $5 <b>") == r"\*\*bold\*\* \[x\]\(y\) \$5 \<b\>"


def test_timeline_places_the_model_before_the_metric() -> None:
    report = analyze(ML_FIRST, SPEC, "pm")
    _, evidence = timeline_spans(report, len(ML_FIRST))
    assert min(start for start, _, _ in evidence["tech"]) < 5
    assert min(start for start, _, _ in evidence["metrics"]) > 60
    figure = timeline_figure(report, len(ML_FIRST), expects=SPEC.expects)
    notes = {(note.y, note.text) for note in figure.layout.annotations}
    assert ("Eval criteria", "missing") in notes


def test_timeline_html_places_the_model_first_and_says_what_is_missing() -> None:
    report = analyze(ML_FIRST, SPEC, "pm")
    body = timeline_html(report, len(ML_FIRST), expects=SPEC.expects)
    starts = timeline_starts(body)
    assert list(starts) == [name for name in TIMELINE_ORDER if name in starts]  # in order
    assert min(starts["tech"]) < 5 < min(starts["metrics"])
    eval_row = re.search(r'data-element="eval_criteria".*?</div>', body)
    assert eval_row is not None and ">missing</span>" in eval_row.group(0)


def test_timeline_html_escapes_the_learners_words() -> None:
    answer = 'Nurses <script>alert(1)</script> lose "20 minutes" per handover & more.'
    report = analyze(answer, SPEC, "pm")
    body = timeline_html(report, len(answer))
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert '"20 minutes"' not in body  # quotes cannot close a title attribute


def test_analyze_draft_reads_nothing_from_an_empty_or_oversized_draft() -> None:
    from question_bank import load_bank
    from scoring import MAX_WORDS

    prompt = load_bank().prompts[0]
    assert analyze_draft(prompt, "  \n", "pm") is None
    assert analyze_draft(prompt, "word " * (MAX_WORDS + 1), "pm") is None
    report = analyze_draft(prompt, ML_FIRST, "senior")
    assert report is not None and report.level == "senior"


BADGE = re.compile(r'<sup class="flag-badge" data-flags="([^"]*)"[^>]*>([^<]*)</sup>')


def test_one_marker_per_sentence_lists_all_its_flags() -> None:
    answer = "First sentence is bad. Second one is fine. Third is bad too."
    flags = [
        _flag("a", 0, 5, "error"),
        _flag("b", 6, 14, "warning"),
        _flag("c", 43, 48, "info"),
        _flag("d", 0, 21, "error"),
    ]
    sentences = [(0, 22), (23, 42), (43, len(answer))]
    badges = BADGE.findall(answer_html(answer, flags, sentences))
    # Sentence one carries flags 1, 2 and 4 behind one marker; sentence three its own.
    assert badges == [("a b d", "1,2,4"), ("c", "3")]


def test_flags_are_ordered_errors_first_then_by_position() -> None:
    from coach.services.explain import ordered_flags

    flags = [
        _flag("late-error", 50, 60, "error"),
        _flag("info", 0, 5, "info"),
        _flag("warning", 10, 20, "warning"),
        _flag("early-error", 30, 40, "error"),
    ]
    assert [f.id for f in ordered_flags(flags)] == ["early-error", "late-error", "warning", "info"]


def test_phase_nudges_follow_the_question_type() -> None:
    story = "I was leading a launch and the model kept failing in review, so I jumped in and fixed"
    report = analyze(story, SPEC, "pm")
    for used in (0.1, 0.5, 0.75):
        coaching = phase_nudges(
            report,
            elapsed_s=used * LIMIT,
            limit_s=LIMIT,
            expects=SPEC.expects,
            category="behavioral",
        )
        ids = [nudge.id for nudge in coaching.nudges]
        # A story is never asked who the user is; it is asked for the result instead.
        assert not {"no-user", "solution-before-user", "no-problem"} & set(ids)
    assert "no-result" in ids
    assert phase_for(0.1, "story") == phase_for(0.1, "story")
    assert phase_for(0.5, "story")[0] == "your action"
    assert phase_for(0.5, "product")[0] == "solution"
    assert phase_for(0.5, "evaluation")[0] == "criteria"
