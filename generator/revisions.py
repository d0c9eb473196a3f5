"""The model as it was in a git revision, for the commands that compare with an earlier version
(`diff --from/--to`, `check --baseline`). Git runs in the model file's folder, so the repository
is the one holding the model, wherever the command is started from. What goes wrong is a
RevisionError, whose message the commands show as a usage error under their own name."""

from __future__ import annotations

import subprocess
from pathlib import Path


class RevisionError(Exception):
    """Git or the revision cannot give the model."""


class NotInRepository(RevisionError):
    pass


class UnknownRevision(RevisionError):
    def __init__(self, message: str, *, repository_is_empty: bool) -> None:
        super().__init__(message)
        self.repository_is_empty = repository_is_empty


class FileNotInRevision(RevisionError):
    pass


def _git(folder: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *arguments], cwd=folder, capture_output=True, check=False)
    except OSError as error:
        raise RevisionError(f"git cannot be run ({error.strerror})") from None


def _folder(path: Path) -> Path:
    """The existing folder git runs in for `path`: its own folder, or the nearest one above."""
    folder = path.resolve().parent
    return next((candidate for candidate in (folder, *folder.parents) if candidate.is_dir()), Path.cwd())


def require_repository(path: Path) -> None:
    """A NotInRepository error when the model's folder is not in a git repository."""
    folder = _folder(path)
    if _git(folder, "rev-parse", "--show-toplevel").returncode != 0:
        raise NotInRepository(f"{folder} is not in a git repository, so there are no revisions to compare")


def default_base(path: Path) -> str:
    """The commit the current branch started from: the merge base with main, or HEAD."""
    merge_base = _git(_folder(path), "merge-base", "HEAD", "main")
    if merge_base.returncode == 0:
        return merge_base.stdout.decode().strip()
    return "HEAD"


def short(revision: str) -> str:
    """A full commit id (the merge base) as git shows it in logs; names stay as given."""
    is_commit_id = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    return revision[:12] if is_commit_id else revision


def revision_name(revision: str, path: Path) -> str:
    """How messages name the model in a revision: `data/processing.yaml@main`."""
    return f"{path.as_posix()}@{revision}"


def read_revision(revision: str, path: Path) -> bytes:
    """The model file as it was in `revision`."""
    folder = _folder(path)
    # A revision starting with "-" would reach git as an option.
    if revision.startswith("-") or _git(folder, "rev-parse", "--verify", "--quiet",
                                        f"{revision}^{{commit}}").returncode:
        empty = _git(folder, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0
        raise UnknownRevision(f"git knows no revision {revision!r}; give a branch, tag or commit, such as main, "
                              "origin/main or HEAD~1", repository_is_empty=empty)
    shown = _git(folder, "show", f"{revision}:./{path.resolve().relative_to(folder).as_posix()}")
    if shown.returncode != 0:
        raise FileNotInRevision(f"there is no {path.as_posix()} in revision {revision}")
    return shown.stdout


__all__ = ["FileNotInRevision", "NotInRepository", "RevisionError", "UnknownRevision", "default_base",
           "read_revision", "require_repository", "revision_name", "short"]
