"""Write the generated pages as Markdown files, for any static-site engine (or none).

The pages are written into a fresh folder beside the target and swapped in only when all of them
were written, so a failed build never leaves a half-written output folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import TextIO

from generator.cli import EXIT_INVALID, EXIT_OK, _model_path, print_problems
from generator.diff import describe_changes
from generator.history import build_date, read_history
from generator.pipeline import read_model
from generator.problems import InputError
from generator.render import RenderedSite, render_site


def write_pages(site: RenderedSite, out: Path) -> list[Path]:
    """Replace the folder `out` with the pages of `site`; returns the files written."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for relative, content in [*((page.path, page.markdown.encode()) for page in site.pages), *site.files]:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        previous = out.with_name(f".{out.name}.previous")
        if previous.exists():
            shutil.rmtree(previous)
        if out.exists():
            out.rename(previous)
        staging.rename(out)
        if previous.exists():
            shutil.rmtree(previous)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / page.path for page in site.pages] + [out / path for path, _ in site.files]


def command_build(arguments: argparse.Namespace, out: TextIO) -> int:
    path = _model_path(arguments)
    try:
        loaded = read_model(path)
    except InputError as error:
        print_problems(error.problems, out)
        print(f"{path}: not built: the model is not valid", file=out)
        return EXIT_INVALID
    history = read_history(loaded.model, path, build_date(), str(path))
    site = render_site(loaded.model, history=history, describe_changes=describe_changes)
    written = write_pages(site, Path(arguments.out))
    print(f"wrote {len(written)} pages to {arguments.out}", file=out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("build", help="write the generated pages as Markdown files")
    parser.add_argument("file", nargs="?", metavar="FILE", help="the model file (default: data/processing.yaml)")
    parser.add_argument("--out", required=True, metavar="DIR", help="the folder to write the pages into (replaced)")
    parser.set_defaults(run=command_build)
