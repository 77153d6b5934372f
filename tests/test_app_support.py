"""Shared helpers for the AppTest tests of the Streamlit app (no tests here).

Their fixtures, ``data_dir`` (an empty data folder the app uses) and ``services`` (the same
database opened for checks), live in tests/conftest.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PRACTICE = "coach/pages/practice.py"
FEEDBACK = "coach/pages/feedback.py"
PROGRESS = "coach/pages/progress.py"
BANK = "coach/pages/question_bank.py"
SETTINGS = "coach/pages/settings.py"
PAGES = (PRACTICE, FEEDBACK, PROGRESS, BANK, SETTINGS)

# Opens with the model; no specific user, no problem; a metric only at the very end.
ML_FIRST = (
    "I'd fine-tune an LLM on the historical support tickets and put RAG with a vector database "
    "in front of it, so the model can generate complete replies. We would use embeddings to "
    "retrieve similar tickets and a GPT-4-class model to draft the answer, then deploy it "
    "behind an API and keep latency low with caching. Later we would measure success with "
    "CSAT."
)
# Who, why and metrics first; then the solution, eval criteria, guardrails and a failure plan.
FRAMED = (
    "I'd start with the user: tier-1 support agents at a mid-size SaaS company who handle 60+ "
    "email tickets a day. Their pain is that they spend most of their handle time retyping the "
    "same boilerplate answers, so customers wait hours for simple fixes. Success means median "
    "handle time per ticket drops by 20%, with CSAT and the ticket reopen rate as guardrail "
    "metrics that must not fall. The solution: suggested reply drafts that an agent reviews, "
    "edits and sends; v1 never auto-sends. To judge the drafts I'd build a golden set of 300 "
    "real tickets rated blind by three senior agents against a rubric: factually matches the "
    "help centre, resolves the ask, right tone, no invented policy; a hallucination rate under "
    "1% is the ship gate, and online we track the share of drafts sent with light edits. When "
    "the model is wrong or unsure, the draft is marked low confidence, refunds always go to a "
    "human, and we monitor edits weekly for drift. Under the hood that is an LLM with "
    "retrieval over the help-centre articles."
)
SCRIPT_ANSWER = (
    "<script>alert('pwned')</script> **not bold** [a link](http://example.com) # not a "
    "heading. I'd fine-tune an LLM first."
)


def new_app() -> AppTest:
    """Start the app at its default page (Practice) and check it rendered cleanly."""
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """Fail with the messages when a run raised."""
    assert not at.exception, [item.message for item in at.exception]


def goto(at: AppTest, page: str) -> AppTest:
    """Switch page and run."""
    at.switch_page(page).run()
    assert_clean(at)
    return at


def current_page(at: AppTest) -> str:
    """Return the title of the page on screen."""
    return at.title[0].value


def html_bodies(at: AppTest) -> list[str]:
    """Return the HTML of every ``st.html`` element on the page."""
    return [element.proto.body for element in at.get("html")]


def html_with(at: AppTest, css_class: str) -> str:
    """Return the ``st.html`` body holding an element of this class (answer, flags, cards)."""
    return next(body for body in html_bodies(at) if f'class="{css_class}' in body)


def timeline_starts(body: str) -> dict[str, list[float]]:
    """Where the answer timeline's solid bars (exact words) start, in percent, per element."""
    rows = re.findall(r'<div class="timeline-row" data-element="(\w+)"[^>]*>(.*?)</div>', body)
    return {
        element: [float(x) for x in re.findall(r'timeline-evidence" data-start="([\d.]+)"', row)]
        for element, row in rows
    }


def plotly_specs(at: AppTest) -> list[dict[str, Any]]:
    """Return the plotly figures on the page (AppTest has no plotly accessor).

    Each spec is also rebuilt as a validated ``go.Figure``: the app skips plotly's validation
    for speed, so a wrong property name must fail here.
    """
    specs = [json.loads(element.proto.spec) for element in at.get("plotly_chart")]
    for spec in specs:
        go.Figure(spec)
    return specs


def choose_prompt(at: AppTest, prompt_id: str) -> None:
    """Pick a prompt on the Practice page."""
    at.selectbox(key="practice_prompt").select(prompt_id).run()
    assert_clean(at)


def submit(at: AppTest, answer: str, *, prompt_id: str | None = None) -> AppTest:
    """Type an answer on the Practice page and submit it."""
    if prompt_id is not None:
        choose_prompt(at, prompt_id)
    at.text_area(key="practice_answer").input(answer)
    at.button(key="practice_submit").click().run()
    assert_clean(at)
    return at


def texts(elements: Any) -> str:
    """Join the values of a list of text-like elements (markdown, warning, ...)."""
    return "\n".join(str(element.value) for element in elements)


def framing_prompt_id() -> str:
    """Return a prompt that expects who, why and metrics (so solution-first can fire)."""
    from question_bank import load_bank

    bank = load_bank()
    for wanted in ({"who", "why", "metrics", "eval_criteria"}, {"who", "why", "metrics"}):
        for prompt in bank.prompts:
            if wanted <= set(prompt.expects):
                return prompt.id
    raise AssertionError("the bank has no prompt expecting who, why and metrics")


def values(data: Any) -> list[Any]:
    """Decode a plotly array (a list, or the typed-array form ``{"dtype", "bdata"}``)."""
    if isinstance(data, dict) and "bdata" in data:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)
