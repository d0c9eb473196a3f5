"""`privacy-statement migrate [FILE]`: upgrade a model file to the current schema version in place,
keeping every value and comment; new required facts appear as `null  # GAP`. A second run changes
nothing. Exit 0 when the file is at the current version and valid, 1 when it cannot be migrated or
does not validate afterwards, 2 for a usage error."""

from __future__ import annotations

import argparse
from typing import TextIO

from ruamel.yaml.error import YAMLError

from generator.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    add_model_argument,
    add_policy_argument,
    load_and_validate,
    model_path,
    plural,
    print_problems,
    read_policy,
    write_in_place,
)
from generator.load import load_file
from generator.migrate import CURRENT_VERSION, MigrationError, migrate_text
from generator.problems import InputError


def command_migrate(arguments: argparse.Namespace, out: TextIO) -> int:
    path = model_path(arguments)
    name = str(path)
    policy = read_policy(arguments, path)  # before the file is changed: a wrong --policy changes nothing
    try:
        # The project's strict loader first: a file it refuses gets its located problems, untouched.
        load_file(path, name)
    except InputError as error:
        print_problems(error.problems, out)
        print(f"{name}: not migrated: the file cannot be read", file=out)
        return EXIT_INVALID
    text = path.read_text(encoding="utf-8")
    try:
        migrated, version, gaps = migrate_text(text)
    except (MigrationError, YAMLError) as error:
        print(f"{name}: not migrated: {error}", file=out)
        return EXIT_INVALID
    if migrated == text:
        print(f"{name}: already at schema version {CURRENT_VERSION}; nothing to change", file=out)
    else:
        write_in_place(path, migrated)
        print(f"{name}: migrated from schema version {version} to {CURRENT_VERSION}; {plural(gaps, 'new gap')} "
              "marked `# GAP` for facts the new version asks for", file=out)
    _, validation, problems = load_and_validate(path, policy)
    print_problems(problems, out)
    if validation is None or validation.model is None:
        print(f"{name}: the migrated model does not validate; fix the problems above", file=out)
        return EXIT_INVALID
    return EXIT_OK


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    add_model_argument(parser)
    add_policy_argument(parser)
    parser.set_defaults(run=command_migrate)


__all__ = ["command_migrate", "configure"]
