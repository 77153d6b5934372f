"""Time the app where a learner waits: Practice reruns, Progress on 5,000 attempts, and
submit-to-feedback in a real browser.

    python -m benchmarks.app [--reruns N] [--progress-runs N] [--submissions N]

Targets (issue 12): a Practice rerun takes at most 2x a rerun of the same widgets with no logic
(``benchmarks/practice_baseline.py``), timed in the same process (a second line times both with
each script compiled once, as ``streamlit run`` does; AppTest compiles them on every run);
Progress render (5,000 attempts) median < 400 ms; submit -> feedback visible in Chromium
p50 < 0.5 s; storing the draft on a rerun adds < 20 ms. The browser part is skipped, with a
message, when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from benchmarks.progress import seed
from coach.db.database import open_database
from coach.services.users import local_learner
from coach.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
BASELINE = str(ROOT / "benchmarks" / "practice_baseline.py")
PRACTICE_RATIO_TARGET = 2.0
PROGRESS_TARGET_MS = 400
SUBMIT_TARGET_S = 0.5
AUTOSAVE_TARGET_MS = 20
ANSWER = (
    "I'd fine-tune an LLM on past tickets and add RAG over the help centre. The users are "
    "tier-1 support agents handling 60+ tickets a day who lose most of their time retyping "
    "boilerplate. Success is median handle time per ticket, with CSAT as a guardrail."
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def _report(name: str, samples: list[float], target: float, unit: str = "ms") -> None:
    scale = 1000 if unit == "ms" else 1
    median = statistics.median(samples) * scale
    p95 = _percentile(samples, 0.95) * scale
    verdict = "OK" if median < target else "OVER TARGET"
    print(
        f"{name}: median {median:.{0 if unit == 'ms' else 2}f} {unit}, "
        f"p95 {p95:.{0 if unit == 'ms' else 2}f} {unit} over {len(samples)} runs "
        f"(target < {target} {unit}) {verdict}"
    )


def _check(at: AppTest) -> AppTest:
    if at.exception:
        raise RuntimeError(f"the app raised: {[item.message for item in at.exception]}")
    return at


def practice_reruns(data_dir: Path, reruns: int) -> list[float]:
    """Time full reruns of the Practice page with a draft in the box (what a click costs)."""
    os.environ["COACH_DATA_DIR"] = str(data_dir)
    at = _check(AppTest.from_file(APP, default_timeout=60).run())
    at.text_area(key="practice_answer").input(ANSWER)
    _check(at.run())
    return _timed(lambda: _check(at.run()), reruns)


def baseline_reruns(reruns: int) -> list[float]:
    """Time reruns of the same widgets with no logic (the floor Streamlit itself sets)."""
    at = _check(AppTest.from_file(BASELINE, default_timeout=60).run())
    at.text_area(key="b_answer").input(ANSWER)
    _check(at.run())
    return _timed(lambda: _check(at.run()), reruns)


@contextmanager
def scripts_compiled_once() -> Iterator[None]:
    """Let AppTest keep compiled scripts between runs, as the server does.

    AppTest builds a new script cache for every run, so each rerun compiles app.py and the page
    file again: a cost that grows with the page's source and that no click under
    ``streamlit run`` pays (its runtime compiles each file once).
    """
    shared = ScriptCache()
    with (
        patch.object(app_test, "ScriptCache", lambda: shared),
        patch.object(local_script_runner, "ScriptCache", lambda: shared),
    ):
        yield


def practice_ratio(data_dir: Path, reruns: int, label: str) -> None:
    """Time Practice reruns between two rounds of baseline reruns and print the ratio."""
    baseline = baseline_reruns(reruns)
    practice = practice_reruns(data_dir, reruns)
    baseline = baseline + baseline_reruns(reruns)  # before and after, same process
    ratio = statistics.median(practice) / statistics.median(baseline)
    print(
        f"{label}: median {statistics.median(practice) * 1000:.0f} ms, "
        f"p95 {_percentile(practice, 0.95) * 1000:.0f} ms over {len(practice)} runs; "
        f"same widgets with no logic: median {statistics.median(baseline) * 1000:.0f} ms; "
        f"ratio {ratio:.2f}x (target <= {PRACTICE_RATIO_TARGET}x) "
        + ("OK" if ratio <= PRACTICE_RATIO_TARGET else "OVER TARGET")
    )


def autosave_reruns(data_dir: Path, reruns: int) -> tuple[list[float], list[float]]:
    """Time Practice reruns where the draft changed (stored) and where it did not."""
    os.environ["COACH_DATA_DIR"] = str(data_dir)
    at = _check(AppTest.from_file(APP, default_timeout=60).run())
    at.text_area(key="practice_answer").input(ANSWER)
    _check(at.run())
    changed, unchanged = [], []
    for index in range(reruns):
        box = at.text_area(key="practice_answer")
        box.input(f"{ANSWER} {index}")  # a new value: on_change stores the draft
        start = time.perf_counter()
        _check(at.run())
        changed.append(time.perf_counter() - start)
        start = time.perf_counter()
        _check(at.run())
        unchanged.append(time.perf_counter() - start)
    return changed, unchanged


def progress_render(data_dir: Path, attempts: int, runs: int) -> list[float]:
    """Seed ``attempts`` scored attempts, then time full runs of the Progress page."""
    os.environ["COACH_DATA_DIR"] = str(data_dir)
    db = open_database(load_settings())
    try:
        seed(db, local_learner(db), attempts=attempts)
    finally:
        db.close()
    at = _check(AppTest.from_file(APP, default_timeout=60).run())
    _check(at.switch_page("coach/pages/progress.py").run())
    charts = len(at.get("plotly_chart"))
    if charts != 4:
        raise RuntimeError(f"expected 4 charts on Progress, got {charts}")
    return _timed(lambda: _check(at.run()), runs)


def browser_submissions(data_dir: Path, submissions: int) -> list[float] | None:
    """Time click on Submit -> feedback (score and highlights) visible, in Chromium."""
    from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, chromium_available, running_app

    if not chromium_available():
        print(f"submit -> feedback in Chromium: skipped ({CHROMIUM} is not installed)")
        return None
    from playwright.sync_api import expect, sync_playwright

    samples: list[float] = []
    with running_app(data_dir) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)
        page.goto(url)
        for _ in range(submissions + 1):  # the first one warms the caches and is dropped
            box = page.get_by_role("textbox", name="Your answer")
            box.fill(ANSWER)
            box.press("Control+Enter")
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
            page.wait_for_timeout(200)
            start = time.perf_counter()
            page.get_by_role("button", name="Submit for feedback").click()
            expect(page.get_by_test_id("stMetric").filter(has_text="Overall score")).to_be_visible()
            expect(page.locator("mark.flag").first).to_be_visible()
            samples.append(time.perf_counter() - start)
            page.get_by_role("button", name="Try again").click()
            expect(page.get_by_role("heading", name="Practice", level=1)).to_be_visible()
            expect(page.get_by_role("textbox", name="Your answer")).to_have_value("")
        browser.close()
    return samples[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=40)
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--progress-runs", type=int, default=10)
    parser.add_argument("--submissions", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        root = Path(tmp)
        practice_ratio(root / "practice", args.reruns, "Practice page rerun (AppTest)")
        with scripts_compiled_once():
            practice_ratio(
                root / "practice-compiled",
                args.reruns,
                "Practice page rerun, each script compiled once as `streamlit run` does",
            )
        changed, unchanged = autosave_reruns(root / "autosave", args.reruns)
        extra = (statistics.median(changed) - statistics.median(unchanged)) * 1000
        print(
            f"draft autosave: rerun with a changed draft median "
            f"{statistics.median(changed) * 1000:.1f} ms, unchanged "
            f"{statistics.median(unchanged) * 1000:.1f} ms; adds {extra:.1f} ms "
            f"(target < {AUTOSAVE_TARGET_MS} ms) "
            + ("OK" if extra < AUTOSAVE_TARGET_MS else "OVER TARGET")
        )
        _report(
            f"Progress page render, {args.attempts:,} attempts (AppTest)",
            progress_render(root / "progress", args.attempts, args.progress_runs),
            PROGRESS_TARGET_MS,
        )
        samples = browser_submissions(root / "browser", args.submissions)
        if samples:
            _report("submit -> feedback visible (Chromium)", samples, SUBMIT_TARGET_S, unit="s")


if __name__ == "__main__":
    main()
