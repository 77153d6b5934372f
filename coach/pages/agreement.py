"""Agreement (admins): how often the coach's flags and element readings match mentors' reviews,
and mentors' reviews as a labelled corpus to download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coach.errors import AdminRequiredError
from coach.services import review_stats
from coach.ui.frame import current_frame
from coach.ui.labels import element_label
from coach.ui.widgets import prepared_download, rule_text

frame = current_frame()

st.title("Agreement with mentors")
try:
    stats = review_stats.agreement(frame.db, frame.user)
except AdminRequiredError as error:
    st.info(str(error))
    st.stop()

st.metric("Submitted reviews", stats.reviews, border=True, width=200)
if not stats.reviews:
    st.info("No submitted reviews yet: the figures appear once mentors submit reviews.")
    st.stop()


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


st.subheader("Per red flag")
st.caption(
    "Precision: accepted / (accepted + rejected). Recall: accepted / (accepted + added by "
    "mentors because the coach missed it)."
)
st.dataframe(
    pd.DataFrame(
        {
            "Flag": [f"{rule_text(f.flag_id)[0]} ({f.flag_id})" for f in stats.flags],
            "Accepted": [f.accepted for f in stats.flags],
            "Rejected": [f.rejected for f in stats.flags],
            "Added": [f.added for f in stats.flags],
            "Precision": [_share(f.precision) for f in stats.flags],
            "Recall": [_share(f.recall) for f in stats.flags],
        }
    ),
    hide_index=True,
    key="agreement_flags",
)
st.subheader("Per element")
st.caption("The coach's reading of each element against the mentors' verdicts.")
st.dataframe(
    pd.DataFrame(
        {
            "Element": [element_label(e.element) for e in stats.elements],
            "n": [e.n for e in stats.elements],
            "Precision": [_share(e.precision) for e in stats.elements],
            "Recall": [_share(e.recall) for e in stats.elements],
            "F1": [_share(e.f1) for e in stats.elements],
        }
    ),
    hide_index=True,
    key="agreement_elements",
)
prepared_download(
    "reviewed answers (JSONL, labelled-corpus shape)",
    lambda: "".join(review_stats.export_reviews_jsonl(frame.db, frame.user)),
    file_name="aipm-coach-reviews.jsonl",
    mime="application/jsonl",
    key="agreement_export",
)
