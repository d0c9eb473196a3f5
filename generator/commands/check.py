"""`privacy-statement check`: validate the model, then report what the statement fails to say.

Three forms of the same report: text (for people: a finding a line as compilers print it, and one
line per rule for a rule found in several places, each place with its FILE:LINE:COL), JSON (for
tools: one object per finding) and Markdown (for a pull request's summary).

With `--baseline REV` the findings the model already had in git revision REV are still listed, but
only new ones fail the command: a pull request is judged by the gaps it adds, while the gaps it
inherited stay visible (as linters' baselines do).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from generator.check import Counts, Finding, check, count, new_since, one_line
from generator.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    add_model_argument,
    add_policy_argument,
    in_language,
    model_path,
    print_problems,
    read_policy,
)
from generator.git import (
    FileNotInRevision,
    NotInRepository,
    RevisionError,
    UnknownRevision,
    read_revision,
    require_repository,
    revision_name,
)
from generator.pipeline import read_model, read_model_bytes
from generator.policy import RULES_LANGUAGE, Catalogue, Policy
from generator.problems import InputError, Problem, format_path
from generator.translations import LANGUAGES
from generator.validate import Model

PROG = "privacy-statement check"

FORMATS = ("text", "json", "markdown")


@dataclass(frozen=True)
class Words:
    """The report's wording in one language (the policy's texts/check.LANG.yaml), and the rules with
    their messages in that language."""

    wording: Mapping[str, Any]
    catalogue: Catalogue

    def __getitem__(self, key: str) -> Any:
        return self.wording[key]

    def number(self, kind: str, number: int) -> str:
        """"1 error", "3 warnings": `kind` is a key of the wording with `one` and `many` forms."""
        forms = self.wording[kind]
        return str(forms["one"]) if number == 1 else str(forms["many"]).format(count=number)

    def counts(self, counts: Counts) -> str:
        return str(self.wording["counts"]).format(errors=self.number("errors", counts.errors),
                                                  warnings=self.number("warnings", counts.warnings),
                                                  acknowledged=counts.acknowledged)

    def where(self, line: int, column: int) -> str:
        return str(self.wording["markdown"]["where"]).format(line=line, column=column)


def words_in(policy: Policy, language: str = RULES_LANGUAGE) -> Words:
    return Words(policy.report_in(language), policy.catalogue_in(language))


@dataclass(frozen=True)
class Baseline:
    """The revision findings are compared with, and which findings are new since it."""

    revision: str
    new: tuple[bool, ...]
    # Set when the model in the revision could not be checked: then every finding counts as new.
    unreadable: str | None = None

    def new_counts(self, findings: Sequence[Finding]) -> Counts:
        return count(finding for finding, new in zip(findings, self.new, strict=True) if new)

    def summary(self, findings: Sequence[Finding], words: Words) -> str:
        counts = self.new_counts(findings)
        text = str(words["new_since"]).format(revision=self.revision, errors=words.number("errors", counts.errors),
                                              warnings=words.number("warnings", counts.warnings))
        return str(words["unreadable"]).format(summary=text, reason=self.unreadable) if self.unreadable else text


def _is_new(findings: Sequence[Finding], baseline: Baseline | None) -> list[bool]:
    return list(baseline.new) if baseline else [True] * len(findings)


# --- text ----------------------------------------------------------------------------------------

def format_finding(file: str, finding: Finding, words: Words) -> str:
    """`FILE:LINE:COL: SEVERITY RULE: PATH: MESSAGE (SOURCE)`, plus the reason when acknowledged."""
    source = f" ({finding.source})" if finding.source else ""
    text = (f"{file}:{finding.location.line}:{finding.location.column}: {finding.severity} {finding.rule}: "
            f"{finding.at}: {finding.message}{source}")
    if finding.acknowledged:
        text += str(words["acknowledged"]).format(reason=finding.reason)
    return one_line(text)


def format_place(file: str, finding: Finding) -> str:
    """One place of a grouped rule: `FILE:LINE:COL PATH ("subject")`."""
    subject = f' ("{finding.subject}")' if finding.subject else ""
    return f"{file}:{finding.location.line}:{finding.location.column} {finding.at}{subject}"


def format_group(file: str, group: Sequence[Finding], words: Words) -> str:
    """One open rule found in several places, on one line: where the first is, the severity and rule,
    how many places, what the rule asks for (in the words' language), its legal source, and every
    place with its FILE:LINE:COL."""
    if len(group) == 1:
        return format_finding(file, group[0], words)
    first = group[0]
    rule = words.catalogue.rule(first.rule)
    source = f" ({first.source})" if first.source else ""
    places = "; ".join(format_place(file, finding) for finding in group)
    many = str(words["places"]).format(count=len(group))
    return one_line(f"{file}:{first.location.line}:{first.location.column}: {first.severity} {first.rule}: "
                    f"{many}: {rule.summary.rstrip('.')}{source}: {places}")


def grouped(findings: Sequence[Finding], new: Sequence[bool]) -> list[tuple[list[Finding], bool]]:
    """Open findings of one rule (new, or known since the baseline) as one group, where the first of
    them stands; each acknowledged finding, with its own reason, on its own."""
    groups: dict[tuple[str, bool] | int, tuple[list[Finding], bool]] = {}
    for number, (finding, is_new) in enumerate(zip(findings, new, strict=True)):
        key: tuple[str, bool] | int = number if finding.acknowledged else (finding.rule, is_new)
        groups.setdefault(key, ([], is_new))[0].append(finding)
    return list(groups.values())


def _text_report(file: str, findings: Sequence[Finding], warnings: Sequence[Problem], baseline: Baseline | None,
                 words: Words, out: TextIO) -> None:
    print_problems(warnings, out)
    for group, new in grouped(findings, _is_new(findings, baseline)):
        known = "" if new or baseline is None else str(words["already_in"]).format(revision=baseline.revision)
        print(format_group(file, group, words) + known, file=out)
    validation = (str(words["validation"]).format(warnings=words.number("validation_warnings", len(warnings)))
                  if warnings else "")
    since = str(words["since"]).format(baseline=baseline.summary(findings, words)) if baseline else ""
    print(str(words["summary"]).format(file=file, counts=words.counts(count(findings)), validation=validation,
                                       since=since), file=out)


# --- JSON ----------------------------------------------------------------------------------------

def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"severity": problem.severity, "path": format_path(problem.path), "line": problem.location.line,
            "column": problem.location.column, "message": problem.message}


def _finding_json(finding: Finding, new: bool | None) -> dict[str, Any]:
    report = {"rule": finding.rule, "severity": finding.severity, "source": finding.source, "path": finding.at,
              "line": finding.location.line, "column": finding.location.column, "message": finding.message,
              "acknowledged": finding.acknowledged, "reason": finding.reason}
    if new is not None:
        report["new"] = new
    return report


def _json_report(file: str, valid: bool, problems: Sequence[Problem], findings: Sequence[Finding],
                 baseline: Baseline | None, out: TextIO) -> None:
    counts = count(findings)
    flags: list[bool | None] = list(baseline.new) if baseline else [None] * len(findings)
    report: dict[str, Any] = {
        "file": file,
        "valid": valid,
        "validation": [_problem_json(problem) for problem in problems],
        "findings": [_finding_json(finding, new) for finding, new in zip(findings, flags, strict=True)],
        "summary": {"errors": counts.errors, "warnings": counts.warnings, "acknowledged": counts.acknowledged,
                    "validation_errors": sum(p.severity == "error" for p in problems),
                    "validation_warnings": sum(p.severity == "warning" for p in problems)},
    }
    if baseline:
        new_counts = baseline.new_counts(findings)
        report["baseline"] = {"revision": baseline.revision, "new_errors": new_counts.errors,
                              "new_warnings": new_counts.warnings, "unreadable": baseline.unreadable}
    print(json.dumps(report, ensure_ascii=False, indent=2), file=out)


# --- Markdown ------------------------------------------------------------------------------------

_MARKDOWN_CELL = str.maketrans({"|": "\\|", "<": "&lt;", ">": "&gt;", "&": "&amp;", "\\": "\\\\"})


def _cell(text: str) -> str:
    return one_line(text).translate(_MARKDOWN_CELL)


def _findings_table(title: str, group: Sequence[Finding], words: Words) -> list[str]:
    lines = [f"### {title} ({len(group)})", "", words["markdown"]["findings_header"], "|---|---|---|---|"]
    lines += [f"| {words.where(f.location.line, f.location.column)}: `{_cell(f.at)}` | `{f.rule}` | "
              f"{_cell(f.message)} | {_cell(f.source or '')} |" for f in group]
    return [*lines, ""]


def _markdown_report(file: str, valid: bool, problems: Sequence[Problem], findings: Sequence[Finding],
                     baseline: Baseline | None, words: Words, out: TextIO) -> None:
    markdown = words["markdown"]
    lines = [f"## {str(markdown['title']).format(file=_cell(file))}", ""]
    if not valid:
        lines += [markdown["invalid"], "", markdown["invalid_header"], "|---|---|---|"]
        lines += [f"| {words.where(p.location.line, p.location.column)} | `{_cell(format_path(p.path))}` | "
                  f"{_cell(p.message)} |" for p in problems if p.severity == "error"]
        print("\n".join(lines), file=out)
        return
    lines += [f"**{words.counts(count(findings))}**"
              + (f"; **{_cell(baseline.summary(findings, words))}**" if baseline else ""), ""]
    flags = _is_new(findings, baseline)
    for severity, title in (("error", "errors"), ("warning", "warnings")):
        group = [f for f, new in zip(findings, flags, strict=True)
                 if f.severity == severity and not f.acknowledged and new]
        if group:
            lines += _findings_table(markdown[f"new_{title}" if baseline else title], group, words)
    if baseline:
        known = [f for f, new in zip(findings, flags, strict=True) if not f.acknowledged and not new]
        if known:
            summary = str(markdown["known"]).format(revision=_cell(baseline.revision))
            lines += [f"<details><summary>{summary} ({len(known)})</summary>", ""]
            lines += _findings_table(markdown["known_title"], known, words)
            lines += ["</details>", ""]
    acknowledged = [f for f in findings if f.acknowledged]
    if acknowledged:
        lines += [f"### {markdown['acknowledged']} ({len(acknowledged)})", "", markdown["acknowledged_header"],
                  "|---|---|---|---|---|"]
        lines += [f"| {words.where(f.location.line, f.location.column)}: `{_cell(f.at)}` | `{f.rule}` | "
                  f"{words['severities'][f.severity]} | {_cell(f.source or '')} | {_cell(f.reason or '')} |"
                  for f in acknowledged]
        lines.append("")
    warnings = [p for p in problems if p.severity == "warning"]
    if warnings:
        lines += [f"### {markdown['validation_warnings']} ({len(warnings)})", ""]
        lines += [f"- {words.where(p.location.line, p.location.column)}: `{_cell(format_path(p.path))}`: "
                  f"{_cell(p.message)}" for p in warnings]
        lines.append("")
    if not findings and not warnings:
        lines += [markdown["nothing"], ""]
    print("\n".join(lines).rstrip("\n"), file=out)


# --- the command ---------------------------------------------------------------------------------

def command_check(arguments: argparse.Namespace, out: TextIO) -> int:
    path = model_path(arguments)
    file = str(path)
    # The revision is read first, so a wrong revision is a usage error whatever the model holds.
    base: bytes | _NoBase | None = None  # the model in the revision, or why there is none
    if arguments.baseline is not None:
        base = _read_base(arguments.baseline, path)
    policy = read_policy(arguments, path, PROG)
    words = words_in(policy, arguments.language)
    try:
        loaded = read_model(path, policy, file)
    except InputError as error:
        problems = in_language(error.problems, policy, arguments.language, PROG)
        if arguments.format == "json":
            _json_report(file, False, problems, [], None, out)
        elif arguments.format == "markdown":
            _markdown_report(file, False, problems, [], None, words, out)
        else:
            print_problems(problems, out)
            errors = sum(problem.severity == "error" for problem in problems)
            print(str(words["invalid"]).format(file=file, errors=words.number("errors", errors),
                                               warnings=words.number("warnings", len(problems) - errors)),
                  file=out)
        return EXIT_INVALID
    warnings = in_language(loaded.warnings, policy, arguments.language, PROG)
    findings = check(loaded.model, policy, arguments.language)
    baseline = None if base is None else _baseline(arguments.baseline, base, path, findings, loaded.model, policy,
                                                   words)
    if arguments.format == "json":
        _json_report(file, True, warnings, findings, baseline, out)
    elif arguments.format == "markdown":
        _markdown_report(file, True, warnings, findings, baseline, words, out)
    else:
        _text_report(file, findings, warnings, baseline, words, out)
    counts = baseline.new_counts(findings) if baseline else count(findings)
    failing = counts.errors or (arguments.strict and (counts.warnings or loaded.warnings))
    return EXIT_INVALID if failing else EXIT_OK


@dataclass(frozen=True)
class _NoBase:
    """Why the revision has no model to compare with: git's reason, or None for a repository with no
    commits yet."""

    reason: str | None


def _read_base(revision: str, path: Path) -> bytes | _NoBase:
    """The model file in `revision`, or, where the revision has none to compare with, why not."""
    try:
        require_repository(path)
        return read_revision(revision, path)
    except FileNotInRevision as error:
        return _NoBase(f"{error}")
    except UnknownRevision as error:
        if error.repository_is_empty:
            return _NoBase(None)
        raise UsageError(f"{PROG}: {error}") from None
    except NotInRepository as error:
        raise UsageError(f"{PROG}: {error}; run the check without --baseline") from None
    except RevisionError as error:
        raise UsageError(f"{PROG}: {error}") from None


def _baseline(revision: str, base: bytes | _NoBase, path: Path, findings: Sequence[Finding], model: Model,
              policy: Policy, words: Words) -> Baseline:
    all_new = (True,) * len(findings)
    if isinstance(base, _NoBase):
        reason = base.reason if base.reason is not None else str(words["no_commits"])
        return Baseline(revision, all_new, unreadable=str(words["not_in_revision"]).format(reason=reason))
    try:
        base_model = read_model_bytes(base, revision_name(revision, path), policy).model
    except InputError:
        return Baseline(revision, all_new, unreadable=str(words["invalid_in_revision"]).format(revision=revision))
    # Entries renamed since the base are matched as the diff matches them, so their gaps stay known.
    # Imported here: the diff brings the renderer and Jinja, a tenth of a plain `check`'s time.
    from generator.diff import renamed_ids

    renamed = renamed_ids(base_model, model, policy)
    return Baseline(revision, tuple(new_since(findings, model.data, check(base_model, policy), base_model.data,
                                              renamed)))


def configure(parser: argparse.ArgumentParser, name: str = "check") -> None:
    add_model_argument(parser)
    add_policy_argument(parser)
    parser.add_argument("--strict", action="store_true", help="fail on warnings too, not only on errors")
    parser.add_argument("--baseline", metavar="REV",
                        help="list every finding, but fail only on those the model in git revision REV did not "
                             "have (for a pull request: its base branch, such as origin/main)")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (one finding a line, the default), json (for tools) or markdown "
                             "(for a pull request summary)")
    parser.add_argument("--language", choices=LANGUAGES, default=RULES_LANGUAGE,
                        help=f"the language of the report and of the findings' messages (default: {RULES_LANGUAGE})")
    parser.set_defaults(run=command_check)


__all__ = ["Words", "command_check", "configure", "format_finding", "format_group", "format_place", "grouped",
           "words_in"]
