"""Shared widgets: score cards, the flag list, the attempt comparison, readiness and escaping."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import streamlit as st

from coach.errors import CoachError
from coach.services import attempts, data_io
from coach.ui.highlight import escape
from coach.ui.labels import (
    DIMENSION_LABELS,
    SEVERITY_MARK,
    dimension_label,
    element_label,
    level_label,
)
from coach.ui.state import FEEDBACK_CACHE, flash
from question_bank.schema import Prompt
from scoring import rule_by_id
from scoring.report import Flag, Report, Severity

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Escape markdown (and the HTML markdown would pass through) in text shown via markdown."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def rule_text(flag_id: str) -> tuple[str, str]:
    """Return a rule's (title, why it matters), tolerating ids retired since the report."""
    try:
        rule = rule_by_id(flag_id)
    except (KeyError, LookupError, ValueError):
        return flag_id, ""
    return rule.title, rule.why


_CARD_GRID = (
    "display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:0.5rem;"
    "margin:0.25rem 0 0.5rem 0;"
)
_CARD = (
    "border:1px solid rgba(128,128,128,0.35);border-radius:0.5rem;padding:0.4rem 0.6rem;"
    "line-height:1.3;"
)


def dimension_cards_html(report: Report, self_ratings: dict[str, int] | None = None) -> str:
    """Build one compact card per dimension: score, the learner's own rating beside it, and the
    reason in view (escaped). A CSS grid: two cards per row on a phone, five on a desktop."""
    ratings = self_ratings or {}
    names = [name for name in DIMENSION_LABELS if name in report.dimensions] + [
        name for name in report.dimensions if name not in DIMENSION_LABELS
    ]
    cards = []
    for name in names:
        dimension = report.dimensions[name]
        score = "not assessed" if dimension.score is None else f"{dimension.score}"
        mine = (
            f'<span class="self-rating" style="font-size:0.8rem;opacity:0.75;"> · you said '
            f"{ratings[name]}</span>"
            if name in ratings
            else ""
        )
        cards.append(
            f'<div class="dimension-card" data-dimension="{escape(name)}" style="{_CARD}">'
            f'<div style="font-size:0.85rem;opacity:0.8;">{escape(dimension_label(name))}</div>'
            '<div><span style="font-size:1.5rem;font-weight:600;">'
            f"{escape(score)}</span>{mine}</div>"
            f'<div class="dimension-reason" style="font-size:0.8rem;opacity:0.85;">'
            f"{escape(dimension.reason)}</div></div>"
        )
    return f'<div class="dimension-cards" style="{_CARD_GRID}">{"".join(cards)}</div>'


def score_cards(
    report: Report, *, delta: int | None = None, self_ratings: dict[str, int] | None = None
) -> None:
    """Show overall score and grade, then one compact card per dimension with its reason in
    view (and the learner's own rating beside the coach's, when given)."""
    top = st.container(horizontal=True, gap="small")
    top.metric(
        "Overall score",
        f"{report.overall}/100",
        delta=None if delta is None else f"{delta:+d} vs last try",
        border=True,
        width=190,
    )
    top.metric(
        "Grade",
        f"{report.grade}/5",
        border=True,
        width=150,
        help=f"Judged at level {level_label(report.level)}",
    )
    st.html(dimension_cards_html(report, self_ratings))


def flag_list_html(
    flags: Sequence[Flag],
    *,
    open_first: int = 1,
    disputes: dict[tuple[str, int], str] | None = None,
    reviewed: dict[tuple[str, int], list[str]] | None = None,
) -> str:
    """Build the numbered flag list, escaped: a one-line summary per flag (severity, title,
    message) that opens to the evidence, why it matters and the fix; a flag the learner
    disputed says so, with their reason; ``reviewed`` adds what mentors said of each flag
    (by flag id and start)."""
    disputes = disputes or {}
    reviewed = reviewed or {}
    if not flags:
        return (
            '<div class="coach-flags"><p>No red flags: this answer frames the problem before '
            "the solution. Check the dimension scores for what to polish.</p></div>"
        )
    items: list[str] = []
    for number, flag in enumerate(flags, start=1):
        severity = Severity(flag.severity).value
        title, why = rule_text(flag.id)
        background, colour = SEVERITY_MARK.get(severity, SEVERITY_MARK["info"])
        evidence = (
            f'<div><b>Evidence:</b> “<span class="flag-evidence" style="background:{background};'
            f'color:#111827;">{escape(flag.evidence)}</span>”</div>'
            if flag.evidence.strip()
            else "<div><b>Evidence:</b> the answer as a whole (nothing to point at).</div>"
        )
        badge = (
            f'<span style="display:inline-block;min-width:1.3em;text-align:center;color:#fff;'
            f"background:{colour};border-radius:0.65em;font-size:0.8em;font-weight:700;"
            f'margin-right:0.35em;">{number}</span>'
        )
        disputed = disputes.get((flag.id, flag.start))
        note = (
            '<div class="flag-disputed" style="margin:0.15rem 0 0 1.7em;font-size:0.85em;">'
            f"You disagree{': ' + escape(disputed) if disputed else ''}</div>"
            if disputed is not None
            else ""
        ) + "".join(
            '<div class="flag-review" style="margin:0.15rem 0 0 1.7em;font-size:0.85em;">'
            f"{escape(said)}</div>"
            for said in reviewed.get((flag.id, flag.start), ())
        )
        opened = " open" if number <= open_first else ""
        items.append(
            f'<li class="flag-item" data-flag="{escape(flag.id)}" '
            f'style="border-left:4px solid {colour};padding:0.35rem 0.75rem;margin:0 0 0.5rem 0;'
            'list-style:none;">'
            f"<details{opened}>"
            '<summary style="cursor:pointer;">'
            f'{badge}<b>{escape(title)}</b> <span style="font-size:0.8em;color:{colour};">'
            f"{escape(severity)}</span>"
            f'<div style="margin:0.15rem 0 0 1.7em;">{escape(flag.message)}</div>'
            f"{note}"
            "</summary>"
            '<div style="margin:0.3rem 0 0.2rem 1.7em;">'
            f"{evidence}"
            + (f"<div><b>Why it matters:</b> {escape(why)}</div>" if why else "")
            + (f"<div><b>Fix:</b> {escape(flag.fix)}</div>" if flag.fix else "")
            + "</div></details></li>"
        )
    return (
        '<ol class="coach-flags" style="padding-left:0;margin:0;line-height:1.5;">'
        f"{''.join(items)}</ol>"
        '<p style="font-size:0.85em;opacity:0.7;margin-top:0.3rem;">Click a flag for the '
        "evidence, why it matters and the fix.</p>"
    )


def dispute_box(
    db: Any,
    user: Any,
    attempt_id: int,
    flags: Sequence[Flag],
    disputes: dict[tuple[str, int], str],
) -> None:
    """Let the learner mark a flag "I disagree" with a reason (kept, exported, counted)."""
    with st.expander("I disagree with a flag"):
        choice = st.selectbox(
            "Flag",
            range(len(flags)),
            format_func=lambda i: f"{i + 1}. {rule_text(flags[i].id)[0]}",
            key="feedback_dispute_flag",
        )
        flag = flags[int(choice)]
        current = disputes.get((flag.id, flag.start))
        reason = st.text_input(
            "Why? (optional)",
            value=current or "",
            key=f"feedback_dispute_reason_{flag.id}_{flag.start}",
            placeholder="e.g. I name the user in the second sentence",
        )
        agree, disagree = st.columns(2)
        if disagree.button("I disagree", key="feedback_dispute_save", icon=":material/thumb_down:"):
            try:
                attempts.dispute_flag(
                    db, user, attempt_id, flag_id=flag.id, span_start=flag.start, reason=reason
                )
            except (CoachError, ValueError) as error:
                st.error(f"Could not save: {error}")
            else:
                flash("success", "Saved: you disagree with this flag. Thank you, it is counted.")
                st.session_state.pop(FEEDBACK_CACHE, None)
                st.rerun()
        if current is not None and agree.button("Withdraw", key="feedback_dispute_withdraw"):
            attempts.withdraw_dispute(db, user, attempt_id, flag_id=flag.id, span_start=flag.start)
            st.session_state.pop(FEEDBACK_CACHE, None)
            st.rerun()


def _flag_name(flag_id: str) -> str:
    title, _ = rule_text(flag_id)
    return f"{title} ({flag_id})" if title != flag_id else flag_id


def bullet_list(items: Iterable[str], *, empty: str) -> None:
    """Show plain-text bullets (escaped), or a caption when there are none."""
    values = list(items)
    if values:
        st.markdown("\n".join(f"- {md_escape(value)}" for value in values))
    else:
        st.caption(empty)


def comparison(previous: Any, current: Any, result: Any) -> None:
    """Show the previous and the current attempt side by side, with what changed."""
    left, right = st.columns(2)
    for column, view, title in ((left, previous, "Previous try"), (right, current, "This try")):
        with column.container(border=True):
            st.markdown(f"**{title}** · #{view.id} · {view.submitted_at:%d %b %Y %H:%M}")
            if view.report is None:
                st.caption("not scored")
            else:
                st.metric("Overall", f"{view.report.overall}/100")
                titles = (rule_text(flag)[0] for flag in dict.fromkeys(view.report.flag_ids()))
                st.caption(", ".join(titles) or "no flags")
    delta = result.score_delta
    if delta is not None:
        verb = "up" if delta > 0 else "down" if delta < 0 else "unchanged"
        st.markdown(f"**Score {verb}**: {delta:+d} points since the previous try.")
    cols = st.columns(2)
    with cols[0]:
        st.markdown("**Fixed since last time**")
        bullet_list((_flag_name(flag) for flag in result.fixed_flags), empty="Nothing fixed yet.")
        st.markdown("**Newly covered**")
        bullet_list((element_label(name) for name in result.newly_covered), empty="—")
    with cols[1]:
        st.markdown("**Still missing**")
        bullet_list((element_label(name) for name in result.still_missing), empty="Nothing.")
        st.markdown("**Still flagged / new flags**")
        bullet_list(
            [
                *(_flag_name(flag) for flag in result.remaining_flags),
                *(f"{_flag_name(flag)} (new)" for flag in result.new_flags),
            ],
            empty="None.",
        )


MATERIAL_TITLES: dict[str, str] = {
    "hints": "Hints",
    "outline": "Outline of a strong answer",
    "follow_ups": "Follow-up questions an interviewer may ask",
    "pitfalls": "Common pitfalls on this prompt",
}


def prompt_material(prompt: Prompt, sections: Sequence[str] = tuple(MATERIAL_TITLES)) -> None:
    """Show a prompt's coaching material, one expander per section, revealed on demand."""
    for section in sections:
        with st.expander(MATERIAL_TITLES[section]):
            if section == "outline":
                st.markdown(
                    "\n".join(
                        f"{number}. **{md_escape(step.move.replace('_', ' '))}**: "
                        f"{md_escape(step.text)}"
                        for number, step in enumerate(prompt.outline, start=1)
                    )
                )
            else:
                bullet_list(getattr(prompt, section), empty="—")


def prepared_download(
    label: str, build: Callable[[], bytes | str], *, file_name: str, mime: str, key: str
) -> None:
    """A download whose file is built only when asked for: "Prepare <label>" builds it and
    turns into the download button, which carries the bytes themselves.

    Streamlit's deferred download (``data=`` a callable) left the button disabled for about
    one click in ten in Chromium; building the file on every rerun would cost the whole
    export each time. The prepared file is shown until the next rerun, then built afresh.
    """
    slot = st.empty()
    if slot.button(f"Prepare {label}", key=f"{key}__prepare", icon=":material/description:"):
        slot.download_button(
            label,
            icon=":material/download:",
            data=build(),
            file_name=file_name,
            mime=mime,
            key=key,
            on_click="ignore",
            type="primary",
        )


def export_buttons(db: Any, user: Any, *, key: str) -> None:
    """Downloads of all of the learner's attempts: JSON (re-importable) and CSV."""
    columns = st.columns([1, 1, 3])
    with columns[0]:
        prepared_download(
            "JSON (all data)",
            lambda: data_io.export_json(db, user),
            file_name="aipm-coach-export.json",
            mime="application/json",
            key=f"{key}_export_json",
        )
    with columns[1]:
        prepared_download(
            "CSV",
            lambda: data_io.export_csv(db, user),
            file_name="aipm-coach-attempts.csv",
            mime="text/csv",
            key=f"{key}_export_csv",
        )


def confirm_action(
    *,
    pending_key: str,
    question: str,
    confirm_label: str,
    key: str,
    action: Callable[[], str],
    failure: str,
) -> None:
    """An "are you sure?" box while ``pending_key`` is set; Yes runs ``action`` (its message
    is flashed), Cancel clears it. Plain buttons, not st.dialog, so AppTest can click them."""
    state = st.session_state
    if state.get(pending_key) is None:
        return
    with st.container(border=True):
        st.warning(question)
        yes, no, _ = st.columns([1, 1, 4])
        if yes.button(confirm_label, key=f"{key}_confirm", type="primary"):
            state.pop(pending_key, None)
            try:
                message = action()
            except CoachError as error:
                flash("error", f"{failure}: {error}")
            else:
                flash("success", message)
            st.rerun()
        if no.button("Cancel", key=f"{key}_cancel"):
            state.pop(pending_key, None)
            st.rerun()
