"""What a scoring rubric is: gates that decide a dimension outright, then rows that add points.

A row reads one piece of evidence from the analysis (an element present, an order verdict, a
measured quantity) and awards the points of the first of its tiers whose evidence is there.
Each tier, gate and unmet row carries the answers that reach it: they are its tests. The
declared tables live in scoring/scores.py; this module only evaluates and explains them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scoring.analysis import Analysis
from scoring.report import Dimension, ScorePart
from scoring.rules.base import Example

Evidence = Callable[[Analysis], bool]
Points = int | Callable[[Analysis], int]


@dataclass(frozen=True, slots=True)
class Gate:
    """Evidence that decides the whole dimension: not assessed (None) or a fixed score."""

    id: str
    evidence: Evidence
    score: int | None
    reason: str
    examples: Sequence[Example] = ()


@dataclass(frozen=True, slots=True)
class Tier:
    """One level of a row: the evidence, the points it is worth, and what the learner reads.

    ``label`` names the evidence in the score's explanation; ``note`` (may be empty) joins
    the dimension's one-sentence reason and may quote the row's measure as ``{n}``.
    """

    evidence: Evidence
    points: Points
    label: str
    note: str = ""
    examples: Sequence[Example] = ()

    def points_for(self, analysis: Analysis) -> int:
        return self.points(analysis) if callable(self.points) else self.points

    @property
    def best(self) -> int:
        """The points a fixed tier is worth (a measured tier's ceiling is its row's business)."""
        return self.points if isinstance(self.points, int) else 0


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a rubric: the first tier whose evidence is there scores; else ``unmet``.

    ``best`` is what the row can add at most: by default its best fixed tier (0 for a penalty
    row, whose tiers are negative); a row whose points are measured declares it.
    """

    id: str
    tiers: tuple[Tier, ...]
    unmet: str  # the label when no tier's evidence is there
    unmet_note: str = ""
    misses: Sequence[Example] = ()  # answers where no tier's evidence is there
    measure: Callable[[Analysis], int] | None = None  # the quantity a note quotes as {n}
    best: int | None = None

    def __post_init__(self) -> None:
        if self.best is None:  # resolved once: rows are evaluated for every answer
            object.__setattr__(self, "best", max(0, *(tier.best for tier in self.tiers)))

    def evaluate(self, analysis: Analysis) -> tuple[ScorePart, str]:
        """The row's share of the score, and its note for the reason ("" for none)."""
        best = self.best or 0
        for tier in self.tiers:
            if tier.evidence(analysis):
                part = ScorePart(self.id, tier.label, tier.points_for(analysis), best)
                return part, self._note(tier.note, analysis)
        return ScorePart(self.id, self.unmet, 0, best), self._note(self.unmet_note, analysis)

    def _note(self, note: str, analysis: Analysis) -> str:
        return note.format(n=self.measure(analysis)) if self.measure and note else note


@dataclass(frozen=True, slots=True)
class Rubric:
    """How one dimension is scored: gates first, else the sum of its rows, kept in 0-100.

    ``clear`` is the reason when no row has a note; otherwise the notes are joined with
    ``joiner`` (the last two with ``last_joiner`` if set) after ``lead`` into one sentence.
    """

    dimension: str
    title: str
    gates: tuple[Gate, ...]
    rows: tuple[Row, ...]
    clear: str
    lead: str = ""
    joiner: str = "; "
    last_joiner: str | None = None

    def score(self, analysis: Analysis) -> Dimension:
        for gate in self.gates:
            if gate.evidence(analysis):
                return Dimension(gate.score, gate.reason)
        evaluated = [row.evaluate(analysis) for row in self.rows]
        parts = tuple(part for part, _ in evaluated)
        notes = [note for _, note in evaluated if note]
        total = sum(part.points for part in parts)
        return Dimension(max(0, min(100, total)), self.reason(notes), parts)

    def reason(self, notes: list[str]) -> str:
        if not notes:
            return self.clear
        if self.last_joiner and len(notes) > 1:
            listed = self.joiner.join(notes[:-1]) + self.last_joiner + notes[-1]
        else:
            listed = self.joiner.join(notes)
        text = self.lead + listed
        return text[:1].upper() + text[1:] + "."


def explain_dimension(title: str, dimension: Dimension) -> str:
    """One line: "Framing 80 = who named +40, user problem named +40, solution before the
    framing +0 of 20"; a dimension without rows (decided by a gate, or judged) shows its reason."""
    if dimension.score is None:
        return f"{title}: not assessed. {dimension.reason}"
    if not dimension.parts:  # a gate decided it, or a judge scored it
        return f"{title} {dimension.score}: {dimension.reason}"
    terms = []
    for part in dimension.parts:
        if part.points == 0 and part.best == 0:
            continue  # a penalty that did not apply says nothing
        if part.best > 0 and part.points < part.best:
            terms.append(f"{part.label} {part.points:+d} of {part.best}")
        else:
            terms.append(f"{part.label} {part.points:+d}")
    total = sum(part.points for part in dimension.parts)
    if total != dimension.score:
        terms.append(f"kept within 0-100 (from {total})")
    return f"{title} {dimension.score} = " + ", ".join(terms)
