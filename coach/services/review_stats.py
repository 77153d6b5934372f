"""How often the engine agrees with mentors, and mentors' reviews as a labelled corpus.

Both read submitted reviews only, over every learner, so both are for deployment admins (or
the shell operator): a mentor's judgement measures and improves the engine.

- Per flag: precision = accepted / (accepted + rejected); recall = accepted / (accepted +
  added by mentors). Flags nobody decided on are not counted either way.
- Per element (the seven labels of the labelled corpus): the engine's label, read off the
  attempt's current report, against the mentor's element verdict: precision, recall, F1, n.
- The export writes one line per submitted review in the labelled corpus's shape (``id``,
  ``prompt``, ``answer``, ``labels``, ``note``). A label comes from the mentor's element
  verdict; without one, from their flag decisions through ``scoring.labels.ERROR_CLAIMS``
  (accepting or adding ``missing-metrics`` says ``metrics`` is false, rejecting it says it is
  true); a label neither settles, or that two decisions contradict, is left out (so a line
  may carry fewer than seven labels). ``quality`` is left out: a mentor gives no 1-5 rating.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from coach.db import review_queries as reviews_repo
from coach.db.database import Database
from coach.db.models import Review, ReviewFlagDecision
from coach.errors import AdminRequiredError
from coach.services.admin import Admin
from coach.services.attempts import parse_report
from coach.services.review_content import engine_labels
from coach.services.users import UserContext
from scoring.labels import ERROR_CLAIMS, LABELS


@dataclass(frozen=True, slots=True)
class FlagAgreement:
    flag_id: str
    accepted: int
    rejected: int
    added: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.accepted, self.accepted + self.rejected)

    @property
    def recall(self) -> float | None:
        return _ratio(self.accepted, self.accepted + self.added)


@dataclass(frozen=True, slots=True)
class ElementAgreement:
    """The engine's label against mentors' verdicts on one element (True is the positive)."""

    element: str
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def n(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def precision(self) -> float | None:
        return _ratio(self.true_positive, self.true_positive + self.false_positive)

    @property
    def recall(self) -> float | None:
        return _ratio(self.true_positive, self.true_positive + self.false_negative)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)


@dataclass(frozen=True, slots=True)
class Agreement:
    reviews: int
    flags: tuple[FlagAgreement, ...]
    elements: tuple[ElementAgreement, ...]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (``coach reviews agreement --json``)."""
        return {
            "reviews": self.reviews,
            "flags": [
                {
                    "flag": f.flag_id,
                    "accepted": f.accepted,
                    "rejected": f.rejected,
                    "added": f.added,
                    "precision": f.precision,
                    "recall": f.recall,
                }
                for f in self.flags
            ],
            "elements": [
                {
                    "element": e.element,
                    "n": e.n,
                    "true_positive": e.true_positive,
                    "false_positive": e.false_positive,
                    "false_negative": e.false_negative,
                    "true_negative": e.true_negative,
                    "precision": e.precision,
                    "recall": e.recall,
                    "f1": e.f1,
                }
                for e in self.elements
            ],
        }


def agreement(db: Database, admin: Admin) -> Agreement:
    """The engine's agreement with mentors over every submitted review.

    Raises:
        AdminRequiredError: ``admin`` is not a deployment admin (nor the shell operator).
    """
    _require_admin(admin)
    counts: dict[str, dict[str, int]] = {}
    tallies = {label: [0, 0, 0, 0] for label in LABELS}  # tp, fp, fn, tn
    with db.session() as session:
        for flag_id, decision, count in reviews_repo.decision_counts(session):
            counts.setdefault(flag_id, {})[decision] = int(count)
        verdicts = reviews_repo.submitted_verdicts(session)
        attempts = reviews_repo.attempt_columns(
            session, attempt_ids=sorted({row.attempt_id for row in verdicts})
        )
        total = reviews_repo.submitted_count(session)
    # Each reviewed attempt's report is read once, however many reviews it has.
    engine = {attempt_id: _engine_labels(row.report) for attempt_id, row in attempts.items()}
    for attempt_id, element, present in verdicts:
        said = engine.get(attempt_id, {}).get(element)
        if said is not None and element in tallies:
            tallies[element][_cell(said, bool(present))] += 1
    return Agreement(
        reviews=total,
        flags=tuple(
            FlagAgreement(
                flag_id=flag_id,
                accepted=by.get("accept", 0),
                rejected=by.get("reject", 0),
                added=by.get("add", 0),
            )
            for flag_id, by in sorted(counts.items())
        ),
        elements=tuple(ElementAgreement(label, *tallies[label]) for label in LABELS),
    )


def export_reviews_jsonl(db: Database, admin: Admin) -> Iterable[str]:
    """One JSON line per submitted review, in the labelled corpus's shape (see the module).

    Raises:
        AdminRequiredError: ``admin`` is not a deployment admin (nor the shell operator).
    """
    _require_admin(admin)
    with db.session() as session:
        reviews = reviews_repo.submitted_reviews(session)
        attempts = reviews_repo.attempt_columns(
            session, attempt_ids=sorted({r.attempt_id for r in reviews})
        )
        records = [
            corpus_record(review, prompt=row.prompt_text or row.prompt_id, answer=row.answer)
            for review in reviews
            if (row := attempts.get(review.attempt_id)) is not None
        ]
    return [json.dumps(record, ensure_ascii=False) + "\n" for record in records]


def corpus_record(review: Review, *, prompt: str, answer: str) -> dict[str, object]:
    """One review as a labelled-corpus line: id, prompt, answer, labels, note."""
    verdicts = {e.element: e.present for e in review.elements if e.element in LABELS}
    from_flags = labels_from_decisions(review.decisions)
    labels = {
        label: verdicts[label] if label in verdicts else from_flags[label]
        for label in LABELS
        if label in verdicts or label in from_flags
    }
    by_flags = [label for label in labels if label not in verdicts]
    unknown = [label for label in LABELS if label not in labels]
    note = f"Mentor review {review.id} ({review.source}) of attempt {review.attempt_id}."
    if by_flags:
        note += f" From flag decisions: {', '.join(by_flags)}."
    if unknown:
        note += f" Not settled: {', '.join(unknown)}."
    return {
        "id": f"review-{review.id}",
        "prompt": prompt,
        "answer": answer,
        "labels": labels,
        "note": note,
    }


def labels_from_decisions(decisions: Iterable[ReviewFlagDecision]) -> dict[str, bool]:
    """The labels a reviewer's flag decisions settle (contradicting decisions settle none)."""
    said: dict[str, set[bool]] = {}
    for decision in decisions:
        claim = ERROR_CLAIMS.get(decision.flag_id)
        if claim is None:
            continue
        label, when_fired = claim
        value = when_fired if decision.decision in ("accept", "add") else not when_fired
        said.setdefault(label, set()).add(value)
    return {label: values.pop() for label, values in said.items() if len(values) == 1}


def _engine_labels(report_json: str | None) -> dict[str, bool]:
    return engine_labels(parse_report(report_json))


def _cell(said: bool, truth: bool) -> int:
    """Index into (tp, fp, fn, tn)."""
    if said:
        return 0 if truth else 1
    return 2 if truth else 3


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _require_admin(admin: Admin) -> None:
    if isinstance(admin, UserContext) and admin.role != "admin":
        raise AdminRequiredError(
            "Only an admin may read how mentors' reviews agree with the coach."
        )
