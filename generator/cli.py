"""`privacy-statement`: builds the command-line parser and runs the subcommand asked for.

The subcommands live in `generator/commands/`, one module each. This module knows only their
names, their one-line help and the module that runs each; it imports just the module of the
subcommand that runs, so `validate` never loads the renderer. Exit 0 valid, 1 invalid, 2 usage
error (130 on Ctrl-C, 141 when the reader of the output went away).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NoReturn, TextIO

from generator.commands.common import EXIT_USAGE, PROG, Command, UsageError
from generator.problems import closest


@dataclass(frozen=True)
class Subcommand:
    module: str  # the module under generator/commands/ whose `configure(parser, name)` sets it up
    help: str


SUBCOMMANDS: dict[str, Subcommand] = {
    "validate": Subcommand("generator.commands.validate",
                           "check the model file against the schema and its id references"),
    "schema": Subcommand("generator.commands.validate", "print the JSON Schema of the model"),
    "check": Subcommand("generator.commands.check",
                        "report what the statement fails to say that the GDPR requires (after validating)"),
    "build": Subcommand("generator.commands.build", "write the generated pages as Markdown files"),
    "diff": Subcommand("generator.commands.diff",
                       "say in words what a change to the model changes for readers of the statement"),
    "migrate": Subcommand("generator.commands.migrate",
                          "upgrade the model file to the current schema version, keeping values and comments"),
    "translations": Subcommand("generator.commands.translations",
                               "mark each translation as made from its English text as it is now"),
    "export": Subcommand("generator.commands.export",
                         "write one of the model's other outputs: JSON, records of processing, cookie lists, ..."),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser(configured: Iterable[str] = tuple(SUBCOMMANDS)) -> argparse.ArgumentParser:
    """The parser of every subcommand; only those in `configured` get their options (which imports
    their modules), the others just their name and help."""
    parser = _Parser(prog=PROG, description="Validate, check and render a privacy statement model.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    wanted = set(configured)
    for name, subcommand in SUBCOMMANDS.items():
        subparser = commands.add_parser(name, help=subcommand.help, description=subcommand.help)
        if name in wanted:
            importlib.import_module(subcommand.module).configure(subparser, name)
    return parser


def unknown_command(name: str) -> str:
    near = closest(name, SUBCOMMANDS)
    hint = f"; did you mean '{near}'?" if near else ""
    return f"{PROG}: unknown command '{name}'{hint} (commands: {', '.join(SUBCOMMANDS)})"


def requested(argv: Sequence[str]) -> str | None:
    """The subcommand named in `argv`: its first word that is not an option (the top level has none
    that take a value)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        name = requested(words)
        if name is not None and name not in SUBCOMMANDS:
            raise UsageError(unknown_command(name))
        arguments = build_parser([name] if name else []).parse_args(words)
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
