"""The learner's side of a mentor's review on Feedback: the score override beside the coach's
score, what mentors said of each flag, and the review itself with span comments highlighted in
the answer and one reply box per comment. Everything a reviewer wrote is shown as text.

Stable keys: ``feedback_reply_{comment id}`` (the reply box) and
``feedback_reply_send_{comment id}`` ("Reply").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from coach.errors import CoachError
from coach.services import reviews
from coach.services.reviews import ReviewShown
from coach.ui.highlight import highlight_html, marks_from_comments
from coach.ui.state import FEEDBACK_CACHE, flash
from coach.ui.widgets import md_escape, rule_text
from scoring.report import Flag, Report

VERDICT_WORDS: dict[str, str] = {"accept": "agrees", "reject": "disagrees"}


def reviewer_label(review: ReviewShown) -> str:
    """Who reviewed, as plain text (the name is the reviewer's own text)."""
    kind = {"account": "mentor", "link": "via review link", "file": "via review file"}
    return f"{review.reviewer_name or 'A reviewer'} ({kind.get(review.source, review.source)})"


def flag_notes(
    flags: Sequence[Flag], found: Sequence[ReviewShown]
) -> dict[tuple[str, int], list[str]]:
    """What each reviewer said of each flag, for ``flag_list_html(reviewed=...)``."""
    notes: dict[tuple[str, int], list[str]] = {}
    for flag in flags:
        for review in found:
            decision = review.decision_on(flag)
            if decision is None or decision.decision not in VERDICT_WORDS:
                continue
            said = f"{reviewer_label(review)} {VERDICT_WORDS[decision.decision]}"
            notes.setdefault((flag.id, flag.start), []).append(
                f"{said}: {decision.reason}" if decision.reason else said
            )
    return notes


def score_overrides(report: Report, found: Sequence[ReviewShown]) -> None:
    """Show each reviewer's score next to the coach's, with their reason."""
    for review in found:
        if review.score_override is None:
            continue
        st.info(
            f"**{md_escape(reviewer_label(review))}** scores this answer "
            f"**{review.score_override}/100** (the coach: {report.overall}/100): "
            f"{md_escape(review.override_reason)}",
            icon=":material/rate_review:",
        )


def mentor_reviews(
    db: Any, user: Any, answer: str, found: Sequence[ReviewShown], *, owner: bool = True
) -> None:
    """Draw each submitted review: overall comment, flags the coach missed, span comments
    highlighted in the answer, and the learner's reply to each comment (a reply box, once,
    when ``owner``; the reviewer reads the replies)."""
    for review in found:
        with st.container(border=True, key=f"feedback_review_{review.id}"):
            when = f" · {review.submitted_at:%d %b %Y}" if review.submitted_at else ""
            st.markdown(f"**Review by {md_escape(reviewer_label(review))}**{when}")
            if review.overall_comment:
                st.markdown(md_escape(review.overall_comment))
            for added in review.added_flags:
                title, _ = rule_text(added.flag_id)
                st.markdown(
                    f"- Missed by the coach: **{md_escape(title)}**: {md_escape(added.reason)}"
                )
            shown = [c for c in review.comments if c.matches]
            if shown:
                spans = [(c.span_start or 0, c.span_end or 0, c.body) for c in shown]
                st.html(highlight_html(answer, marks_from_comments(spans, len(answer))))
            number = 0
            for comment in review.comments:
                if comment.matches:
                    number += 1
                    where = f"{number}. On “{md_escape(comment.quote)}”"
                elif comment.quote:
                    where = f"On “{md_escape(comment.quote)}” (no longer found in the answer)"
                else:
                    where = "On the whole answer"
                st.markdown(f"{where}: {md_escape(comment.body)}")
                if owner:
                    _reply_box(db, user, comment.id, comment.reply)
                elif comment.reply is not None:
                    st.caption(f"The learner's reply: {md_escape(comment.reply)}")


def _reply_box(db: Any, user: Any, comment_id: int, reply: str | None) -> None:
    if reply is not None:
        st.caption(f"Your reply: {md_escape(reply)}")
        return
    box, send = st.columns([5, 1], vertical_alignment="bottom")
    text = box.text_input(
        "Your reply (one per comment)", key=f"feedback_reply_{comment_id}", max_chars=4000
    )
    if send.button("Reply", key=f"feedback_reply_send_{comment_id}"):
        try:
            reviews.reply(db, user, comment_id, text)
        except CoachError as error:
            st.error(f"Your reply was not sent: {error}")
        else:
            flash("success", "Reply sent.")
            st.session_state.pop(FEEDBACK_CACHE, None)
            st.rerun()
