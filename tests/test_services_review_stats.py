"""Agreement between the engine and mentors, and the reviews export, on SQLite and PostgreSQL
(and through ``coach reviews agreement`` / ``coach export reviews --jsonl``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coach.cli import main
from coach.db.database import Database
from coach.errors import AdminRequiredError
from coach.services import review_links, review_stats, reviews
from coach.services.review_content import flag_place
from question_bank import Prompt
from scoring.labels import LABELS
from tests.review_support import SHELL, STRONG_ANSWER, Cohorts, answer, make_cohorts


@pytest.fixture
def people(db: Database) -> Cohorts:
    return make_cohorts(db)


def _decide(db: Database, people: Cohorts, attempt_id: int, verdicts: dict[str, str]) -> list[Any]:
    """Decisions on the attempt's flags: ``verdicts`` maps a flag id to accept/reject (every
    place it fires); other flags get no decision."""
    flags = reviews.open_review(db, people.mo, attempt_id).subject.target.flags
    return [
        {
            "flag_id": flag.id,
            "decision": verdicts[flag.id],
            "span_start": flag_place(flag)[0],
            "reason": "checked",
        }
        for flag in flags
        if flag.id in verdicts
    ]


def test_agreement_counts_decisions_and_element_verdicts(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    weak = answer(db, people.ann, prompt)
    weak2 = answer(db, people.bea, prompt, minutes=1)
    strong = answer(db, people.bea, prompt, text=STRONG_ANSWER, minutes=2)
    engine = reviews.open_review(db, people.mo, weak).subject.target.engine_labels
    flag_ids = {f.id for f in reviews.open_review(db, people.mo, weak).subject.target.flags}
    assert {"missing-eval-criteria", "jargon-heavy"} <= flag_ids
    # Mo: accepts missing-eval-criteria and jargon-heavy; says tech is absent.
    first = {
        "decisions": _decide(
            db, people, weak, {"missing-eval-criteria": "accept", "jargon-heavy": "accept"}
        ),
        "elements": {"tech": not engine["tech"], "who": engine["who"]},
    }
    # Cy: rejects missing-eval-criteria on the second weak answer and adds no-risks.
    second = {
        "decisions": [
            *_decide(db, people, weak2, {"missing-eval-criteria": "reject"}),
            {"flag_id": "no-risks", "decision": "add", "reason": "no risks named"},
        ],
        "elements": {"tech": engine["tech"]},
    }
    reviews.save_review(db, people.mo, weak, first, submit=True)
    reviews.save_review(db, people.cy, weak2, second, submit=True)
    reviews.save_review(db, people.mo, strong, {"overall_comment": "draft only"}, submit=False)

    stats = review_stats.agreement(db, people.root)
    assert stats.reviews == 2
    by_flag = {f.flag_id: f for f in stats.flags}
    assert (
        by_flag["missing-eval-criteria"].accepted,
        by_flag["missing-eval-criteria"].rejected,
    ) == (1, 1)
    assert by_flag["missing-eval-criteria"].precision == 0.5
    assert by_flag["missing-eval-criteria"].recall == 1.0
    assert by_flag["jargon-heavy"].accepted == 1 and by_flag["jargon-heavy"].precision == 1.0
    assert by_flag["no-risks"].added == 1 and by_flag["no-risks"].precision is None
    assert by_flag["no-risks"].recall == 0.0
    elements = {e.element: e for e in stats.elements}
    assert [e.element for e in stats.elements] == list(LABELS)
    tech = elements["tech"]  # the engine says True twice; one mentor agrees, one does not
    assert engine["tech"] is True
    assert (tech.n, tech.true_positive, tech.false_positive) == (2, 1, 1)
    assert tech.precision == 0.5 and tech.recall == 1.0 and tech.f1 == pytest.approx(2 / 3)
    assert elements["who"].n == 1 and elements["metrics"].n == 0
    assert elements["metrics"].precision is None and elements["metrics"].f1 is None
    assert json.loads(json.dumps(stats.to_dict()))["reviews"] == 2


def test_a_flag_the_mentor_did_not_decide_counts_neither_way(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    weak = answer(db, people.ann, prompt)
    flag_ids = {f.id for f in reviews.open_review(db, people.mo, weak).subject.target.flags}
    assert len(flag_ids) > 1
    review = {"decisions": _decide(db, people, weak, {"jargon-heavy": "reject"})}
    reviews.save_review(db, people.mo, weak, review, submit=True)

    stats = review_stats.agreement(db, people.root)
    assert [(f.flag_id, f.accepted, f.rejected, f.added) for f in stats.flags] == [
        ("jargon-heavy", 0, 1, 0)
    ]
    assert stats.reviews == 1


def test_only_admins_read_the_agreement(db: Database, people: Cohorts) -> None:
    for who in (people.mo, people.cy, people.ann):
        with pytest.raises(AdminRequiredError):
            review_stats.agreement(db, who)
        with pytest.raises(AdminRequiredError):
            review_stats.export_reviews_jsonl(db, who)
    assert review_stats.agreement(db, SHELL).reviews == 0


def test_the_export_has_the_corpus_shape_with_labels_from_mentors(
    db: Database, people: Cohorts, prompt: Prompt
) -> None:
    attempt_id = answer(db, people.ann, prompt)
    data = {
        # who and metrics from verdicts; why, eval_criteria and solution_first from decisions.
        "elements": {"metrics": True, "who": True},
        "decisions": _decide(
            db,
            people,
            attempt_id,
            {
                "missing-eval-criteria": "accept",
                "solution-first": "accept",
                "missing-problem": "reject",
                "missing-metrics": "accept",  # contradicts the verdict: the verdict wins
            },
        ),
    }
    reviews.save_review(db, people.mo, attempt_id, data, submit=True)
    token = review_links.create_link(db, people.ann, attempt_id).token
    review_links.submit_link_review(
        db, token, name="Dr. X", review={"overall_comment": "Through a link"}
    )
    lines = list(review_stats.export_reviews_jsonl(db, SHELL))
    assert len(lines) == 2 and all(line.endswith("\n") for line in lines)
    mentor, external = (json.loads(line) for line in lines)
    assert set(mentor) == {"id", "prompt", "answer", "labels", "note"}
    assert mentor["prompt"] == prompt.text and mentor["answer"].startswith("I would fine-tune")
    assert mentor["labels"] == {
        "who": True,
        "why": True,
        "metrics": True,
        "eval_criteria": False,
        "solution_first": True,
    }
    assert "From flag decisions: why, eval_criteria, solution_first." in mentor["note"]
    assert "Not settled: tech, tech_before_framing." in mentor["note"]
    assert external["labels"] == {} and external["id"] != mentor["id"]


def test_contradicting_decisions_settle_no_label() -> None:
    class Decision:
        def __init__(self, flag_id: str, decision: str) -> None:
            self.flag_id, self.decision = flag_id, decision

    settled = review_stats.labels_from_decisions(
        [
            Decision("missing-user", "reject"),  # who is there
            Decision("missing-problem", "accept"),  # why is absent
            Decision("missing-problem", "reject"),  # ... and present: unsettled
            Decision("jargon-heavy", "accept"),  # claims no label
        ]  # type: ignore[list-item]
    )
    assert settled == {"who": True}


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("COACH_DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    return db


def test_the_cli_prints_the_agreement_and_writes_the_export(
    cli_db: Database,
    people: Cohorts,
    prompt: Prompt,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    attempt_id = answer(cli_db, people.ann, prompt)
    decisions = _decide(cli_db, people, attempt_id, {"missing-eval-criteria": "reject"})
    reviews.save_review(cli_db, people.mo, attempt_id, {"decisions": decisions}, submit=True)
    capsys.readouterr()
    assert main(["reviews", "agreement"]) == 0
    table = capsys.readouterr().out
    assert "1 submitted review(s)" in table
    assert any(
        line.split()[:4] == ["missing-eval-criteria", "0", "1", "0"] for line in table.splitlines()
    )
    assert main(["reviews", "agreement", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["flags"][0]["precision"] == 0.0
    out = tmp_path / "reviews.jsonl"
    assert main(["export", "reviews", "--jsonl", "--output", str(out)]) == 0
    assert "wrote 1 reviewed answer(s)" in capsys.readouterr().out
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["labels"] == {"eval_criteria": True}
    assert main(["export", "reviews", "--jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == json.loads(line)["id"]
