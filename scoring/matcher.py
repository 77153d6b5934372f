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
from typing import NamedTuple

from scoring.text import Token

_CACHE_LIMIT = 50_000
_PREFIX_KEY = 4  # prefix patterns are indexed by (at most) their first four letters


@dataclass(frozen=True, slots=True)
class Spec:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    number: bool
    any_word: bool

    def accepts(self, token: Token) -> bool:
        norm = token.norm
        if norm in self.words or self.any_word or (self.number and token.is_number):
            return True
        return any(norm.startswith(prefix) for prefix in self.prefixes) if self.prefixes else False


def _parse_spec(spec: str) -> Spec:
    words: set[str] = set()
    prefixes: list[str] = []
    for option in spec.split("|"):
        if option.endswith("*") and len(option) > 1:
            prefixes.append(option[:-1])
        elif option not in {"#", "*"}:
            words.add(option)
    return Spec(frozenset(words), tuple(prefixes), "#" in spec.split("|"), spec == "*")


def parse_pattern(phrase: str) -> tuple[Spec, ...]:
    """The token specs of ``phrase`` as the matcher reads them (hyphens split words)."""
    return tuple(_parse_spec(part) for part in phrase.lower().replace("-", " ").split())


@dataclass(frozen=True, slots=True)
class Pattern:
    label: str
    text: str
    specs: tuple[Spec, ...]


class Match(NamedTuple):
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
        self._cache: dict[str, _Candidates] = {}
        for label, phrases in lexicon.items():
            for phrase in phrases:
                self._add(label, phrase)

    def _add(self, label: str, phrase: str) -> None:
        specs = parse_pattern(phrase)
        if not specs:
            raise ValueError(f"empty pattern in {label!r}")
        pattern = Pattern(label, phrase, specs)
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

    def _candidates(self, token: Token) -> _Candidates:
        """Patterns whose first spec accepts this word, memoised per distinct word.

        Patterns are grouped by the first literal word at position 1 or 2 ("the mvp",
        "a * tool"), so a common first word ("the", "a") costs a lookup, not a scan.
        """
        key = token.norm  # is_number is a function of the word, so the word is the key
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        found = list(self._by_word.get(token.norm, ()))
        for length in self._key_lengths:
            for prefix, pattern in self._by_prefix.get(token.norm[:length], ()):
                if token.norm.startswith(prefix):
                    found.append(pattern)
        if token.is_number:
            found.extend(self._by_number)
        general: list[Pattern] = []
        keyed: tuple[dict[str, list[Pattern]], dict[str, list[Pattern]]] = (
            defaultdict(list),
            defaultdict(list),
        )
        for pattern in found:
            position = _literal_position(pattern)
            if position is None:
                general.append(pattern)
            else:
                for word in pattern.specs[position].words:
                    keyed[position - 1][word].append(pattern)
        if len(self._cache) > _CACHE_LIMIT:  # bound memory on adversarial vocabularies
            self._cache.clear()
        if not found:
            self._cache[key] = _NOTHING
            return _NOTHING
        result = _Candidates(
            tuple(general),
            {word: tuple(p) for word, p in keyed[0].items()},
            {word: tuple(p) for word, p in keyed[1].items()},
        )
        self._cache[key] = result
        return result

    def find(self, tokens: Sequence[Token]) -> list[Match]:
        """All matches in token order; for one label and start, only the longest."""
        matches: list[Match] = []
        count = len(tokens)
        cache = self._cache
        for index, token in enumerate(tokens):
            found = cache.get(token.norm) or self._candidates(token)
            if found is _NOTHING:
                continue
            candidates = found.general
            if found.by_second and index + 1 < count:
                candidates += found.by_second.get(tokens[index + 1].norm, ())
            if found.by_third and index + 2 < count:
                candidates += found.by_third.get(tokens[index + 2].norm, ())
            if not candidates:
                continue
            best: dict[str, Match] = {}
            for pattern in candidates:
                specs = pattern.specs
                last = index + len(specs) - 1
                if last >= count:
                    continue
                for offset in range(1, len(specs)):
                    if not specs[offset].accepts(tokens[index + offset]):
                        break
                else:
                    current = best.get(pattern.label)
                    if current is None or last > current.last:
                        best[pattern.label] = Match(pattern.label, pattern.text, index, last)
            matches.extend(best.values())
        return matches


class _Candidates(NamedTuple):
    general: tuple[Pattern, ...]
    by_second: dict[str, tuple[Pattern, ...]]
    by_third: dict[str, tuple[Pattern, ...]]


_NOTHING = _Candidates((), {}, {})


def _is_literal(spec: Spec) -> bool:
    return bool(spec.words) and not (spec.prefixes or spec.number or spec.any_word)


def _literal_position(pattern: Pattern) -> int | None:
    """Position (1 or 2) of the first all-literal spec after the head, if any."""
    for position in (1, 2):
        if position < len(pattern.specs) and _is_literal(pattern.specs[position]):
            return position
        if position < len(pattern.specs) and not pattern.specs[position].any_word:
            return None  # a prefix or number spec at 1: not worth indexing deeper
    return None
