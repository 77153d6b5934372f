"""The review form: what a reviewer says about one attempt, as the dict ``review_content``
checks (the services check it; this module only draws and collects).

An overall comment, comments on quoted words, accept or reject for each of the engine's flags
(with a reason), a flag the engine missed, verdicts on the seven elements and an optional
score override with its reason. One ``st.form``, so nothing reruns while the reviewer types.
"""

from __future__ import annotations

from typing import Any, Protocol

import streamlit as st

from coach.services.review_content import MAX_COMMENT_CHARS, MAX_NAME_CHARS, flag_place
from coach.ui.labels import element_label
from coach.ui.widgets import rule_text
from scoring import RULES
from scoring.labels import LABELS
from scoring.report import Report

SPAN_COMMENTS = 3  # quote boxes shown; a reviewer with more to say uses the overall comment
_NO_DECISION, _ACCEPT, _REJECT = "No decision", "Accept", "Reject"
_UNJUDGED, _PRESENT, _MISSING = "Not judged", "Present", "Missing"
_NONE = ""


class Reviewable(Protocol):
    """What the form needs of an attempt (a stored one or one from a review file)."""

    @property
    def answer(self) -> str: ...
    @property
    def report(self) -> Report | None: ...


def draw_review_form(
    attempt: Reviewable, *, key: str = "review", ask_name: bool = False, name: str = ""
) -> dict[str, Any] | None:
    """Draw the form; return the review as a dict once submitted (None before).

    With ``ask_name`` the form starts with a name field (prefilled with ``name``) and the dict
    also holds ``reviewer_name``.
    """
    flags = list(attempt.report.flags) if attempt.report is not None else []
    with st.form(key=f"{key}_form"):
        reviewer = ""
        if ask_name:
            reviewer = st.text_input(
                "Your name (shown to the learner)",
                value=name,
                max_chars=MAX_NAME_CHARS,
                key=f"{key}_name",
            )
        overall = st.text_area("Overall comment", max_chars=MAX_COMMENT_CHARS, key=f"{key}_overall")
        st.markdown("**Comments on the answer's words**")
        st.caption("Paste the words exactly as the answer has them; the first match is used.")
        comments = []
        for number in range(SPAN_COMMENTS):
            quote_col, body_col = st.columns([2, 3])
            quote = quote_col.text_input(f"Quoted words {number + 1}", key=f"{key}_quote_{number}")
            body = body_col.text_input(
                f"Comment {number + 1}", max_chars=MAX_COMMENT_CHARS, key=f"{key}_comment_{number}"
            )
            if quote.strip() or body.strip():
                comments.append({"quote": quote.strip(), "body": body})
        decisions = _flag_decisions(flags, key)
        elements = _element_verdicts(key)
        st.markdown("**Score**")
        override_on = st.checkbox("Override the coach's score", key=f"{key}_override_on")
        score_col, reason_col = st.columns([1, 3])
        score = score_col.number_input(
            "Your score", min_value=0, max_value=100, value=50, step=1, key=f"{key}_score"
        )
        override_reason = reason_col.text_input("Why this score", key=f"{key}_override_reason")
        submitted = st.form_submit_button("Submit review", type="primary", key=f"{key}_submit")
    if not submitted:
        return None
    review: dict[str, Any] = {
        "overall_comment": overall,
        "comments": comments,
        "decisions": decisions,
        "elements": elements,
        "score_override": int(score) if override_on else None,
        "override_reason": override_reason if override_on else "",
    }
    if ask_name:
        review["reviewer_name"] = reviewer
    return review


def _flag_decisions(flags: list[Any], key: str) -> list[dict[str, Any]]:
    decisions: list[dict[str, Any]] = []
    if flags:
        st.markdown("**The coach's red flags**")
    for number, flag in enumerate(flags, start=1):
        title, _ = rule_text(flag.id)
        choice_col, reason_col = st.columns([2, 3])
        choice = choice_col.radio(
            f"{number}. {title}",
            (_NO_DECISION, _ACCEPT, _REJECT),
            horizontal=True,
            key=f"{key}_flag_{number}",
        )
        reason = reason_col.text_input(
            f"Reason for flag {number}", key=f"{key}_flag_reason_{number}"
        )
        if choice != _NO_DECISION:
            start, end = flag_place(flag)
            decisions.append(
                {
                    "flag_id": flag.id,
                    "decision": "accept" if choice == _ACCEPT else "reject",
                    "span_start": start,
                    "span_end": end,
                    "reason": reason,
                }
            )
    missed_col, why_col = st.columns([2, 3])
    missed = missed_col.selectbox(
        "A red flag the coach missed",
        (_NONE, *sorted(rule.id for rule in RULES)),
        format_func=lambda rule_id: rule_text(rule_id)[0] if rule_id else "—",
        key=f"{key}_missed",
    )
    why = why_col.text_input("Why it applies", key=f"{key}_missed_reason")
    if missed:
        decisions.append({"flag_id": missed, "decision": "add", "reason": why})
    return decisions


def _element_verdicts(key: str) -> dict[str, bool]:
    st.markdown("**Elements**")
    verdicts: dict[str, bool] = {}
    columns = st.columns(4)
    for index, element in enumerate(LABELS):
        choice = columns[index % 4].selectbox(
            element_label(element),
            (_UNJUDGED, _PRESENT, _MISSING),
            key=f"{key}_element_{element}",
        )
        if choice != _UNJUDGED:
            verdicts[element] = choice == _PRESENT
    return verdicts
