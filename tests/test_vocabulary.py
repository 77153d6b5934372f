"""The vocabulary data files: every entry's examples are its tests, and bad files fail loudly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring import lexicon
from scoring.analysis import _LEXICON
from scoring.errors import VocabularyError
from scoring.lexicon import VOCABULARY, Entry, Group, load_vocabulary, with_plurals
from scoring.matcher import PhraseMatcher
from scoring.text import tokenize

_ENTRIES = [(group, entry) for group in VOCABULARY.values() for entry in group.entries]


def _entry_id(case: tuple[Group, Entry]) -> str:
    return case[1].id


def _matches(group: Group, entry: Entry, text: str) -> list[str]:
    """What the entry finds in ``text``: phrases via the matcher, words by token membership."""
    items = group.matched(entry)
    tokens = tokenize(text)
    if group.kind == "words":
        return sorted({token.norm for token in tokens} & set(items))
    return [match.pattern for match in PhraseMatcher({entry.id: items}).find(tokens)]


@pytest.mark.parametrize("case", _ENTRIES, ids=_entry_id)
def test_entry_matches_its_examples(case: tuple[Group, Entry]) -> None:
    group, entry = case
    for example in entry.examples:
        assert _matches(group, entry, example), (
            f"{group.path.name} {group.name} entry {entry.id!r}: no pattern matches {example!r}"
        )


@pytest.mark.parametrize("case", [c for c in _ENTRIES if c[1].not_examples], ids=_entry_id)
def test_entry_stays_quiet_on_its_not_examples(case: tuple[Group, Entry]) -> None:
    group, entry = case
    for text in entry.not_examples:
        found = _matches(group, entry, text)
        assert not found, f"{group.name} entry {entry.id!r} matched {text!r} with {found}"


def test_every_multi_word_pattern_with_alternatives_has_an_example() -> None:
    """A slot pattern ("spend|spent * hours|days") is where a stray space hides: pin each one."""
    unpinned = []
    for group, entry in _ENTRIES:
        if group.kind != "patterns":
            continue
        examples = [tokenize(example) for example in entry.examples]
        for pattern in entry.items:
            slots = pattern.replace("-", " ").split()
            if len(slots) < 2 or "|" not in pattern:
                continue
            if not any(PhraseMatcher({"x": [pattern]}).find(tokens) for tokens in examples):
                unpinned.append(f"{entry.id}: {pattern}")
    assert not unpinned, "patterns no example exercises:\n" + "\n".join(unpinned)


def test_every_pattern_compiles_in_the_matcher() -> None:
    refused = []
    for group in VOCABULARY.values():
        if group.kind != "patterns":
            continue
        for pattern in group.stored():
            try:
                PhraseMatcher({group.name: [pattern]})
            except ValueError as error:
                refused.append(f"{group.name}: {pattern!r}: {error}")
    assert not refused, "\n".join(refused)


def test_every_group_is_a_lexicon_name() -> None:
    for name, group in VOCABULARY.items():
        value = getattr(lexicon, name)
        expected = frozenset(group.stored()) if group.kind == "words" else group.stored()
        assert value == expected, name


def test_a_group_label_is_the_matcher_label_it_is_read_under() -> None:
    for group in VOCABULARY.values():
        if group.kind == "patterns":
            stored = group.stored()
            read = with_plurals(stored) if group.detector_adds_plurals else stored
            assert set(read) <= set(_LEXICON[group.label]), f"{group.name} is not {group.label}"


def _write(tmp_path: Path, data: object) -> Path:
    text = data if isinstance(data, str) else json.dumps(data)
    (tmp_path / "bad.json").write_text(text, encoding="utf-8")
    return tmp_path


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {"id": "ok-entry", "note": "n", "patterns": ["a b"]}
    entry["examples"] = ["a b"]
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


def _group(*entries: dict[str, object], kind: str = "patterns") -> dict[str, object]:
    label = {"label": "x"} if kind == "patterns" else {}
    return {"X": {"kind": kind, **label, "note": "n", "entries": list(entries)}}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"X": [', "bad.json: not valid JSON (Expecting value: line 1 column 8"),
        ({"lower": {}}, "group name 'lower' is not UPPER_CASE"),
        (_group(_entry(), kind="phrases"), "bad.json: X, field 'kind': must be 'patterns'"),
        ({"X": {**_group(_entry())["X"], "label": None}}, "field 'label': a patterns group"),
        (_group(_entry(id="Bad_Id")), "entry 'Bad_Id', field 'id': must be kebab-case"),
        (_group(_entry(examples=[])), "entry 'ok-entry', field 'examples': must be a non-empty"),
        (_group(_entry(note=None)), "entry 'ok-entry', field 'note': must be a non-empty string"),
        (_group(_entry(patterns=["* b"])), "field 'patterns': '* b' starts with '*'"),
        (_group(_entry(patterns=["#% of"])), "'#% of' can never match: '#%' is never one word"),
        (
            _group(_entry(patterns=None, words=["in-house"]), kind="words"),
            "field 'words': 'in-house' can never match: the tokenizer never yields it",
        ),
        (_group(_entry(notes="n")), "entry 'ok-entry', field 'notes': unknown field"),
        (
            _group(_entry(), _entry(id="other")),
            "bad.json: X, entry 'other', field 'patterns': 'a b' is already listed by 'ok-entry'",
        ),
        (_group(_entry(patterns=["a", "a"])), "field 'patterns': lists the same item twice"),
        (_group(_entry(), kind="words"), "entry 'ok-entry', field 'patterns': a words group"),
    ],
)
def test_a_bad_file_names_the_file_entry_and_field(
    tmp_path: Path, data: object, expected: str
) -> None:
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(_write(tmp_path, data))
    assert expected in str(caught.value)


def test_an_entry_id_is_unique_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(_group(_entry())), encoding="utf-8")
    other = {"Y": _group(_entry())["X"]}
    (tmp_path / "b.json").write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(tmp_path)
    assert "b.json, entry 'ok-entry', field 'id': id already used in a.json" in str(caught.value)


def test_an_entry_with_plurals_stores_both_forms(tmp_path: Path) -> None:
    entry = _entry(plurals=True, patterns=["nurse", "cabin crew"])
    groups = load_vocabulary(_write(tmp_path, _group(entry)))
    assert groups["X"].stored() == ["nurse", "nurses", "cabin crew", "cabin crew"]
