"""Users: one default local learner; create_user checks the role."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from coach.db.database import Database
from coach.db.models import User
from coach.services.users import UserContext, create_user, local_learner


def test_the_local_learner_is_created_once(db: Database) -> None:
    first = local_learner(db)
    assert first == UserContext(first.user_id, "Local learner", "learner")
    assert local_learner(db) == first


def test_concurrent_first_starts_share_one_local_learner(db: Database) -> None:
    found: list[UserContext] = []
    threads = [threading.Thread(target=lambda: found.append(local_learner(db))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_checks_the_role(db: Database) -> None:
    mentor = create_user(db, display_name="Mo", email="mo@example.com", role="mentor")
    assert mentor.role == "mentor"
    with pytest.raises(ValueError, match="learner, mentor, admin"):
        create_user(db, display_name="X", role="owner")  # type: ignore[arg-type]
