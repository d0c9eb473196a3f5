"""`privacy-statement validate` against check-jsonschema on the same model and schema, each as a
whole new process (start and imports included), by the median CPU-time ratio of alternating pairs.
Goal: faster than check-jsonschema (a ratio under 1). Then `validate` and `check` of the real model
as a person runs them (a new process in the project folder, reading git for the version history),
against issue 9's goal: each under 0.5 s. A script, not a test (see bench/measure.py).

    .venv/bin/python bench/bench_validate.py [--pairs N] [--model FILE] [--json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import cpu_row, limit_row, pairs, report, series

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SCHEMA = ROOT / "policy" / "processing.schema.json"
WHOLE_PROCESS_GOAL = 0.5  # seconds, issue 9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--model", type=Path, default=ROOT / "data" / "processing.yaml")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON, for bench/run.py")
    arguments = parser.parse_args()
    ours = [str(BIN / "privacy-statement"), "validate", str(arguments.model)]
    peer = [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), str(arguments.model)]
    a_runs, b_runs = pairs(ours, peer, arguments.pairs, ours_cwd=ROOT, peer_cwd=ROOT)
    # `check` exits 1 while the model has open errors: that is its answer, not a failure.
    checked = series([str(BIN / "privacy-statement"), "check", str(arguments.model)], arguments.pairs, cwd=ROOT,
                     ok=(0, 1))
    goal = f"under {WHOLE_PROCESS_GOAL} s"
    report([cpu_row("validate the real model, whole process, vs check-jsonschema", a_runs, b_runs, 1.0,
                    "faster than check-jsonschema (< 1x)"),
            limit_row("validate the real model, whole process", a_runs, WHOLE_PROCESS_GOAL, goal),
            limit_row("check the real model, whole process", checked, WHOLE_PROCESS_GOAL, goal)], arguments.json)


if __name__ == "__main__":
    main()
