"""The Cohorts page, the cohort dashboard and assignments on Practice (AppTest, password mode):
an admin creates a cohort and sees its code once, a learner joins and leaves, bad codes and
HTML names are handled, a mentor sets an assignment and sees the dashboard, and the learner
sees what is due. The no-login mode has no cohort pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from coach.db.database import Database
from coach.services import accounts, assignments, attempts, cohorts
from coach.services.admin import ShellOperator
from coach.services.users import UserContext
from question_bank import Bank
from tests.conftest import STRONG_ANSWER, WEAK_ANSWER
from tests.test_app_auth import PASSWORD, _everything_shown, _sign_in
from tests.test_app_support import (
    AppTest,
    assert_clean,
    current_page,
    goto,
    new_app,
    plotly_specs,
    texts,
)

COHORTS = "coach/pages/cohorts.py"
DASHBOARD = "coach/pages/cohort_dashboard.py"
PRACTICE = "coach/pages/practice.py"
SHELL = ShellOperator("test")
T0 = datetime.now(UTC) - timedelta(days=3)


@pytest.fixture
def shared(password_deployment: Database) -> Database:
    """A password deployment with an admin, a mentor and two learners (one named in HTML)."""
    db = password_deployment
    for email, name, role in (
        ("root@example.com", "Root", "admin"),
        ("mo@example.com", "Mo", "mentor"),
        ("ann@example.com", "<b>Ann</b>", "learner"),
        ("bea@example.com", "Bea", "learner"),
    ):
        accounts.register(db, email=email, password=PASSWORD, display_name=name, role=role)
    return db


def signed_in(email: str) -> AppTest:
    at = _sign_in(new_app(), email, PASSWORD)
    assert current_page(at) == "Practice"
    return at


def user_of(db: Database, email: str) -> UserContext:
    return accounts.sign_in(db, email=email, password=PASSWORD, lifetime=timedelta(minutes=5)).user


def spring(db: Database) -> cohorts.NewInvite:
    """Spring with Mo as mentor and Ann as learner."""
    invite = cohorts.create_cohort(db, SHELL, name="Spring")
    cohorts.add_person(db, SHELL, cohort_id=invite.cohort_id, email="mo@example.com")
    cohorts.join_cohort(db, user_of(db, "ann@example.com"), code=invite.code)
    return invite


@pytest.mark.usefixtures("data_dir")
def test_the_no_login_mode_has_no_cohort_pages() -> None:
    at = new_app()
    for page in (COHORTS, DASHBOARD):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_an_admin_creates_a_cohort_and_sees_its_code_once(shared: Database) -> None:
    at = goto(signed_in("root@example.com"), COHORTS)
    assert current_page(at) == "Cohorts"
    at.text_input(key="cohorts_new_name").input("<i>Spring</i>")
    at.number_input(key="cohorts_new_seats").set_value(1)
    at.button(key="cohorts_create").click().run()
    assert_clean(at)
    (code,) = [block.value for block in at.code]
    assert "Copy it now" in texts(at.success)
    assert r"\<i\>Spring\</i\>" in texts(at.success)  # the name as text, not markup
    assert list(at.dataframe[0].value["Cohort"]) == ["<i>Spring</i>"]
    assert list(at.dataframe[0].value["Seats"]) == ["1"]
    assert at.text_input(key="cohorts_new_name").value == ""
    # The same name again is refused, and the typed name stays to be corrected.
    at.text_input(key="cohorts_new_name").input("<I>spring</I>")
    at.button(key="cohorts_create").click().run()
    assert "already exists" in texts(at.error) and not at.code
    assert at.text_input(key="cohorts_new_name").value == "<I>spring</I>"
    # Any rerun hides it: the code is shown once.
    assert len(cohorts.all_cohorts(shared, SHELL)) == 1
    # A learner joins with it; the seat limit of one then refuses the next.
    ann = goto(signed_in("ann@example.com"), COHORTS)
    ann.text_input(key="cohorts_code").input(code.lower())
    ann.button(key="cohorts_join").click().run()
    assert_clean(ann)
    assert r"You joined \<i\>Spring\</i\>" in texts(ann.success)
    assert r"**\<i\>Spring\</i\>** · learner" in texts(ann.markdown)
    bea = goto(signed_in("bea@example.com"), COHORTS)
    bea.text_input(key="cohorts_code").input(code)
    bea.button(key="cohorts_join").click().run()
    assert r"is full \(1 seats\)" in texts(bea.error)
    assert cohorts.my_cohorts(shared, user_of(shared, "bea@example.com")) == []


def test_admins_rotate_codes_set_seats_and_add_mentors_on_the_page(shared: Database) -> None:
    first = cohorts.create_cohort(shared, SHELL, name="Spring")
    at = goto(signed_in("root@example.com"), COHORTS)
    at.button(key="cohorts_rotate").click().run()
    assert_clean(at)
    (second,) = [block.value for block in at.code]
    assert second != first.code
    at.number_input(key=f"cohorts_seats_{first.cohort_id}").set_value(5)
    at.button(key="cohorts_set_seats").click().run()
    assert "Seats set for Spring" in texts(at.success)
    at.text_input(key="cohorts_person_email").input("nobody@example.com")
    at.button(key="cohorts_add_person").click().run()
    assert r"No account with the e\-mail address" in texts(at.error)
    at.text_input(key="cohorts_person_email").input("mo@example.com")
    at.button(key="cohorts_add_person").click().run()
    assert r"Added mo@example\.com to Spring" in texts(at.success)
    assert cohorts.dashboard_cohorts(shared, user_of(shared, "mo@example.com"))[0].name == "Spring"
    overview = cohorts.all_cohorts(shared, SHELL)[0]
    assert overview.seat_limit == 5
    ann = user_of(shared, "ann@example.com")
    with pytest.raises(cohorts.InviteCodeError, match="not valid"):
        cohorts.join_cohort(shared, ann, code=first.code)
    assert cohorts.join_cohort(shared, ann, code=second).name == "Spring"


def test_a_learner_sees_no_admin_controls_and_bad_codes_get_a_message(shared: Database) -> None:
    spring(shared)
    at = goto(signed_in("bea@example.com"), COHORTS)
    assert not any(button.key == "cohorts_create" for button in at.button)
    assert "You are not in a cohort yet" in texts(at.caption)
    at.text_input(key="cohorts_code").input("WRONG-CODE1-23456")
    at.button(key="cohorts_join").click().run()
    assert "not valid" in texts(at.error)
    assert at.text_input(key="cohorts_code").value == "WRONG-CODE1-23456"  # kept to correct


def test_a_learner_leaves_after_confirming(shared: Database) -> None:
    invite = spring(shared)
    at = goto(signed_in("ann@example.com"), COHORTS)
    at.button(key=f"cohorts_leave_{invite.cohort_id}").click().run()
    assert "Your attempts stay yours" in texts(at.warning)
    at.button(key="cohorts_leave_cancel").click().run()
    assert cohorts.my_cohorts(shared, user_of(shared, "ann@example.com"))
    at.button(key=f"cohorts_leave_{invite.cohort_id}").click().run()
    at.button(key="cohorts_leave_confirm").click().run()
    assert_clean(at)
    assert "You left Spring" in texts(at.success)
    assert cohorts.my_cohorts(shared, user_of(shared, "ann@example.com")) == []


def test_only_mentors_get_the_dashboard(shared: Database) -> None:
    spring(shared)
    ann = signed_in("ann@example.com")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        ann.switch_page(DASHBOARD)
    mo = goto(signed_in("mo@example.com"), DASHBOARD)
    assert current_page(mo) == "Cohort dashboard"


def test_a_mentor_sets_an_assignment_and_the_learner_starts_it(
    shared: Database, bank: Bank
) -> None:
    invite = spring(shared)
    mo = goto(signed_in("mo@example.com"), DASHBOARD)
    assert "No assignments yet." in texts(mo.caption)
    picked = [p.id for p in bank.prompts[:2]]
    mo.text_input(key="assign_title").input("Week <1>")
    mo.multiselect(key="assign_prompts").set_value(picked)
    mo.selectbox(key="assign_level").set_value("senior")
    mo.date_input(key="assign_due").set_value(datetime.now(UTC).date() + timedelta(days=3))
    mo.button(key="assign_create").click().run()
    assert_clean(mo)
    assert "Assignment 1 set for Spring" in texts(mo.success)
    assert list(mo.dataframe[-1].value["Title"]) == ["Week <1>"]
    # A due date in the past is refused with a message.
    mo.date_input(key="assign_due").set_value(datetime.now(UTC).date() - timedelta(days=2))
    mo.multiselect(key="assign_prompts").set_value(picked[:1])
    mo.button(key="assign_create").click().run()
    assert r"has already passed\: choose a later one" in texts(mo.error)
    mentor = user_of(shared, "mo@example.com")
    assert len(assignments.cohort_assignments(shared, mentor, cohort_id=invite.cohort_id)) == 1

    ann = signed_in("ann@example.com")
    assert r"**Week \<1\>** (Spring): 2 of 2 prompt(s) to submit" in texts(ann.info)
    ann.button(key=f"practice_assignment_1_{picked[1]}").click().run()
    assert_clean(ann)
    assert ann.selectbox(key="practice_prompt").value == picked[1]
    assert ann.radio(key="practice_level").value == "senior"
    ann.text_area(key="practice_answer").input(STRONG_ANSWER)
    ann.button(key="practice_submit").click().run()
    assert_clean(ann)
    ann.switch_page(PRACTICE).run()
    assert "1 of 2 prompt(s) to submit" in texts(ann.info)
    assert ":blue-badge[submitted]" in texts(ann.markdown)


def test_the_dashboard_shows_learners_flags_and_exports_csv(shared: Database, bank: Bank) -> None:
    spring(shared)
    ann = user_of(shared, "ann@example.com")
    for answer in (WEAK_ANSWER, STRONG_ANSWER):
        attempts.submit_answer(
            shared, ann, prompt=bank.prompts[0], answer=answer, mode="practice", level="pm",
            started_at=T0,
        )  # fmt: skip
    mo = goto(signed_in("mo@example.com"), DASHBOARD)
    assert {m.label: m.value for m in mo.metric}["Learners"] == "1"
    table = mo.dataframe[0].value
    assert list(table["learner"]) == ["<b>Ann</b>"]  # a text cell, never rendered as HTML
    assert table["attempts"].iloc[0] == 2 and len(table["trend"].iloc[0]) == 2
    heatmap, boxes = plotly_specs(mo)
    assert heatmap["data"][0]["y"] == ["&lt;b&gt;Ann&lt;/b&gt;"]
    assert max(max(row) for row in heatmap["data"][0]["z"]) > 0
    assert {trace["type"] for trace in boxes["data"]} == {"box"}
    assert mo.get("download_button")[0].proto.label == "Download CSV"


def test_no_cohort_page_shows_another_cohorts_learners(shared: Database, bank: Bank) -> None:
    """Bea mentors Autumn only; Spring's learner Ann and her answer never reach her pages."""
    spring(shared)
    autumn = cohorts.create_cohort(shared, SHELL, name="Autumn")
    cohorts.add_person(shared, SHELL, cohort_id=autumn.cohort_id, email="bea@example.com")
    ann = user_of(shared, "ann@example.com")
    attempts.submit_answer(
        shared, ann, prompt=bank.prompts[0], answer=WEAK_ANSWER, mode="practice", level="pm",
        started_at=T0,
    )  # fmt: skip
    bea = signed_in("bea@example.com")
    for page in (PRACTICE, COHORTS, DASHBOARD):
        shown = _everything_shown(goto(bea, page))
        assert "Ann" not in shown and "ann@example.com" not in shown, page
        assert WEAK_ANSWER[:30] not in shown and "Spring" not in shown, page
    assert [o.options for o in bea.selectbox if o.key == "dashboard_cohort"] == [["Autumn"]]
    # Mo, Spring's mentor, does see her there.
    assert "ann@example.com" in _everything_shown(goto(signed_in("mo@example.com"), DASHBOARD))


def test_the_learners_table_shows_a_blank_state_not_none(shared: Database, bank: Bank) -> None:
    """Ann has three answers (too few for a change); Bea none (no average, no last answer)."""
    invite = spring(shared)
    cohorts.join_cohort(shared, user_of(shared, "bea@example.com"), code=invite.code)
    ann = user_of(shared, "ann@example.com")
    for _ in range(3):
        attempts.submit_answer(
            shared, ann, prompt=bank.prompts[0], answer=WEAK_ANSWER, mode="practice",
            level="pm", started_at=T0,
        )  # fmt: skip
    mo = goto(signed_in("mo@example.com"), DASHBOARD)
    assert_clean(mo)
    table = mo.dataframe[0].value.set_index("learner")
    assert table.loc["<b>Ann</b>", "change"] == "—"
    assert table.loc["<b>Ann</b>", "average"].isdigit()
    assert table.loc["<b>Ann</b>", "last_attempt"] == f"{datetime.now(UTC):%d %b %Y}"
    assert table.loc["Bea", ["average", "change", "last_attempt"]].to_list() == ["—"] * 3
    cells = table.drop(columns=["trend", "completion"]).astype(str).to_numpy().ravel()
    assert not {"None", "nan", "NaN", "NaT", "<NA>"} & set(cells)
    columns = json.loads(mo.dataframe[0].proto.columns)
    assert "until the learner has 10 scored answers" in columns["change"]["help"]
    assert "how often each flag fires" in texts(mo.caption).lower()
    assert "error or a warning" in texts(mo.caption)


def test_a_site_admin_sees_every_cohorts_dashboard_without_joining(
    shared: Database, bank: Bank
) -> None:
    """Root is in no cohort: the menu offers the dashboard, every cohort is in the picker, a
    cohort's learners and assignments show, and there is no form to set work there."""
    invite = spring(shared)
    autumn = cohorts.create_cohort(shared, SHELL, name="Autumn")
    mentor = user_of(shared, "mo@example.com")
    assignments.create_assignment(
        shared, mentor, cohort_id=invite.cohort_id, bank=bank, prompt_ids=[bank.prompts[0].id],
        level="pm", due_at=datetime.now(UTC) + timedelta(days=3), title="Week one",
    )  # fmt: skip
    attempts.submit_answer(
        shared, user_of(shared, "ann@example.com"), prompt=bank.prompts[0], answer=WEAK_ANSWER,
        mode="practice", level="pm", started_at=T0,
    )  # fmt: skip
    root = user_of(shared, "root@example.com")
    assert cohorts.my_cohorts(shared, root) == []
    at = goto(signed_in("root@example.com"), DASHBOARD)
    assert current_page(at) == "Cohort dashboard"
    picker = at.selectbox(key="dashboard_cohort")
    assert picker.options == ["Autumn", "Spring"]
    picker.select(invite.cohort_id).run()
    assert_clean(at)
    assert list(at.dataframe[0].value["learner"]) == ["<b>Ann</b>"]
    assert list(at.dataframe[-1].value["Title"]) == ["Week one"]
    assert "as a site admin" in texts(at.caption)
    assert "assign_create" not in [button.key for button in at.button]
    at.selectbox(key="dashboard_cohort").select(autumn.cohort_id).run()
    assert_clean(at)
    assert "No learners in this cohort yet" in texts(at.info)


def test_a_mentor_cannot_pick_another_cohort_and_a_learner_has_no_dashboard(
    shared: Database,
) -> None:
    """Bea mentors Autumn: Spring (with Ann in it) is not hers to pick, nor its data to see."""
    spring(shared)
    autumn = cohorts.create_cohort(shared, SHELL, name="Autumn")
    cohorts.add_person(shared, SHELL, cohort_id=autumn.cohort_id, email="bea@example.com")
    bea = goto(signed_in("bea@example.com"), DASHBOARD)
    assert_clean(bea)
    assert bea.selectbox(key="dashboard_cohort").options == ["Autumn"]
    assert "as a site admin" not in texts(bea.caption)
    assert "assign_create" in [button.key for button in bea.button]  # Autumn is hers to run
    shown = _everything_shown(bea)
    assert "Ann" not in shown and "Spring" not in shown
    ann = signed_in("ann@example.com")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        ann.switch_page(DASHBOARD)
