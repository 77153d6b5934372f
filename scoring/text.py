"""Text preparation: sanitising, tokenising and segmenting without losing offsets.

Every function here keeps character offsets into the ORIGINAL answer, so evidence can be
highlighted in place. All patterns are linear (no nested quantifiers): a 100,000-character
adversarial input must not backtrack catastrophically.
"""

from __future__ import annotations

import re

# Control characters (except tab/newline) and lone surrogates are replaced one-for-one,
# so offsets stay valid while the patterns below see only ordinary text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?(?:[kmbx]|st|nd|rd|th|s)?$")
_NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
        "dozen",
        "half",
    ]
)
_SENTENCE_END = re.compile(
    r"[.!?]+[\"')\]]*(?=\s)|[.!?]+[\"')\]]*\Z|\n\s*\n?|[;:](?=\s)|(?<=\s)[-–—•*]\s"
)

# Spoken transcripts arrive without punctuation; chunk them at discourse markers instead.
DISCOURSE_MARKERS = frozenset(
    [
        "so",
        "and",
        "but",
        "then",
        "first",
        "second",
        "third",
        "next",
        "also",
        "because",
        "um",
        "uh",
        "okay",
        "ok",
        "like",
        "basically",
        "anyway",
        "finally",
        "lastly",
        "now",
        "after",
    ]
)
MAX_CHUNK_WORDS = 28
MIN_CHUNK_WORDS = 8


def sanitize(answer: str) -> str:
    """Return a same-length copy with control characters and lone surrogates blanked."""
    return _CONTROL.sub(" ", answer)


class Token:
    """One word: its lower-cased form and where it sits in the answer.

    A plain slotted class rather than a frozen dataclass: tokens are the hot path, and a
    frozen dataclass costs twice as much to build.
    """

    __slots__ = ("end", "is_number", "norm", "start")

    def __init__(self, norm: str, start: int, end: int, is_number: bool) -> None:
        self.norm = norm
        self.start = start
        self.end = end
        self.is_number = is_number

    def __repr__(self) -> str:
        return f"Token({self.norm!r}, {self.start}, {self.end})"


def tokenize(text: str) -> list[Token]:
    """Split into word tokens (letters/digits, inner apostrophes kept)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lower-cased
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    lowered = lowered.replace("’", "'")
    # findall + str.find is about twice as fast as building a match object per word.
    tokens = []
    append = tokens.append
    find = lowered.find
    position = 0
    for word in _TOKEN.findall(lowered):
        start = find(word, position)
        position = start + len(word)
        is_number = (word[0].isdigit() and bool(_NUMBER.match(word))) or word in _NUMBER_WORDS
        append(Token(word, start, position, is_number))
    return tokens


def is_word(text: str) -> bool:
    """Whether ``text`` can be one token's norm (lower case; no hyphen, stop or symbol)."""
    return text == text.lower().replace("’", "'") and _TOKEN.fullmatch(text) is not None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence (or bullet line) spans, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if text[match.start()] in ".!?;:" else match.start()
        start, stop = _trim(text, cursor, end)
        if stop > start:
            spans.append((start, stop))
        cursor = max(match.end(), end)
    start, stop = _trim(text, cursor, len(text))
    if stop > start:
        spans.append((start, stop))
    return spans


def chunk_long_span(tokens: list[Token], lo: int, hi: int) -> list[tuple[int, int]]:
    """Split tokens[lo:hi] into clause-sized token ranges at discourse markers.

    A run-on spoken sentence is cut before a marker such as "so" or "and" once the chunk
    has MIN_CHUNK_WORDS words, and hard-cut at MAX_CHUNK_WORDS.
    """
    ranges: list[tuple[int, int]] = []
    begin = lo
    for index in range(lo, hi):
        length = index - begin
        at_marker = tokens[index].norm in DISCOURSE_MARKERS and length >= MIN_CHUNK_WORDS
        if at_marker or length >= MAX_CHUNK_WORDS:
            ranges.append((begin, index))
            begin = index
    if begin < hi:
        ranges.append((begin, hi))
    return ranges
