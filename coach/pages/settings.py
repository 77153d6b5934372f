"""Settings & data: where the data lives, export, import, and deleting everything."""

from __future__ import annotations

import streamlit as st

from coach.errors import CoachError
from coach.services import data_io, demo
from coach.settings import mask_url
from coach.ui.frame import cached_bank, current_frame
from coach.ui.labels import level_label
from coach.ui.llm import MISSING, SCORER_CHOICE, SCORER_LABELS, SCORER_WIDGET, scorer_choice
from coach.ui.review_share import import_review_response, send_attempts_for_review
from coach.ui.state import flash, show_flash
from coach.ui.widgets import confirm_action, export_buttons, md_escape
from scoring import SCORER_VERSION

CONFIRM_KEY = "_settings_confirm_delete_all"

frame = current_frame()
state = st.session_state
db, user, settings = frame.db, frame.user, frame.settings

st.title("Settings & data")
show_flash()

st.subheader("Where your data lives")
if settings.auth != "none":
    # A shared server: its database address is the operator's business, not every learner's.
    st.markdown(
        "Your attempts are stored in this server's database. Only you can change, export or "
        "delete them; mentors and admins of your cohorts can read them."
    )
    st.markdown(
        f"**Signed in as:** {md_escape(user.display_name)} · "
        f"**Default level:** {level_label(settings.default_level)} · "
        f"**Scorer:** {md_escape(SCORER_VERSION)}"
    )
else:
    st.markdown(
        "Everything stays on this computer unless you point the app at a server database. "
        "No account, no key: answers are scored locally."
    )
    st.code(data_io.data_location(settings), language=None, wrap_lines=True)
    st.markdown(
        f"**Learner:** {md_escape(user.display_name)} · "
        f"**Database:** {'SQLite file' if settings.uses_sqlite else 'server'} · "
        f"**Default level:** {level_label(settings.default_level)} · "
        f"**Scorer:** {md_escape(SCORER_VERSION)}"
    )
    with st.expander("How to change these"):
        st.markdown(
            "- `COACH_DATA_DIR`: the folder for the SQLite file (now: "
            f"`{settings.data_dir}`).\n"
            "- `COACH_DATABASE_URL`: a server database instead (now: "
            f"`{mask_url(settings.database_url)}`).\n"
            "- `COACH_LEVEL`: the default target level (apm, pm or senior).\n\n"
            "Set them in the environment before `coach app`, or in `.streamlit/secrets.toml`."
        )

st.subheader("AI interviewer (optional)")
if settings.llm_configured:
    st.markdown(
        f"Endpoint: `{settings.openai_base_url or 'OpenAI'}` · model "
        f"`{settings.llm_model}` · transcription `{settings.transcription_model}` · "
        f"time budget {settings.llm_budget_s:g} s per call (then the rules score it)."
    )
else:
    st.info(MISSING, icon=":material/key_off:")
state[SCORER_WIDGET] = scorer_choice(frame)
st.radio(
    "Scorer for this session",
    list(SCORER_LABELS),
    format_func=SCORER_LABELS.__getitem__,
    key=SCORER_WIDGET,
    on_change=lambda: state.__setitem__(SCORER_CHOICE, state[SCORER_WIDGET]),
    disabled=not settings.llm_configured,
    help="COACH_SCORER sets the default. Without an endpoint the rules always score.",
)

st.subheader("Question bank")
st.markdown(
    f"{len(frame.bank)} prompts in {len(frame.bank.categories)} categories: the built-in bank "
    f"plus any custom bank added with `coach bank add` (kept in `{settings.data_dir}/banks`)."
)
if st.button("Reload the question bank", key="settings_reload_bank"):
    cached_bank.clear()
    flash("success", "Question bank reloaded.")
    st.rerun()

st.subheader("Export")
st.markdown(
    "Download all your attempts: JSON to back up or move to another computer (with your "
    "self-ratings, disputed flags, answers to the coach's questions and interviews; kept "
    "recordings stay here), CSV for a spreadsheet."
)
export_buttons(db, user, key="settings")

st.subheader("Import")
upload = st.file_uploader(
    "An aipm-coach JSON export",
    type=["json"],
    key="settings_import",
    help="Attempts already here (same prompt, time and answer) are skipped, with what you "
    "added to them.",
)
if st.button("Import", key="settings_import_run", disabled=upload is None) and upload is not None:
    try:
        result = data_io.import_json(db, user, upload.getvalue())
    except CoachError as error:
        st.error("Nothing was imported.")
        # The problems quote the file's own field names and values: show them literally.
        st.code(str(error), language=None, wrap_lines=True)
    else:
        st.success(f"Imported {result.added} attempt(s); skipped {result.skipped} already here.")

st.subheader("Reviews from a mentor")
if settings.auth == "none":
    st.markdown(
        "Send attempts to a mentor as a review file; they review it in their own app "
        "(Review a file) and send back a response to import here."
    )
    send_attempts_for_review(frame)
else:
    st.markdown("To share one attempt, create a review link on its Feedback page.")
import_review_response(frame)

st.subheader("Demo history")
st.markdown(
    "Demo attempts (loaded from the Progress page) are marked as demo. Remove them "
    "without touching your own attempts:"
)
if st.button("Remove demo attempts", key="settings_remove_demo"):
    removed = demo.delete_demo(db, user)
    flash("success", f"Removed {removed} demo attempt(s).")
    st.rerun()

st.subheader("Delete everything")
st.markdown(
    "Removes every attempt (demo ones included) from this database. Export first if "
    "you may want them back."
)
if st.button("Delete all my data…", key="settings_delete_all"):
    state[CONFIRM_KEY] = True
confirm_action(
    pending_key=CONFIRM_KEY,
    question="**Delete all your attempts for good?** This cannot be undone.",
    confirm_label="Yes, delete everything",
    key="settings_delete_all",
    action=lambda: f"Deleted {data_io.delete_all(db, user)} attempt(s).",
    failure="Nothing was deleted",
)
