"""The cohort dashboard's data: per-learner trend, assignment completion, flag rates, dimension
averages, and who is falling behind; for the cohort's mentors and admins, and site admins.

The database does the counting (see ``coach.db.cohort_queries``): this module asks for the
aggregates, reshapes them into frames and marks learners to look at:

- *falling*: the mean of their newest ``TREND_WINDOW`` scores is more than ``FALLING_BY``
  points below the mean of the ``TREND_WINDOW`` before them;
- *stopped*: no scored attempt for ``STOPPED_AFTER`` (or none at all).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Row

from coach.db import cohort_queries as cohorts_repo
from coach.db.database import Database
from coach.db.models import DIMENSION_COLUMNS
from coach.services import access
from coach.services.data_io import csv_cell
from coach.services.users import UserContext

Rows = Sequence[Row[Any]]
TREND_WINDOW = 5
CHANGE_NEEDS = 2 * TREND_WINDOW  # scored attempts before "change" and "falling" mean anything
TREND_POINTS = 20
FALLING_BY = 5.0
STOPPED_AFTER = timedelta(days=14)
LEARNER_COLUMNS: tuple[str, ...] = (
    "user_id",
    "learner",
    "email",
    "attempts",
    "average",
    "last_attempt",
    "days_idle",
    "trend",
    "recent_mean",
    "previous_mean",
    "change",
    "falling",
    "stopped",
    "assigned",
    "submitted",
    "reviewed",
    "completion",
    *DIMENSION_COLUMNS,
)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the cohort dashboard draws.

    ``learners``: one row per learner (``LEARNER_COLUMNS``), by name; ``learner`` is unique
    (a repeated name gets the e-mail address added). ``trend`` lists their newest
    ``TREND_POINTS`` overall scores, oldest first; ``completion`` is submitted / assigned
    prompts (NaN when nothing is assigned); ``change`` is ``recent_mean - previous_mean``,
    NaN until the learner has ``2 * TREND_WINDOW`` scored attempts (``CHANGE_NEEDS``);
    ``average`` and ``last_attempt`` are NaN / NaT for a learner with none.
    ``flag_rates``: learners (index, ``learner``) x flag ids; the share of the learner's scored
    attempts that raised the flag as an error or warning (0 when none did; hints and "worth
    checking" flags are not counted).
    ``dimensions``: long frame ``learner``, ``dimension``, ``score``: each learner's mean score
    per dimension (NaN rows dropped).
    """

    cohort_id: int
    generated_at: datetime
    learners: pd.DataFrame
    flag_rates: pd.DataFrame
    dimensions: pd.DataFrame

    @property
    def falling(self) -> pd.DataFrame:
        return self.learners[self.learners["falling"]]

    @property
    def stopped(self) -> pd.DataFrame:
        return self.learners[self.learners["stopped"]]


def cohort_dashboard(
    db: Database, user: UserContext, *, cohort_id: int, now: datetime | None = None
) -> Dashboard:
    """Return the dashboard of a cohort the user leads, or of any cohort for a site admin.

    Raises:
        CohortNotFoundError: no such cohort, or the user is not in it (and no site admin).
        CohortLeadRequiredError: the user is a learner there.
    """
    now = now or datetime.now(UTC)
    with db.session() as session:
        access.require_cohort_overview(session, user, cohort_id, "see its dashboard")
        summaries = cohorts_repo.learner_summaries(
            session, cohort_id=cohort_id, window=TREND_WINDOW
        )
        points = cohorts_repo.recent_scores(session, cohort_id=cohort_id, limit=TREND_POINTS)
        completion = cohorts_repo.completion_by_learner(session, cohort_id=cohort_id)
        rates = cohorts_repo.flag_rates(session, cohort_id=cohort_id)
    learners = _learners(summaries, points, completion, now)
    labels = learners.set_index("user_id")["learner"]
    return Dashboard(
        cohort_id=cohort_id,
        generated_at=now,
        learners=learners,
        flag_rates=_flag_table(rates, labels),
        dimensions=_dimensions(learners),
    )


def dashboard_csv(dashboard: Dashboard) -> bytes:
    """Return one CSV row per learner: the summary, completion and every flag rate (UTF-8;
    text that a spreadsheet would run as a formula is quoted)."""
    table = dashboard.learners.drop(columns=["user_id", "trend"]).copy()
    table["last_attempt"] = table["last_attempt"].map(
        lambda at: "" if pd.isna(at) else at.isoformat()
    )
    rates = dashboard.flag_rates.add_prefix("flag_rate:")
    table = table.join(rates, on="learner")
    buffer = io.StringIO()
    table.map(csv_cell).to_csv(buffer, index=False, float_format="%.3f")
    return buffer.getvalue().encode("utf-8")


# --- shaping the aggregated rows -------------------------------------------------------------


def _frame(rows: Rows, columns: list[str]) -> pd.DataFrame:
    # Plain tuples: pandas inspects Row objects one attribute at a time (~10x slower).
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


def _learners(summaries: Rows, points: Rows, completion: Rows, now: datetime) -> pd.DataFrame:
    frame = _frame(
        summaries,
        [
            "user_id",
            "display_name",
            "email",
            "attempts",
            "average",
            "last_attempt",
            "recent_mean",
            "previous_mean",
            "previous_count",
            *DIMENSION_COLUMNS,
        ],
    )
    frame["learner"] = _unique_labels(frame)
    trend = _frame(points, ["user_id", "overall"]).groupby("user_id")["overall"].agg(list)
    frame["trend"] = (
        frame["user_id"].map(trend).map(lambda values: values if isinstance(values, list) else [])
    )
    done = _frame(completion, ["user_id", "assigned", "submitted", "reviewed"]).set_index("user_id")
    for column in ("assigned", "submitted", "reviewed"):
        frame[column] = frame["user_id"].map(done[column]).fillna(0).astype(int)
    frame["completion"] = frame["submitted"] / frame["assigned"].where(frame["assigned"] > 0)
    for column in ("average", "recent_mean", "previous_mean", *DIMENSION_COLUMNS):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    # Five scores against one or two is noise, not a trend: no change until both windows fill.
    full = frame["previous_count"] >= TREND_WINDOW
    frame["change"] = (frame["recent_mean"] - frame["previous_mean"]).where(full)
    frame["falling"] = full & (frame["change"] < -FALLING_BY)
    last = pd.to_datetime(frame["last_attempt"], utc=True)
    frame["last_attempt"] = last
    idle = (pd.Timestamp(now) - last).dt.days
    frame["days_idle"] = idle.astype("Int64")
    frame["stopped"] = last.isna() | (last < pd.Timestamp(now - STOPPED_AFTER))
    frame["attempts"] = frame["attempts"].astype(int)
    return frame[list(LEARNER_COLUMNS)].reset_index(drop=True)


def _unique_labels(frame: pd.DataFrame) -> pd.Series:
    """The display name, with the e-mail address (or id) added where two learners share it."""
    names = frame["display_name"].astype(str)
    repeated = names.duplicated(keep=False)
    extra = frame["email"].fillna("#" + frame["user_id"].astype(str))
    return names.where(~repeated, names + " (" + extra.astype(str) + ")")


def _flag_table(rates: Rows, labels: pd.Series) -> pd.DataFrame:
    long = _frame(rates, ["user_id", "flag_id", "attempts", "rate"])
    table = long.pivot_table(
        index="user_id", columns="flag_id", values="rate", aggfunc="first", fill_value=0.0
    )
    table = table.reindex(labels.index, fill_value=0.0)
    table.index = pd.Index(labels.loc[table.index].to_list(), name="learner")
    # The flags that fire most often across the cohort first.
    order = table.mean().sort_values(ascending=False).index
    table = table[order].astype(float)
    table.columns.name = "flag_id"
    return table


def _dimensions(learners: pd.DataFrame) -> pd.DataFrame:
    long = learners.melt(
        id_vars=["learner"],
        value_vars=list(DIMENSION_COLUMNS),
        var_name="dimension",
        value_name="score",
    )
    return long.dropna(subset=["score"]).reset_index(drop=True)
