"""Question bank: browse and search prompts, read their coaching material, practise one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coach.services import selection
from coach.ui.frame import current_frame
from coach.ui.labels import DIFFICULTY_LABELS, element_label, format_duration
from coach.ui.state import ALL, ANY_DIFFICULTY, none_if_all, practise, sticky
from coach.ui.widgets import md_escape, prompt_material

PICK_KEY = "bank_prompt"
LAST_ROWS_KEY = "_bank_table_rows"

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

for widget_key, default in (
    ("bank_category", ALL),
    ("bank_difficulty", ANY_DIFFICULTY),
    ("bank_tag", ALL),
    ("bank_query", ""),
):
    sticky(widget_key, default)
row = st.columns([3, 2, 2, 3])
category = row[0].selectbox(
    "Category",
    [ALL, *categories],
    format_func=lambda slug: "All categories" if slug == ALL else categories[slug].title,
    key="bank_category",
)
difficulty = row[1].selectbox(
    "Difficulty",
    [ANY_DIFFICULTY, 1, 2, 3],
    format_func=lambda level: "Any" if level == ANY_DIFFICULTY else DIFFICULTY_LABELS[level],
    key="bank_difficulty",
)
tag = row[2].selectbox(
    "Tag", [ALL, *bank.tags], format_func=lambda t: "Any tag" if t == ALL else t, key="bank_tag"
)
query = row[3].text_input("Search", key="bank_query", placeholder="words in the prompt or tags")

matches = selection.find_prompts(
    bank,
    category=none_if_all(category),
    difficulty=none_if_all(difficulty),
    tag=none_if_all(tag),
    query=query.strip() or None,
)
if not matches:
    st.info("No prompt matches these filters. Clear a filter or try another word.")
    st.stop()

ids = [prompt.id for prompt in matches]


event = st.dataframe(
    pd.DataFrame(
        {
            "prompt": [prompt.text for prompt in matches],
            "category": [
                categories[p.category].title if p.category in categories else p.category
                for p in matches
            ],
            "difficulty": [prompt.difficulty for prompt in matches],
            "time": [format_duration(prompt.time_limit_s) for prompt in matches],
            "expects": [", ".join(prompt.expects) for prompt in matches],
            "tags": [", ".join(prompt.tags) for prompt in matches],
            "id": ids,
        }
    ),
    hide_index=True,
    key="bank_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={"prompt": st.column_config.TextColumn(width="large")},
    height=min(38 + 35 * len(matches), 420),
)

# A newly clicked row picks its prompt; the picker below stays free to choose another.
clicked = list(event.selection.rows)
if clicked and clicked != state.get(LAST_ROWS_KEY) and clicked[0] < len(ids):
    state[PICK_KEY] = ids[clicked[0]]
state[LAST_ROWS_KEY] = clicked
if state.get(PICK_KEY) not in ids:
    state[PICK_KEY] = ids[0]
chosen_id = st.selectbox(
    f"Details ({len(matches)} match; or click a row above)",
    ids,
    format_func=lambda prompt_id: f"{bank.get(prompt_id).text[:110]}  ·  {prompt_id}",
    key=PICK_KEY,
)
prompt = bank.get(chosen_id)

with st.container(border=True):
    category_title = (
        categories[prompt.category].title if prompt.category in categories else prompt.category
    )
    st.caption(
        f"{md_escape(category_title)} · difficulty {DIFFICULTY_LABELS[prompt.difficulty]} · "
        f"suggested time {format_duration(prompt.time_limit_s)} · "
        f"tags: {', '.join(prompt.tags)} · id `{prompt.id}`"
    )
    st.markdown(f"#### {md_escape(prompt.text)}")
    st.markdown(
        "**A strong answer covers:** " + ", ".join(element_label(name) for name in prompt.expects)
    )
    if st.button("Practise this", key="bank_practise", type="primary", icon=":material/edit_note:"):
        practise(prompt.id)
    prompt_material(prompt)
