"""Practice -> Feedback: submit, flags and timeline, empty and over-long answers, escaping,
scorer failure and retry, timed-mode nudges, drafts kept across pages."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

import coach.services.attempts as attempts_service
from coach.services import attempts
from question_bank import load_bank
from scoring import MAX_WORDS, rule_by_id
from tests.test_app_support import (
    BANK,
    FRAMED,
    ML_FIRST,
    PROGRESS,
    SCRIPT_ANSWER,
    assert_clean,
    current_page,
    framing_prompt_id,
    goto,
    html_bodies,
    html_with,
    new_app,
    submit,
    texts,
    timeline_starts,
)


def test_submit_shows_feedback_with_flags_highlighted_and_the_timeline(services) -> None:
    db, user = services
    prompt_id = framing_prompt_id()
    at = submit(new_app(), ML_FIRST, prompt_id=prompt_id)

    assert current_page(at) == "Feedback"
    stored = attempts.list_attempts(db, user)
    assert len(stored) == 1 and stored[0].prompt_id == prompt_id
    assert stored[0].status == "scored"

    answer_html, flags_html = html_with(at, "coach-answer"), html_with(at, "coach-flags")
    assert '<mark class="flag flag-error"' in answer_html
    assert 'data-flags="' in answer_html and "solution-first" in answer_html
    assert "tech-before-framing" in answer_html
    # The marked words are the learner's own, in place.
    assert "fine-tune an LLM" in answer_html
    assert 'data-flag="solution-first"' in flags_html
    assert "Why it matters:" in flags_html and "Fix:" in flags_html

    labels = [metric.label for metric in at.metric]
    assert {"Overall score", "Grade"} <= set(labels)
    cards = next(body for body in html_bodies(at) if "dimension-cards" in body)
    # Every dimension's reason is on the page, not only in a tooltip.
    assert "Framing" in cards and "Metrics" in cards
    assert cards.count('class="dimension-reason"') == 5

    timeline = html_with(at, "coach-timeline")
    assert "Answer timeline" in timeline
    starts = timeline_starts(timeline)
    assert {"tech", "solution", "metrics"} <= set(starts)
    # The model comes first, the metric only at the end.
    assert min(starts["tech"]) < 5
    assert min(starts["metrics"]) > min(starts["tech"])


def test_flags_are_listed_by_severity_with_why_and_fix(data_dir) -> None:
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    flags_html = html_with(at, "coach-flags")
    # Titles, not rule ids, are what the learner reads; the id stays in a data attribute.
    listed = re.findall(r'data-flag="([a-z-]+)".*?>(error|warning|info)</span>', flags_html)
    severities = [severity for _, severity in listed]
    assert len(listed) >= 3 and "error" in severities
    rank = {"error": 0, "warning": 1, "info": 2}
    assert severities == sorted(severities, key=rank.__getitem__)
    assert flags_html.count("Why it matters:") == len(listed)
    assert flags_html.count("<b>Fix:</b>") == len(listed)


def test_empty_answer_shows_a_message_and_stores_nothing(services) -> None:
    db, user = services
    at = submit(new_app(), "   \n  ")
    assert current_page(at) == "Practice"
    assert "empty" in texts(at.warning)
    assert attempts.list_attempts(db, user) == []


def test_over_limit_paste_shows_the_limit_and_keeps_the_text(services) -> None:
    db, user = services
    long_answer = "word " * (MAX_WORDS + 1)
    at = submit(new_app(), long_answer)
    assert current_page(at) == "Practice"
    message = texts(at.error)
    assert f"{MAX_WORDS:,}" in message and "still in the box" in message
    assert at.text_area(key="practice_answer").value == long_answer
    assert attempts.list_attempts(db, user) == []


def test_script_and_markdown_in_an_answer_are_shown_as_text(data_dir) -> None:
    at = submit(new_app(), SCRIPT_ANSWER, prompt_id=framing_prompt_id())
    answer_html = html_with(at, "coach-answer")
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in answer_html
    assert "<script" not in "".join(html_bodies(at))
    assert "**not bold** [a link](http://example.com)" in answer_html


def test_a_scorer_failure_shows_not_scored_and_retry_scores_it(
    services, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, user = services

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("scorer exploded")

    real = attempts_service.analyze
    monkeypatch.setattr(attempts_service, "analyze", broken)
    at = submit(new_app(), FRAMED, prompt_id=framing_prompt_id())
    assert current_page(at) == "Feedback"
    assert "Not scored" in texts(at.warning)
    assert "scorer exploded" in texts(at.warning)
    assert attempts.list_attempts(db, user)[0].status == "not_scored"
    assert html.escape(FRAMED[:60]) in html_with(at, "coach-answer"), "the answer is kept and shown"

    monkeypatch.setattr(attempts_service, "analyze", real)
    at.button(key="feedback_retry").click().run()
    assert_clean(at)
    assert attempts.list_attempts(db, user)[0].status == "scored"
    assert "Not scored" not in texts(at.warning)
    assert html_with(at, "coach-timeline"), "the scored feedback with its timeline is shown"


def test_try_again_then_compare_with_the_previous_attempt(services) -> None:
    db, user = services
    prompt_id = framing_prompt_id()
    at = submit(new_app(), ML_FIRST, prompt_id=prompt_id)
    at.button(key="feedback_try_again").click().run()
    assert_clean(at)
    assert current_page(at) == "Practice"
    assert at.selectbox(key="practice_prompt").value == prompt_id
    assert at.text_area(key="practice_answer").value == ""

    submit(at, FRAMED)
    assert current_page(at) == "Feedback"
    first, second = sorted(attempts.list_attempts(db, user), key=lambda item: item.id)
    assert second.overall > first.overall
    body = texts(at.markdown)
    assert "Score up" in body and "Fixed since last time" in body
    assert "solution" in body  # solution-first is listed as fixed
    # Each try's flags read as titles, not rule ids.
    shown = texts(at.caption)
    first_report = attempts.get_attempt(db, user, first.id).report
    assert first_report is not None
    for flag_id in first_report.flag_ids():
        assert rule_by_id(flag_id).title in shown
    assert "solution-first" not in shown
    overall = next(metric for metric in at.metric if metric.label == "Overall score")
    assert overall.delta.startswith("+")


def test_hints_and_outline_are_revealed_on_demand(data_dir) -> None:
    at = submit(new_app(), FRAMED, prompt_id=framing_prompt_id())
    labels = [expander.label for expander in at.expander]
    assert "Hints" in labels and "Outline of a strong answer" in labels


def test_feedback_can_be_downloaded_as_markdown(data_dir) -> None:
    at = submit(new_app(), FRAMED, prompt_id=framing_prompt_id())
    assert at.download_button(key="feedback_download")


def test_the_draft_is_kept_per_prompt_across_pages(data_dir) -> None:
    at = new_app()
    first = at.selectbox(key="practice_prompt").value
    at.text_area(key="practice_answer").input("my half-written draft").run()
    goto(at, PROGRESS)
    goto(at, BANK)
    at.switch_page("coach/pages/practice.py").run()
    assert at.selectbox(key="practice_prompt").value == first
    assert at.text_area(key="practice_answer").value == "my half-written draft"

    other = at.selectbox(key="practice_prompt").options[1]
    at.selectbox(key="practice_prompt").select(other).run()
    assert at.text_area(key="practice_answer").value == ""
    at.selectbox(key="practice_prompt").select(first).run()
    assert at.text_area(key="practice_answer").value == "my half-written draft"


def test_surprise_me_and_recommended_pick_a_prompt(data_dir) -> None:
    at = new_app()
    at.button(key="practice_surprise").click().run()
    assert_clean(at)
    assert at.selectbox(key="practice_prompt").value
    at.button(key="practice_recommend").click().run()
    assert_clean(at)
    assert "Recommended next" in texts(at.info)


def test_filters_narrow_the_prompts_and_select_a_match(data_dir) -> None:
    at = new_app()
    at.selectbox(key="practice_category").select_index(2).run()
    assert_clean(at)
    category = at.selectbox(key="practice_category").value
    bank = load_bank()
    in_category = {prompt.id for prompt in bank.prompts if prompt.category == category}
    chosen = at.selectbox(key="practice_prompt").value
    # The selection follows the filter: the chosen prompt is one of the category's.
    assert chosen in in_category
    assert f"({len(in_category)} of {len(bank)} match)" in at.selectbox(key="practice_prompt").label
    at.text_input(key="practice_query").input("zzzz-no-such-prompt").run()
    assert_clean(at)
    assert at.selectbox(key="practice_prompt").value == chosen


def test_timed_mode_counts_down_and_nudges_like_an_interviewer(data_dir) -> None:
    at = new_app()
    prompt_id = framing_prompt_id()
    at.selectbox(key="practice_prompt").select(prompt_id).run()
    at.toggle(key="practice_timed").set_value(True).run()
    assert_clean(at)
    at.button(key="practice_timer_start").click().run()
    assert_clean(at)
    assert any(metric.label == "Time left" for metric in at.metric)

    # Half the time gone, and the draft is all model: the interviewer steps in.
    started = at.session_state["timer_started"][prompt_id]
    at.session_state["timer_started"] = {prompt_id: started - timedelta(minutes=30)}
    at.text_area(key="practice_answer").input(ML_FIRST).run()
    assert_clean(at)
    nudges = texts(at.error) + texts(at.warning)
    assert "no specific user is named yet" in nudges or "Time is up" in nudges

    submit(at, ML_FIRST)
    assert current_page(at) == "Feedback"
    assert "timed" in texts(at.caption)


def test_a_fresh_timer_shows_no_nudges(data_dir) -> None:
    at = new_app()
    at.toggle(key="practice_timed").set_value(True).run()
    before = datetime.now(UTC)
    at.button(key="practice_timer_start").click().run()
    after = datetime.now(UTC)
    assert_clean(at)
    assert not at.error and not at.warning
    # The clock started on the click, for the prompt on screen only.
    started = at.session_state["timer_started"]
    assert list(started) == [at.selectbox(key="practice_prompt").value]
    assert before <= started[at.selectbox(key="practice_prompt").value] <= after


def test_the_target_level_is_used_for_scoring_and_shared_across_pages(services) -> None:
    db, user = services
    at = new_app()
    at.radio(key="practice_level").set_value("senior").run()
    goto(at, PROGRESS)
    at.switch_page("coach/pages/practice.py").run()
    assert at.radio(key="practice_level").value == "senior"
    submit(at, FRAMED, prompt_id=framing_prompt_id())
    (stored,) = attempts.list_attempts(db, user)
    assert stored.level == "senior"
    assert "Senior PM" in texts(at.caption)
