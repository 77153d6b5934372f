"""Where things are in an answer: segments, token context and headings.

The detectors in ``scoring.analysis`` ask these questions ("which words come just before this
token?", "is this segment under a 'Success:' heading?") without rescanning the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from scoring import lexicon as lx
from scoring.matcher import Match
from scoring.spoken import Chunk, SaidHeading, chunk_spoken, is_unpunctuated, said_heading
from scoring.text import Token, chunk_long_span, split_sentences

MAX_SENTENCE_WORDS = 30  # longer "sentences" are run-on speech: chunk them into clauses


@dataclass(frozen=True, slots=True)
class SegmentSpan:
    """A sentence, bullet line, label or spoken clause: characters and tokens it covers.

    ``kind`` says how an unpunctuated transcript's unit was said: a ``label`` ("problem ...")
    or a ``question`` ("who is it for ...") is read like the written heading it stands for.
    """

    start: int
    end: int
    first_token: int
    last_token: int  # exclusive
    kind: str = "sentence"


def segment_text(text: str, tokens: list[Token]) -> list[SegmentSpan]:
    """Split into sentences, cutting run-on spoken sentences into clause-sized chunks."""
    if is_unpunctuated(text, tokens):
        return [_spoken_segment(text, tokens, chunk) for chunk in chunk_spoken(text, tokens)]
    segments: list[SegmentSpan] = []
    starts = [token.start for token in tokens]
    index = 0
    for start, end in split_sentences(text):
        lo = index
        index = hi = max(lo, bisect_left(starts, end, lo))
        if hi - lo > MAX_SENTENCE_WORDS:
            for a, b in chunk_long_span(tokens, lo, hi):
                chunk_start = start if a == lo else tokens[a].start
                chunk_end = end if b == hi else tokens[b - 1].end
                segments.append(SegmentSpan(chunk_start, chunk_end, a, b))
        else:
            segments.append(SegmentSpan(start, end, lo, hi))
    return segments


def _spoken_segment(text: str, tokens: list[Token], chunk: Chunk) -> SegmentSpan:
    # The first and last chunks reach the text's edges, as a sentence reaches its punctuation.
    start = 0 if chunk.first == 0 else tokens[chunk.first].start
    end = len(text.rstrip()) if chunk.last == len(tokens) else tokens[chunk.last - 1].end
    return SegmentSpan(start, end, chunk.first, chunk.last, chunk.kind)


_NO_NAMES: frozenset[str] = frozenset()


def _inline_names(words: list[str], said: SaidHeading | None) -> frozenset[str]:
    """The heading words a segment names as a sentence ("The metrics are X" -> {"metrics"})."""
    names = said.names if said is not None else _NO_NAMES
    content = [w for w in words[:6] if w not in lx.INLINE_HEADING_LEADS]
    if (
        len(content) >= 3
        and content[0] in lx.INLINE_HEADINGS  # "the problem is we need revenue" states a goal
        and content[1] in {"is", "are", "would", "will"}
    ):
        return names | {content[0]}
    return names


class Context:
    """Token-level context checks shared by the detectors."""

    def __init__(self, tokens: list[Token], segments: list[SegmentSpan], text: str = "") -> None:
        self.tokens = tokens
        self.text = text
        self.questions = {
            number
            for number, seg in enumerate(segments)
            if seg.kind == "question" or text[seg.start : seg.end].rstrip()[-1:] == "?"
        }
        self.norms = [token.norm for token in tokens]
        self.role_segments: set[int] = set()
        self.person_tokens: set[int] = set()
        self.person_segments: set[int] = set()
        self.segment_of = [0] * len(tokens)
        self.segments = segments
        self.words: list[list[str]] = []  # each segment's words, computed once
        for number, segment in enumerate(segments):
            for index in range(segment.first_token, segment.last_token):
                self.segment_of[index] = number
            self.words.append(self.norms[segment.first_token : segment.last_token])
        # Headings each segment names as a sentence, read once: detectors ask per heading set.
        self.said = [said_heading(words) for words in self.words]
        self.inline_names = [
            _inline_names(words, said) for words, said in zip(self.words, self.said, strict=True)
        ]

    def is_inline_heading(self, segment: int, headings: frozenset[str]) -> bool:
        """'The metrics are X', 'Our north star would be Y': a heading said as a sentence."""
        return not self.inline_names[segment].isdisjoint(headings)

    def leads_in(self, segment: int) -> bool:
        """'As for the metrics, X.': the said heading heads the sentences after it too."""
        said = self.said[segment]
        return said is not None and said.lead_in

    def is_question(self, segment: int) -> bool:
        """The segment asks rather than states ("what could be some pain points?")."""
        return segment in self.questions

    def segment_words(self, token_index: int) -> list[str]:
        return self.words[self.segment_of[token_index]]

    def before(self, index: int, count: int) -> list[str]:
        segment = self.segments[self.segment_of[index]]
        return self.norms[max(segment.first_token, index - count) : index]

    def modifier_before(self, index: int) -> str | None:
        """The word right before ``index`` when nothing but a space or hyphen separates them
        ("iPhone users"; not "In user experience, users")."""
        previous = self.before(index, 2)
        if not previous:
            return None
        if len(previous) == 2 and previous[0] in lx.VERB_SUBJECTS:
            return None  # "agents will point customers": a verb, not a modifier
        if self._gap_before(index).strip() not in {"", "-"}:
            return None
        if previous[-1] in lx.NOT_MODIFIERS and self._gap_before(index - 1) == "-":
            return f"{previous[0]}-{previous[-1]}"  # "tier-one analysts": a compound
        return previous[-1]

    def _gap_before(self, index: int) -> str:
        """The text between token ``index`` and the one before it ("" for the first)."""
        if index < 1:
            return ""
        return self.text[self.tokens[index - 1].end : self.tokens[index].start]

    def after(self, index: int, count: int) -> list[str]:
        segment = self.segments[self.segment_of[index]]
        return self.norms[index + 1 : min(segment.last_token, index + 1 + count)]


def content_count(words: list[str]) -> int:
    return sum(1 for w in words if w not in lx.TRIVIAL_CLAUSE and w not in lx.ENGLISH_STOPWORDS)


def is_modifier(word: str) -> bool:
    """A word that narrows the noun after it ("solo photographers", "ER nurses")."""
    return not (
        word in lx.GENERIC_QUALIFIERS
        or word in lx.HOLLOW_QUALIFIERS
        or word in lx.ENGLISH_STOPWORDS
        or word in lx.VERBISH
        or word in lx.NOT_MODIFIERS
        or word.isdigit()
    )


def is_heading(text: str, start: int, end: int) -> bool:
    r"""A short line or label: 'Success:', '## Metrics', '**Who**' (not one item of a flat
    list: '- Usecase / - Solution / - Value' names columns, it heads nothing).

    >>> is_heading("Metrics\n- time", 0, 7), is_heading("- Usecase\n- Solution\n- Value", 12, 20)
    (True, False)
    """
    if text[end - 1] == ":":
        return True
    if _flat_list_item(text, start):
        return False
    line_end = text.find("\n", end)
    rest = text[end : line_end if line_end >= 0 else len(text)]
    return text[start] in "#*" or not rest.strip()


_BULLET = re.compile(r"[ \t]*[-*\u2022+][ \t]+(?!\*)")


def _flat_list_item(text: str, start: int) -> bool:
    """The line at ``start`` is a bullet with a sibling bullet, at its own indent, both above
    and below it (content under a heading bullet would be indented deeper)."""
    line_start = text.rfind("\n", 0, start) + 1
    own = _BULLET.match(text, line_start)
    if own is None or own.end() > start or line_start == 0:
        return False
    indent = own.group().index(own.group().strip()[0])
    previous_start = text.rfind("\n", 0, line_start - 1) + 1
    next_break = text.find("\n", start)
    siblings = 0
    for other in (previous_start, next_break + 1 if next_break >= 0 else None):
        if other is None:
            continue
        bullet = _BULLET.match(text, other)
        if bullet and bullet.group().index(bullet.group().strip()[0]) == indent:
            siblings += 1
    return siblings == 2


def heading_bodies(ctx: Context, text: str, headings: frozenset[str], span: int) -> set[int]:
    """Segments under a heading such as 'Success:' or '## Why' (up to ``span`` segments)."""
    bodies: set[int] = set()
    remaining = 0
    for number, segment in enumerate(ctx.segments):
        words = ctx.words[number]
        labelled = _is_heading_words(words, headings) and (
            segment.kind == "label" or is_heading(text, segment.start, segment.end)
        )
        if labelled or _is_heading_question(ctx, number, headings):
            remaining = span
        elif ctx.is_inline_heading(number, headings):  # "The metrics are ...": its own body
            bodies.add(number)
            # "As for the metrics, X. Y." heads what follows, as "Metrics:" does; "The metric
            # is X; Y" heads the rest of its sentence.
            remaining = span if ctx.leads_in(number) else 0
            clause = number
            while clause + 1 < len(ctx.segments) and _continues(text, ctx.segments[clause]):
                clause += 1
                bodies.add(clause)
        elif remaining:
            bodies.add(number)
            remaining -= 1
    return bodies


def _continues(text: str, segment: SegmentSpan) -> bool:
    """The sentence goes on after this segment ("X; Y", "X: Y")."""
    return text[segment.end - 1 : segment.end] in (";", ":")


def _is_heading_question(ctx: Context, number: int, headings: frozenset[str]) -> bool:
    """A spoken heading: 'Who is it for?', 'Why does it matter?', 'So what's the problem?'."""
    if not ctx.is_question(number):
        return False
    words = [w for w in ctx.words[number] if w not in lx.QUESTION_FILLERS]
    return 2 <= len(words) <= 7 and any(w in headings for w in words[:4])


def _is_heading_words(words: list[str], headings: frozenset[str]) -> bool:
    """'Why', 'Their problem', 'Success metrics': a short label led by a heading word."""
    if not 1 <= len(words) <= 4:
        return False
    if len(words) > 1 and words[1] in lx.NOT_A_HEADING_SEQUEL:  # "Why care:", "Why AI:"
        return False
    content = [w for w in words if w not in lx.ENGLISH_STOPWORDS]
    return words[0] in headings or (bool(content) and content[0] in headings)


def heading_content(
    ctx: Context, bodies: set[int], label: str, needed: int, nouns: frozenset[str] | None = None
) -> list[Match]:
    """A concrete phrase right under a heading counts as that element.

    With ``nouns`` the phrase must also name one of them (or a number): "We'll measure
    success once it's live" under "Metrics:" is not a metric.
    """
    found = []
    for number in sorted(bodies):
        segment = ctx.segments[number]
        words = ctx.words[number]
        content = [w for w in words if w not in lx.ENGLISH_STOPWORDS and w not in lx.VAGUE_WORDS]
        names_measure = nouns is None or any(w in nouns or w[:1].isdigit() for w in content)
        # "% of claims filed ..." (tokens carry no '%') names a share as surely as "share of".
        # The gap before the segment counts: a transcript's "%" is no token, so no segment's.
        after_previous = ctx.segments[number - 1].end if number else 0
        if not names_measure and "%" not in ctx.text[after_previous : segment.end]:
            continue
        if len(content) >= needed:
            found.append(Match(label, "heading", segment.first_token, segment.last_token - 1))
    return found
