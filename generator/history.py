"""The published versions of the statement, read from the git history of the model file.

Each distinct `version` the file has had in git is a published version; its content is the last
commit that still carried that version (fixes made before a version was raised belong to it).
The working tree's model is the newest. Which version is in force, announced or superseded
follows from the effective dates and the build date, which comes from SOURCE_DATE_EPOCH (the
last commit's time in `make site`), so the same commit always builds the same history.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from generator.pipeline import read_model_bytes
from generator.problems import InputError
from generator.validate import Model

Status = Literal["in-force", "announced", "superseded"]


@dataclass(frozen=True)
class Version:
    model: Model
    source: str  # a commit id, or "working tree"

    @property
    def number(self) -> str:
        return str(self.model.data["version"])

    @property
    def effective_date(self) -> date:
        return date.fromisoformat(self.model.data["effective_date"])


@dataclass(frozen=True)
class DatedVersion:
    version: Version
    status: Status
    previous: Version | None


@dataclass(frozen=True)
class History:
    """Every version, newest first, each with its status on the build date."""

    entries: tuple[DatedVersion, ...]
    skipped: tuple[str, ...]  # revisions that no longer validate, named for the build log

    @property
    def in_force(self) -> DatedVersion | None:
        return next((entry for entry in self.entries if entry.status == "in-force"), None)

    @property
    def announced(self) -> tuple[DatedVersion, ...]:
        return tuple(entry for entry in self.entries if entry.status == "announced")


def skipped_messages(history: History, display_name: str) -> list[str]:
    """What the build says of each revision of the model left out of the version history."""
    return [f"{display_name} as of commit {commit} is left out of the version history: it does not validate "
            "against today's schema" for commit in history.skipped]


def build_date(environment: dict[str, str] | None = None) -> date:
    """The day the site is built for: SOURCE_DATE_EPOCH's, or today when it is not set."""
    epoch = (environment if environment is not None else os.environ).get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return datetime.now(tz=UTC).date()


def _git(repository: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *arguments], cwd=repository, capture_output=True, check=False)


def git_revisions(model_path: Path) -> list[tuple[str, bytes]]:
    """(commit, file content) for every commit that changed the model file, newest first.
    Empty when the file is not in a git repository, or git is not installed."""
    model_path = model_path.resolve()
    try:
        top = _git(model_path.parent, "rev-parse", "--show-toplevel")
    except OSError:
        return []
    if top.returncode != 0:
        return []
    repository = Path(top.stdout.decode().strip())
    relative = model_path.relative_to(repository).as_posix()
    log = _git(repository, "log", "--first-parent", "--format=%H", "--", relative)
    if log.returncode != 0:
        return []
    revisions = []
    for commit in log.stdout.decode().split():
        shown = _git(repository, "show", f"{commit}:{relative}")
        if shown.returncode == 0:
            revisions.append((commit, shown.stdout))
    return revisions


def collect_versions(current: Model, revisions: Iterable[tuple[str, bytes]],
                     display_name: str) -> tuple[list[Version], list[str]]:
    """One Version per version number, the working tree's first, then git's newest-first."""
    versions = [Version(current, "working tree")]
    seen = {str(current.data["version"])}
    skipped = []
    for commit, content in revisions:
        try:
            model = read_model_bytes(content, f"{display_name}@{commit[:12]}").model
        except InputError:
            skipped.append(commit[:12])
            continue
        number = str(model.data["version"])
        if number not in seen:
            seen.add(number)
            versions.append(Version(model, commit))
    return versions, skipped


def date_versions(versions: Sequence[Version], today: date) -> tuple[DatedVersion, ...]:
    """Newest effective date first; the newest one already in effect is in force."""
    ordered = sorted(versions, key=lambda v: (v.effective_date, _version_key(v.number)), reverse=True)
    entries = []
    in_force_found = False
    for position, version in enumerate(ordered):
        previous = ordered[position + 1] if position + 1 < len(ordered) else None
        if version.effective_date > today:
            status: Status = "announced"
        elif not in_force_found:
            status, in_force_found = "in-force", True
        else:
            status = "superseded"
        entries.append(DatedVersion(version, status, previous))
    return tuple(entries)


def _version_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def read_history(current: Model, model_path: Path, today: date, display_name: str) -> History:
    versions, skipped = collect_versions(current, git_revisions(model_path), display_name)
    return History(date_versions(versions, today), tuple(skipped))
