"""Time a cold load-and-validate of the whole question bank (target: under 200 ms).

Run ``python -m benchmarks.bank_load [--runs N] [--check]``. Prints the median and max of N
fresh in-process loads (files re-read, re-parsed and re-validated each time), where that time
goes, and one load in a fresh subprocess with its import cost shown separately.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

TARGET_MS = 200.0
ROOT = Path(__file__).resolve().parent.parent

_SUBPROCESS = """
import json, time
start, start_cpu = time.perf_counter(), time.process_time()
from question_bank import load_bank
imported, imported_cpu = time.perf_counter(), time.process_time()
bank = load_bank()
done, done_cpu = time.perf_counter(), time.process_time()
print(json.dumps({"import_ms": (imported - start) * 1e3, "load_ms": (done - imported) * 1e3,
                  "import_cpu_ms": (imported_cpu - start_cpu) * 1e3,
                  "load_cpu_ms": (done_cpu - imported_cpu) * 1e3, "prompts": len(bank)}))
"""


def _ms(
    action: Callable[[], object], runs: int, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    times = []
    for _ in range(runs):
        start = clock()
        action()
        times.append((clock() - start) * 1e3)
    return times


def _phases(runs: int) -> dict[str, float]:
    """Return the median time of each loading phase over the built-in files."""
    from question_bank import loader
    from question_bank.checks import duplicate_id_problems, near_duplicate_problems
    from question_bank.schema import CategoryFile

    texts = [path.read_text(encoding="utf-8") for path in loader.builtin_paths()]
    documents = [data for text in texts for _, data, _ in loader._documents(text)]
    results = [loader._read(path, builtin=True) for path in loader.builtin_paths()]
    entries = [entry for result in results for entry in result.entries]

    def parse() -> None:
        for text in texts:
            list(loader._documents(text))

    def validate() -> None:
        for document in documents:
            CategoryFile.model_validate(document)

    def cross_checks() -> None:
        duplicate_id_problems(entries)
        near_duplicate_problems(entries)

    return {
        name: statistics.median(_ms(action, runs))
        for name, action in (
            ("YAML parse", parse),
            ("pydantic validation", validate),
            ("duplicate + near-duplicate checks", cross_checks),
        )
    }


def _fresh_process() -> tuple[dict[str, float], float]:
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS], cwd=ROOT, capture_output=True, text=True, check=True
    )
    wall = (time.perf_counter() - start) * 1e3
    return json.loads(completed.stdout), wall


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures; with --check, exit 1 above the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="in-process loads (default 20)")
    parser.add_argument("--check", action="store_true", help="exit 1 when over the target")
    args = parser.parse_args(argv)

    fresh, wall = _fresh_process()  # first, before this process warms any cache
    from question_bank import load_bank

    bank = load_bank()
    times = _ms(load_bank, args.runs)
    cpu = _ms(load_bank, args.runs, time.process_time)
    median, worst, best = statistics.median(times), max(times), min(times)
    load = os.getloadavg()[0]
    print(f"question bank: {len(bank)} prompts in {len(bank.categories)} categories")
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.2f} (wall times inflate above ~1)")
    print(
        f"in-process load+validate, {args.runs} fresh loads: "
        f"median {median:.1f} ms, max {worst:.1f} ms (min {best:.1f} ms; "
        f"CPU time median {statistics.median(cpu):.1f} ms)"
    )
    for name, value in _phases(args.runs).items():
        print(f"  {name}: {value:.1f} ms")
    print(
        f"fresh subprocess: load+validate {fresh['load_ms']:.1f} ms "
        f"(CPU {fresh['load_cpu_ms']:.1f} ms); imports (pydantic, PyYAML, question_bank) "
        f"{fresh['import_ms']:.1f} ms (CPU {fresh['import_cpu_ms']:.1f} ms); "
        f"whole process incl. interpreter start {wall:.0f} ms"
    )
    slowest = max(median, fresh["load_ms"])
    verdict = "OK" if slowest < TARGET_MS else "OVER TARGET"
    print(f"target < {TARGET_MS:.0f} ms for load+validate: {verdict}")
    return 1 if args.check and slowest >= TARGET_MS else 0


if __name__ == "__main__":
    raise SystemExit(main())
