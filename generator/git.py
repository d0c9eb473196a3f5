"""The one module that talks to git: the model's past.

Two uses. The version history reads every commit that changed the model file with one `git log`
(first parent only, renames followed, so `git mv` keeps the archive) and every distinct content
with one `git cat-file --batch` process, whatever the number of commits. The commands that compare
with an earlier version (`diff --from/--to`, `check --baseline`) read the model as it was in one
revision. Git always runs in the model file's folder, so the repository is the one holding the
model, wherever the command is started from.

What goes wrong with a revision is a RevisionError, whose message the commands show as a usage
error under their own name. A history that cannot be read whole (a shallow clone, missing
objects) is a HistoryError: the site would silently lose archived versions.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

FETCH_ADVICE = ("fetch the full history with `git fetch --unshallow` (in GitHub Actions, give "
                "actions/checkout `fetch-depth: 0`)")


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


class HistoryError(Exception):
    """The model's git history cannot be read whole."""


class IncompleteHistory(HistoryError):
    """A shallow clone, or objects missing: earlier versions cannot be read."""


# Git's own messages are matched in a few places: keep them in English, and keep any pager,
# prompt or optional lock out of the way.
_ENVIRONMENT = {"LC_ALL": "C", "LANGUAGE": "C", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0",
                "GIT_OPTIONAL_LOCKS": "0"}


def _run(folder: Path, *arguments: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """`git ARGUMENTS` in `folder`; OSError when git cannot be run at all."""
    return subprocess.run(["git", *arguments], cwd=folder, input=input, capture_output=True, check=False,
                          env={**os.environ, **_ENVIRONMENT})


def _git(folder: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return _run(folder, *arguments)
    except OSError as error:
        raise RevisionError(f"git cannot be run ({error.strerror})") from None


def _folder(path: Path) -> Path:
    """The existing folder git runs in for `path`: its own folder, or the nearest one above."""
    folder = path.resolve().parent
    return next((candidate for candidate in (folder, *folder.parents) if candidate.is_dir()), Path.cwd())


# --- one revision ---------------------------------------------------------------------------------

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
    shown = _git(folder, "cat-file", "blob", f"{revision}:./{path.resolve().relative_to(folder).as_posix()}")
    if shown.returncode != 0:
        raise FileNotInRevision(f"there is no {path.as_posix()} in revision {revision}")
    return shown.stdout


# --- the whole history of the model file -------------------------------------------------------------

@dataclass(frozen=True)
class FileRevision:
    """One commit that changed the model file."""

    commit: str
    time: int  # the committer's time, in seconds since 1970 (UTC)
    blob: str  # the file's content, as git names it: the same content has the same blob id
    path: str  # the file's path in the repository in that commit (it may have moved since)


@dataclass(frozen=True)
class FileHistory:
    revisions: tuple[FileRevision, ...]  # newest first, along the first parents of HEAD
    contents: Mapping[str, bytes]  # every distinct blob of `revisions`, read once


_NO_BLOB = "0" * 40


def file_history(path: Path) -> FileHistory | None:
    """Every commit on the first-parent line of HEAD that changed the file at `path` (following
    its renames), newest first, with the file's content in each. None when the file is not in a
    git repository, or git is not installed: there is no past to read then.

    Raises IncompleteHistory for a shallow clone or missing objects, and HistoryError when git
    fails otherwise, rather than returning a history with versions missing."""
    folder = _folder(path)
    try:
        top = _run(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    except OSError:
        return None
    if top.returncode != 0:
        if b"not a git repository" in top.stderr:
            return None
        raise HistoryError(f"git cannot read the repository of {path}: {_message(top)}")
    toplevel, shallow = top.stdout.decode().splitlines()[:2]
    try:
        relative = path.resolve().relative_to(Path(toplevel).resolve()).as_posix()
    except ValueError:
        return None
    if shallow.strip() == "true":
        raise IncompleteHistory(f"the git history of {path} is shallow (a clone made with --depth, as "
                                "actions/checkout makes by default), so earlier versions of the statement "
                                f"would be missing: {FETCH_ADVICE}")
    revisions = _log(Path(toplevel), relative)
    contents = _read_blobs(Path(toplevel), {revision.blob for revision in revisions})
    return FileHistory(tuple(revisions), contents)


def _message(done: subprocess.CompletedProcess[bytes]) -> str:
    return " ".join(done.stderr.decode(errors="replace").split()) or f"exit status {done.returncode}"


def _log(repository: Path, relative: str) -> list[FileRevision]:
    log = _run(repository, "--literal-pathspecs", "-c", "log.showSignature=false", "log", "-z", "--no-color",
               "--first-parent", "--follow", "--raw", "--no-abbrev", "--format=commit %H %ct", "--", relative)
    if log.returncode != 0:
        if b"does not have any commits" in log.stderr:
            return []
        raise HistoryError(f"git cannot read the history of {relative}: {_message(log)}")
    return list(_parse_log(log.stdout.split(b"\0")))


def _parse_log(fields: Iterable[bytes]) -> Iterable[FileRevision]:
    """The records of `git log -z --raw --format="commit %H %ct"`: a commit line, then for each
    changed file a `:MODES BLOBS STATUS` field and its path (two for a rename or copy)."""
    commit: tuple[str, int] | None = None
    pending = 0  # paths still to read after a raw field
    blob = ""
    for raw in fields:
        field = raw.decode("utf-8", errors="surrogateescape").lstrip("\n")
        if pending:
            pending -= 1
            if pending == 0 and commit is not None:
                if blob != _NO_BLOB:  # _NO_BLOB: the commit deleted the file
                    yield FileRevision(commit[0], commit[1], blob, field)
                commit = None
            continue
        if field.startswith("commit "):
            _, ident, time = field.split(" ")
            commit = (ident, int(time))
        elif field.startswith(":"):
            parts = field.split(" ")
            blob, status = parts[3], parts[4]
            pending = 2 if status[:1] in ("R", "C") else 1


def _read_blobs(repository: Path, blobs: set[str]) -> dict[str, bytes]:
    """The content of each blob, from one `git cat-file --batch` process."""
    if not blobs:
        return {}
    ordered = sorted(blobs)
    done = _run(repository, "cat-file", "--batch", input="".join(f"{blob}\n" for blob in ordered).encode())
    if done.returncode != 0:
        raise HistoryError(f"git cannot read the model's earlier contents: {_message(done)}")
    output = done.stdout
    contents: dict[str, bytes] = {}
    position = 0
    for blob in ordered:
        end = output.index(b"\n", position)
        header = output[position:end].decode().split(" ")
        if len(header) != 3 or header[1] != "blob":
            raise IncompleteHistory(f"git is missing the object {blob} of the model's history, so earlier "
                                    f"versions of the statement cannot be read: {FETCH_ADVICE}")
        size = int(header[2])
        contents[blob] = output[end + 1:end + 1 + size]
        position = end + 1 + size + 1
    return contents


__all__ = ["FETCH_ADVICE", "FileHistory", "FileNotInRevision", "FileRevision", "HistoryError",
           "IncompleteHistory", "NotInRepository", "RevisionError", "UnknownRevision", "default_base",
           "file_history", "read_revision", "require_repository", "revision_name", "short"]
