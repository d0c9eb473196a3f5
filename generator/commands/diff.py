"""`privacy-statement diff`: what a change to the model changes for readers of the statement.

Compares two model files, or two git revisions of the model (`--from REV --to REV`, read through
generator.git). Without files or revisions it compares the merge base with main (HEAD when there
is no main, or when HEAD is on it) with the file in the working tree: what the current branch
changes. A model file on the new side must also follow the versions in its git history (dates only
go forward): where it does not, the diff is printed and the command fails with the located problem.

Exit 0 when both sides are valid, whatever changed; 1 when a side is not valid, and with
`--strict` also when readers would see a change that `version` and `effective_date` do not
announce (that is always printed as a warning); 2 for a usage error such as an unknown revision.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from generator.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    add_policy_argument,
    in_language,
    model_file,
    model_path,
    print_problems,
    read_policy,
)
from generator.diff import FORMATTERS, diff_models
from generator.git import (
    FileNotInRevision,
    RevisionError,
    default_base,
    read_revision,
    require_repository,
    revision_name,
    short,
)
from generator.paths import DEFAULT_MODEL
from generator.pipeline import LoadedModel, read_model, read_model_bytes
from generator.policy import Policy
from generator.problems import InputError, Problem
from generator.render import DEFAULT_LANGUAGE, escape
from generator.timeline import build_date, version_problems
from generator.translations import LANGUAGES
from generator.validate import Model

PROG = "privacy-statement diff"


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its name in messages, and its model or the problems that stop it."""

    role: str  # "old" or "new"
    name: str
    model: Model | None
    problems: tuple[Problem, ...] = ()
    # For the model in the working tree: where its version or date does not follow its git history.
    history_problems: tuple[Problem, ...] = ()


def _side(role: str, name: str, read: Callable[[], LoadedModel]) -> Side:
    try:
        return Side(role, name, read().model)
    except InputError as error:
        return Side(role, name, None, tuple(error.problems))


def file_side(role: str, path: Path, policy: Policy) -> Side:
    side = _side(role, str(path), lambda: read_model(path, policy))
    if role == "new" and side.model is not None:
        problems = version_problems(side.model.document, path, build_date())
        return Side(role, side.name, side.model, history_problems=tuple(problems))
    return side


def revision_side(role: str, revision: str, path: Path, policy: Policy) -> Side:
    name = revision_name(revision, path)
    try:
        raw = read_revision(revision, path)
    except FileNotInRevision as error:
        raise UsageError(f"{PROG}: {error}; give its path in the repository with --file") from None
    except RevisionError as error:
        raise UsageError(f"{PROG}: {error}") from None
    return _side(role, name, lambda: read_model_bytes(raw, name, policy))


def sides(arguments: argparse.Namespace) -> tuple[Side, Side, Policy]:
    """The old and the new side, and the policy both are read with (the project's of the new side)."""
    files = [name for name in (arguments.old, arguments.new) if name is not None]
    revisions = arguments.from_revision is not None or arguments.to_revision is not None
    if files and (revisions or arguments.file):
        raise UsageError(f"{PROG}: give either two files (OLD NEW) or revisions with --from/--to and --file, "
                         "not both")
    if len(files) == 1:
        raise UsageError(f"{PROG}: give two files to compare, OLD and NEW, or none to compare git revisions")
    if files:
        old_path, new_path = (model_file(name, PROG) for name in files)
        policy = read_policy(arguments, new_path, PROG)
        return file_side("old", old_path, policy), file_side("new", new_path, policy), policy

    path = Path(arguments.file) if arguments.file else DEFAULT_MODEL
    try:
        require_repository(path)
    except RevisionError as error:
        raise UsageError(f"{PROG}: {error}; compare two files instead: {PROG} OLD NEW") from None
    base = arguments.from_revision or short(default_base(path))
    policy = read_policy(arguments, path, PROG)
    old = revision_side("old", base, path, policy)
    if arguments.to_revision is None:
        return old, file_side("new", model_path(arguments), policy), policy
    return old, revision_side("new", arguments.to_revision, path, policy), policy


def _print_invalid(invalid: Sequence[Side], markdown: bool, policy: Policy, out: TextIO, language: str) -> None:
    wording = policy.wording_in(language)
    for side in invalid:
        problems = in_language(side.problems, policy, language, PROG)
        errors = sum(problem.severity == "error" for problem in problems)
        count = wording["error_count"]["one"] if errors == 1 else wording["error_count"]["many"].format(count=errors)
        file = escape(side.name) if markdown else side.name
        summary = wording["invalid_side"].format(side=wording["sides"][side.role], file=file, errors=count)
        summary = summary[:1].upper() + summary[1:]
        if markdown:
            print(f"**{summary}**\n", file=out)
            for problem in problems:
                print(f"- {escape(problem.format())}", file=out)
            print(file=out)
        else:
            print_problems(problems, out)
            print(summary, file=out)


def command_diff(arguments: argparse.Namespace, out: TextIO) -> int:
    old, new, policy = sides(arguments)
    markdown = arguments.format == "markdown"
    if old.model is None or new.model is None:
        _print_invalid([side for side in (old, new) if side.model is None], markdown, policy, out, arguments.language)
        return EXIT_INVALID
    diff = diff_models(old.model, new.model, policy, language=arguments.language)
    out.write(FORMATTERS[arguments.format](diff, (old.name, new.name)))
    if new.history_problems:
        history_problems = in_language(new.history_problems, policy, arguments.language, PROG)
        if markdown:
            print("", file=out)
            for problem in history_problems:
                print(f"- **{escape(problem.format())}**", file=out)
        else:
            print_problems(history_problems, out)
        return EXIT_INVALID
    return EXIT_INVALID if arguments.strict and diff.not_raised else EXIT_OK


def configure(parser: argparse.ArgumentParser, name: str = "diff") -> None:
    add_policy_argument(parser)
    parser.description = (
        "Compare two versions of the model and say what changes for a reader of the statement: "
        "entries and fields added, removed or changed, with the values before and after. Without "
        "files, compares the model in git's merge base with main (or HEAD) with the working tree.")
    parser.epilog = (
        "Exit 0 when both sides are valid; 1 when a side is not valid, and with --strict also when "
        "readers would see a change but `version` and `effective_date` were not both raised (always "
        "printed as a warning); 2 for a usage error, such as a revision git does not know.")
    parser.add_argument("old", nargs="?", metavar="OLD", help="the old model file")
    parser.add_argument("new", nargs="?", metavar="NEW", help="the new model file")
    parser.add_argument("--from", dest="from_revision", metavar="REV",
                        help="the old side: the model in git revision REV (default: the merge base with main, "
                             "or HEAD)")
    parser.add_argument("--to", dest="to_revision", metavar="REV",
                        help="the new side: the model in git revision REV (default: the file in the working tree)")
    parser.add_argument("--file", metavar="PATH",
                        help=f"the model's path in the repository, for --from/--to (default: {DEFAULT_MODEL})")
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text",
                        help="text for a terminal (default), markdown for a pull request's summary, json for tools")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when readers would see a change that version and effective_date do not announce")
    parser.add_argument("--language", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                        help="the language of the report; texts of the model are quoted in that language, or in "
                             f"each language where only another language's text changed (default: {DEFAULT_LANGUAGE})")
    parser.set_defaults(run=command_diff)
