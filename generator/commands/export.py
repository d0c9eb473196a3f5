"""`privacy-statement export --format F [--site ID] [--service ID] [--language L] [--out FILE] [FILE]`:
one of the model's other outputs (generator.exports), written to FILE or to standard output.

The model is read and validated first (an invalid model is reported as `validate` reports it, and
nothing is written); gaps in a valid model are written as the format writes them ("not stated").
FILE is replaced only when the whole output was made.
"""

from __future__ import annotations

import argparse
import os
import stat
import tempfile
from pathlib import Path
from typing import TextIO

from generator.commands.common import (
    EXIT_OK,
    PROG,
    UsageError,
    add_model_argument,
    add_policy_argument,
    model_path,
    read_policy,
    refuse_invalid,
)
from generator.exports import FORMATS, Format, Request, export
from generator.pipeline import read_model
from generator.policy import Policy
from generator.problems import InputError, closest
from generator.render import DEFAULT_LANGUAGE
from generator.translations import LANGUAGES
from generator.validate import Model

COMMAND = f"{PROG} export"


def _entry(model: Model, collection: str, option: str, given: str | None) -> str | None:
    """The id named by --site or --service, checked against the model."""
    known = list(model.index[collection])
    if given is None:
        return None
    if given not in known:
        near = closest(given, known)
        hint = f"; did you mean '{near}'?" if near else ""
        listing = ", ".join(known) if known else "none"
        raise UsageError(f"{COMMAND}: {option} {given}: the model has no such entry in {collection}{hint} "
                         f"(known: {listing})")
    return given


def _request(arguments: argparse.Namespace, model: Model, policy: Policy, fmt: Format) -> Request:
    if arguments.site is not None and not fmt.per_site:
        raise UsageError(f"{COMMAND}: --format {fmt.name} is not made per site; leave out --site")
    if arguments.service is not None and not fmt.per_service:
        raise UsageError(f"{COMMAND}: --format {fmt.name} is not made per service; leave out --service")
    site = _entry(model, "sites", "--site", arguments.site)
    if fmt.per_site and site is None:
        known = ", ".join(model.index["sites"])
        raise UsageError(f"{COMMAND}: --format {fmt.name} is made per site: name one with --site ID (sites: {known})")
    service = _entry(model, "services", "--service", arguments.service)
    return Request(model, policy, arguments.language, site=site, service=service)


def _write(path: Path, content: bytes) -> None:
    """Write `content` to `path` as a whole: into a file beside it, then renamed over it. A link is
    followed (the file it names is replaced, not the link), and what is not a file (/dev/null, a
    pipe, a terminal) is written to as it is: renaming over it would put a plain file in its place."""
    if path.is_dir():
        raise UsageError(f"{COMMAND}: --out {path} is a folder; give the path of a file")
    if path.exists():
        path = path.resolve()
        if not stat.S_ISREG(path.stat().st_mode):
            with path.open("wb") as stream:
                stream.write(content)
            return
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{COMMAND}: --out {path}: there is no folder {folder}")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def command_export(arguments: argparse.Namespace, out: TextIO) -> int:
    fmt = FORMATS[arguments.format]
    path = model_path(arguments)
    binary = fmt.extension == "pdf"
    if binary and arguments.out is None and (not hasattr(out, "buffer") or out.isatty()):
        raise UsageError(f"{COMMAND}: --format {fmt.name} is binary: write it to a file with --out FILE")
    policy = read_policy(arguments, path)
    try:
        loaded = read_model(path, policy)
    except InputError as error:
        return refuse_invalid(error.problems, path, "not exported", out)
    content = export(_request(arguments, loaded.model, policy, fmt), fmt.name)
    if arguments.out is not None:
        try:
            _write(Path(arguments.out), content)
        except OSError as error:
            reason = error.strerror or str(error)
            raise UsageError(f"{COMMAND}: could not write {arguments.out}: {reason}") from None
        return EXIT_OK
    buffer = getattr(out, "buffer", None)
    if buffer is not None:  # the exact bytes (a CSV's CRLF, a PDF)
        out.flush()
        buffer.write(content)
        buffer.flush()
    else:
        out.write(content.decode("utf-8"))
    return EXIT_OK


def configure(parser: argparse.ArgumentParser, name: str = "export") -> None:
    add_model_argument(parser)
    add_policy_argument(parser)
    formats = "; ".join(f"{fmt.name}: {fmt.help}" for fmt in FORMATS.values())
    parser.add_argument("--format", required=True, choices=list(FORMATS), metavar="FORMAT",
                        help=f"what to write ({formats})")
    parser.add_argument("--site", metavar="ID", help="the site, for the formats made per site")
    parser.add_argument("--service", metavar="ID", help="the service, for the formats made per service")
    parser.add_argument("--language", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                        help=f"the language of the wording (default: {DEFAULT_LANGUAGE})")
    parser.add_argument("--out", metavar="FILE", help="the file to write (default: standard output)")
    parser.set_defaults(run=command_export)


__all__ = ["command_export", "configure"]
