"""`privacy-statement`: the command line over the stages. Exit 0 valid, 1 invalid, 2 usage error."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from generator.load import Document, load_file
from generator.paths import DEFAULT_MODEL, SCHEMA_PATH
from generator.problems import InputError, Problem
from generator.validate import Validation, validate

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line use (not bad model content): exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _model_path(arguments: argparse.Namespace) -> Path:
    path = Path(arguments.file) if arguments.file else DEFAULT_MODEL
    if not path.is_file():
        raise UsageError(f"privacy-statement: no model file at {path} (give the path to "
                         "processing.yaml, or run from the project folder)")
    return path


def print_problems(problems: Sequence[Problem], out: TextIO) -> None:
    for problem in problems:
        print(problem.format(), file=out)


def load_and_validate(path: Path) -> tuple[Document | None, Validation | None, list[Problem]]:
    """The first two stages; the problems that stopped them, or the validation's own."""
    try:
        document = load_file(path, str(path))
    except InputError as error:
        return None, None, error.problems
    validation = validate(document)
    return document, validation, validation.problems


def _summary(file: str, problems: Sequence[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        return f"{file}: invalid: {errors} error{'s' * (errors != 1)}, " \
               f"{warnings} warning{'s' * (warnings != 1)}"
    return f"{file}: valid ({warnings} warning{'s' * (warnings != 1)})"


def command_validate(arguments: argparse.Namespace, out: TextIO) -> int:
    path = _model_path(arguments)
    _, _, problems = load_and_validate(path)
    print_problems(problems, out)
    print(_summary(str(path), problems), file=out)
    failing = [p for p in problems if p.severity == "error" or arguments.strict]
    return EXIT_INVALID if failing else EXIT_OK


def command_schema(arguments: argparse.Namespace, out: TextIO) -> int:
    out.write(SCHEMA_PATH.read_text(encoding="utf-8"))
    return EXIT_OK


Command = Callable[[argparse.Namespace, TextIO], int]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="privacy-statement",
        description="Validate, check and render i-Centrum's privacy statement model.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    validate_parser = commands.add_parser(
        "validate", help="check the model file against the schema and its id references")
    validate_parser.add_argument("file", nargs="?", metavar="FILE",
                                 help=f"the model file (default: {DEFAULT_MODEL})")
    validate_parser.add_argument("--strict", action="store_true",
                                 help="fail on warnings (such as unused entries) too")
    validate_parser.set_defaults(run=command_validate)

    schema_parser = commands.add_parser("schema", help="print the JSON Schema of the model")
    schema_parser.set_defaults(run=command_schema)

    # Each later stage's module adds its own subcommand: register(commands) sets `run`. They are
    # imported here, not at the top, because they import this module's helpers.
    from generator import build, check_cli, diff_cli

    check_cli.register(commands)
    build.register(commands)
    diff_cli.register(commands)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        arguments = build_parser().parse_args(argv)
        run: Command = arguments.run
        return run(arguments, out)
    except UsageError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as leaving:  # --help
        return int(leaving.code or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, and keep Python from reporting the
        # failed flush of stdout at exit (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
