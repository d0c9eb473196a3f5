"""How long rendering and a full MkDocs build of the real model take, and how much memory
rendering needs. A script, not a test: timings vary with the machine.

    .venv/bin/python bench/bench_site.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.pipeline import read_model  # noqa: E402
from generator.render import render_site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    model = read_model(ROOT / "data" / "processing.yaml").model

    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        render_site(model)
        timings.append(time.perf_counter() - start)
    tracemalloc.start()
    render_site(model)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"render_site: median {statistics.median(timings) * 1000:.1f} ms over {runs} runs, "
          f"peak {peak / 1024 / 1024:.1f} MiB traced")

    mkdocs = Path(sys.executable).parent / "mkdocs"
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([str(mkdocs), "build", "--strict", "--quiet", "--site-dir", out], cwd=ROOT, check=True,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        print(f"mkdocs build --strict: {time.perf_counter() - start:.2f} s (one run, process start included)")


if __name__ == "__main__":
    main()
