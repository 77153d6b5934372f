"""Review queue: the scored attempts of a mentor's cohorts waiting for a review, oldest first.

Filters by learner, prompt and flag; clicking a row (or picking it below) opens the review.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coach.services import reviews
from coach.services.review_content import KNOWN_FLAGS
from coach.ui.frame import current_frame
from coach.ui.state import ALL, none_if_all, open_review_page, show_flash
from coach.ui.widgets import rule_text

frame = current_frame()
state = st.session_state
PICK_KEY = "review_queue_pick"

st.title("Review queue")
show_flash()

learners = dict(reviews.queue_learners(frame.db, frame.user))
if not learners:
    st.info(
        "No learners to review yet: you see attempts here once you mentor (or run) a cohort "
        "that has learners."
    )
    st.stop()

filters = st.columns(3)
learner = filters[0].selectbox(
    "Learner",
    [ALL, *learners],
    format_func=lambda user_id: "All learners" if user_id == ALL else learners[user_id],
    key="review_queue_learner",
)
prompt_ids = sorted(prompt.id for prompt in frame.bank.prompts)
prompt_id = filters[1].selectbox(
    "Prompt",
    [ALL, *prompt_ids],
    format_func=lambda pid: "All prompts" if pid == ALL else pid,
    key="review_queue_prompt",
)
flag_id = filters[2].selectbox(
    "Red flag",
    [ALL, *KNOWN_FLAGS],
    format_func=lambda fid: "Any flag" if fid == ALL else rule_text(fid)[0],
    key="review_queue_flag",
)
items = reviews.review_queue(
    frame.db,
    frame.user,
    learner=none_if_all(learner),
    prompt_id=none_if_all(prompt_id),
    flag_id=none_if_all(flag_id),
)
if not items:
    st.success("Nothing waiting for a review with these filters.")
    st.stop()

st.caption(
    f"{len(items)} attempt(s) waiting, oldest first"
    + (f" (the first {reviews.QUEUE_LIMIT})." if len(items) >= reviews.QUEUE_LIMIT else ".")
)
table = pd.DataFrame(
    {
        "Attempt": [item.attempt_id for item in items],
        "Learner": [item.learner_name for item in items],
        "Prompt": [item.prompt_id for item in items],
        "Submitted": [item.submitted_at for item in items],
        "Score": [item.overall for item in items],
        "Red flags": [", ".join(item.flag_ids) for item in items],
        "Your draft": [item.has_draft for item in items],
    }
)
ids = [item.attempt_id for item in items]
event = st.dataframe(
    table,
    hide_index=True,
    key="review_queue_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={"Submitted": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    height=min(38 + 35 * len(items), 420),
)
clicked = list(event.selection.rows)
if clicked and clicked != state.get("_review_queue_rows"):
    state["_review_queue_rows"] = clicked
    open_review_page(ids[clicked[0]])
state["_review_queue_rows"] = clicked

if state.get(PICK_KEY) not in ids:
    state[PICK_KEY] = ids[0]
labels = {
    item.attempt_id: f"#{item.attempt_id} · {item.learner_name} · {item.prompt_id}"
    for item in items
}
pick, go = st.columns([4, 1], vertical_alignment="bottom")
picked = pick.selectbox("Attempt", ids, format_func=labels.__getitem__, key=PICK_KEY)
if go.button("Open review", key="review_queue_open", type="primary", width="stretch"):
    open_review_page(int(picked))
