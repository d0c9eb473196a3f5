"""Where the project's parts are: the model, and the policy folder beside it.

Nothing here depends on where the package is installed: the policy is the project's, found from
the model (or the current folder), so `pip install .` works as well as an editable install.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

DEFAULT_MODEL = Path("data") / "processing.yaml"
POLICY_FOLDER = "policy"
SCHEMA_FILE = "processing.schema.json"
MKDOCS_FILE = "mkdocs.yml"


def _upwards(start: Path) -> Iterator[Path]:
    folder = start.resolve()
    yield folder
    yield from folder.parents


def project_roots(model: Path | None = None, cwd: Path | None = None) -> list[Path]:
    """The folders that may be the project's root, in the order they are tried: the nearest folder
    holding mkdocs.yml above the model, the root of the git repository holding the model, then
    the current folder."""
    here = (cwd or Path.cwd()).resolve()
    candidates: list[Path] = []
    if model is not None:
        start = (here / model).parent
        candidates += [folder for folder in _upwards(start) if (folder / MKDOCS_FILE).is_file()][:1]
        # A .git folder, or the .git file of a worktree: no git process needed.
        candidates += [folder for folder in _upwards(start) if (folder / ".git").exists()][:1]
    candidates.append(here)
    return list(dict.fromkeys(candidates))


def find_policy_folder(model: Path | None = None, cwd: Path | None = None) -> Path | None:
    """The policy folder of the first project root (see project_roots) that has one, or None."""
    return next((root / POLICY_FOLDER for root in project_roots(model, cwd) if (root / POLICY_FOLDER).is_dir()),
                None)


__all__ = ["DEFAULT_MODEL", "MKDOCS_FILE", "POLICY_FOLDER", "SCHEMA_FILE", "find_policy_folder", "project_roots"]
