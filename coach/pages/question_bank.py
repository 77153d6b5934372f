"""Question bank: browse and search prompts, see what you practised, read the coaching material."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coach.services import selection
from coach.ui.frame import current_frame
from coach.ui.labels import DIFFICULTY_LABELS, element_label, format_duration
from coach.ui.pickers import filter_row, picked_row
from coach.ui.state import practise
from coach.ui.widgets import md_escape, prompt_material

PICK_KEY = "bank_prompt"

frame = current_frame()
bank = frame.bank
state = st.session_state

st.title("Question bank")
st.caption(f"{len(bank)} prompts in {len(bank.categories)} categories.")

categories = {category.slug: category for category in bank.categories}
with st.expander("What each category probes"):
    for category in bank.categories:
        st.markdown(
            f"**{md_escape(category.title)}** ({category.count}): {md_escape(category.description)}"
        )

with st.expander("Filter prompts", icon=":material/filter_list:", expanded=True):
    chosen = filter_row("bank", bank)
matches = selection.find_prompts(
    bank,
    category=chosen.category,
    difficulty=chosen.difficulty,
    tag=chosen.tag,
    query=chosen.query,
)
if not matches:
    st.info("No prompt matches these filters. Clear a filter or try another word.")
    st.stop()

ids = [prompt.id for prompt in matches]
practised = selection.practice_by_prompt(frame.db, frame.user)


def _title(slug: str) -> str:
    return categories[slug].title if slug in categories else slug


event = st.dataframe(
    pd.DataFrame(
        {
            "Prompt": [prompt.text for prompt in matches],
            "Category": [_title(p.category) for p in matches],
            "Difficulty": [DIFFICULTY_LABELS[p.difficulty] for p in matches],
            "Time": [format_duration(p.time_limit_s) for p in matches],
            "Expects": [", ".join(element_label(name) for name in p.expects) for p in matches],
            "Practised": [practised[p.id].attempts if p.id in practised else 0 for p in matches],
            "Best score": [practised[p.id].best if p.id in practised else None for p in matches],
            "Last practised": [
                practised[p.id].last if p.id in practised else None for p in matches
            ],
            "Tags": [", ".join(prompt.tags) for prompt in matches],
            "id": ids,
        }
    ),
    hide_index=True,
    key="bank_table",
    on_select="rerun",
    selection_mode="single-row",
    column_order=(
        "Prompt",
        "Category",
        "Difficulty",
        "Practised",
        "Best score",
        "Last practised",
        "Expects",
        "Time",
        "Tags",
    ),
    column_config={
        "Prompt": st.column_config.TextColumn(width="large", help="Click a row for the full text"),
        "Last practised": st.column_config.DatetimeColumn(format="D MMM YYYY"),
    },
    height=min(38 + 35 * len(matches), 420),
)
picked_row(event, ids, pick_key=PICK_KEY)
if state.get(PICK_KEY) not in ids:
    state[PICK_KEY] = ids[0]
chosen_id = st.selectbox(
    f"Details ({len(matches)} match; or click a row above)",
    ids,
    format_func=lambda prompt_id: bank.get(prompt_id).text[:110],
    key=PICK_KEY,
)
prompt = bank.get(chosen_id)

with st.container(border=True):
    history = practised.get(prompt.id)
    done = (
        f" · practised {history.attempts}×, best {history.best}/100"
        if history and history.best is not None
        else " · not practised yet"
    )
    st.caption(
        f"{md_escape(_title(prompt.category))} · "
        f"difficulty {DIFFICULTY_LABELS[prompt.difficulty]} · "
        f"suggested time {format_duration(prompt.time_limit_s)} · "
        f"tags: {', '.join(prompt.tags)}{done}"
    )
    st.markdown(f"#### {md_escape(prompt.text)}")
    st.markdown(
        "**A strong answer covers:** " + ", ".join(element_label(name) for name in prompt.expects)
    )
    if st.button("Practise this", key="bank_practise", type="primary", icon=":material/edit_note:"):
        practise(prompt.id)
    prompt_material(prompt)
