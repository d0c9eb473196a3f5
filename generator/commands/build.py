"""`privacy-statement build --out DIR`: the generated pages as Markdown files, for any site engine.

The stages do the work (read, history, render); `generator.build` writes the pages and refuses an
output folder it must not replace, which is a usage error here."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import TextIO

from generator.build import OutputRefused, check_output, write_pages
from generator.commands.common import (
    EXIT_OK,
    UsageError,
    add_model_argument,
    add_policy_argument,
    model_path,
    read_policy,
    refuse_invalid,
)
from generator.diff import describe_changes, renamed_ids
from generator.exports import site_downloads
from generator.history import History, build_date, read_history, skipped_messages
from generator.pipeline import read_model
from generator.problems import InputError
from generator.render import DEFAULT_LANGUAGE, DOWNLOADS_FOLDER, render_site
from generator.translations import LANGUAGES


def skipped_warnings(history: History, display_name: str) -> list[str]:
    """One line per revision of the model left out of the version history."""
    return [f"warning: {message}" for message in skipped_messages(history, display_name)]


def command_build(arguments: argparse.Namespace, out: TextIO) -> int:
    path = model_path(arguments)
    try:
        check_output(arguments.out, path)  # a usage error, reported before any work
    except OutputRefused as error:
        raise UsageError(str(error)) from None
    policy = read_policy(arguments, path)
    try:
        loaded = read_model(path, policy)
    except InputError as error:
        return refuse_invalid(error.problems, path, "not built", out)
    history = read_history(loaded.model, path, build_date(), str(path), policy)
    if history.problems:
        return refuse_invalid(history.problems, path, "not built", out)
    for line in skipped_warnings(history, str(path)):
        print(line, file=out)
    site = render_site(loaded.model, policy, history=history, describe_changes=partial(describe_changes, policy=policy),
                       find_renames=partial(renamed_ids, policy=policy), language=arguments.language,
                       downloads=site_downloads(policy, arguments.language))
    try:
        written = write_pages(site, Path(arguments.out), path)
    except OutputRefused as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        # The disk, not the model: full, read-only, or a place no folder can be made.
        reason = error.strerror or str(error)
        raise UsageError(f"privacy-statement: could not write the pages to {arguments.out}: {reason} "
                         f"({error.filename}); nothing was changed there") from None
    downloads = sum(DOWNLOADS_FOLDER in path.parts for path in written)
    also = f" and {downloads} downloads" if downloads else ""
    print(f"wrote {len(written) - downloads} pages{also} to {arguments.out}", file=out)
    return EXIT_OK


def configure(parser: argparse.ArgumentParser, name: str = "build") -> None:
    add_model_argument(parser)
    add_policy_argument(parser)
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="the folder to write the pages into: a new or empty folder, or one an "
                             "earlier build wrote (it is replaced)")
    parser.add_argument("--language", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                        help=f"the language of the pages (default: {DEFAULT_LANGUAGE})")
    parser.set_defaults(run=command_build)


__all__ = ["command_build", "configure", "skipped_warnings"]
