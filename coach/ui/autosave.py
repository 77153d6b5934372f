"""Commit typed text to the server while the learner types, not only when the box loses focus.

Streamlit sends a text box's value on blur or Ctrl+Enter only, so a draft typed and not yet
blurred was lost when the learner clicked another page. This component (``st.components.v2``:
its script runs in the app page itself, no iframe) listens for typing in the named boxes and,
after a short pause, sends the value the way Ctrl+Enter would; a pointer press anywhere else
(a sidebar link, a button) or leaving the tab sends it at once, before the click lands. A
sidebar page switch sends only the new page's widgets, so a click on a sidebar link right after
such a commit is held until the commit's run has finished, then replayed.
The box's ``on_change`` callback then stores the draft.

The same script keeps Back meaningful: see the history note in the script. ``app.py`` mounts it
on every page, so it is installed whichever page the learner opens first.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

DEBOUNCE_MS = 600

_JS = """
const QUERY_PAIR_MS = 1500;
export default function (component) {
  const { data } = component;
  const existing = window.__coachAutosave;
  if (existing) {
    existing.labels = data.labels;
    existing.delay = data.delay;
    return;
  }
  const cfg = {
    labels: data.labels, delay: data.delay, timer: null, dirty: null,
    flushedAt: 0, releasing: false,
  };
  window.__coachAutosave = cfg;
  const watched = (el) =>
    !!el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT") &&
    cfg.labels.includes(el.getAttribute("aria-label"));
  const commit = (el) => {
    if (!el || !el.isConnected) return;
    el.dispatchEvent(new KeyboardEvent("keydown", {
      key: "Enter", code: "Enter", keyCode: 13, which: 13,
      ctrlKey: true, bubbles: true, cancelable: true,
    }));
  };
  const flush = () => {
    if (!cfg.dirty) return;
    clearTimeout(cfg.timer);
    const el = cfg.dirty;
    cfg.dirty = null;
    cfg.flushedAt = Date.now();
    commit(el);
  };
  const idle = () => !document.querySelector('[data-testid="stStatusWidget"]');
  const whenIdle = (then) => {
    const deadline = Date.now() + 5000;
    const poll = () => (idle() || Date.now() > deadline ? then() : setTimeout(poll, 80));
    setTimeout(poll, 250);
  };
  document.addEventListener("input", (event) => {
    if (!watched(event.target)) return;
    cfg.dirty = event.target;
    clearTimeout(cfg.timer);
    cfg.timer = setTimeout(flush, cfg.delay);
  }, true);
  document.addEventListener("pointerdown", (event) => {
    if (!watched(event.target)) flush();
  }, true);
  // A page switch sends only the next page's widgets, so text committed in the same instant
  // would be dropped: hold the click until the commit's run has finished, then replay it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('[data-testid="stSidebarNav"] a');
    if (!link || cfg.releasing || Date.now() - cfg.flushedAt > 1500) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    whenIdle(() => {
      cfg.flushedAt = 0;
      cfg.releasing = true;
      link.click();
      cfg.releasing = false;
    });
  }, true);
  // Streamlit pushes two history entries for one move to another page with a query string:
  // first the new query on the old path, then the new path. So Back landed on pages the
  // learner never saw. A query-only push replaces the current entry instead; when a path push
  // follows shortly after, the replaced entry gets its old address back first. One move, one
  // entry, and a query set by the page itself (?attempt=ID) adds none.
  const push = history.pushState.bind(history);
  const replace = history.replaceState.bind(history);
  let undo = null;
  history.pushState = (state, title, url) => {
    const target = new URL(url, location.href);
    if (target.pathname === location.pathname) {
      undo = { url: location.href, at: Date.now(), state: history.state };
      replace(state, title, url);
      return;
    }
    if (undo && Date.now() - undo.at < QUERY_PAIR_MS) replace(undo.state, "", undo.url);
    undo = null;
    push(state, title, url);
    // Another page starts at its top (the main block kept the old page's scroll position).
    const main = document.querySelector('[data-testid="stMain"]');
    if (main) main.scrollTo(0, 0);
  };
  document.addEventListener("visibilitychange", flush);
  window.addEventListener("pagehide", flush);
}
"""

_component = st.components.v2.component("coach_autosave", js=_JS, isolate_styles=False)


WATCHED_LABELS: tuple[str, ...] = ("Your answer", "Search", "Why? (optional)")


def autosave(labels: Sequence[str] = WATCHED_LABELS, *, delay_ms: int = DEBOUNCE_MS) -> None:
    """Watch the text boxes with these labels and send their text after ``delay_ms`` of quiet
    (or at once when the learner clicks elsewhere)."""
    _component(key="coach_autosave", data={"labels": list(labels), "delay": delay_ms}, height=0)
