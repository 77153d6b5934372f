"""The review form, from a review target: a mentor's page, a review link and a review file
all draw this one.

It keeps a draft (where the caller can store one), adds comments one at a time (each checked
and highlighted as it is added) and lets the reviewer select words as well as quote them.
Each engine flag and each element starts undecided (the engine's reading of an element is
shown beside it): only what the reviewer decided is returned, so agreement statistics never
count a flag or an element nobody looked at.

It only collects what the reviewer says and returns it as the dict
:func:`coach.services.review_content.parse_review` reads; the caller stores it through a
service, which checks it again against the attempt. Span comments are kept as offsets: the
reviewer quotes the words, or selects a run of words with a slider; either way the comment is
shown highlighted in the answer before it is stored. Every widget key starts with ``key``, so
two forms (two attempts) never share state.

Stable widget keys (``{key}`` is the caller's prefix, e.g. ``review_12``):
``{key}_name`` (only with ``ask_name``); ``{key}_overall``; a new comment:
``{key}_comment_mode`` (Quote / Select / Whole answer), ``{key}_comment_quote``,
``{key}_comment_words``, ``{key}_comment_body``, button ``{key}_comment_add``, then
``{key}_comment_remove_{n}``; per engine flag ``n`` (0-based, as listed): ``{key}_flag_{n}``
(Not reviewed / Agree / Disagree) and ``{key}_flag_reason_{n}``; a missed flag:
``{key}_missed_flag``, ``{key}_missed_reason``, button ``{key}_missed_add``, then
``{key}_missed_remove_{n}``; per label: ``{key}_element_{label}`` (Not judged / Present /
Missing); the score:
``{key}_override_on``, ``{key}_override``, ``{key}_override_reason``; buttons ``{key}_save``
("Save draft", only with ``allow_draft``) and ``{key}_submit`` ("Submit review").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import streamlit as st

from coach.errors import ReviewInputError
from coach.services.review_content import (
    MAX_NAME_CHARS,
    ReviewInput,
    ReviewTarget,
    anchored,
    flag_place,
    parse_review,
)
from coach.ui.highlight import highlight_html, marks_from_comments
from coach.ui.labels import element_label
from coach.ui.widgets import md_escape, rule_text
from scoring.labels import LABELS

UNDECIDED = "undecided"  # a flag the reviewer has not judged: never stored as a decision
DECISIONS: dict[str, str] = {UNDECIDED: "Not reviewed", "accept": "Agree", "reject": "Disagree"}
COMMENT_MODES: dict[str, str] = {
    "quote": "Quote the words",
    "select": "Select words",
    "whole": "Whole answer",
}
VERDICTS: dict[str, str] = {UNDECIDED: "Not judged", "present": "Present", "missing": "Missing"}
LABEL_TITLES: dict[str, str] = {
    "solution_first": "Solution before the problem",
    "tech_before_framing": "Technology before the framing",
}
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class ReviewFormResult:
    """What the reviewer asked for: save ``data`` as a draft, or submit it; with the name they
    gave (only when the form asked for one)."""

    data: dict[str, Any]
    submit: bool
    reviewer_name: str | None = None


def mentor_review_form(
    target: ReviewTarget,
    *,
    key: str,
    draft: ReviewInput | None = None,
    allow_draft: bool = True,
    ask_name: bool = False,
    name: str = "",
) -> ReviewFormResult | None:
    """Draw the review form for ``target`` (seeded from ``draft``); return the data when a
    button was pressed, else None. ``allow_draft`` False hides "Save draft" (for callers that
    cannot keep one); ``ask_name`` starts with the reviewer's name, prefilled with ``name``."""
    _seed(target, key, draft)
    answer = target.answer
    state = st.session_state

    if ask_name:
        state.setdefault(f"{key}_name", name)
        st.text_input(
            "Your name (shown to the learner)", key=f"{key}_name", max_chars=MAX_NAME_CHARS
        )
    st.text_area(
        "Comment on the whole answer",
        key=f"{key}_overall",
        height=100,
        placeholder="What works, what to change first.",
    )
    _comments(answer, key)
    _flag_decisions(target, key)
    _missed_flags(target, key)
    _elements(target, key)
    _override(target, key)

    left, right, _ = st.columns([1, 1, 3])
    saved = allow_draft and left.button("Save draft", key=f"{key}_save", icon=":material/save:")
    submitted = right.button(
        "Submit review", key=f"{key}_submit", type="primary", icon=":material/send:"
    )
    if not (saved or submitted):
        return None
    unsent = _unsent_text(key)
    if unsent:
        # Never drop words the reviewer typed: they decide whether to add or clear them.
        st.warning(f"You typed {unsent} but did not add it: add it or clear it, then try again.")
        return None
    on = bool(state[f"{key}_override_on"])
    decisions = [
        {
            "flag_id": flag.id,
            "decision": state[f"{key}_flag_{n}"],
            "span_start": flag_place(flag)[0],
            "span_end": flag_place(flag)[1],
            "reason": state[f"{key}_flag_reason_{n}"],
        }
        for n, flag in enumerate(target.flags)
        if state[f"{key}_flag_{n}"] != UNDECIDED
    ]
    data = {
        "overall_comment": state[f"{key}_overall"],
        "comments": list(state[f"{key}__comments"]),
        "decisions": decisions + list(state[f"{key}__missed"]),
        "elements": {
            label: state[f"{key}_element_{label}"] == "present"
            for label in LABELS
            if state[f"{key}_element_{label}"] != UNDECIDED
        },
        "score_override": int(state.get(f"{key}_override", 0)) if on else None,
        "override_reason": state.get(f"{key}_override_reason", "") if on else "",
    }
    return ReviewFormResult(
        data=data,
        submit=bool(submitted),
        reviewer_name=str(state[f"{key}_name"]) if ask_name else None,
    )


def clear_review_form(key: str) -> None:
    """Forget what the form ``key`` holds, so it starts afresh (after a review was sent)."""
    state = st.session_state
    for name in [name for name in state if str(name).startswith(f"{key}_")]:
        del state[name]


# --- parts ---------------------------------------------------------------------------------


def _seed(target: ReviewTarget, key: str, draft: ReviewInput | None) -> None:
    """Give each widget its first value, the draft's or else the engine's reading; again after
    Streamlit dropped it (a widget not drawn on a run loses its state)."""
    state = st.session_state

    def put(name: str, value: Any) -> None:
        if f"{key}_{name}" not in state:
            state[f"{key}_{name}"] = value

    decided = {(d.flag_id, d.span_start): d for d in (draft.decisions if draft else ())}
    put("overall", draft.overall_comment if draft else "")
    put("_comments", [c.model_dump() for c in draft.comments] if draft else [])
    put("_missed", [d.model_dump() for d in decided.values() if d.decision == "add"])
    for n, flag in enumerate(target.flags):
        mine = decided.get((flag.id, flag_place(flag)[0]))
        put(f"flag_{n}", mine.decision if mine and mine.decision != "add" else UNDECIDED)
        put(f"flag_reason_{n}", mine.reason if mine else "")
    verdicts = draft.elements if draft else {}
    for label in LABELS:
        verdict = verdicts.get(label)
        put(f"element_{label}", UNDECIDED if verdict is None else _present(verdict))
    override = draft.score_override if draft else None
    report = target.report
    put("override_on", override is not None)
    put("override", override if override is not None else (report.overall if report else 50))
    put("override_reason", draft.override_reason if draft else "")


def _unsent_text(key: str) -> str | None:
    """What the reviewer typed in an "add" box without pressing its button, if anything."""
    state = st.session_state
    if str(state.get(f"{key}_comment_body", "")).strip():
        return "a comment"
    if str(state.get(f"{key}_missed_reason", "")).strip():
        return "a reason for a missed flag"
    return None


def _words(answer: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(answer)]


def _add_comment(answer: str, key: str) -> None:
    """Check the new comment against the answer and append it (runs before the rerun, so it
    may clear the inputs)."""
    state = st.session_state
    mode = state[f"{key}_comment_mode"]
    comment: dict[str, Any] = {"body": state.get(f"{key}_comment_body", "")}
    if mode == "quote":
        comment["quote"] = state.get(f"{key}_comment_quote", "")
    elif mode == "select":
        words = _words(answer)
        first, last = state.get(f"{key}_comment_words", (0, 0))
        if not words or not 0 <= first <= last < len(words):
            state[f"{key}__comment_error"] = "Select the words the comment is about."
            return
        comment["span_start"], comment["span_end"] = words[first][0], words[last][1]
    try:
        parsed = parse_review({"comments": [comment]}).comments[0]
        if mode == "quote" and not parsed.quote:
            raise ReviewInputError("Quote the words the comment is about, or pick Whole answer.")
        placed = anchored(parsed, answer)
    except ReviewInputError as error:
        state[f"{key}__comment_error"] = str(error)
        return
    state[f"{key}__comments"] = [*state[f"{key}__comments"], placed.model_dump()]
    state[f"{key}_comment_body"] = ""
    state[f"{key}_comment_quote"] = ""
    state.pop(f"{key}__comment_error", None)


def _remove(list_key: str, index: int) -> None:
    items = list(st.session_state[list_key])
    if 0 <= index < len(items):
        del items[index]
    st.session_state[list_key] = items


def _removable(markdown: str, *, list_key: str, index: int, button_key: str) -> None:
    """Item ``index`` of the list at ``list_key``, shown as (escaped) ``markdown``, with a
    Remove button."""
    row = st.columns([6, 1], vertical_alignment="center")
    row[0].markdown(markdown)
    row[1].button("Remove", key=button_key, on_click=_remove, args=(list_key, index))


def _comments(answer: str, key: str) -> None:
    state = st.session_state
    comments: list[dict[str, Any]] = state[f"{key}__comments"]
    st.markdown("**Comments on the answer**")
    spans = [
        (c["span_start"], c["span_end"], c["body"])
        for c in comments
        if c.get("span_start") is not None and c.get("span_end") is not None
    ]
    if spans:
        st.html(highlight_html(answer, marks_from_comments(spans, len(answer))))
    number = 0
    for index, comment in enumerate(comments):
        if comment.get("span_start") is not None:
            number += 1
            where = f"{number}. On “{md_escape(comment['quote'])}”"
        else:
            where = "On the whole answer"
        _removable(
            f"{where}: {md_escape(comment['body'])}",
            list_key=f"{key}__comments",
            index=index,
            button_key=f"{key}_comment_remove_{index}",
        )
    with st.container(border=True):
        mode = st.radio(
            "New comment about",
            list(COMMENT_MODES),
            format_func=COMMENT_MODES.__getitem__,
            horizontal=True,
            key=f"{key}_comment_mode",
        )
        words = _words(answer)
        if mode == "quote":
            st.text_input(
                "Quoted words (exactly as in the answer)",
                key=f"{key}_comment_quote",
                placeholder="Paste or type words from the answer",
            )
        elif mode == "select" and words:
            last = len(words) - 1
            first, end = st.select_slider(
                "Select words (first and last)",
                options=range(len(words)),
                value=(0, min(4, last)),
                format_func=lambda i: f"{i + 1}: {answer[words[i][0] : words[i][1]][:30]}",
                key=f"{key}_comment_words",
            )
            st.caption(f"Selected: “{md_escape(answer[words[first][0] : words[end][1]])}”")
        st.text_area("Comment", key=f"{key}_comment_body", height=80)
        st.button(
            "Add comment",
            key=f"{key}_comment_add",
            icon=":material/add_comment:",
            on_click=_add_comment,
            args=(answer, key),
        )
        if problem := state.get(f"{key}__comment_error"):
            st.error(problem)


def _flag_decisions(target: ReviewTarget, key: str) -> None:
    st.markdown("**The coach's red flags**")
    if not target.flags:
        st.caption("The coach raised no red flag on this answer.")
    else:
        st.caption("Only the flags you agree or disagree with count in the coach's agreement.")
    for n, flag in enumerate(target.flags):
        title, _ = rule_text(flag.id)
        # The evidence tells apart two flags of one rule (e.g. two vague metrics).
        quoted = flag.evidence.strip()
        where = f": “{quoted[:40]}{'…' if len(quoted) > 40 else ''}”" if quoted else ""
        row = st.columns([2, 3], vertical_alignment="bottom")
        row[0].radio(
            md_escape(f"{n + 1}. {title}{where}"),
            list(DECISIONS),
            format_func=DECISIONS.__getitem__,
            horizontal=True,
            key=f"{key}_flag_{n}",
        )
        row[1].text_input(
            "Reason (needed to disagree)",
            key=f"{key}_flag_reason_{n}",
            placeholder="Why the coach is right or wrong here",
        )


def _add_missed(key: str) -> None:
    state = st.session_state
    flag_id = state.get(f"{key}_missed_flag")
    reason = str(state.get(f"{key}_missed_reason", "")).strip()
    if not flag_id or not reason:
        state[f"{key}__missed_error"] = "Pick the flag the coach missed and say why."
        return
    entry = {"flag_id": flag_id, "decision": "add", "reason": reason}
    if any(item["flag_id"] == flag_id for item in state[f"{key}__missed"]):
        state[f"{key}__missed_error"] = f'"{flag_id}" is added already.'
        return
    state[f"{key}__missed"] = [*state[f"{key}__missed"], entry]
    state[f"{key}_missed_reason"] = ""
    state.pop(f"{key}__missed_error", None)


def _missed_flags(target: ReviewTarget, key: str) -> None:
    state = st.session_state
    st.markdown("**Red flags the coach missed**")
    for index, item in enumerate(state[f"{key}__missed"]):
        title, _ = rule_text(item["flag_id"])
        _removable(
            f"{md_escape(title)}: {md_escape(item['reason'])}",
            list_key=f"{key}__missed",
            index=index,
            button_key=f"{key}_missed_remove_{index}",
        )
    row = st.columns([2, 3, 1], vertical_alignment="bottom")
    row[0].selectbox(
        "Flag",
        target.known_flags,
        format_func=lambda flag_id: f"{rule_text(flag_id)[0]} ({flag_id})",
        key=f"{key}_missed_flag",
    )
    row[1].text_input("Why it applies", key=f"{key}_missed_reason")
    row[2].button("Add flag", key=f"{key}_missed_add", on_click=_add_missed, args=(key,))
    if problem := state.get(f"{key}__missed_error"):
        st.error(problem)


def _present(present: bool) -> str:
    return "present" if present else "missing"


def _elements(target: ReviewTarget, key: str) -> None:
    st.markdown("**What the answer contains**")
    st.caption("Only the elements you judge count in the coach's agreement.")
    columns = st.columns(4)
    for index, label in enumerate(LABELS):
        said = target.engine_labels.get(label)
        columns[index % 4].radio(
            LABEL_TITLES.get(label, element_label(label)),
            list(VERDICTS),
            format_func=VERDICTS.__getitem__,
            key=f"{key}_element_{label}",
            help=None if said is None else f"The coach: {VERDICTS[_present(said)].lower()}.",
        )


def _override(target: ReviewTarget, key: str) -> None:
    report = target.report
    coach_score = f" (the coach: {report.overall}/100)" if report else ""
    if st.checkbox(f"Override the score{coach_score}", key=f"{key}_override_on"):
        row = st.columns([1, 3])
        row[0].number_input("Your score", 0, 100, step=1, key=f"{key}_override")
        row[1].text_input("Why", key=f"{key}_override_reason")
