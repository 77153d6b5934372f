"""Rewrites of an answer for the robustness benchmark: pure text functions, seeded where random.

Label-preserving rewrites say the same thing in another form (a transcript, prose, fillers, a
neutral opening): a human reader's seven verdicts do not change. Label-changing rewrites add or
move exactly one thing (a segment, a metric, the proposal) so one verdict should change.
"""

from __future__ import annotations

import random
import re

# --- label-preserving -----------------------------------------------------------------------

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
# Decimals stay whole ("3.5%" is what a transcriber writes); everything else splits into words.
_TRANSCRIPT_TOKEN = re.compile(r"\d+(?:\.\d+)+%?|\w+(?:'\w+)*%?|%")


def to_transcript(text: str) -> str:
    """Re-say ``text`` as an unpunctuated spoken transcript: lowercase, one line, words only.

    >>> to_transcript("Who: owner-operators (1–3 trucks).\\nPain: ~35% of miles don’t pay.")
    "who owner operators 1 3 trucks pain 35% of miles don't pay"
    >>> to_transcript("Users' AUC >= 0.85; $1,500 budget, 3.5 hrs/day - 'quoted'")
    'users auc 0.85 1500 budget 3.5 hrs day quoted'
    """
    text = _THOUSANDS.sub("", text.lower().replace("\u2019", "'"))
    return " ".join(_TRANSCRIPT_TOKEN.findall(text))


_BOLD = re.compile(r"\*\*|__|`")
_ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*(?:\d{1,2}[.)]\s*)?(.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•–—]|\d{1,2}[.)]|[a-z][)])\s+(.*)$")
_LABEL = re.compile(r"^([^\W\d_][\w '’()/&+-]{0,60}?)\s*:\s*(.*)$")
_TABLE = re.compile(r"^[ \t]*\|.*\|[ \t]*(?:\n[ \t]*\|.*\|[ \t]*)+$", re.MULTILINE)
_TABLE_RULE = re.compile(r"^[\s|:-]+$")
_CODE_FENCE = re.compile(r"(```.*?```)", re.DOTALL)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_QUESTION_WORDS = frozenset({"who", "why", "what", "how", "when", "where", "which"})
# A bare question-word heading reads as the question it stands for.
_QUESTIONS = {
    "who": "Who is it for?",
    "why": "Why does it matter?",
    "what": "What is it?",
    "how": "How does it work?",
}
_DETERMINERS = frozenset({"the", "my", "our", "your", "their", "this"})
# Headings that read as a noun phrase, so "Metrics: x" can become "The metrics are x." Any other
# label ("Interviewer:", "Before I start:", "Evaluate with caseworkers:") stays a run-in heading:
# "the {label} is" would change what the line says.
_HEADING_NOUN_WORDS = """
    user users target segment persona audience customer customers
    target-user target-users target-segment
    pain core-pain problem goal goals objective
    metric metrics success success-metric success-metrics success-measures kpi kpis north-star
    primary-metric decision-metric measure measures measurement guardrail guardrails
    solution idea ideas feature proposal concept mvp approach technical-approach tech stack
    model architecture data eval evaluation eval-plan quality quality-bar answer-quality
    output-quality ship-gate golden-set rubric risk risks failure-plan failure-handling rollout
    options assumption assumptions result outcome situation scope intervention pipeline plan
"""
HEADING_NOUNS = frozenset(_HEADING_NOUN_WORDS.split())
_LABEL_WORDS = 6
_SHORT_ITEM_WORDS = 12


def _capitalise_first(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",;:").rstrip()
    return text if not text or text.rstrip("\"')”’")[-1:] in ".!?" else text + "."


def _split_label(line: str) -> tuple[str, str] | None:
    """``"Metrics: retention"`` -> ``("Metrics", "retention")``; None when not a short label."""
    match = _LABEL.match(line)
    if not match or len(match.group(1).split()) > _LABEL_WORDS:
        return None
    return match.group(1).strip(), match.group(2).strip()


def _lower_label(label: str) -> str:
    # "Success metrics" -> "success metrics", but acronyms keep their case ("KPIs", "MVP").
    return " ".join(w.lower() if w[:1].isupper() and w[1:2].islower() else w for w in label.split())


def _noun_phrase(label: str) -> str | None:
    """``"Success metrics"`` -> ``"The success metrics are"``; None when not a known heading."""
    words = _PARENTHESIS.sub("", label).lower().split()
    determiner = bool(words) and words[0] in _DETERMINERS
    key = "-".join(words[1:] if determiner else words)
    if key not in HEADING_NOUNS:
        return None
    copula = "are" if key.endswith("s") and not key.endswith(("ss", "us", "is")) else "is"
    name = _lower_label(label) if determiner else "the " + _lower_label(label)
    return f"{_capitalise_first(name)} {copula}"


def _labelled(label: str, body: str) -> str:
    """A heading joined with its body as prose ("Who? ...", "The metrics are ...")."""
    if label.split()[0].lower() in _QUESTION_WORDS:
        question = _QUESTIONS.get(label.lower().rstrip("?"), label.rstrip("?") + "?")
        return f"{question} {_capitalise_first(_sentence(body))}".rstrip()
    phrase = _noun_phrase(label)
    if phrase is None:
        return _sentence(f"{label}: {body}" if body else label)
    return _sentence(f"{phrase} {body}")


def _list_phrase(items: list[str]) -> str:
    items = [item.strip().rstrip(".") for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _item_sentence(text: str) -> str:
    label = _split_label(text)
    return _labelled(*label) if label and label[1] else _sentence(text)


def _is_short_item(line: str) -> bool:
    return (
        _split_label(line) is None
        and not re.search(r"[.;!?]\s", line + " ")
        and len(line.split()) <= _SHORT_ITEM_WORDS
    )


def _block(heading: str | None, lines: list[str]) -> str:
    """A heading and the lines under it as one prose paragraph."""
    if heading is None:
        return " ".join(_item_sentence(line) for line in lines)
    if not lines:
        return _labelled(heading, "")
    if all(_is_short_item(line) for line in lines):
        return _labelled(heading, _list_phrase(lines))
    body = " ".join(_item_sentence(line) for line in lines)
    if _noun_phrase(heading) is None:
        return _labelled(heading, body)
    # Case is left as written ("Rosa", "Etsy"), except the "The" this rewrite put there itself.
    body = "the " + body[4:] if body.startswith("The ") else body
    return f"As for the {_lower_label(_PARENTHESIS.sub('', heading))}, {body}"


def _standalone_heading(line: str, following: list[str]) -> str | None:
    """Heading text of a line that heads a block, or None when the line is content."""
    if line.lstrip().startswith("#"):
        title = _MD_HEADING.match(line).group(1).strip()  # type: ignore[union-attr]
        label = _split_label(title)
        # "# Idea: AI form coach" is a label line; "# Metrics" heads what follows.
        return None if label and label[1] else title.rstrip(":")
    label = _split_label(line)
    if label and not label[1]:
        return label[0]
    next_line = next((f for f in following if f.strip()), "")
    if not _LIST_ITEM.match(next_line):
        return None
    # "Measured by:" leads into the list under it; so does a short title line ("North star").
    if line.rstrip().endswith(":"):
        return _content(line).rstrip(":")
    ends_open = not line.rstrip().endswith((".", "!", "?", ";", ","))
    short_title = ends_open and len(line.split()) <= 5 and not _LIST_ITEM.match(line)
    return line.strip() if short_title else None


def _content(line: str) -> str:
    if line.lstrip().startswith("#"):
        return _MD_HEADING.match(line).group(1).strip()  # type: ignore[union-attr]
    item = _LIST_ITEM.match(line)
    return item.group(1) if item else line.strip()


def to_prose(text: str) -> str:
    """Turn bullets and ``Heading:`` lines into sentences and drop markdown emphasis.

    Paragraphs stay paragraphs; a text without markup comes back unchanged.

    >>> to_prose("Who: **owner-operators** in the US\\nMetrics: deadhead %; revenue per mile")
    'Who is it for? Owner-operators in the US. The metrics are deadhead %; revenue per mile.'
    >>> print(to_prose("## Metrics\\n- Week-4 retention\\n- reps corrected\\n\\n* auto chapters"))
    The metrics are Week-4 retention and reps corrected.
    <BLANKLINE>
    auto chapters.
    >>> to_prose("| Who | Measure |\\n|---|---|\\n| nurses | minutes per note |")
    'Who is it for? Nurses. The measure is minutes per note.'
    >>> to_prose("Interviewer: Go on.\\nBefore I start: one question")
    'Interviewer: Go on. Before I start: one question.'
    >>> print(to_prose("So: a chat. Measured by:\\n- escalations\\n- misses\\n```\\n# x: y\\n```"))
    So: a chat. Measured by: escalations and misses.
    <BLANKLINE>
    ```
    # x: y
    ```
    >>> to_prose("Plain prose stays. It has *no* markup")
    'Plain prose stays. It has no markup'
    """
    # Code is left as written: its comments and indentation are not headings and bullets.
    parts = _CODE_FENCE.split(text)
    return "\n\n".join(
        part.strip() if number % 2 else _markdown_to_prose(part)
        for number, part in enumerate(parts)
        if part.strip()
    )


def _table_to_labels(match: re.Match[str]) -> str:
    """A markdown table as one ``Header: cell`` line per cell, a paragraph per row."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in match.group(0).splitlines()
        if not _TABLE_RULE.match(line)
    ]
    header, body = rows[0], rows[1:]
    if not body or any(len(row) != len(header) for row in body):
        return match.group(0)
    return "\n\n".join(
        "\n".join(f"{name}: {cell}" for name, cell in zip(header, row, strict=True) if cell)
        for row in body
    )


def _markdown_to_prose(text: str) -> str:
    text = _TABLE.sub(_table_to_labels, _ITALIC.sub(r"\1", _BOLD.sub("", text)))
    paragraphs: list[str] = []
    heading: str | None = None
    lines: list[str] = []
    laid_out = False  # a list item in the current paragraph

    def flush() -> None:
        if heading is None and len(lines) == 1 and not laid_out:
            # A plain paragraph is prose already: only a label opening it changes.
            label = _split_label(lines[0])
            paragraphs.append(_labelled(*label) if label and label[1] else lines[0])
        elif heading is not None or lines:
            paragraphs.append(_block(heading, lines))

    raw = text.splitlines()
    for number, line in enumerate(raw):
        title = None if not line.strip() else _standalone_heading(line, raw[number + 1 :])
        if not line.strip() or title is not None:
            flush()
            heading, lines, laid_out = title, [], False
        else:
            lines.append(_content(line))
            laid_out = laid_out or bool(_LIST_ITEM.match(line))
    flush()
    return "\n\n".join(p for p in paragraphs if p)


FILLERS = ("um", "uh", "you know", "like", "so basically", "right")
FILLER_RATE = 0.3
# Fillers go between sentences and clauses inside a line: a filler before "Who:" at the start of
# a bullet is not something anyone says or writes.
_BOUNDARY = re.compile(r"(?P<mark>[.!?,])[ \t]+(?=\S)")


def add_fillers(text: str, *, seed: int = 0, rate: float = FILLER_RATE) -> str:
    """Insert spoken fillers at about ``rate`` of the sentence and clause boundaries.

    >>> add_fillers("We start small. Then, we grow, slowly.", seed=0, rate=1.0)
    'We start small, like. Then, so basically, we grow, you know, slowly.'
    >>> add_fillers("No boundaries here", seed=1, rate=1.0)
    'No boundaries here'
    """
    rng = random.Random(seed)

    def insert(match: re.Match[str]) -> str:
        if rng.random() >= rate:
            return match.group(0)
        # Closing the sentence with the filler keeps the next sentence's first word as it was.
        return f", {rng.choice(FILLERS)}{match.group('mark')} "

    return _BOUNDARY.sub(insert, text)


NEUTRAL_OPENINGS = (
    "Thanks, let me take a moment to structure my answer.",
    "Good question. Give me a second to gather my thoughts.",
    "Okay, there is a lot to unpack here, so let me think out loud.",
    "Sure. Let me lay out my thinking step by step.",
)


def _join(first: str, second: str) -> str:
    """Two texts one after the other: a paragraph break in laid-out text, a space in one line."""
    first = first.rstrip()
    separator = "\n\n" if "\n" in first + second else " "
    if separator == " " and first and first[-1] not in ".!?":
        first += "."
    return first + separator + second.lstrip()


def add_neutral_opening(text: str, *, seed: int = 0) -> str:
    """Prepend a sentence that names no user, problem, metric, criterion, technology or plan.

    >>> add_neutral_opening("Nurses lose 40 minutes a shift.")
    'Thanks, let me take a moment to structure my answer. Nurses lose 40 minutes a shift.'
    >>> print(add_neutral_opening("Who: nurses\\nPain: handovers", seed=3))
    Sure. Let me lay out my thinking step by step.
    <BLANKLINE>
    Who: nurses
    Pain: handovers
    """
    return _join(NEUTRAL_OPENINGS[seed % len(NEUTRAL_OPENINGS)], text)


# --- label-changing -------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+(?=\S)|\n+")


def sentence_span(text: str, offset: int) -> tuple[int, int]:
    """Start and end of the sentence (or line) of ``text`` holding ``offset``.

    >>> text = "Nurses lose time. I'd build a scribe.\\nMetric: minutes"
    >>> start, end = sentence_span(text, text.index("build"))
    >>> text[start:end]
    "I'd build a scribe."
    """
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > offset:
            return start, match.start()
        start = match.end()
    return start, len(text.rstrip())


def _section_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a line under a heading ("## Solution", "Proposal:") to the heading and its list.

    In laid-out answers the heading is what makes a bare bullet a proposal; moving the bullet
    alone would leave the heading behind and move a fragment.
    """
    if start and text[start - 1] != "\n":
        return start, end
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    index = offsets.index(start)
    first = index  # the first item of the list holding the line
    while first > 0 and lines[first - 1].strip() and _LIST_ITEM.match(lines[first - 1]):
        first -= 1
    heading = first - 1
    if heading < 0 or _standalone_heading(lines[heading], lines[first:]) is None:
        return start, end
    last = index + 1
    while last < len(lines) and lines[last].strip() and _LIST_ITEM.match(lines[last]):
        last += 1
    return offsets[heading], offsets[last]


def move_to_front(text: str, offset: int) -> str:
    """Move the sentence holding ``offset`` (with its heading, in laid-out text) to the front.

    >>> move_to_front("Nurses lose time. Success is minutes saved. I'd build a scribe.", 46)
    "I'd build a scribe. Nurses lose time. Success is minutes saved."
    >>> print(move_to_front("Who: nurses\\nIdea: a scribe\\nMetric: minutes", 14))
    Idea: a scribe
    Who: nurses
    Metric: minutes
    >>> print(move_to_front("## Who\\n- nurses\\n\\n## Solution\\n- a scribe\\n- with an LLM", 30))
    ## Solution
    - a scribe
    - with an LLM
    ## Who
    - nurses
    """
    start, end = _section_span(text, *sentence_span(text, offset))
    skip = end + len(text[end:]) - len(text[end:].lstrip())
    rest = (text[:start] + text[skip:]).strip()
    whole_line = "\n" in text and (start == 0 or text[start - 1] == "\n")
    return text[start:end].strip() + ("\n" if whole_line else " ") + rest


SEGMENTS = (
    "I'd focus on night-shift ICU nurses at regional hospitals.",
    "The segment I'd pick is first-time sellers on Etsy who ship fewer than ten orders a month.",
    "This is for independent pharmacists who run a single store.",
    "My target user is a warehouse shift supervisor at a mid-size logistics company.",
    "I'd start with parents of toddlers where both parents work full time.",
    "The people I have in mind are freelance translators who work for several agencies.",
    "I'm targeting owners of small dental practices with two or three chairs.",
    "Specifically, I'd serve high-school chemistry teachers in their first two years.",
    "The users who need this most are long-haul truck drivers who own their rigs.",
    "Let's narrow it to retirees over 70 who live alone and manage their own medications.",
    "The first segment would be wedding photographers who shoot thirty weddings a year.",
    "I'd pick community-clinic receptionists who book appointments by phone.",
)

METRICS = (
    "I'd measure success by 30-day retention of new users.",
    "The metric I'd watch is the share of orders delivered on time.",
    "Success means median time to resolve a ticket drops from 9 hours to 4.",
    "I'd track the share of weekly active accounts with at least three sessions.",
    "The north star is conversion from free trial to paid within 14 days.",
    "I'd judge it by the churn rate of accounts in their first 90 days.",
    "The key number is support contacts per 100 orders.",
    "I'd look at the percentage of drafts sent without edits.",
    "We'd know it worked if week-4 retention rises from 20% to 30%.",
    "My primary metric is the number of bookings completed per active user per month.",
)


def add_segment(text: str, *, seed: int = 0) -> str:
    """Prepend or append (by ``seed``) a sentence naming a specific user segment.

    >>> print(add_segment("We should build a scheduling assistant.", seed=2))
    ... # doctest: +NORMALIZE_WHITESPACE
    This is for independent pharmacists who run a single store.
    We should build a scheduling assistant.
    >>> print(add_segment("We should build a scheduling assistant", seed=13))
    ... # doctest: +NORMALIZE_WHITESPACE
    We should build a scheduling assistant. The segment I'd pick is first-time sellers on Etsy
    who ship fewer than ten orders a month.
    """
    sentence = SEGMENTS[seed % len(SEGMENTS)]
    prepend = (seed // len(SEGMENTS)) % 2 == 0
    return _join(sentence, text) if prepend else _join(text, sentence)


def add_metric(text: str, *, seed: int = 0) -> str:
    """Append a sentence naming a concrete success metric.

    >>> print(add_metric("Freelancers lose invoices.", seed=0))  # doctest: +NORMALIZE_WHITESPACE
    Freelancers lose invoices. I'd measure success by 30-day retention of new users.
    """
    return _join(text, METRICS[seed % len(METRICS)])
