"""What the subcommands share: exit codes, usage errors, the model-file argument, the printing of
located problems and the one-line summary. It imports no subcommand, and no subcommand imports
another: each of them imports only this module and the stages it runs."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from generator.load import Document, load_file
from generator.messages import ENGLISH, Said, Wording, said
from generator.paths import DEFAULT_MODEL, POLICY_FOLDER, find_policy_folder, project_roots
from generator.policy import Policy, PolicyError, load_policy
from generator.problems import InputError, Problem, in_wording
from generator.validate import Validation, validate

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

PROG = "privacy-statement"

Command = Callable[[argparse.Namespace, TextIO], int]


class UsageError(Exception):
    """Bad command-line use (not bad model content): exit 2, the message on standard error."""


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    """The optional FILE argument of the commands that read one model file."""
    parser.add_argument("file", nargs="?", metavar="FILE", help=f"the model file (default: {DEFAULT_MODEL})")


def add_policy_argument(parser: argparse.ArgumentParser) -> None:
    """The --policy DIR option every subcommand has."""
    parser.add_argument("--policy", metavar="DIR",
                        help=f"the policy folder: schema, rules, texts and templates (default: the {POLICY_FOLDER} "
                             f"folder of the project holding the model: the folder with mkdocs.yml, else the "
                             f"model's git repository, else the current folder)")


def policy_folder(arguments: argparse.Namespace, model: Path | None, prog: str = PROG) -> Path:
    """The policy folder the command reads: --policy DIR, or the project's."""
    if arguments.policy:
        return Path(arguments.policy)
    found = find_policy_folder(model)
    if found is None:
        looked = ", ".join(str(root / POLICY_FOLDER) for root in project_roots(model))
        raise UsageError(f"{prog}: no policy folder found (looked for {looked}); run from the project folder "
                         "or give --policy DIR")
    return found


def read_policy(arguments: argparse.Namespace, model: Path | None, prog: str = PROG) -> Policy:
    """The policy the command runs with, read once; a usage error when it cannot be read."""
    try:
        return load_policy(policy_folder(arguments, model, prog))
    except PolicyError as error:
        raise UsageError(f"{prog}: {error}") from None


def model_file(given: str | Path, prog: str = PROG) -> Path:
    """The path of a model file named on the command line, or a UsageError saying what is there instead."""
    path = Path(given)
    if path.is_dir():
        inside = path / DEFAULT_MODEL.name
        hint = f"; did you mean {inside}?" if inside.is_file() else " (give the path of the YAML file)"
        raise UsageError(f"{prog}: {path} is a folder, not a model file{hint}")
    if not path.is_file():
        raise UsageError(f"{prog}: no model file at {path} (give the path to {DEFAULT_MODEL.name}, "
                         "or run from the project folder)")
    return path


def model_path(arguments: argparse.Namespace, prog: str = PROG) -> Path:
    """The model file the command reads: its FILE argument, or data/processing.yaml."""
    return model_file(arguments.file or DEFAULT_MODEL, prog)


def in_language(problems: Sequence[Problem], policy: Policy, language: str, prog: str = PROG) -> list[Problem]:
    """The problems with their messages in `language` (the policy's texts/problems.LANG.yaml)."""
    try:
        wording = policy.problems_in(language)
    except PolicyError as error:
        raise UsageError(f"{prog}: {error}") from None
    return [in_wording(problem, wording) for problem in problems]


def print_problems(problems: Sequence[Problem], out: TextIO) -> None:
    for problem in problems:
        print(problem.format(), file=out)


def refuse_invalid(problems: Sequence[Problem], file: str | Path, outcome: str, out: TextIO) -> int:
    """Print the problems that make the model invalid and `FILE: OUTCOME: the model is not valid`
    (such as "not built"); the exit code that says so."""
    print_problems(problems, out)
    print(f"{file}: {outcome}: the model is not valid", file=out)
    return EXIT_INVALID


def load_and_validate(path: Path, policy: Policy) -> tuple[Document | None, Validation | None, list[Problem]]:
    """The first two stages; the problems that stopped them, or the validation's own."""
    try:
        document = load_file(path, str(path))
    except InputError as error:
        return None, None, error.problems
    validation = validate(document, policy)
    return document, validation, validation.problems


def write_in_place(path: Path, text: str) -> None:
    """Replace the file's content at once (a new file renamed over it), keeping its permissions."""
    temporary = path.with_name(f".{path.name}.writing")
    temporary.write_text(text, encoding="utf-8")
    os.chmod(temporary, path.stat().st_mode & 0o7777)
    temporary.replace(path)


def plural(number: int, word: str) -> str:
    return f"{number} {word}{'s' * (number != 1)}"


def summary(file: str, problems: Sequence[Problem], wording: Wording | None = None) -> str:
    """`FILE: valid (N warnings)` or `FILE: invalid: N errors, M warnings`, in `wording`'s language
    (English when None)."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors

    def counted(kind: str, number: int) -> Said:
        return said(f"count.{kind}.{'one' if number == 1 else 'many'}", count=number)

    if errors:
        line = said("summary.invalid", file=file, errors=counted("errors", errors),
                    warnings=counted("warnings", warnings))
    else:
        line = said("summary.valid", file=file, warnings=counted("warnings", warnings))
    return (wording or ENGLISH).say(line)
