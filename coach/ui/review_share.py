"""Widgets for getting a review without a mentor account: the attempt as a reviewer sees it,
and the learner's "get a review" box (a link on a shared deployment, a file in the local app).
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import streamlit as st

from coach.errors import CoachError
from coach.services import attempts, review_files, review_links
from coach.services.attempts import AttemptView
from coach.services.review_links import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS, LinkView
from coach.ui.frame import Frame
from coach.ui.highlight import answer_html
from coach.ui.labels import level_label
from coach.ui.state import REVIEW_PARAM
from coach.ui.widgets import flag_list_html, md_escape, score_cards
from scoring.report import Report

NEW_LINK = "_review_new_link"  # (attempt id, token): shown once, right after creation


def attempt_for_review(*, prompt: str, answer: str, report: Report | None, caption: str) -> None:
    """The prompt, the report's scores, the answer with the evidence highlighted and the flags:
    everything a reviewer reads, all of it escaped."""
    st.markdown(f"#### {md_escape(prompt)}")
    st.caption(caption)
    if report is None:
        st.info("The coach did not score this answer: review the text itself.")
        st.html(answer_html(answer))
        return
    score_cards(report)
    flags = [flag for flag in report.flags if not flag.tentative]
    sentences = [(segment.start, segment.end) for segment in report.structure]
    answer_col, flags_col = st.columns([3, 2], gap="large")
    with answer_col:
        st.markdown("**The answer**")
        st.html(answer_html(answer, flags, sentences))
    with flags_col:
        st.markdown(f"**The coach's red flags ({len(flags)})**")
        st.html(flag_list_html(flags))


def review_caption(level: str, submitted_at: datetime | str) -> str:
    when = (
        f"{submitted_at:%d %b %Y %H:%M} UTC"
        if isinstance(submitted_at, datetime)
        else submitted_at[:16].replace("T", " ")
    )
    return f"Target level {level_label(level)} · answered {when}"


def link_url(token: str, public_url: str | None = None) -> str:
    """The address of a review link: the app's root with ``?review=TOKEN``.

    The root is ``public_url`` when the operator set one (``COACH_PUBLIC_URL``: behind a proxy
    that rewrites paths the browser's URL does not lead back); otherwise the browser's scheme
    and host plus ``server.baseUrlPath``, relative when the browser's URL is unknown.
    """
    if public_url:
        return f"{public_url.rstrip('/')}/?{REVIEW_PARAM}={token}"
    address = urlsplit(st.context.url or "")
    origin = f"{address.scheme}://{address.netloc}" if address.netloc else ""
    prefix = str(st.get_option("server.baseUrlPath") or "").strip("/")
    root = f"/{prefix}/" if prefix else "/"
    return f"{origin}{root}?{REVIEW_PARAM}={token}"


def get_a_review(frame: Frame, view: AttemptView) -> None:
    """The Feedback page's box: a review link on a shared deployment, a file locally."""
    st.subheader("Get a review from a mentor")
    if frame.settings.auth == "none":
        st.caption(
            "Send this attempt to a mentor as a review file: they open it in their own "
            "aipm-coach (Review a file), review it, and send back a file you import in "
            "Settings & data. Several attempts at once: Settings & data."
        )
        st.download_button(
            "Send for review (review file)",
            icon=":material/outgoing_mail:",
            # The file itself, not a callable: Streamlit's deferred downloads now and then
            # never answer the click (the button spins for good); one attempt takes ~1 ms.
            data=review_files.request_file(frame.db, frame.user, [view.id]),
            file_name=f"aipm-coach-review-request-{view.id}.json",
            mime="application/json",
            key="feedback_review_file",
        )
        return
    _review_links(frame, view)


def _review_links(frame: Frame, view: AttemptView) -> None:
    st.caption(
        "A review link lets a mentor without an account read this attempt and review it once, "
        "and nothing else. Only you see this list; revoke a link to end it at once."
    )
    days_col, button_col = st.columns([3, 2], vertical_alignment="bottom")
    days = days_col.slider(
        "Valid for (days)", MIN_DAYS, MAX_DAYS, DEFAULT_DAYS, key="feedback_link_days"
    )
    if button_col.button("Create review link", key="feedback_link_create", icon=":material/link:"):
        try:
            created = review_links.create_link(frame.db, frame.user, view.id, days=days)
        except CoachError as error:
            st.error(md_escape(str(error)))
        else:
            st.session_state[NEW_LINK] = (view.id, created.token)
    new = st.session_state.get(NEW_LINK)
    if new is not None and new[0] == view.id:
        st.success("Copy this link now: it is shown only once (only a fingerprint is kept).")
        st.code(link_url(new[1], frame.settings.public_url), language=None, wrap_lines=True)
    try:
        links = review_links.list_links(frame.db, frame.user, view.id)
    except CoachError as error:
        st.error(md_escape(str(error)))
        return
    for link in links:
        _link_row(frame, link)


def _link_row(frame: Frame, link: LinkView) -> None:
    if link.reviewed_at is not None:
        used = f"review received {link.reviewed_at:%d %b %H:%M}"
    elif link.last_used_at is not None:
        used = f"opened {link.last_used_at:%d %b %H:%M}, no review yet"
    else:
        used = "not opened yet"
    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown(
        f"Link #{link.id} · **{link.status}** · created "
        f"{link.created_at:%d %b %Y} · expires {link.expires_at:%d %b %Y %H:%M} UTC · {used}"
    )
    if link.status == "active" and row.button(
        "Revoke", key=f"feedback_link_revoke_{link.id}", icon=":material/link_off:"
    ):
        try:
            review_links.revoke_link(frame.db, frame.user, link.id, now=datetime.now(UTC))
        except CoachError as error:
            st.error(f"The link was not revoked: {md_escape(str(error))}")
            return
        st.session_state.pop(NEW_LINK, None)
        st.rerun()


def send_attempts_for_review(frame: Frame) -> None:
    """Settings & data (local app): one review file for several chosen attempts."""
    summaries = attempts.list_attempts(frame.db, frame.user)
    if not summaries:
        st.caption("No attempts yet: answer a prompt first.")
        return
    labels = {s.id: f"#{s.id} · {s.prompt_id} · {s.submitted_at:%d %b %Y}" for s in summaries}
    chosen = st.multiselect(
        "Attempts to send",
        list(labels),
        format_func=labels.__getitem__,
        max_selections=review_files.MAX_ATTEMPTS,
        key="settings_review_attempts",
    )
    st.download_button(
        "Send for review (review file)",
        icon=":material/outgoing_mail:",
        # The file itself, as on Feedback (a deferred download can hang); a few ms.
        data=review_files.request_file(frame.db, frame.user, chosen) if chosen else b"",
        file_name="aipm-coach-review-request.json",
        mime="application/json",
        key="settings_review_file",
        disabled=not chosen,
    )


def import_review_response(frame: Frame) -> None:
    """Settings & data: import a mentor's review response onto the original attempts."""
    upload = st.file_uploader(
        "A review response (.json) from your mentor", type=["json"], key="settings_review_import"
    )
    clicked = st.button("Import the review", key="settings_review_import_run", disabled=not upload)
    if not clicked or upload is None:
        return
    try:
        result = review_files.import_response(frame.db, frame.user, upload.getvalue())
    except CoachError as error:
        st.error(f"Nothing was imported: {md_escape(str(error))}")
        return
    for attempt_id, reviewer in result.added:
        st.success(f"Added the review by {md_escape(reviewer)} to attempt #{attempt_id}.")
    if result.already_imported:
        st.info(f"{result.already_imported} review(s) were already imported: nothing changed.")
    if result.refused:
        st.warning(f"{len(result.refused)} review(s) were not imported:")
        # The reasons quote the file's own words: show them literally.
        st.code("\n".join(result.refused), language=None, wrap_lines=True)
    if not (result.added or result.already_imported or result.refused):
        st.info("The file holds no reviews.")
