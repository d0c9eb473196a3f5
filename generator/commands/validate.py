"""`privacy-statement validate` (the model against the schema and its id references) and
`privacy-statement schema` (print the schema). Neither imports the later stages; validate reads the
model's git history (generator.history) to check that its version and date go forward."""

from __future__ import annotations

import argparse
from typing import TextIO

from generator.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    add_model_argument,
    add_policy_argument,
    in_language,
    load_and_validate,
    model_path,
    policy_folder,
    print_problems,
    read_policy,
    summary,
)
from generator.paths import DEFAULT_MODEL, SCHEMA_FILE
from generator.policy import PROBLEMS_LANGUAGE
from generator.timeline import build_date, version_problems
from generator.translations import LANGUAGES


def command_validate(arguments: argparse.Namespace, out: TextIO) -> int:
    path = model_path(arguments)
    policy = read_policy(arguments, path)
    document, _, problems = load_and_validate(path, policy)
    if document is not None:
        # Dates only go forward: the model against the versions in its git history.
        problems = sorted([*problems, *version_problems(document, path, build_date())], key=lambda p: p.sort_key)
    print_problems(in_language(problems, policy, arguments.language), out)
    print(summary(str(path), problems, policy.problems_in(arguments.language)), file=out)
    failing = [p for p in problems if p.severity == "error" or arguments.strict]
    return EXIT_INVALID if failing else EXIT_OK


def command_schema(arguments: argparse.Namespace, out: TextIO) -> int:
    """The schema file as it is (its comments and order kept), not the whole policy."""
    schema = policy_folder(arguments, DEFAULT_MODEL) / SCHEMA_FILE
    try:
        out.write(schema.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"privacy-statement schema: the schema {schema} cannot be read ({error.strerror})") from None
    return EXIT_OK


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    add_policy_argument(parser)
    if name == "schema":
        parser.set_defaults(run=command_schema)
        return
    add_model_argument(parser)
    parser.add_argument("--strict", action="store_true", help="fail on warnings (such as unused entries) too")
    parser.add_argument("--language", choices=LANGUAGES, default=PROBLEMS_LANGUAGE,
                        help=f"the language of the problems' messages (default: {PROBLEMS_LANGUAGE})")
    parser.set_defaults(run=command_validate)


__all__ = ["command_schema", "command_validate", "configure"]
