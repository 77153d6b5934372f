"""A linear-time phrase matcher over word tokens.

Patterns are written as space-separated token specs, so lexicons stay readable data:
``word`` literal, ``a|b`` alternatives, ``pre*`` prefix, ``#`` any number, ``*`` any word.
The first spec must be literal (or ``#``): it is the index key, so matching costs one dict
lookup per token plus the few patterns sharing that first word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scoring.text import Token

_PREFIX_KEY = 4  # prefix patterns are indexed by (at most) their first four letters


@dataclass(frozen=True, slots=True)
class Spec:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    number: bool
    any_word: bool

    def accepts(self, token: Token) -> bool:
        if self.any_word:
            return True
        if self.number and token.is_number:
            return True
        return token.norm in self.words or any(token.norm.startswith(p) for p in self.prefixes)


def _parse_spec(spec: str) -> Spec:
    words: set[str] = set()
    prefixes: list[str] = []
    for option in spec.split("|"):
        if option.endswith("*") and len(option) > 1:
            prefixes.append(option[:-1])
        elif option not in {"#", "*"}:
            words.add(option)
    return Spec(frozenset(words), tuple(prefixes), "#" in spec.split("|"), spec == "*")


@dataclass(frozen=True, slots=True)
class Pattern:
    label: str
    text: str
    specs: tuple[Spec, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """Tokens ``first..last`` (inclusive) matched the pattern with ``label``."""

    label: str
    pattern: str
    first: int
    last: int


class PhraseMatcher:
    """Find every labelled phrase in a token list, longest match per (label, start)."""

    def __init__(self, lexicon: Mapping[str, Iterable[str]]) -> None:
        self._by_word: dict[str, list[Pattern]] = defaultdict(list)
        self._by_prefix: dict[str, list[tuple[str, Pattern]]] = defaultdict(list)
        self._by_number: list[Pattern] = []
        self._key_lengths: set[int] = set()
        for label, phrases in lexicon.items():
            for phrase in phrases:
                self._add(label, phrase)

    def _add(self, label: str, phrase: str) -> None:
        parts = phrase.lower().replace("-", " ").split()
        if not parts:
            raise ValueError(f"empty pattern in {label!r}")
        pattern = Pattern(label, phrase, tuple(_parse_spec(p) for p in parts))
        head = pattern.specs[0]
        if head.any_word:
            raise ValueError(f"pattern {phrase!r} may not start with '*'")
        for word in head.words:
            self._by_word[word].append(pattern)
        for prefix in head.prefixes:
            key = prefix[:_PREFIX_KEY]
            self._key_lengths.add(len(key))
            self._by_prefix[key].append((prefix, pattern))
        if head.number:
            self._by_number.append(pattern)

    def _candidates(self, token: Token) -> Iterable[Pattern]:
        yield from self._by_word.get(token.norm, ())
        for length in self._key_lengths:
            for prefix, pattern in self._by_prefix.get(token.norm[:length], ()):
                if token.norm.startswith(prefix):
                    yield pattern
        if token.is_number:
            yield from self._by_number

    def find(self, tokens: Sequence[Token]) -> list[Match]:
        """All matches in token order; for one label and start, only the longest."""
        matches: list[Match] = []
        count = len(tokens)
        for index, token in enumerate(tokens):
            best: dict[str, Match] = {}
            for pattern in self._candidates(token):
                last = index + len(pattern.specs) - 1
                if last >= count:
                    continue
                if all(
                    spec.accepts(tokens[index + offset])
                    for offset, spec in enumerate(pattern.specs[1:], start=1)
                ):
                    current = best.get(pattern.label)
                    if current is None or last > current.last:
                        best[pattern.label] = Match(pattern.label, pattern.text, index, last)
            matches.extend(best.values())
        return matches
