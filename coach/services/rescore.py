"""Re-run the engine on stored attempts after it changes, keeping the old report to compare."""

from __future__ import annotations

from dataclasses import dataclass

import scoring
from coach.db import repositories as repo
from coach.db.database import Database
from coach.services.attempts import record_outcome, run_scorer
from coach.services.users import UserContext

BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class RescoreResult:
    """What a rescore run did."""

    considered: int
    rescored: int
    changed: int
    failed: int


def rescore_attempts(
    db: Database, *, only_outdated: bool = True, user: UserContext | None = None
) -> RescoreResult:
    """Rescore attempts (only those from another scorer version by default): one user's when
    ``user`` is given, else every user's (the operator's ``coach rescore``).

    The replaced report moves to ``previous_report``. If the engine fails on an attempt that
    already has a report, that report stays; a never-scored attempt records the error.
    """
    version = scoring.SCORER_VERSION if only_outdated else None
    considered = rescored = changed = failed = 0
    if user is not None:
        user_ids = [user.user_id]
    else:
        with db.session() as session:
            user_ids = repo.user_ids(session)
    for user_id in user_ids:
        with db.session() as session:
            ids = repo.attempt_ids_to_rescore(session, user_id=user_id, scorer_version=version)
        # Short transactions: the app stays usable while a large history is rescored.
        for offset in range(0, len(ids), BATCH_SIZE):
            chunk = ids[offset : offset + BATCH_SIZE]
            with db.session() as session:
                for row in repo.attempts_by_ids(session, user_id=user_id, attempt_ids=chunk):
                    considered += 1
                    outcome = run_scorer(row)
                    if isinstance(outcome, Exception):
                        failed += 1
                        if row.report is None:
                            record_outcome(row, outcome)
                        continue
                    if row.report is not None:
                        row.previous_report = row.report
                    if row.overall != outcome.overall:
                        changed += 1
                    record_outcome(row, outcome)
                    rescored += 1
                session.commit()
    return RescoreResult(considered=considered, rescored=rescored, changed=changed, failed=failed)
