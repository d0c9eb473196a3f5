"""`privacy-statement translations [FILE] --mark-current`: record that each translation in the model
was made from its English text as it is now, by writing a short hash of that text beside it
(`sv_from`).

Run it after translating or reviewing the translations: `check` then reports a translation as
stale as soon as its English text changes again. Without `--mark-current` it only says how many
marks it would write. The file is edited in place, only where a mark goes; it must be valid before,
and the edited text is validated again before it is written."""

from __future__ import annotations

import argparse
from typing import TextIO

from generator.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    add_model_argument,
    add_policy_argument,
    load_and_validate,
    model_path,
    plural,
    print_problems,
    read_policy,
    summary,
    write_in_place,
)
from generator.load import load_text
from generator.problems import InputError
from generator.translations import mark_current
from generator.validate import validate


def command_translations(arguments: argparse.Namespace, out: TextIO) -> int:
    path = model_path(arguments)
    name = str(path)
    policy = read_policy(arguments, path)
    _, validation, problems = load_and_validate(path, policy)
    if validation is None or validation.model is None:
        print_problems(problems, out)
        print(summary(name, problems), file=out)
        print(f"{name}: no translation marked: the model is not valid", file=out)
        return EXIT_INVALID
    source = path.read_text(encoding="utf-8")
    marked, count = mark_current(source)
    if not arguments.mark_current:
        print(f"{name}: {plural(count, 'translation')} to mark as current; run with --mark-current "
              "to write the marks", file=out)
        return EXIT_OK
    if count:
        # The edit only adds or changes marks; a text it would make invalid is never written.
        try:
            after = validate(load_text(marked, name), policy)
        except InputError as error:  # pragma: no cover - a fault of mark_current, not of the model
            after_problems = error.problems
        else:
            after_problems = [] if after.model is not None else after.problems
        if after_problems:  # pragma: no cover - as above
            print_problems(after_problems, out)
            print(f"{name}: not written: marking the translations would make the model invalid", file=out)
            return EXIT_INVALID
        try:
            write_in_place(path, marked)
        except OSError as error:
            raise UsageError(f"privacy-statement: could not write {name}: {error.strerror or error}") from None
    print(f"{name}: marked {plural(count, 'translation')} as current", file=out)
    return EXIT_OK


def configure(parser: argparse.ArgumentParser, name: str = "translations") -> None:
    add_model_argument(parser)
    add_policy_argument(parser)
    parser.add_argument("--mark-current", action="store_true",
                        help="write beside each translation a short hash of the English text it was made from")
    parser.set_defaults(run=command_translations)


__all__ = ["command_translations", "configure"]
