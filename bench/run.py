"""`make bench`: run every bench script (bench/bench_*.py) and print their rows as one table.

Each script is run as `python bench/bench_NAME.py --json` and prints a JSON list of rows (see
bench/measure.py); a script that prints something else has its output shown below the table. The
ratios compare the project with a peer tool in the same run, so they stay meaningful on a busy
machine where the seconds do not. Takes minutes; not part of `make test`.

    .venv/bin/python bench/run.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Row, table

BENCH = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="names of scripts to run (bench_NAME.py)")
    arguments = parser.parse_args()
    scripts = sorted(BENCH.glob("bench_*.py"))
    if arguments.only:
        scripts = [script for script in scripts if script.stem.removeprefix("bench_") in arguments.only]
    rows: list[Row] = []
    other: list[str] = []
    failed = False
    for script in scripts:
        start = time.monotonic()
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, str(script), "--json"], capture_output=True, text=True)
        print(f"  {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
        try:
            rows += [Row(**row) for row in json.loads(done.stdout)]
        except (json.JSONDecodeError, TypeError):
            other.append(f"{script.name} (exit {done.returncode}):\n{done.stdout}{done.stderr}")
        if done.returncode != 0:
            failed = True
            if done.stderr and not other[-1:]:
                other.append(f"{script.name} (exit {done.returncode}):\n{done.stderr}")
    print(table(rows))
    judged = [row for row in rows if row.met is not None]
    print(f"\n{sum(1 for row in judged if row.met)} of {len(judged)} goals met.")
    for text in other:
        print(f"\n{text.rstrip()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
