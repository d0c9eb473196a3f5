"""How long `privacy-statement validate` takes on the real model. The goal: well under a second for
the whole command, process start included. A script, not a test: timings vary with the machine.

    .venv/bin/python bench/bench_validate.py [--runs N] [--processes N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "data" / "processing.yaml"
CONSOLE_SCRIPT = Path(sys.executable).parent / "privacy-statement"
GOAL_SECONDS = 1.0


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def in_process(runs: int) -> list[float]:
    from generator.cli import main  # imported here so the first import's cost is not in the timings

    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        code = main(["validate", str(MODEL)], out=io.StringIO())
        timings.append(time.perf_counter() - start)
        if code != 0:
            raise SystemExit(f"validate exited {code} on the real model")
    return timings


def child_process(runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([str(CONSOLE_SCRIPT), "validate"], cwd=ROOT, capture_output=True, text=True)
        timings.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"privacy-statement validate exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="in-process runs (default 200)")
    parser.add_argument("--processes", type=int, default=5, help="runs of the console script (default 5)")
    arguments = parser.parse_args()

    start = time.perf_counter()
    import generator.cli  # noqa: F401  (what every run of the command pays once)

    print(f"importing the CLI: {milliseconds(time.perf_counter() - start)}")
    warm = in_process(arguments.runs)
    print(f"validate in process: median {milliseconds(statistics.median(warm))}, "
          f"fastest {milliseconds(min(warm))}, slowest {milliseconds(max(warm))} over {arguments.runs} runs "
          "(the first run builds the cached schema validator)")
    whole = child_process(arguments.processes)
    worst = max(whole)
    print(f"privacy-statement validate as a new process: median {milliseconds(statistics.median(whole))}, "
          f"slowest {milliseconds(worst)} over {arguments.processes} runs")
    verdict = "meets" if worst < GOAL_SECONDS / 2 else "is within" if worst < GOAL_SECONDS else "MISSES"
    print(f"the slowest whole command {verdict} the goal of well under {GOAL_SECONDS:.0f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
