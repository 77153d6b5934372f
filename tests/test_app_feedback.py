"""Feedback page (AppTest): its address, next steps, reasons, self-ratings, disputes, timing."""

from __future__ import annotations

from coach.services import attempts, drafts
from coach.services.explain import dimension_explanation
from coach.ui.widgets import md_escape
from question_bank import load_bank
from tests.test_app_support import (
    FEEDBACK,
    ML_FIRST,
    PRACTICE,
    assert_clean,
    current_page,
    framing_prompt_id,
    goto,
    html_with,
    new_app,
    submit,
    texts,
)


def test_an_attempt_has_its_own_address(services) -> None:
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    first = attempts.list_attempts(*services)[0].id
    assert at.query_params["attempt"] in (str(first), [str(first)])
    # Opening the address in a new session shows that attempt; a missing one says so.
    fresh = new_app()
    fresh.query_params["attempt"] = str(first)
    goto(fresh, FEEDBACK)
    assert f"Attempt #{first} ·" in texts(fresh.caption)
    gone = new_app()
    gone.query_params["attempt"] = "999"
    goto(gone, FEEDBACK)
    assert "does not exist" in texts(gone.warning)


def test_edit_and_resubmit_prefills_the_answer_and_shows_the_old_flags(services) -> None:
    db, user = services
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    at.button(key="feedback_edit").click().run()
    assert_clean(at)
    assert current_page(at) == "Practice"
    assert at.text_area(key="practice_answer").value == ML_FIRST
    assert "Flags on your previous try" in texts(at.markdown)
    assert drafts.get_draft(db, user, framing_prompt_id()) is not None  # stored, not only shown


def test_from_scratch_next_recommended_and_drill_land_on_practice(services) -> None:
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    at.button(key="feedback_try_again").click().run()
    assert current_page(at) == "Practice"
    assert at.text_area(key="practice_answer").value == ""
    goto(at, FEEDBACK)
    at.button(key="feedback_next").click().run()
    assert_clean(at)
    assert current_page(at) == "Practice" and "Recommended next" in texts(at.info)
    goto(at, FEEDBACK)
    at.button(key="feedback_drill").click().run()
    assert_clean(at)
    assert current_page(at) == "Practice" and "practise “" in texts(at.info)


def test_reasons_explanation_and_self_ratings_are_on_the_page(services) -> None:
    at = new_app()
    at.selectbox(key="practice_prompt").select(framing_prompt_id()).run()
    at.text_area(key="practice_answer").input(ML_FIRST)
    at.session_state["practice_rate_framing"] = 100  # what one click on "strong" stores
    at.button(key="practice_submit").click().run()
    assert_clean(at)
    cards = html_with(at, "dimension-cards")
    assert cards.count('class="dimension-reason"') == 5
    assert "you said 100" in cards
    explanation = texts(at.markdown)
    assert "Weighted mean of the assessed dimensions" in explanation
    assert "error-level red flag" in explanation
    # Each dimension's rubric rows, as the stored report computed them.
    db, user = services
    view = attempts.feedback_view(db, user, attempts.list_attempts(db, user)[0].id)
    lines = dimension_explanation(view.attempt.report)
    assert len(lines) == 5 and any(" = " in line for line in lines)
    for line in lines:
        assert f"- {md_escape(line)}" in explanation


def test_a_flag_can_be_disputed_and_it_shows(services) -> None:
    db, user = services
    at = submit(new_app(), ML_FIRST, prompt_id=framing_prompt_id())
    box = next(k for k in at.text_input if k.key.startswith("feedback_dispute_reason"))
    box.input("I name the user later")
    at.button(key="feedback_dispute_save").click().run()
    assert_clean(at)
    attempt_id = attempts.list_attempts(db, user)[0].id
    view = attempts.feedback_view(db, user, attempt_id)
    assert list(view.disputes.values()) == ["I name the user later"]
    assert "You disagree: I name the user later" in html_with(at, "coach-flags")


def test_timed_feedback_shows_the_time_against_the_suggestion(services) -> None:
    at = new_app()
    at.selectbox(key="practice_prompt").select(framing_prompt_id()).run()
    at.toggle(key="practice_timed").set_value(True).run()
    at.button(key="practice_timer_start").click().run()
    at.text_area(key="practice_answer").input(ML_FIRST)
    at.button(key="practice_submit").click().run()
    assert_clean(at)
    assert current_page(at) == "Feedback"
    assert "Timed answer:" in texts(at.info) and "suggested" in texts(at.info)


def test_practice_reopens_the_latest_draft_and_lists_the_others(services) -> None:
    from datetime import UTC, datetime, timedelta

    from question_bank import load_bank

    db, user = services
    other = next(p.id for p in load_bank().prompts if p.id != framing_prompt_id())
    now = datetime.now(UTC)
    drafts.save_draft(db, user, prompt_id=other, text="older draft", now=now - timedelta(hours=1))
    drafts.save_draft(db, user, prompt_id=framing_prompt_id(), text="latest draft", now=now)
    at = new_app()
    assert at.text_area(key="practice_answer").value == "latest draft"
    assert any("Unfinished drafts (1)" in e.label for e in at.expander)
    goto(at, PRACTICE)


def test_the_coach_asks_where_unsure_and_the_answer_recomputes_the_feedback(services) -> None:
    from tests.test_services_attempts import UNSURE_ANSWER

    db, user = services
    design = next(p.id for p in load_bank().prompts if p.category == "ai-product-design")
    at = submit(new_app(), UNSURE_ANSWER, prompt_id=design)
    assert_clean(at)
    assert "The coach is not sure: you decide" in texts(at.subheader)
    assert "Is “Delays” a problem your user has?" in texts(at.markdown)
    at.button(key="feedback_question_yes_why").click().run()
    assert_clean(at)
    report = attempts.list_attempts(db, user)[0]
    stored = attempts.get_attempt(db, user, report.id).report
    assert stored is not None and stored.coverage["why"].present
    assert "Is “Delays” a problem your user has?" not in texts(at.markdown)


def test_flags_worth_checking_are_shown_apart(services) -> None:
    from tests.test_services_attempts import UNSURE_ANSWER

    design = next(p.id for p in load_bank().prompts if p.category == "ai-product-design")
    at = submit(new_app(), UNSURE_ANSWER, prompt_id=design)
    db, user = services
    report = attempts.get_attempt(db, user, attempts.list_attempts(db, user)[0].id).report
    assert report is not None
    unsure = [f for f in report.flags if f.tentative]
    assert unsure, "this answer has a flag the engine is unsure of"
    labels = [e.label for e in at.expander]
    assert f"Worth checking ({len(unsure)})" in labels
