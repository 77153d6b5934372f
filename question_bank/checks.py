"""Checks across prompts and files: duplicate ids and near-duplicate prompt texts."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from question_bank.problems import Location, Problem

# Share of distinct content-word stems two prompt texts have in common (Jaccard) at or above
# which they count as the same question reworded. Measured when this was written: distinct
# built-in prompts peak at ~0.41 (behavioural prompts sharing "Tell me about a time ... What did
# you do?"); light rewordings of real prompts (a synonym, "ships" -> "is shipping", an added
# "customer") score 0.72-0.77. 0.6 sits in the gap with room on both sides. Jaccard over word
# sets also costs microseconds per pair, where difflib's ratio would cost ~50x more.
NEAR_DUPLICATE_THRESHOLD = 0.6

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    _WORD.findall(
        """a an and are as at be but by can could do does for from has have how i if in into is it
    its of on or our so that the their them then there these they this to was we were what when
    where which who why will with would you your yours"""
    )
)


@dataclass(frozen=True, slots=True)
class Entry:
    """A prompt as far as cross-checks need it: raw id and text (``None`` when unusable)."""

    id: str | None
    text: str | None
    location: Location
    label: str
    builtin: bool
    words: frozenset[str] = field(default=frozenset(), compare=False)


def make_entry(
    prompt_id: object, text: object, location: Location, label: str, *, builtin: bool
) -> Entry:
    """Build an :class:`Entry` from raw values, keeping only the usable ones."""
    usable_text = text if isinstance(text, str) and text.strip() else None
    return Entry(
        id=prompt_id if isinstance(prompt_id, str) else None,
        text=usable_text,
        location=location,
        label=label,
        builtin=builtin,
        words=content_words(usable_text) if usable_text else frozenset(),
    )


def content_words(text: str) -> frozenset[str]:
    """Return the distinct word stems of ``text`` minus common function words."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)


def _stem(word: str) -> str:
    # Crude on purpose: "drafts"/"drafting"/"drafted" must meet; exact stems do not matter.
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the Jaccard similarity of two word sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def duplicate_id_problems(entries: Sequence[Entry]) -> list[Problem]:
    """Report every id defined more than once; the first definition wins, later ones are errors."""
    first: dict[str, Entry] = {}
    problems: list[Problem] = []
    for entry in entries:
        if entry.id is None:
            continue
        original = first.setdefault(entry.id, entry)
        if original is entry:
            continue
        if original.builtin and not entry.builtin:
            message = (
                f"{entry.id!r} is already a built-in prompt ({original.location}); a custom "
                "bank cannot replace a built-in prompt, choose another id"
            )
        else:
            message = f"duplicate id, first defined at {original.location}"
        problems.append(Problem(entry.location, message, entry.label, "id"))
    return problems


def near_duplicate_problems(
    entries: Sequence[Entry], threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[Problem]:
    """Report each prompt whose text nearly repeats an earlier prompt's text.

    Compares only candidate pairs found by prefix filtering (AllPairs, Bayardo et al. 2007):
    with words ordered rarest first, two sets with Jaccard >= t share a word among the first
    ``n - ceil(t * n) + 1`` words of each. The result is the same as comparing every pair,
    at a fraction of the cost once the bank holds hundreds of prompts.
    """
    usable = [entry for entry in entries if entry.text is not None and entry.words]
    frequency = Counter(word for entry in usable for word in entry.words)
    index: dict[str, list[int]] = {}
    problems: list[Problem] = []
    for position, entry in enumerate(usable):
        ordered = sorted(entry.words, key=lambda word: (frequency[word], word))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        candidates = sorted({earlier for word in prefix for earlier in index.get(word, ())})
        for earlier in (usable[i] for i in candidates):
            if earlier.id is not None and earlier.id == entry.id:
                continue  # already reported as a duplicate id
            score = similarity(entry.words, earlier.words)
            if score >= threshold:
                problems.append(
                    Problem(
                        entry.location,
                        f"nearly the same question as {earlier.label} ({earlier.location}), "
                        f"{score:.0%} of content words shared; reword it or drop one",
                        entry.label,
                        "text",
                    )
                )
        for word in prefix:
            index.setdefault(word, []).append(position)
    return problems
