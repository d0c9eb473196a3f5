"""Write the generated pages as Markdown files, for any static-site engine (or none).

The output folder is replaced as a whole, so the build refuses any folder it could not safely
replace: a file, the current folder or one above it, a folder holding the model or a git
repository, and a non-empty folder that an earlier build did not write (each build leaves a
marker file, MARKER, to recognise its own output). The pages are written into a fresh folder
beside the target and swapped in only when all of them were written, so a failed build never
leaves a half-written output folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from generator.render import RenderedSite

MARKER = ".privacy-statement-build"
# Constant, so that two builds of the same model stay byte-identical.
MARKER_TEXT = (
    "This folder was written by `privacy-statement build`.\n"
    "The next build replaces the whole folder: keep nothing else in it.\n"
    "The build replaces a non-empty folder only when this file is in it.\n"
)
CHOOSE = "choose an empty or new folder"


class OutputRefused(Exception):
    """The output folder is one the build must not replace: nothing is written (a usage error for the command)."""


def _shown(given: str, resolved: Path) -> str:
    text = given or '""'
    return text if text == str(resolved) else f"{text} ({resolved})"


def check_output(out: str | Path, model_path: Path | None = None) -> Path:
    """The resolved folder `out`, or OutputRefused when replacing it could destroy something."""
    try:
        return _check_output(out, model_path)
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop, from Path.resolve
        reason = getattr(error, "strerror", None) or str(error)
        shown = str(out) or '""'
        raise OutputRefused(f"privacy-statement: not writing to {shown}: it cannot be read ({reason}); "
                            f"{CHOOSE}") from None


def _check_output(out: str | Path, model_path: Path | None) -> Path:
    resolved = Path(out).resolve(strict=False)
    shown = _shown(str(out), resolved)

    def refuse(why: str) -> OutputRefused:
        return OutputRefused(f"privacy-statement: not writing to {shown}: {why}; {CHOOSE}")

    if resolved.exists() and not resolved.is_dir():
        raise refuse("it is a file, and the build writes a folder")
    existing = next(folder for folder in (resolved, *resolved.parents) if folder.exists())
    if not existing.is_dir():
        raise refuse(f"{existing} is a file, so no folder can be made there")
    here = Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise refuse("it is the current folder or a folder above it, and the build replaces the whole folder")
    if model_path is not None and model_path.resolve().is_relative_to(resolved):
        raise refuse(f"it holds the model file {model_path}, and the build replaces the whole folder")
    if not resolved.is_dir():
        return resolved
    if os.path.lexists(resolved / ".git"):
        raise refuse("it holds a git repository (.git), and the build replaces the whole folder")
    if any(resolved.iterdir()) and not (resolved / MARKER).is_file():
        raise OutputRefused(f"privacy-statement: {shown} is not empty and was not written by "
                            f"`privacy-statement build`; {CHOOSE}")
    return resolved


def write_pages(site: RenderedSite, out: Path, model_path: Path | None = None) -> list[Path]:
    """Replace the folder `out` with the pages of `site`; returns the files written.

    Raises OutputRefused, before anything is written, for a folder check_output refuses."""
    out = check_output(out, model_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        # mkdtemp makes a private folder (0700); the output is for a web server to read, as any new folder.
        staging.chmod(0o777 & ~_umask())
        for relative, content in [*((page.path, page.markdown.encode()) for page in site.pages), *site.files]:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / page.path for page in site.pages] + [out / path for path, _ in site.files]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` in the place of `out`; the previous `out` is moved back if that fails."""
    # The previous output is moved into a fresh folder of its own, so no other path is touched.
    previous = Path(tempfile.mkdtemp(prefix=f".{out.name}.previous.", dir=out.parent))
    moved = previous / out.name
    try:
        if out.exists():
            out.rename(moved)
        try:
            staging.rename(out)
        except BaseException:
            if moved.exists():
                moved.rename(out)
            raise
    finally:
        if not moved.exists() or out.exists():
            shutil.rmtree(previous, ignore_errors=True)
