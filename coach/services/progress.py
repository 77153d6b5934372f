"""Progress data for the charts: pandas frames built from SQL columns, never from report JSON."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from coach.db import repositories as repo
from coach.db.database import Database
from coach.db.models import DIMENSION_COLUMNS
from coach.services.users import UserContext

ATTEMPT_COLUMNS: tuple[str, ...] = (
    "id",
    "submitted_at",
    "prompt_id",
    "category",
    "overall",
    "grade",
    "level",
    "status",
    "is_demo",
    *DIMENSION_COLUMNS,
)
SCORE_COLUMNS: tuple[str, ...] = ("overall", "grade", *DIMENSION_COLUMNS)


@dataclass(frozen=True, slots=True)
class Totals:
    """Headline numbers for the progress page."""

    attempts: int
    prompts: int
    streak_days: int
    average: float | None


@dataclass(frozen=True, slots=True)
class ProgressData:
    """Everything the progress page charts.

    ``attempts``: one row per attempt, oldest first; ``submitted_at`` is UTC, scores are float
    with NaN where not scored / not assessed, plus ``error_flags`` (count per attempt).
    ``flags_per_week``: ``week`` (Monday, UTC), ``flag_id``, ``count``.
    ``error_flags``: ``attempt_id``, ``flag_id`` of every error-level flag.
    """

    attempts: pd.DataFrame
    flags_per_week: pd.DataFrame
    error_flags: pd.DataFrame
    totals: Totals


@dataclass(frozen=True, slots=True)
class CategoryReadiness:
    """Whether the learner is ready in one category at one level, and why (not)."""

    category: str
    ready: bool
    last_scores: tuple[int, ...]
    error_flags: tuple[str, ...]
    reason: str
    level: str = "pm"
    target: int = 70
    window: int = 3

    def verdict(self, category_title: str, level_title: str) -> str:
        """One sentence a learner can act on, e.g. "Ready for AI evaluation at PM level"."""
        rule = f"last {self.window} answers ≥ {self.target} and no open errors"
        if self.ready:
            return f"Ready for {category_title} at {level_title} level: {rule}."
        return f"Not yet ready for {category_title} at {level_title} level ({rule}): {self.reason}"


def load_progress(
    db: Database, user: UserContext, *, include_demo: bool = True, now: datetime | None = None
) -> ProgressData:
    """Load the user's progress: three small SQL queries, no report parsing."""
    with db.session() as session:
        score_rows = repo.score_rows(session, user_id=user.user_id, include_demo=include_demo)
        error_rows = repo.error_flag_rows(session, user_id=user.user_id, include_demo=include_demo)
        week_rows = repo.flags_per_week(session, user_id=user.user_id, include_demo=include_demo)

    attempts = _frame(score_rows, ATTEMPT_COLUMNS)
    attempts["submitted_at"] = pd.to_datetime(attempts["submitted_at"], utc=True)
    for column in SCORE_COLUMNS:
        attempts[column] = pd.to_numeric(attempts[column]).astype("float64")
    attempts["is_demo"] = attempts["is_demo"].astype(bool)
    error_flags = _frame(error_rows, ("attempt_id", "flag_id"))
    counts = error_flags["attempt_id"].value_counts()
    attempts["error_flags"] = attempts["id"].map(counts).fillna(0).astype("int64")

    flags_per_week = _frame(week_rows, ("week", "flag_id", "count"))
    flags_per_week["week"] = pd.to_datetime(flags_per_week["week"], utc=True)
    flags_per_week["count"] = flags_per_week["count"].astype("int64")

    return ProgressData(
        attempts=attempts,
        flags_per_week=flags_per_week,
        error_flags=error_flags,
        totals=_totals(attempts, now or datetime.now(UTC)),
    )


def _frame(rows: Sequence[Sequence[object]], columns: Sequence[str]) -> pd.DataFrame:
    # Column-wise construction: much faster than from_records on SQLAlchemy Row objects.
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pd.DataFrame({name: list(column) for name, column in zip(columns, values, strict=True)})


def _totals(attempts: pd.DataFrame, now: datetime) -> Totals:
    scored = attempts.loc[attempts["status"] == "scored", "overall"]
    average = float(scored.mean()) if len(scored) else None
    days = set(attempts["submitted_at"].dt.date)
    return Totals(
        attempts=len(attempts),
        prompts=int(attempts["prompt_id"].nunique()),
        streak_days=streak_days(days, today=now.astimezone(UTC).date()),
        average=round(average, 1) if average is not None else None,
    )


def streak_days(days: set[date], *, today: date) -> int:
    """Count consecutive practice days ending today (or yesterday, if today is still open)."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def rolling_average(data: ProgressData, *, window: int = 5) -> pd.DataFrame:
    """Return scored attempts with ``rolling`` = mean overall of the last ``window`` attempts."""
    scored = data.attempts.loc[
        data.attempts["status"] == "scored", ["id", "submitted_at", "category", "overall"]
    ].copy()
    scored["rolling"] = scored["overall"].rolling(window, min_periods=1).mean()
    return scored.reset_index(drop=True)


def category_heatmap(data: ProgressData, categories: Sequence[str] = ()) -> pd.DataFrame:
    """Return mean dimension scores: one row per category, one column per dimension; the
    ``categories`` given get a row of NaN when never practised (shown as "no attempts")."""
    scored = data.attempts.loc[data.attempts["status"] == "scored"]
    if scored.empty:
        return pd.DataFrame(columns=list(DIMENSION_COLUMNS), dtype="float64")
    frame = scored.groupby("category")[list(DIMENSION_COLUMNS)].mean()
    if categories:
        extra = [c for c in categories if c not in frame.index]
        frame = frame.reindex([*frame.index, *extra])
    return frame.round(1)


def readiness(
    data: ProgressData, *, level: str, target: int = 70, window: int = 3
) -> list[CategoryReadiness]:
    """Judge each practised category: ready when the last ``window`` scored attempts at
    ``level`` all reach ``target`` and none has an error-level flag."""
    frame = data.attempts
    scored = frame[(frame["level"] == level) & (frame["status"] == "scored")]
    last_attempts = scored.groupby("category", sort=False).tail(window)
    # An error is open while the latest attempt still has it: fixing it there clears it.
    latest = scored.groupby("category", sort=False).tail(1)
    errors = data.error_flags[data.error_flags["attempt_id"].isin(latest["id"])]
    errors_by_attempt: dict[int, list[str]] = defaultdict(list)
    for attempt_id, flag_id in zip(errors["attempt_id"], errors["flag_id"], strict=True):
        errors_by_attempt[attempt_id].append(flag_id)
    results = []
    for category in sorted(frame["category"].dropna().unique()):
        last = last_attempts[last_attempts["category"] == category]
        scores = tuple(int(score) for score in last["overall"])
        found = (flag for i in last["id"] for flag in errors_by_attempt.get(i, ()))
        error_flags = tuple(dict.fromkeys(found))
        results.append(
            CategoryReadiness(
                category=category,
                ready=len(scores) >= window
                and all(score >= target for score in scores)
                and not error_flags,
                last_scores=scores,
                error_flags=error_flags,
                reason=_reason(scores, error_flags, level=level, target=target, window=window),
                level=level,
                target=target,
                window=window,
            )
        )
    return results


def _reason(
    scores: tuple[int, ...], error_flags: tuple[str, ...], *, level: str, target: int, window: int
) -> str:
    if not scores:
        return f"No scored attempts at {level} level yet."
    if len(scores) < window:
        return f"{len(scores)} of {window} scored attempts at {level} level so far."
    below = [score for score in scores if score < target]
    if below:
        return (
            f"{len(below)} of the last {window} attempts scored below {target} "
            f"(lowest {min(below)})."
        )
    if error_flags:
        return (
            f"Scores clear {target}, but your latest answer still has red flags: "
            f"{', '.join(error_flags)}."
        )
    return f"The last {window} attempts all scored {target}+ with no red flags."


# --- shaping for the page (pages only draw) ---------------------------------------------------


def flag_rates(data: ProgressData) -> pd.DataFrame:
    """Return ``week``, ``flag_id``, ``rate``: the share of that week's scored answers with the
    flag (0..1), with a 0 for every week the flag did not fire, so lines do not skip weeks."""
    scored = data.attempts[data.attempts["status"] == "scored"]
    if scored.empty or data.flags_per_week.empty:
        return pd.DataFrame({"week": [], "flag_id": [], "rate": []})
    weeks = scored["submitted_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("W")
    answers = weeks.dt.start_time.value_counts()
    answers.index = answers.index.tz_localize("UTC")
    table = data.flags_per_week.pivot_table(
        index="week", columns="flag_id", values="count", aggfunc="sum", fill_value=0
    )
    table = table.reindex(answers.index.sort_values(), fill_value=0)
    rates = table.div(answers.reindex(table.index), axis=0).clip(upper=1.0).fillna(0.0)
    long = rates.rename_axis("week").reset_index().melt(id_vars="week", var_name="flag_id")
    return long.rename(columns={"value": "rate"})


def calibration_gap(db: Database, user: UserContext, data: ProgressData) -> pd.DataFrame:
    """Return ``week``, ``gap``, ``answers``: the mean of (self-rating - coach score) over the
    self-rated dimensions of each week's answers. Positive: the learner rates themselves higher
    than the coach does; a gap shrinking toward 0 is calibration improving."""
    with db.session() as session:
        rows = repo.self_rating_rows(session, user_id=user.user_id)
    if not rows:
        return pd.DataFrame({"week": [], "gap": [], "answers": []})
    ratings = _frame(rows, ("id", "dimension", "self"))
    coach = data.attempts.melt(
        id_vars=["id", "submitted_at"], value_vars=list(DIMENSION_COLUMNS), var_name="dimension"
    )
    merged = ratings.merge(coach, on=["id", "dimension"]).dropna(subset=["value"])
    if merged.empty:
        return pd.DataFrame({"week": [], "gap": [], "answers": []})
    merged["gap"] = merged["self"] - merged["value"]
    when = merged["submitted_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("W")
    merged["week"] = when.dt.start_time
    weekly = merged.groupby("week").agg(gap=("gap", "mean"), answers=("id", "nunique"))
    return weekly.round(1).reset_index()


def attempts_table(
    data: ProgressData,
    *,
    category_titles: dict[str, str],
    category: str | None = None,
    status: str | None = None,
    include_demo: bool = True,
    reviewed: frozenset[int] = frozenset(),
) -> pd.DataFrame:
    """Return the attempts table as shown: newest first, readable labels, ``id`` column first;
    ``reviewed`` names the attempts a mentor has reviewed (a "Reviewed" tick)."""
    view = data.attempts.sort_values("submitted_at", ascending=False)
    if category is not None:
        view = view[view["category"] == category]
    if status is not None:
        view = view[view["status"] == status]
    if not include_demo:
        view = view[~view["is_demo"].astype(bool)]
    return pd.DataFrame(
        {
            "id": view["id"].astype(int),
            "Submitted": view["submitted_at"],  # formatted by the table, not 5,000 strftimes
            "Prompt": view["prompt_id"],
            "Category": view["category"].map(lambda c: category_titles.get(c, c)),
            "Score": view["overall"],
            "Grade": view["grade"],
            "Level": view["level"].map(lambda lv: LEVEL_TITLES.get(lv, lv)),
            "Status": view["status"].str.replace("_", " "),
            "Reviewed": view["id"].isin(list(reviewed)),
            "Demo": view["is_demo"].astype(bool),
        }
    )


LEVEL_TITLES: dict[str, str] = {"apm": "APM", "pm": "PM", "senior": "Senior PM"}
