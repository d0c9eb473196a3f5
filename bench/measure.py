"""What the benchmarks share: whole commands measured side by side, as CPU time and peak memory.

A noisy machine (other jobs, a laptop's power saving) slows every command it runs, so a benchmark
here never reports a time alone: it runs our command (A) and the peer's (B) in pairs, alternating
which goes first, takes each one's CPU time (user + system, of the process and the processes it
waited for) from the kernel, and reports the median of the pairs' ratios A/B. Peak memory is the
largest resident size the kernel saw for the process.

Each bench script prints its rows as a table, or as JSON with `--json`, which `bench/run.py`
(`make bench`) gathers into one table. A row: measure, ours, peer, unit, ratio, goal (text), met.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# An editable install leaves the project's modules without bytecode, and where PYTHONDONTWRITEBYTECODE
# is set (as on the machines here) every run would compile them again, while the peers' modules were
# compiled when pip installed them. Compiling ours once makes the two sides start alike, as they do
# on a person's machine after the first run.
compileall.compile_dir(ROOT / "generator", quiet=1)


@dataclass(frozen=True)
class Run:
    cpu: float  # seconds, user + system
    peak_mib: float
    wall: float  # seconds from start to exit, as a person waits for it


@dataclass(frozen=True)
class Row:
    measure: str
    ours: float
    peer: float | None
    unit: str
    ratio: float | None
    goal: str
    met: bool | None


def run(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None, ok: Collection[int] = (0,)) -> Run:
    """One run of `command` to its end; fails loudly when it exits with a code not in `ok`."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in ok:
            output.seek(0)
            raise SystemExit(f"{' '.join(command)} exited {process.returncode} in {cwd}:\n"
                             f"{output.read().decode('utf-8', 'replace')[-3000:]}")
    return Run(cpu=usage.ru_utime + usage.ru_stime, peak_mib=usage.ru_maxrss / 1024, wall=wall)


def series(command: Sequence[str], count: int, *, cwd: Path, ok: Collection[int] = (0,)) -> list[Run]:
    """`count` runs of one command, after one unmeasured warm-up run."""
    run(command, cwd, ok=ok)
    return [run(command, cwd, ok=ok) for _ in range(count)]


def limit_row(measure: str, runs: list[Run], limit: float, goal: str) -> Row:
    """A command against an absolute goal, judged on its median CPU time (what a busy machine does
    not inflate); the median wall time is named with the measure."""
    cpu = statistics.median(r.cpu for r in runs)
    wall = statistics.median(r.wall for r in runs)
    return Row(f"{measure} (median wall {wall:.2f} s)", cpu, None, "s CPU", None, goal, cpu < limit)


def pairs(ours: Sequence[str], peer: Sequence[str], count: int, *, ours_cwd: Path, peer_cwd: Path,
          env: dict[str, str] | None = None) -> tuple[list[Run], list[Run]]:
    """`count` pairs, alternating which command runs first; one unmeasured warm-up run of each."""
    run(ours, ours_cwd, env)
    run(peer, peer_cwd, env)
    a_runs: list[Run] = []
    b_runs: list[Run] = []
    for number in range(count):
        if number % 2 == 0:
            a_runs.append(run(ours, ours_cwd, env))
            b_runs.append(run(peer, peer_cwd, env))
        else:
            b_runs.append(run(peer, peer_cwd, env))
            a_runs.append(run(ours, ours_cwd, env))
    return a_runs, b_runs


def cpu_row(measure: str, a_runs: list[Run], b_runs: list[Run], goal_ratio: float, goal: str) -> Row:
    ratio = statistics.median(a.cpu / b.cpu for a, b in zip(a_runs, b_runs, strict=True))
    return Row(measure, statistics.median(a.cpu for a in a_runs), statistics.median(b.cpu for b in b_runs),
               "s CPU", ratio, goal, ratio <= goal_ratio)


def memory_row(measure: str, a_runs: list[Run], b_runs: list[Run], goal_ratio: float, goal: str) -> Row:
    ours, peer = max(a.peak_mib for a in a_runs), max(b.peak_mib for b in b_runs)
    return Row(measure, ours, peer, "MiB peak", ours / peer, goal, ours / peer <= goal_ratio)


def table(rows: Sequence[Row]) -> str:
    lines = ["| measure | ours | peer | ours/peer | goal | met |", "|---|---:|---:|---:|---|---|"]
    for row in rows:
        peer = f"{row.peer:.2f} {row.unit}" if row.peer is not None else ""
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        met = "" if row.met is None else ("yes" if row.met else "NO")
        lines.append(f"| {row.measure} | {row.ours:.2f} {row.unit} | {peer} | {ratio} | {row.goal} | {met} |")
    return "\n".join(lines)


def report(rows: Sequence[Row], as_json: bool) -> None:
    print(json.dumps([asdict(row) for row in rows]) if as_json else table(rows))
