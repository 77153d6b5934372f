"""Start the real app (``streamlit run app.py``) on a free port and drive it with Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 60


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(
    data_dir: Path,
    *,
    log_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[str]:
    """Run the app with its data in ``data_dir``; yield its base URL; stop it afterwards.

    ``port`` fixes the port (e.g. one named in an OIDC redirect URI); ``extra_args`` go to
    ``streamlit run`` (e.g. ``--secrets.files``).
    """
    port = port or free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"COACH_DATABASE_URL", "COACH_LEVEL"}
    }
    env["COACH_DATA_DIR"] = str(data_dir)
    env.update(extra_env or {})
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)  # absent in a fresh checkout
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not become healthy in {STARTUP_TIMEOUT_S} s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def chromium_available() -> bool:
    """Whether Debian's Chromium is installed where the tests expect it."""
    return CHROMIUM.exists()
