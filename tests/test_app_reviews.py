"""Mentors' review pages in the app (AppTest): the queue, the review form, the learner's view
of the review on Feedback with replies, the Progress marker, and the admins' agreement page.
Highlighting and layout in a real browser are left to the Chromium walk."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coach.db.database import Database
from coach.db.models import Review
from coach.services import admin, attempts, data_io, review_stats, reviews
from coach.services.review_content import flag_place
from question_bank import Bank
from scoring.labels import LABELS
from tests.review_support import (
    PASSWORD,
    SHELL,
    WEAK_ANSWER,
    Cohorts,
    answer,
    broken_scorer,
    make_cohorts,
)
from tests.test_app_support import (
    FEEDBACK,
    PROGRESS,
    AppTest,
    assert_clean,
    current_page,
    goto,
    html_bodies,
    new_app,
    texts,
)

QUEUE = "coach/pages/review_queue.py"
REVIEW = "coach/pages/review.py"
AGREEMENT = "coach/pages/agreement.py"
QUOTE = "fine-tune a large language model"


@pytest.fixture
def deployment(password_deployment: Database) -> Database:
    return password_deployment


@pytest.fixture
def people(deployment: Database) -> Cohorts:
    return make_cohorts(deployment, password=PASSWORD)


def signed_in(email: str) -> AppTest:
    at = new_app()
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert_clean(at)
    assert current_page(at) == "Practice"
    return at


def open_review_of(at: AppTest, attempt_id: int) -> AppTest:
    at.query_params["attempt"] = str(attempt_id)
    return goto(at, REVIEW)


def test_the_queue_lists_waiting_attempts_and_opens_one(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    first = answer(deployment, people.bea, bank.prompts[0])
    second = answer(deployment, people.ann, bank.prompts[1], minutes=5)
    at = goto(signed_in("mo@example.com"), QUEUE)
    table = at.dataframe[0].value
    assert list(table["Attempt"]) == [first, second]
    assert list(table["Learner"]) == ["Bea", "Ann"]
    at.selectbox(key="review_queue_learner").select(people.ann.user_id).run()
    assert list(at.dataframe[0].value["Attempt"]) == [second]
    at.selectbox(key="review_queue_learner").select("*").run()
    at.selectbox(key="review_queue_prompt").select(bank.prompts[0].id).run()
    assert list(at.dataframe[0].value["Attempt"]) == [first]
    at.button(key="review_queue_open").click().run()
    assert_clean(at)
    assert current_page(at) == "Review an answer"
    assert at.query_params["attempt"] == str(first)


def test_names_with_markup_are_shown_as_text(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    eve = admin.create_account(
        deployment, SHELL, email="eve@example.com", display_name="Eve <b>bold</b>"
    )
    admin.add_member(deployment, SHELL, cohort="Spring", email="eve@example.com", role="learner")
    attempt_id = answer(deployment, eve, bank.prompts[0])
    at = goto(signed_in("mo@example.com"), QUEUE)
    assert list(at.dataframe[0].value["Learner"]) == ["Eve <b>bold</b>"]  # a cell: plain text
    at = open_review_of(at, attempt_id)
    assert r"Eve \<b\>bold\</b\>" in texts(at.caption)


def test_a_learner_has_no_review_pages_and_an_admin_alone_has_agreement(
    people: Cohorts,
) -> None:
    learner = signed_in("ann@example.com")
    for page in (QUEUE, REVIEW, AGREEMENT):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            learner.switch_page(page)
    mentor = signed_in("mo@example.com")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        mentor.switch_page(AGREEMENT)
    root = goto(signed_in("root@example.com"), AGREEMENT)
    assert current_page(root) == "Agreement with mentors"
    assert "No submitted reviews yet" in texts(root.info)


def test_a_mentor_reviews_with_span_comments_and_flag_decisions(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    attempt_id = answer(deployment, people.ann, bank.prompts[0])
    at = open_review_of(signed_in("mo@example.com"), attempt_id)
    assert current_page(at) == "Review an answer"
    assert any("coach-answer" in body for body in html_bodies(at))  # the engine's evidence
    key = f"review_{attempt_id}"
    # A quote that is not in the answer is refused at once, with a message.
    at.text_input(key=f"{key}_comment_quote").input("night-shift nurses")
    at.text_area(key=f"{key}_comment_body").input("Who?")
    at.button(key=f"{key}_comment_add").click().run()
    assert "are not in the answer" in texts(at.error)
    # A quoted span, then selected words, then a comment with markup in it.
    at.text_input(key=f"{key}_comment_quote").input(QUOTE)
    at.text_area(key=f"{key}_comment_body").input("Which model, and <b>why</b>?")
    at.button(key=f"{key}_comment_add").click().run()
    assert_clean(at)
    at.radio(key=f"{key}_comment_mode").set_value("select").run()
    at.select_slider(key=f"{key}_comment_words").set_value((0, 1)).run()
    at.text_area(key=f"{key}_comment_body").input("Open with the user instead.").run()
    at.button(key=f"{key}_comment_add").click().run()
    assert_clean(at)
    assert any('class="flag flag-comment"' in body for body in html_bodies(at))
    # Disagreeing without a reason is refused and nothing is stored.
    at.radio(key=f"{key}_flag_0").set_value("reject").run()
    at.button(key=f"{key}_submit").click().run()
    assert "a reason is required" in texts(at.error)
    assert _stored(deployment) == []
    at.text_input(key=f"{key}_flag_reason_0").input("The answer says who it is for.")
    at.radio(key=f"{key}_element_tech").set_value("missing")
    at.button(key=f"{key}_save").click().run()
    assert_clean(at)
    assert _stored(deployment) == ["draft"]
    at.button(key=f"{key}_submit").click().run()
    assert_clean(at)
    assert current_page(at) == "Review queue"
    assert _stored(deployment) == ["submitted"]
    (shown,) = reviews.reviews_for_owner(deployment, people.ann, attempt_id)
    assert [c.quote for c in shown.comments] == [QUOTE, WEAK_ANSWER.split(" ", 2)[0] + " would"]
    assert shown.decisions[0].decision == "reject"
    assert shown.elements == {"tech": False}  # the one element judged; the others are not


def test_flags_and_elements_the_mentor_leaves_undecided_are_stored_as_nothing(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    attempt_id = answer(deployment, people.ann, bank.prompts[0])
    flags = reviews.open_review(deployment, people.mo, attempt_id).subject.target.flags
    assert len(flags) > 1
    at = open_review_of(signed_in("mo@example.com"), attempt_id)
    key = f"review_{attempt_id}"
    assert [at.radio(key=f"{key}_flag_{n}").value for n in range(len(flags))] == [
        "undecided"
    ] * len(flags)
    assert {at.radio(key=f"{key}_element_{label}").value for label in LABELS} == {"undecided"}
    at.radio(key=f"{key}_flag_1").set_value("accept").run()
    at.radio(key=f"{key}_element_who").set_value("present").run()
    at.button(key=f"{key}_save").click().run()
    assert_clean(at)
    # The draft comes back as it was left: one flag agreed, one element judged, the rest not.
    at = open_review_of(signed_in("mo@example.com"), attempt_id)
    assert [at.radio(key=f"{key}_flag_{n}").value for n in range(len(flags))] == [
        "accept" if n == 1 else "undecided" for n in range(len(flags))
    ]
    assert {
        label: at.radio(key=f"{key}_element_{label}").value
        for label in LABELS
        if at.radio(key=f"{key}_element_{label}").value != "undecided"
    } == {"who": "present"}
    at.button(key=f"{key}_submit").click().run()
    assert_clean(at)
    (shown,) = reviews.reviews_for_owner(deployment, people.ann, attempt_id)
    assert [(d.flag_id, d.decision) for d in shown.decisions] == [(flags[1].id, "accept")]
    assert shown.elements == {"who": True}  # the others were left "Not judged"
    stats = review_stats.agreement(deployment, SHELL)
    assert [(f.flag_id, f.accepted, f.rejected) for f in stats.flags] == [(flags[1].id, 1, 0)]
    assert {e.element: e.n for e in stats.elements if e.n} == {"who": 1}


def test_a_comment_typed_but_not_added_is_never_dropped_on_submit(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    attempt_id = answer(deployment, people.ann, bank.prompts[0])
    at = open_review_of(signed_in("mo@example.com"), attempt_id)
    key = f"review_{attempt_id}"
    at.text_input(key=f"{key}_comment_quote").input(QUOTE)
    at.text_area(key=f"{key}_comment_body").input("Start from the agents, not the model.")
    at.button(key=f"{key}_submit").click().run()
    assert_clean(at)
    assert "You typed a comment but did not add it" in texts(at.warning)
    assert at.text_area(key=f"{key}_comment_body").value == "Start from the agents, not the model."
    with deployment.session() as session:
        assert session.scalars(select(Review)).all() == []  # nothing stored half-done
    at.button(key=f"{key}_comment_add").click().run()
    at.button(key=f"{key}_submit").click().run()
    assert_clean(at)
    with deployment.session() as session:
        (stored,) = session.scalars(select(Review)).all()
        assert [c.body for c in stored.comments] == ["Start from the agents, not the model."]


def test_added_comments_and_missed_flags_can_be_removed(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    attempt_id = answer(deployment, people.ann, bank.prompts[0])
    at = open_review_of(signed_in("mo@example.com"), attempt_id)
    key = f"review_{attempt_id}"
    for body in ("First.", "Second."):
        at.radio(key=f"{key}_comment_mode").set_value("whole").run()
        at.text_area(key=f"{key}_comment_body").input(body)
        at.button(key=f"{key}_comment_add").click().run()
    at.selectbox(key=f"{key}_missed_flag").set_value("no-risks")
    at.text_input(key=f"{key}_missed_reason").input("No risk is named.")
    at.button(key=f"{key}_missed_add").click().run()
    assert_clean(at)
    assert [c["body"] for c in at.session_state[f"{key}__comments"]] == ["First.", "Second."]
    at.button(key=f"{key}_comment_remove_0").click().run()
    at.button(key=f"{key}_missed_remove_0").click().run()
    assert_clean(at)
    assert [c["body"] for c in at.session_state[f"{key}__comments"]] == ["Second."]
    assert at.session_state[f"{key}__missed"] == []
    assert "No risk is named." not in texts(at.markdown)


def test_a_not_scored_attempt_and_someone_elses_show_a_message(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    unscored = answer(deployment, people.ann, bank.prompts[0], scorer=broken_scorer)
    at = open_review_of(signed_in("mo@example.com"), unscored)
    assert "not scored yet" in texts(at.warning)
    assert f"review_{unscored}_submit" not in [b.key for b in at.button]
    # Oz mentors Autumn (with a learner of its own): Ann's attempt reads like a missing one.
    admin.create_account(deployment, SHELL, email="al@example.com", display_name="Al")
    admin.add_member(deployment, SHELL, cohort="Autumn", email="al@example.com", role="learner")
    stranger = open_review_of(signed_in("oz@example.com"), unscored)
    assert f"Attempt {unscored} not found" in texts(stranger.warning)


def _stored(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Review.status).order_by(Review.id)))


def _reviewed(db: Database, people: Cohorts, attempt_id: int) -> None:
    subject = reviews.open_review(db, people.mo, attempt_id).subject
    first = subject.target.flags[0]
    reviews.save_review(
        db,
        people.mo,
        attempt_id,
        {
            "overall_comment": "<script>alert(1)</script> Start from the user.",
            "comments": [{"body": "Which <i>model</i>?", "quote": QUOTE}],
            "decisions": [
                {
                    "flag_id": first.id,
                    "decision": "reject",
                    "span_start": flag_place(first)[0],
                    "reason": "Not a problem here.",
                }
            ],
            "score_override": 12,
            "override_reason": "No framing.",
        },
        submit=True,
    )


def test_the_learner_sees_the_review_beside_the_coachs_and_replies_once(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    attempt_id = answer(deployment, people.ann, bank.prompts[0])
    _reviewed(deployment, people, attempt_id)
    at = signed_in("ann@example.com")
    at.query_params["attempt"] = str(attempt_id)
    at = goto(at, FEEDBACK)
    assert "12/100" in texts(at.info) and "No framing" in texts(at.info)
    bodies = "".join(html_bodies(at))
    assert "Mo (mentor) disagrees: Not a problem here." in bodies  # beside the flag
    assert 'class="flag flag-comment"' in bodies  # the span comment, highlighted
    assert "Which &lt;i&gt;model&lt;/i&gt;?" in bodies  # the comment's markup, as text
    assert r"\<script\>alert\(1\)\</script\>" in texts(at.markdown)
    comment_id = reviews.reviews_for_owner(deployment, people.ann, attempt_id)[0].comments[0].id
    at.text_input(key=f"feedback_reply_{comment_id}").input("The support-drafting model.")
    at.button(key=f"feedback_reply_send_{comment_id}").click().run()
    assert_clean(at)
    assert "Reply sent." in texts(at.success)
    assert f"feedback_reply_{comment_id}" not in [box.key for box in at.text_input]
    assert "Your reply: The support\\-drafting model\\." in texts(at.caption)
    progress = goto(at, PROGRESS)
    table = progress.dataframe[0].value
    assert table.loc[table.index[0], "Reviewed"]
    # The mentor reads the reply on their submitted review; there is no form any more.
    mentor = open_review_of(signed_in("mo@example.com"), attempt_id)
    assert "You submitted your review" in texts(mentor.success)
    assert "The learner's reply: The support\\-drafting model\\." in texts(mentor.caption)
    assert f"review_{attempt_id}_submit" not in [b.key for b in mentor.button]
    assert not [box for box in mentor.text_input if box.key.startswith("feedback_reply_")]


def test_the_agreement_page_shows_the_figures_to_an_admin(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    attempt_id = answer(deployment, people.ann, bank.prompts[0])
    _reviewed(deployment, people, attempt_id)
    at = goto(signed_in("root@example.com"), AGREEMENT)
    assert at.metric[0].value == "1"
    flags = at.dataframe[0].value
    assert list(flags["Rejected"]) == [1] and list(flags["Precision"]) == ["0%"]
    assert len(at.dataframe[1].value) == 7


def test_a_review_moved_with_the_learners_data_shows_on_feedback_as_before(
    deployment: Database, people: Cohorts, bank: Bank
) -> None:
    attempt_id = answer(deployment, people.ann, bank.prompts[0])
    _reviewed(deployment, people, attempt_id)
    (shown,) = reviews.reviews_for_owner(deployment, people.ann, attempt_id)
    reviews.reply(deployment, people.ann, shown.comments[0].id, "The support-drafting model.")
    payload = data_io.export_json(deployment, people.ann)
    data_io.delete_all(deployment, people.ann)
    assert data_io.import_json(deployment, people.ann, payload).added == 1
    (moved,) = [summary.id for summary in attempts.list_attempts(deployment, people.ann)]
    at = signed_in("ann@example.com")
    at.query_params["attempt"] = str(moved)
    at = goto(at, FEEDBACK)
    assert "12/100" in texts(at.info) and "No framing" in texts(at.info)
    bodies = "".join(html_bodies(at))
    assert "Mo (mentor) disagrees: Not a problem here." in bodies
    assert 'class="flag flag-comment"' in bodies
    assert "Which &lt;i&gt;model&lt;/i&gt;?" in bodies
    assert "Your reply: The support\\-drafting model\\." in texts(at.caption)
    assert not [box for box in at.text_input if box.key.startswith("feedback_reply_")]
