"""`make status`: write what `privacy-statement check` reports on the model into README.md.

The README's status section is the legal team's to-do list. It is written by this command, not by
hand and not pinned by a test, so an editor who closes a gap runs `make status` and commits the
README with the model (or leaves it, and it says which version it describes). Only the text between
the two status markers is replaced.

    python tools/status.py [--model data/processing.yaml] [--readme README.md]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "<!-- status: written by `make status` from `privacy-statement check`; edit around it, not inside -->"
END = "<!-- /status -->"
RULES = ROOT / "policy" / "rules.yaml"
INDEX = re.compile(r"\[(\d+)\]")


def runs(numbers: list[int]) -> str:
    """0, 1, 2, 4, 6, 7, 8 as "0-2, 4, 6-8"."""
    numbers = sorted(set(numbers))
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)


def places(paths: Iterable[str]) -> str:
    """Field paths that differ only in their first index, written once: `purposes[0-2, 4].provision`."""
    groups: dict[tuple[str, str], list[int]] = {}
    single: list[str] = []
    for path in paths:
        found = INDEX.search(path)
        if found is None:
            single.append(path)
            continue
        groups.setdefault((path[: found.start()], path[found.end():]), []).append(int(found.group(1)))
    written = [f"`{path}`" for path in dict.fromkeys(single)]
    written += [f"`{before}[{runs(numbers)}]{after}`" for (before, after), numbers in groups.items()]
    return ", ".join(written)


def rule_summaries(rules_file: Path) -> dict[str, str]:
    try:
        catalogue = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    rules = catalogue.get("rules", []) if isinstance(catalogue, dict) else []
    return {rule["id"]: str(rule.get("summary", "")).rstrip(".") for rule in rules if isinstance(rule, dict)}


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def section(report: dict[str, Any], version: str, effective: str, summaries: dict[str, str]) -> str:
    totals = report["summary"]
    lines = [
        f"`privacy-statement check` on `{report['file']}` **version {version}** (in effect from {effective}) "
        f"reports **{totals['errors']} errors, {totals['warnings']} warnings, {totals['acknowledged']} "
        "acknowledged**.",
        "",
    ]
    open_findings = [finding for finding in report["findings"] if not finding["acknowledged"]]
    if open_findings:
        lines += ["| rule | severity | open | where | the statement should say | source |",
                  "|---|---|---|---|---|---|"]
        by_rule: dict[str, list[dict[str, Any]]] = {}
        for finding in sorted(open_findings, key=lambda f: (f["severity"] != "error", f["line"], f["column"])):
            by_rule.setdefault(finding["rule"], []).append(finding)
        for rule, findings in by_rule.items():
            lines.append(f"| `{rule}` | {findings[0]['severity']} | {len(findings)} | "
                         f"{places(f['path'] for f in findings)} | {cell(summaries.get(rule, ''))} | "
                         f"{cell(findings[0]['source'])} |")
    else:
        lines.append("Nothing is open: the statement says everything the checker asks for.")
    accepted = [finding for finding in report["findings"] if finding["acknowledged"]]
    if accepted:
        lines += ["", "Accepted on purpose (`acknowledged_findings`):", "", "| rule | where | reason |",
                  "|---|---|---|"]
        lines += [f"| `{f['rule']}` | `{f['path']}` | {cell(f['reason'] or '')} |" for f in accepted]
    return "\n".join(lines)


def replaced(readme: str, body: str) -> str:
    if readme.count(BEGIN) != 1 or readme.count(END) != 1 or readme.index(BEGIN) > readme.index(END):
        raise SystemExit(f"README.md needs the two status markers, once each and in this order:\n{BEGIN}\n{END}")
    before, rest = readme.split(BEGIN)
    _, after = rest.split(END)
    return f"{before}{BEGIN}\n{body}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="data/processing.yaml")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    arguments = parser.parse_args(argv)
    command = Path(sys.executable).parent / "privacy-statement"
    done = subprocess.run([str(command), "check", "--format", "json", arguments.model],
                          capture_output=True, text=True)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = None
    if done.returncode not in (0, 1) or not report or not report.get("valid"):
        # An invalid model: say why, as `check` does, and leave the README as it was.
        shown = subprocess.run([str(command), "check", arguments.model], capture_output=True, text=True)
        sys.stderr.write(shown.stdout + shown.stderr)
        print("make status: the model is not valid, so README.md was left as it was.", file=sys.stderr)
        return 1
    with open(arguments.model, encoding="utf-8") as model_file:
        # Only two top-level strings are read here; `check` has validated the whole file already.
        model = yaml.load(model_file, Loader=yaml.BaseLoader)
    body = section(report, model["version"], model["effective_date"], rule_summaries(RULES))
    readme = arguments.readme.read_text(encoding="utf-8")
    updated = replaced(readme, body)
    if updated != readme:
        arguments.readme.write_text(updated, encoding="utf-8")
    totals = report["summary"]
    print(f"{arguments.readme.name}: status of {report['file']} version {model['version']}: "
          f"{totals['errors']} errors, {totals['warnings']} warnings, {totals['acknowledged']} acknowledged"
          f"{'' if updated != readme else ' (unchanged)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
