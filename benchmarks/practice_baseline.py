"""The Practice page's widgets with no logic: no database, no bank lookups, no services.

``python -m benchmarks.app`` times reruns of this script next to the real Practice page, in the
same process, so the ratio shows what the page's own work costs on top of Streamlit.
"""

from __future__ import annotations

import streamlit as st

# As many options as the real bank offers (171 prompts, 12 categories, 243 tags), so each widget
# costs what it costs on the real page.
OPTIONS = [f"Prompt number {index}: design an AI feature for someone" for index in range(171)]
TAGS = [f"tag-{index}" for index in range(243)]
LEVELS = ("APM", "PM", "Senior PM")

st.title("Practice")
with st.expander("Filter prompts"):
    row = st.columns([3, 2, 2, 3])
    row[0].selectbox("Category", ["All", *[f"c{i}" for i in range(12)]], key="b_category")
    row[1].selectbox("Difficulty", ["Any", 1, 2, 3], key="b_difficulty")
    row[2].selectbox("Tag", ["Any", *TAGS], key="b_tag")
    row[3].text_input("Search", key="b_query")
st.selectbox("Prompt (171 of 171 match)", OPTIONS, key="b_prompt")
buttons = st.container(horizontal=True, gap="small")
buttons.button("Surprise me", key="b_surprise")
buttons.button("Recommended next", key="b_recommend")
with st.container(border=True):
    st.caption("AI output evaluation · difficulty 1 · suggested time 7:00 · expects: Who")
    st.markdown("#### " + OPTIONS[0])
    with st.expander("Hints"):
        st.markdown("- one\n- two")
settings_row = st.container(horizontal=True, gap="medium")
with settings_row:
    st.radio("Target level", LEVELS, horizontal=True, key="b_level")
    st.toggle("Timed mode (7:00)", key="b_timed")
st.text_area("Your answer", key="b_answer", height=300)
st.caption("40 words · about 0:16 spoken")
with st.expander("Rate yourself before the feedback (optional)"):
    for name in ("Framing", "Metrics", "AI evaluation", "Solution", "Communication"):
        st.segmented_control(name, [25, 50, 75, 100], key=f"b_rate_{name}")
st.button("Submit for feedback", key="b_submit", type="primary")
