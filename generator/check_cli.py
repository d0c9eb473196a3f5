"""`privacy-statement check`: validate the model, then report what the statement fails to say.

Three forms of the same report: text (one finding a line, as compilers print, for editors and
their editors' problem matchers), JSON (for tools) and Markdown (for a pull request's summary).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any, TextIO

from generator.check import Counts, Finding, check, count, one_line
from generator.cli import EXIT_INVALID, EXIT_OK, _model_path, _summary, print_problems
from generator.paths import DEFAULT_MODEL
from generator.pipeline import read_model
from generator.problems import InputError, Problem, format_path

FORMATS = ("text", "json", "markdown")


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'s' * (number != 1)}"


def _counts_text(counts: Counts) -> str:
    return (f"{_plural(counts.errors, 'error')}, {_plural(counts.warnings, 'warning')}, "
            f"{counts.acknowledged} acknowledged")


# --- text ----------------------------------------------------------------------------------------

def format_finding(file: str, finding: Finding) -> str:
    """`FILE:LINE:COL: SEVERITY RULE: PATH: MESSAGE (SOURCE)`, plus the reason when acknowledged."""
    source = f" ({finding.source})" if finding.source else ""
    text = (f"{file}:{finding.location.line}:{finding.location.column}: {finding.severity} {finding.rule}: "
            f"{finding.at}: {finding.message}{source}")
    if finding.acknowledged:
        text += f" [acknowledged: {finding.reason}]"
    return one_line(text)


def _text_report(file: str, findings: Sequence[Finding], warnings: Sequence[Problem], out: TextIO) -> None:
    print_problems(warnings, out)
    for finding in findings:
        print(format_finding(file, finding), file=out)
    counts = count(findings)
    validation = f" (and {_plural(len(warnings), 'validation warning')})" if warnings else ""
    print(f"{file}: check: {_counts_text(counts)}{validation}", file=out)


# --- JSON ----------------------------------------------------------------------------------------

def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"severity": problem.severity, "path": format_path(problem.path), "line": problem.location.line,
            "column": problem.location.column, "message": problem.message}


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {"rule": finding.rule, "severity": finding.severity, "source": finding.source, "path": finding.at,
            "line": finding.location.line, "column": finding.location.column, "message": finding.message,
            "acknowledged": finding.acknowledged, "reason": finding.reason}


def _json_report(file: str, valid: bool, problems: Sequence[Problem], findings: Sequence[Finding],
                 out: TextIO) -> None:
    counts = count(findings)
    report = {
        "file": file,
        "valid": valid,
        "validation": [_problem_json(problem) for problem in problems],
        "findings": [_finding_json(finding) for finding in findings],
        "summary": {"errors": counts.errors, "warnings": counts.warnings, "acknowledged": counts.acknowledged,
                    "validation_errors": sum(p.severity == "error" for p in problems),
                    "validation_warnings": sum(p.severity == "warning" for p in problems)},
    }
    print(json.dumps(report, ensure_ascii=False, indent=2), file=out)


# --- Markdown ------------------------------------------------------------------------------------

_MARKDOWN_CELL = str.maketrans({"|": "\\|", "<": "&lt;", ">": "&gt;", "&": "&amp;", "\\": "\\\\"})


def _cell(text: str) -> str:
    return one_line(text).translate(_MARKDOWN_CELL)


def _markdown_report(file: str, valid: bool, problems: Sequence[Problem], findings: Sequence[Finding],
                     out: TextIO) -> None:
    lines = [f"## Privacy statement check: `{_cell(file)}`", ""]
    if not valid:
        lines += ["The model is not valid, so the completeness rules did not run. Fix these first:", "",
                  "| Where | Field | Problem |", "|---|---|---|"]
        lines += [f"| line {p.location.line}, column {p.location.column} | `{_cell(format_path(p.path))}` | "
                  f"{_cell(p.message)} |" for p in problems if p.severity == "error"]
        print("\n".join(lines), file=out)
        return
    counts = count(findings)
    lines += [f"**{_counts_text(counts)}**", ""]
    groups = (
        ("Errors", [f for f in findings if f.severity == "error" and not f.acknowledged]),
        ("Warnings", [f for f in findings if f.severity == "warning" and not f.acknowledged]),
    )
    for title, group in groups:
        if not group:
            continue
        lines += [f"### {title} ({len(group)})", "", "| Where | Rule | What to add | Legal source |",
                  "|---|---|---|---|"]
        lines += [f"| line {f.location.line}, column {f.location.column}: `{_cell(f.at)}` | `{f.rule}` | "
                  f"{_cell(f.message)} | {_cell(f.source or '')} |" for f in group]
        lines.append("")
    acknowledged = [f for f in findings if f.acknowledged]
    if acknowledged:
        lines += [f"### Acknowledged ({len(acknowledged)})", "", "| Where | Rule | Severity | Legal source | Reason |",
                  "|---|---|---|---|---|"]
        lines += [f"| line {f.location.line}, column {f.location.column}: `{_cell(f.at)}` | `{f.rule}` | "
                  f"{f.severity} | {_cell(f.source or '')} | {_cell(f.reason or '')} |" for f in acknowledged]
        lines.append("")
    warnings = [p for p in problems if p.severity == "warning"]
    if warnings:
        lines += [f"### Validation warnings ({len(warnings)})", ""]
        lines += [f"- line {p.location.line}, column {p.location.column}: `{_cell(format_path(p.path))}`: "
                  f"{_cell(p.message)}" for p in warnings]
        lines.append("")
    if not findings and not warnings:
        lines += ["Nothing to report: the statement says everything the rules check for.", ""]
    print("\n".join(lines).rstrip("\n"), file=out)


# --- the command ---------------------------------------------------------------------------------

def command_check(arguments: argparse.Namespace, out: TextIO) -> int:
    path = _model_path(arguments)
    file = str(path)
    try:
        loaded = read_model(path, file)
    except InputError as error:
        if arguments.format == "json":
            _json_report(file, False, error.problems, [], out)
        elif arguments.format == "markdown":
            _markdown_report(file, False, error.problems, [], out)
        else:
            print_problems(error.problems, out)
            print(_summary(file, error.problems), file=out)
        return EXIT_INVALID
    findings = check(loaded.model)
    if arguments.format == "json":
        _json_report(file, True, loaded.warnings, findings, out)
    elif arguments.format == "markdown":
        _markdown_report(file, True, loaded.warnings, findings, out)
    else:
        _text_report(file, findings, loaded.warnings, out)
    counts = count(findings)
    failing = counts.errors or (arguments.strict and (counts.warnings or loaded.warnings))
    return EXIT_INVALID if failing else EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check", help="report what the statement fails to say that the GDPR requires (after validating)")
    parser.add_argument("file", nargs="?", metavar="FILE", help=f"the model file (default: {DEFAULT_MODEL})")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too, not only on errors")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (one finding a line, the default), json (for tools) or markdown "
                             "(for a pull request summary)")
    parser.set_defaults(run=command_check)


__all__ = ["command_check", "format_finding", "register"]
