"""Vocabulary the detectors match, loaded from the data files in ``scoring/vocabulary/``.

Each JSON file maps a NAME (the constant the detectors import, e.g. ``PAIN``) to a group:

- ``kind``: ``patterns`` (phrases in ``scoring.matcher`` syntax, matched in one pass under
  ``label``) or ``words`` (exact token norms the detectors test membership against);
- ``label`` (patterns only): the label ``scoring.analysis`` matches the group under;
- ``note``: why the group exists; ``detector_adds_plurals``: the group is stored singular
  and ``scoring.analysis`` adds the plurals itself;
- ``entries``: each with a permanent kebab-case ``id``, its ``patterns`` (or ``words``), a
  ``note``, ``examples`` it must match and optional ``not_examples`` it must not
  (``tests/test_vocabulary.py`` runs them all), and ``plurals: true`` when its nouns also
  match in the plural.

The detectors in ``scoring.analysis`` (with the segment and heading helpers of
``scoring.context``) add the context decisions: generic users, people who are not the
product's users, pains without a sufferer, non-ML "models", deferrals, proposals that are
not the speaker's. A malformed file fails at import with a ``VocabularyError`` naming the
file, the entry and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from scoring.errors import VocabularyError
from scoring.matcher import parse_pattern
from scoring.text import is_word

VOCABULARY_DIR = Path(__file__).with_name("vocabulary")

_ES = re.compile(r"(s|x|z|ch|sh)$")
_IES = re.compile(r"[^aeiou]y$")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
# Slots of words, word prefixes ("pre*"), "#" and "*": a pattern of only these can match.
_OPTION = r"(?:#|\*|[^\W_]+(?:'[^\W_]+)*\*?)"
_SLOT = rf"{_OPTION}(?:\|{_OPTION})*"
_PLAIN_PATTERN = re.compile(rf"{_SLOT}(?: {_SLOT})*")
_GROUP_KEYS = {"kind", "label", "note", "detector_adds_plurals", "entries"}
_ENTRY_KEYS = {"id", "note", "patterns", "words", "plurals", "examples", "not_examples"}


def plural(noun: str) -> str:
    """English plural of the last word of ``noun`` (good enough for role nouns)."""
    head, _, last = noun.rpartition(" ")
    if last.endswith("man") and not last.endswith("human"):
        last = last[:-3] + "men"
    elif last == "person":
        last = "people"
    elif last == "child":
        last = "children"
    elif _IES.search(last):
        last = last[:-1] + "ies"
    elif _ES.search(last):
        last += "es"
    elif last not in {"staff", "personnel", "clergy", "faculty", "police", "crew"}:
        last += "s"
    return f"{head} {last}".strip()


def with_plurals(nouns: Iterable[str]) -> list[str]:
    out: list[str] = []
    for noun in nouns:
        out.extend((noun, plural(noun)))
    return out


@dataclass(frozen=True, slots=True)
class Entry:
    """One vocabulary entry: related patterns (or words) with the examples that pin them."""

    id: str
    note: str
    items: tuple[str, ...]  # patterns or words, as written in the file
    examples: tuple[str, ...]
    not_examples: tuple[str, ...]
    plurals: bool


@dataclass(frozen=True, slots=True)
class Group:
    """The entries behind one name the detectors import (``PAIN``, ``SPEAKERS``, ...)."""

    name: str
    path: Path
    kind: Literal["patterns", "words"]
    label: str | None
    note: str
    detector_adds_plurals: bool
    entries: tuple[Entry, ...]

    def matched(self, entry: Entry) -> list[str]:
        """The entry's items as the matcher or the membership test finally sees them."""
        if entry.plurals or self.detector_adds_plurals:
            return with_plurals(entry.items)
        return list(entry.items)

    def stored(self) -> list[str]:
        """The items in file order, as the detectors import them (plurals added here
        unless the detector adds them itself)."""
        out: list[str] = []
        for entry in self.entries:
            out.extend(with_plurals(entry.items) if entry.plurals else entry.items)
        return out


def load_vocabulary(directory: Path = VOCABULARY_DIR) -> dict[str, Group]:
    """Read and validate every ``*.json`` file in ``directory``, keyed by group name.

    JSON rather than YAML: the whole vocabulary parses in under a millisecond, where even
    libyaml's loader (plus importing PyYAML) would add tens of milliseconds to ``import scoring``.

    Raises:
        VocabularyError: a file, group or entry is malformed, or an id or name repeats.
    """
    groups: dict[str, Group] = {}
    ids: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise VocabularyError(path.name, None, None, f"not valid JSON ({error})") from error
        if not isinstance(data, dict) or not data:
            raise VocabularyError(path.name, None, None, "expected a mapping of NAME: group")
        for name, raw in data.items():
            if not isinstance(name, str) or not _NAME.match(name):
                raise VocabularyError(
                    path.name, None, None, f"group name {name!r} is not UPPER_CASE"
                )
            if name in groups:
                where = groups[name].path.name
                raise VocabularyError(path.name, None, None, f"group {name} is also in {where}")
            group = _parse_group(path, name, raw)
            for entry in group.entries:
                if entry.id in ids:
                    raise VocabularyError(
                        path.name, entry.id, "id", f"id already used in {ids[entry.id]}"
                    )
                ids[entry.id] = path.name
            groups[name] = group
    return groups


def _parse_group(path: Path, name: str, raw: object) -> Group:
    where = f"{path.name}: {name}"
    if not isinstance(raw, dict):
        raise VocabularyError(where, None, None, "a group must be a mapping")
    _no_unknown_keys(where, None, raw, _GROUP_KEYS)
    kind = raw.get("kind")
    if kind not in ("patterns", "words"):
        raise VocabularyError(where, None, "kind", "must be 'patterns' or 'words'")
    label = raw.get("label")
    if kind == "patterns" and not (isinstance(label, str) and label):
        raise VocabularyError(where, None, "label", "a patterns group names its matcher label")
    if kind == "words" and label is not None:
        raise VocabularyError(where, None, "label", "a words group is not matched by label")
    adds_plurals = raw.get("detector_adds_plurals", False)
    if not isinstance(adds_plurals, bool):
        raise VocabularyError(where, None, "detector_adds_plurals", "must be true or false")
    entries_raw = raw.get("entries")
    if not isinstance(entries_raw, list) or not entries_raw:
        raise VocabularyError(where, None, "entries", "must be a non-empty list")
    group = Group(
        name=name,
        path=path,
        kind=kind,
        label=label,
        note=_text(where, None, "note", raw.get("note")),
        detector_adds_plurals=adds_plurals,
        entries=tuple(_parse_entry(where, kind, item) for item in entries_raw),
    )
    field = "words" if kind == "words" else "patterns"
    seen: dict[str, str] = {}
    for entry in group.entries:
        if len(set(entry.items)) < len(entry.items):
            raise VocabularyError(where, entry.id, field, "lists the same item twice")
        # dict.fromkeys: a noun that is its own plural ("staff") is not a duplicate
        for item in dict.fromkeys(group.matched(entry)):
            if item in seen:
                problem = f"{item!r} is already listed by {seen[item]!r}"
                raise VocabularyError(where, entry.id, field, problem)
            seen[item] = entry.id
    return group


def _parse_entry(where: str, kind: str, raw: object) -> Entry:
    if not isinstance(raw, dict):
        raise VocabularyError(where, None, None, "an entry must be a mapping")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise VocabularyError(where, str(entry_id), "id", "must be kebab-case (a-z, 0-9, '-')")
    _no_unknown_keys(where, entry_id, raw, _ENTRY_KEYS)
    field = "words" if kind == "words" else "patterns"
    other = "patterns" if kind == "words" else "words"
    if other in raw:
        raise VocabularyError(where, entry_id, other, f"a {kind} group lists {field!r}")
    items = _texts(where, entry_id, field, raw.get(field), required=True)
    for item in items:
        problem = _pattern_problem(item) if kind == "patterns" else _word_problem(item)
        if problem:
            raise VocabularyError(where, entry_id, field, problem)
    plurals = raw.get("plurals", False)
    if not isinstance(plurals, bool) or (plurals and kind == "words"):
        raise VocabularyError(where, entry_id, "plurals", "must be true or false (patterns only)")
    return Entry(
        id=entry_id,
        note=_text(where, entry_id, "note", raw.get("note")),
        items=items,
        examples=_texts(where, entry_id, "examples", raw.get("examples"), required=True),
        not_examples=_texts(where, entry_id, "not_examples", raw.get("not_examples", [])),
        plurals=plurals,
    )


def _word_problem(word: str) -> str | None:
    if is_word(word):
        return None
    return f"{word!r} can never match: the tokenizer never yields it as one word"


def _pattern_problem(pattern: str) -> str | None:
    """What makes ``pattern`` unusable, in the matcher's own reading of it."""
    slots = pattern.lower().replace("-", " ").split()
    if slots and slots[0] != "*" and _PLAIN_PATTERN.fullmatch(" ".join(slots)):
        return None  # the common case, at a fraction of the cost of parsing it
    specs = parse_pattern(pattern)
    if not specs:
        return "a pattern may not be blank"
    if specs[0].any_word:
        return f"{pattern!r} starts with '*'"
    for spec in specs:
        for word in (*spec.words, *spec.prefixes):
            if not is_word(word):
                return f"{pattern!r} can never match: {word!r} is never one word"
    return None


def _no_unknown_keys(where: str, entry: str | None, raw: dict[Any, Any], known: set[str]) -> None:
    unknown = sorted(str(key) for key in raw if key not in known)
    if unknown:
        raise VocabularyError(where, entry, unknown[0], f"unknown field (known: {sorted(known)})")


def _text(where: str, entry: str | None, field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise VocabularyError(where, entry, field, "must be a non-empty string")
    return value


def _texts(
    where: str, entry: str | None, field: str, value: object, *, required: bool = False
) -> tuple[str, ...]:
    if not isinstance(value, list) or (required and not value):
        raise VocabularyError(where, entry, field, "must be a non-empty list of strings")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise VocabularyError(where, entry, field, f"{item!r} is not a non-empty string")
    return tuple(value)


VOCABULARY = load_vocabulary()
_taken: set[str] = set()


def _take(name: str, kind: str) -> Group:
    group = VOCABULARY.get(name)
    if group is None:
        raise VocabularyError(VOCABULARY_DIR.name, None, None, f"no group named {name}")
    if group.kind != kind:
        raise VocabularyError(group.path.name, None, "kind", f"{name} must be {kind!r}")
    _taken.add(name)
    return group


def _patterns(name: str) -> list[str]:
    return _take(name, "patterns").stored()


def _words(name: str) -> frozenset[str]:
    return frozenset(_take(name, "words").stored())


# --- people and organisations (roles.json, segment_context.json) ---------------------------
EXTERNAL_ROLES = _patterns("EXTERNAL_ROLES")
MULTIWORD_ROLES = _patterns("MULTIWORD_ROLES")
ORG_TYPES = _patterns("ORG_TYPES")
DEMOGRAPHICS = _patterns("DEMOGRAPHICS")
GENERIC_PEOPLE = _patterns("GENERIC_PEOPLE")
TARGETING_CUES = _patterns("TARGETING_CUES")
INTERNAL_ROLES = _words("INTERNAL_ROLES")
GENERIC_QUALIFIERS = _words("GENERIC_QUALIFIERS")
NOT_PARTICIPLES = _words("NOT_PARTICIPLES")
NOT_MODIFIERS = _words("NOT_MODIFIERS")
VERB_SUBJECTS = _words("VERB_SUBJECTS")
HOLLOW_QUALIFIERS = _words("HOLLOW_QUALIFIERS")
USER_REFERENCE = _words("USER_REFERENCE")
PROCESS_ROLES = _words("PROCESS_ROLES")
TEAM_MODIFIERS = _words("TEAM_MODIFIERS")
MODIFIED_HEADS = _words("MODIFIED_HEADS")
OWN_TEAM = _words("OWN_TEAM")
AI_AGENT = _words("AI_AGENT")
AI_ACTOR_HEADS = _words("AI_ACTOR_HEADS")
AI_PRODUCT_CUES = _words("AI_PRODUCT_CUES")
STAKEHOLDER_WORDS = _words("STAKEHOLDER_WORDS")
LISTING_CUES = _words("LISTING_CUES")
CLAUSE_OPENERS = _words("CLAUSE_OPENERS")
TRIVIAL_CLAUSE = _words("TRIVIAL_CLAUSE")
VERBISH = _words("VERBISH")

# --- the user's problem, and why AI (pains.json) --------------------------------------------
PAIN = _patterns("PAIN")
BUSINESS_GOAL = _patterns("BUSINESS_GOAL")
WHY_AI = _patterns("WHY_AI")
TRADEOFF = _patterns("TRADEOFF")
RISK = _patterns("RISK")
FAILURE_PLAN = _patterns("FAILURE_PLAN")
PAIN_META = _words("PAIN_META")
SUBJECTS_SELF = _words("SUBJECTS_SELF")
PAIN_RECORDS = _words("PAIN_RECORDS")
MEASURING_VERBS = _words("MEASURING_VERBS")
MACHINE_SUBJECTS = _words("MACHINE_SUBJECTS")
PEOPLE_NOUNS = _words("PEOPLE_NOUNS")

# --- success measures (metrics.json) --------------------------------------------------------
NAMED_METRIC = _patterns("NAMED_METRIC")
VAGUE_METRIC = _patterns("VAGUE_METRIC")
GUARDRAIL = _patterns("GUARDRAIL")
METRIC_CUES = _patterns("METRIC_CUES")
MEASURE_NOUNS = _words("MEASURE_NOUNS")
NOT_A_MEASURE = _words("NOT_A_MEASURE")
SAID_MEASURE_VERBS = _words("SAID_MEASURE_VERBS")
SAID_MEASURE_SUBJECTS = _words("SAID_MEASURE_SUBJECTS")
SAID_MEASURE_QUESTIONS = _words("SAID_MEASURE_QUESTIONS")
TIME_NOT_MEASURED = _words("TIME_NOT_MEASURED")
VAGUE_WORDS = _words("VAGUE_WORDS")

# --- evaluation of AI output (evaluation.json) ----------------------------------------------
EVAL_CRITERIA = _patterns("EVAL_CRITERIA")
EVAL_STRONG = _patterns("EVAL_STRONG")
EVAL_VERBS = _patterns("EVAL_VERBS")
EVAL_OBJECTS = _patterns("EVAL_OBJECTS")
EVAL_QUALITIES = _patterns("EVAL_QUALITIES")
EVAL_HEADINGS = _words("EVAL_HEADINGS")

# --- technology (tech.json) -----------------------------------------------------------------
TECH = _patterns("TECH")
MODEL_WORDS = _patterns("MODEL_WORDS")
ML_CONTEXT = _patterns("ML_CONTEXT")
DEFER_BEFORE = _patterns("DEFER_BEFORE")
DEFER_AFTER = _patterns("DEFER_AFTER")
NON_ML_MODIFIERS = _words("NON_ML_MODIFIERS")
NON_ML_TECH_PREFIXES = _words("NON_ML_TECH_PREFIXES")
NOT_AN_AI_PRODUCT = _words("NOT_AN_AI_PRODUCT")

# --- proposals (proposals.json) -------------------------------------------------------------
SOLUTION = _patterns("SOLUTION")
SPEAKERS = _words("SPEAKERS")
PROPOSAL_VERBS = _words("PROPOSAL_VERBS")
MODALS = _words("MODALS")
PROPOSAL_ACTIONS = PROPOSAL_VERBS - MODALS
PROPOSAL_NOUNS = _words("PROPOSAL_NOUNS")
STORY_PROPOSALS = _words("STORY_PROPOSALS")
SPEAKER_INTENT = _words("SPEAKER_INTENT")
SPEAKER_WORDS = SPEAKERS | SPEAKER_INTENT
DESCRIBING_VERBS = _words("DESCRIBING_VERBS")
IMPERATIVE_OPENERS = _words("IMPERATIVE_OPENERS")
UNNAMED_BUILDS = _words("UNNAMED_BUILDS")

# --- delivery (communication.json) ----------------------------------------------------------
SEEKS_VALIDATION = _patterns("SEEKS_VALIDATION")
FRAMEWORK_NAMES = _patterns("FRAMEWORK_NAMES")
FRAMEWORK_STEPS = _patterns("FRAMEWORK_STEPS")
FILLERS = _patterns("FILLERS")
SUMMARY = _patterns("SUMMARY")
BUZZWORDS = _patterns("BUZZWORDS")
FOREIGN_STOPWORDS = _words("FOREIGN_STOPWORDS")
ENGLISH_STOPWORDS = _words("ENGLISH_STOPWORDS")

# --- headings (headings.json) ---------------------------------------------------------------
METRIC_HEADINGS = _words("METRIC_HEADINGS")
WHY_HEADINGS = _words("WHY_HEADINGS")
SOLUTION_HEADINGS = _words("SOLUTION_HEADINGS")
WHO_HEADINGS = _words("WHO_HEADINGS")
HEADING_CUES = _words("HEADING_CUES")
INLINE_HEADING_LEADS = _words("INLINE_HEADING_LEADS")
INLINE_HEADINGS = _words("INLINE_HEADINGS")
QUESTION_FILLERS = _words("QUESTION_FILLERS")
NOT_A_HEADING_SEQUEL = _words("NOT_A_HEADING_SEQUEL")

if _taken != VOCABULARY.keys():  # a group in the files that no detector reads is a mistake
    _unread = sorted(VOCABULARY.keys() - _taken)
    raise VocabularyError(VOCABULARY_DIR.name, None, None, f"groups no detector reads: {_unread}")
