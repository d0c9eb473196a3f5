"""The model as it was in a git revision, for the commands that compare with an earlier version
(`diff --from/--to`, `check --baseline`). Problems with git or the revision are usage errors."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from generator.cli import UsageError


def git(prog: str, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *arguments], capture_output=True, check=False)
    except OSError as error:
        raise UsageError(f"{prog}: git cannot be run ({error.strerror})") from None


def require_repository(prog: str, instead: str) -> None:
    """Stop with a usage error outside a git repository; `instead` says what to do then."""
    if git(prog, "rev-parse", "--show-toplevel").returncode != 0:
        raise UsageError(f"{prog}: {Path.cwd()} is not in a git repository, so there are no revisions to "
                         f"compare; {instead}")


def default_base(prog: str) -> str:
    """The commit the current branch started from: the merge base with main, or HEAD."""
    merge_base = git(prog, "merge-base", "HEAD", "main")
    if merge_base.returncode == 0:
        return merge_base.stdout.decode().strip()
    return "HEAD"


def short(revision: str) -> str:
    """A full commit id (the merge base) as git shows it in logs; names stay as given."""
    is_commit_id = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    return revision[:12] if is_commit_id else revision


def revision_name(revision: str, path: Path) -> str:
    """How messages name the model in a revision: `data/processing.yaml@main`."""
    return f"{Path(os.path.relpath(path)).as_posix()}@{revision}"


def read_revision(prog: str, revision: str, path: Path, missing_hint: str = "") -> bytes:
    """The model file as it was in `revision`; `path` is relative to the current folder, as git's `./`.
    `missing_hint` says what to do when the revision has no such file."""
    # A revision starting with "-" would reach git as an option.
    if revision.startswith("-") or git(prog, "rev-parse", "--verify", "--quiet",
                                       f"{revision}^{{commit}}").returncode:
        raise UsageError(f"{prog}: git knows no revision {revision!r}; give a branch, tag or commit, "
                         "such as main, origin/main or HEAD~1")
    relative = Path(os.path.relpath(path)).as_posix()
    shown = git(prog, "show", f"{revision}:./{relative}")
    if shown.returncode != 0:
        hint = f"; {missing_hint}" if missing_hint else ""
        raise UsageError(f"{prog}: there is no {relative} in revision {revision}{hint}")
    return shown.stdout


__all__ = ["default_base", "git", "read_revision", "require_repository", "revision_name", "short"]
