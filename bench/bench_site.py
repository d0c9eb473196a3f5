"""How long rendering and a full MkDocs build of the real model take, and how much memory
rendering needs; and how the whole site in two languages compares with a site in one (the goal:
within 2.2 times). A script, not a test: timings vary with the machine.

    .venv/bin/python bench/bench_site.py [--runs N] [--builds N]
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

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.pipeline import read_model  # noqa: E402
from generator.policy import load_policy  # noqa: E402
from generator.render import render_site  # noqa: E402

GOAL = 2.2  # the two-language site may take at most this many times the one-language build


def one_language_config(folder: Path) -> Path:
    """mkdocs.yml without its other languages: the Swedish site alone, as one build makes it."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(ROOT / config["docs_dir"])
    config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    plugin = config["plugins"]["privacy-statement"]
    plugin["model"] = str(ROOT / plugin["model"])
    del plugin["languages"]
    path = folder / "mkdocs.one-language.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def timed_build(config: Path, builds: int) -> float:
    """The median time of `mkdocs build --strict` with `config`, process start included."""
    mkdocs = Path(sys.executable).parent / "mkdocs"
    timings = []
    for _ in range(builds):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([str(mkdocs), "build", "--strict", "--quiet", "-f", str(config), "--site-dir", out],
                           cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
            timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="renderings to time")
    parser.add_argument("--builds", type=int, default=3, help="MkDocs builds to time, of each kind")
    arguments = parser.parse_args()
    runs = arguments.runs
    policy = load_policy(ROOT / "policy")
    model = read_model(ROOT / "data" / "processing.yaml", policy).model

    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        render_site(model, policy)
        timings.append(time.perf_counter() - start)
    tracemalloc.start()
    render_site(model, policy)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"render_site: median {statistics.median(timings) * 1000:.1f} ms over {runs} runs, "
          f"peak {peak / 1024 / 1024:.1f} MiB traced")

    with tempfile.TemporaryDirectory() as folder:
        one = timed_build(one_language_config(Path(folder)), arguments.builds)
    both = timed_build(ROOT / "mkdocs.yml", arguments.builds)
    print(f"mkdocs build --strict, one language (sv): {one:.2f} s; the whole site, sv and en: {both:.2f} s "
          f"(medians of {arguments.builds}, process start included)")
    verdict = "within" if both <= GOAL * one else "OVER"
    print(f"two languages take {both / one:.2f} times one language: {verdict} the goal of {GOAL} times")


if __name__ == "__main__":
    main()
