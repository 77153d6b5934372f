"""The Practice page's widgets with no logic: no database, no bank lookups, no services.

``python -m benchmarks.app`` times reruns of this script next to the real Practice page, in the
same process, so the ratio shows what the page's own work costs on top of Streamlit. It draws
what the benchmark's learner sees (a first session with a draft in the box): the page frame
(page config, the sidebar menu, the autosave component mounted on every page), the welcome box,
the answer-out-loud expander and every caption, with the same labels, help texts and icons.
"""

from __future__ import annotations

import streamlit as st

from coach.ui.autosave import autosave

# As many options as the real bank offers (171 prompts, 12 categories, 243 tags), so each widget
# costs what it costs on the real page.
OPTIONS = [f"Prompt number {index}: design an AI feature for someone" for index in range(171)]
TAGS = [f"tag-{index}" for index in range(243)]
LEVELS = ("APM", "PM", "Senior PM")
# The router's menu: the same sections and page count as app.py draws for the local learner.
MENU = {
    "Practise": ("Practice", "Feedback", "Interview", "Mock interview"),
    "Review": ("Progress", "Question bank"),
    "Data": ("Settings & data", "Review a file"),
}


def _practice() -> None:
    st.title("Practice")
    with st.container(border=True, key="b_welcome"):
        st.markdown("**The coach checks that you name the user, their problem and a metric.**")
        choices = st.container(horizontal=True, gap="small")
        choices.button("Warm-up prompt", key="b_warm_up", type="primary")
        choices.button("Demo history", key="b_demo")
        choices.button("Dismiss", key="b_dismiss", type="tertiary")
    with st.expander("Filter prompts", icon=":material/filter_list:"):
        row = st.columns([3, 2, 2, 3])
        row[0].selectbox("Category", ["All", *[f"c{i}" for i in range(12)]], key="b_category")
        row[1].selectbox("Difficulty", ["Any", 1, 2, 3], key="b_difficulty")
        row[2].selectbox("Tag", ["Any", *TAGS], key="b_tag")
        row[3].text_input("Search", key="b_query", placeholder="words in the prompt or tags")
    st.selectbox("Prompt (171 of 171 match)", OPTIONS, key="b_prompt")
    buttons = st.container(horizontal=True, gap="small")
    buttons.button("Surprise me", key="b_surprise", icon=":material/casino:")
    buttons.button(
        "Recommended next", key="b_recommend", icon=":material/auto_awesome:", help="Targets..."
    )
    with st.container(border=True):
        st.caption("AI output evaluation · difficulty 1 · suggested time 7:00 · expects: Who")
        st.markdown("#### " + OPTIONS[0])
        with st.expander("Hints"):
            st.markdown("- one\n- two")
    settings_row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    with settings_row:
        st.radio("Target level", LEVELS, horizontal=True, key="b_level", help="The same...")
        st.toggle("Timed mode (7:00)", key="b_timed", help="A countdown...")
    with st.expander("Answer out loud (record, transcribe, edit)", icon=":material/mic:"):
        st.audio_input("Record a spoken answer", key="b_audio")
        st.caption("Recording works, but turning it into text needs an endpoint.")
    st.text_area("Your answer", key="b_answer", height=300, placeholder="Answer as you would...")
    st.caption("40 words · about 0:16 spoken · draft saved")
    st.caption("Speech check: 0.0 fillers/min (none) at an assumed 150 words/min")
    with st.expander(
        "Rate yourself before the feedback (optional)", icon=":material/self_improvement:"
    ):
        st.caption("One click per dimension, or skip it.")
        for name in ("Framing", "Metrics", "AI evaluation", "Solution", "Communication"):
            st.segmented_control(name, [25, 50, 75, 100], key=f"b_rate_{name}")
    st.button("Submit for feedback", key="b_submit", type="primary")


def _other_page() -> None:
    st.title("Another page")


st.set_page_config(page_title="AI-PM Interview Coach", page_icon=":material/target:", layout="wide")
page = st.navigation(
    {
        section: [
            st.Page(
                _practice if title == "Practice" else _other_page,
                title=title,
                url_path=title.lower().replace(" ", "_").replace("&", "and"),
                default=title == "Practice",
            )
            for title in titles
        ]
        for section, titles in MENU.items()
    }
)
autosave()
page.run()
