"""How the version history's cost grows with the number of versions in git. The goal: linear
growth, and 200 versions adding under 2 s to a build. A script, not a test: timings vary with the
machine.

    .venv/bin/python bench/bench_history.py [--runs N] [--counts 10,50,200] [--json]

It makes git repositories in a temporary folder (no network): the real model committed once per
version, each commit raising `version` and `effective_date` and changing one text (in a different
part of the model each time), and one repository of 200 commits under a single version (fixes that
do not raise it). For each, it times the history step
(`generator.history.read_history`: git, reading each revision's version and date, validating the
last commit of each version) in fresh processes, as CPU seconds of the process and its git
children, and prints the median, the cost per version, the time of a second read in the same
process (what `mkdocs serve` pays on a rebuild), and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.load import load_file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from measure import Row, report  # noqa: E402  (bench/run.py's table)

MODEL = ROOT / "data" / "processing.yaml"
RELATIVE = "data/processing.yaml"
GOAL_SECONDS = 2.0
GOAL_VERSIONS = 200
BUILD_EPOCH = "1893456000"  # 2030-01-01: every generated version is in force or superseded then
FIRST_COMMIT = 1_700_000_000


def edited_model(base: dict[str, Any], version: str, effective: str, serial: int) -> bytes:
    """The model with its version and date set and, as a real new version does, one part changed:
    a text in the top-level part `serial` picks (in turn), so versions share all their other parts."""
    data = copy.deepcopy(base)
    data["version"], data["effective_date"] = version, effective
    parts = [name for name, value in data.items() if isinstance(value, dict | list) and _first_text(value)]
    holder, key = _first_text(data[parts[serial % len(parts)]]) or (data, "version")
    holder[key] = f"{holder[key]} ({serial})"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).encode()


def _first_text(value: Any) -> tuple[dict[str, Any], str] | None:
    """The first English text in `value`: its mapping and key."""
    if isinstance(value, dict):
        if isinstance(value.get("en"), str):
            return value, "en"
        items = list(value.values())
    elif isinstance(value, list):
        items = value
    else:
        return None
    return next((found for item in items if (found := _first_text(item))), None)


def make_repository(folder: Path, versions: int, commits_per_version: int = 1) -> Path:
    """A repository whose model has `versions` versions, each committed `commits_per_version` times
    (the later commits of a version change only a comment: fixes that do not raise it)."""
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    base = load_file(MODEL).data
    stream = []
    serial = 0
    for number in range(versions):
        year, day = divmod(number, 300)
        effective = f"{2020 + year}-{1 + day // 28:02d}-{1 + day % 28:02d}"
        content = edited_model(base, f"1.{number}.0", effective, number)
        for fix in range(commits_per_version):
            data = content + (f"# fix {fix}\n".encode() if fix else b"")
            when = FIRST_COMMIT + serial * 3600
            stream.append(b"commit refs/heads/main\n")
            stream.append(f"committer Bench <bench@example.com> {when} +0000\n".encode())
            stream.append(f"data {len(f'revision {serial}')}\nrevision {serial}\n".encode())
            stream.append(f"M 100644 inline {RELATIVE}\ndata {len(data)}\n".encode() + data + b"\n")
            serial += 1
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=folder, check=True)
    return folder


# The measurement, run in a fresh process for each sample so that no cache of an earlier run helps.
CHILD = """
import resource, sys, time
from pathlib import Path
from generator.history import build_date, read_history
from generator.pipeline import read_model
from generator.policy import load_policy

path = Path(sys.argv[1])
policy = load_policy(Path(sys.argv[2]))
current = read_model(path, policy).model
today = build_date()

def cpu():
    own = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime

start = cpu()
history = read_history(current, path, today, "data/processing.yaml", policy)
cold = cpu() - start
start = cpu()
read_history(current, path, today, "data/processing.yaml", policy)
warm = cpu() - start
assert not history.problems and not history.skipped, (history.problems, history.skipped)
print(cold, warm, len(history.entries))
"""


@dataclass(frozen=True)
class Sample:
    cold: float
    warm: float
    versions: int
    peak_kib: int


def measure(repository: Path) -> Sample:
    """One sample in a fresh process; its peak memory read from its own resource usage."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the measurement with its output on the pipe
        os.close(read)
        os.dup2(write, 1)
        os.chdir(ROOT)
        arguments = [sys.executable, "-c", CHILD, str(repository / RELATIVE), str(ROOT / "policy")]
        os.execve(sys.executable, arguments, environment)
    os.close(write)
    with os.fdopen(read) as pipe:
        out = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"the measurement failed on {repository} (exit {os.waitstatus_to_exitcode(status)})")
    cold, warm, versions = out.split()
    return Sample(float(cold), float(warm), int(versions), usage.ru_maxrss)


def seconds(value: float) -> str:
    return f"{value:.3f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per repository (default 5)")
    parser.add_argument("--counts", default="10,50,200", help="numbers of versions (default 10,50,200)")
    parser.add_argument("--json", action="store_true", help="print the rows of `make bench`'s table as JSON")
    arguments = parser.parse_args(argv)
    counts = [int(count) for count in arguments.counts.split(",")]
    # With --json, what would be printed goes to stderr and the table's rows to stdout (bench/run.py).
    out = sys.stderr if arguments.json else sys.stdout
    rows: list[Row] = []

    with tempfile.TemporaryDirectory(prefix="bench-history-") as temporary:
        cases = [(f"{count} versions", make_repository(Path(temporary) / f"v{count}", count)) for count in counts]
        cases.append(("200 commits, 1 version", make_repository(Path(temporary) / "fixes", 1, 200)))
        cases.insert(0, ("1 version", make_repository(Path(temporary) / "v1", 1)))
        print(f"history step, CPU seconds (process and git), median of {arguments.runs} fresh processes", file=out)
        print(f"{'repository':<24} {'versions':>8} {'history':>10} {'per version':>12} {'again':>10} {'peak':>9}",
              file=out)
        medians: dict[str, float] = {}
        for name, repository in cases:
            samples = [measure(repository) for _ in range(arguments.runs)]
            cold = statistics.median(sample.cold for sample in samples)
            warm = statistics.median(sample.warm for sample in samples)
            peak = max(sample.peak_kib for sample in samples) / 1024
            versions = samples[0].versions
            medians[name] = cold
            print(f"{name:<24} {versions:>8} {seconds(cold):>10} {cold / versions * 1000:>9.1f} ms "
                  f"{seconds(warm):>10} {peak:>6.0f} MiB", file=out)
            if name != "1 version":
                rows.append(Row(f"history step, {name}, vs 1 version", cold, medians["1 version"], "s CPU",
                                cold / medians["1 version"], "", None))

    largest = max(counts)
    if len(counts) > 1:
        smallest = min(counts)
        slope = (medians[f"{largest} versions"] - medians[f"{smallest} versions"]) / (largest - smallest)
        print(f"growth: {slope * 1000:.1f} ms per added version ({smallest} to {largest} versions)", file=out)
    if GOAL_VERSIONS in counts:
        added = medians[f"{GOAL_VERSIONS} versions"] - medians["1 version"]
        verdict = "met" if added < GOAL_SECONDS else "NOT met"
        print(f"goal: {GOAL_VERSIONS} versions add under {GOAL_SECONDS:.0f} s: {seconds(added)}, {verdict}", file=out)
        rows.append(Row(f"history step, what {GOAL_VERSIONS} versions add to 1", added, None, "s CPU", None,
                        f"under {GOAL_SECONDS:.0f} s", added < GOAL_SECONDS))
    if arguments.json:
        report(rows, as_json=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
