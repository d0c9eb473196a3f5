"""`privacy-statement validate` against check-jsonschema on the same model and schema, each as a
whole new process (start and imports included), by the median CPU-time ratio of alternating pairs.
Goal: faster than check-jsonschema (a ratio under 1). A script, not a test (see bench/measure.py).

    .venv/bin/python bench/bench_validate.py [--pairs N] [--model FILE] [--json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import cpu_row, pairs, report

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SCHEMA = ROOT / "policy" / "processing.schema.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--model", type=Path, default=ROOT / "data" / "processing.yaml")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON, for bench/run.py")
    arguments = parser.parse_args()
    ours = [str(BIN / "privacy-statement"), "validate", str(arguments.model)]
    peer = [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), str(arguments.model)]
    a_runs, b_runs = pairs(ours, peer, arguments.pairs, ours_cwd=ROOT, peer_cwd=ROOT)
    report([cpu_row("validate the real model, whole process, vs check-jsonschema", a_runs, b_runs, 1.0,
                    "faster than check-jsonschema (< 1x)")], arguments.json)


if __name__ == "__main__":
    main()
