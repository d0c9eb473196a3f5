"""`privacy-statement validate` (the model against the schema and its id references) and
`privacy-statement schema` (print the schema). Neither imports the later stages; validate reads the
model's git history (generator.history) to check that its version and date go forward."""

from __future__ import annotations

import argparse
from typing import TextIO

from generator.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    add_model_argument,
    load_and_validate,
    model_path,
    print_problems,
    summary,
)
from generator.paths import SCHEMA_PATH
from generator.timeline import build_date, version_problems


def command_validate(arguments: argparse.Namespace, out: TextIO) -> int:
    path = model_path(arguments)
    document, _, problems = load_and_validate(path)
    if document is not None:
        # Dates only go forward: the model against the versions in its git history.
        problems = sorted([*problems, *version_problems(document, path, build_date())], key=lambda p: p.sort_key)
    print_problems(problems, out)
    print(summary(str(path), problems), file=out)
    failing = [p for p in problems if p.severity == "error" or arguments.strict]
    return EXIT_INVALID if failing else EXIT_OK


def command_schema(arguments: argparse.Namespace, out: TextIO) -> int:
    out.write(SCHEMA_PATH.read_text(encoding="utf-8"))
    return EXIT_OK


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    if name == "schema":
        parser.set_defaults(run=command_schema)
        return
    add_model_argument(parser)
    parser.add_argument("--strict", action="store_true", help="fail on warnings (such as unused entries) too")
    parser.set_defaults(run=command_validate)


__all__ = ["command_schema", "command_validate", "configure"]
