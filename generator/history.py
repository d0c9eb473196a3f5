"""The published versions of the statement, read from the git history of the model file.

Each distinct `version` the file has had in git is a published version; its content is the last
commit that still carried that version and validates today (fixes made before a version was raised
belong to it). The working tree's model is the newest, and the statement in force is always its
version, or, while its effective date has not come, the version it follows.

Going back to an earlier version withdraws every announced version above it: a version removed
before its effective date never took effect, and its page and feed entry say it was withdrawn.
Going back on a version that is already in force is an error: that needs a new version. Dates only
go forward: a new version must be greater than every version published before it, and take effect
no earlier than the versions it follows.

Which version is in force, announced, superseded or withdrawn follows from the effective dates,
the days of the commits, and the build date, which comes from SOURCE_DATE_EPOCH (the last commit's
time in `make site`), so the same commit always builds the same history.

The rules and the replay of the commits are generator.timeline's. Reading is cheap where it can
be: git runs a fixed number of times (see generator.git), each distinct content is read once, a
revision's version and date are read from the first events of its YAML, and only the last commit
of each version is fully validated, each content once per process (a cache by blob id, which
`mkdocs serve` keeps across rebuilds while the schema stays the same). A revision is loaded field
by field (generator.load.load_bytes_by_parts: the Document, or the errors, of loading it whole),
each top-level field's text parsed once per process: a new version mostly changes a field or two,
and only those are parsed again (a cache by the field's text, bounded by the characters it holds).
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from generator.git import FileHistory, HistoryError, file_history
from generator.load import PartCache
from generator.pipeline import read_model_bytes
from generator.policy import Policy
from generator.problems import InputError, Problem
from generator.timeline import (
    WORKING_TREE,
    Header,
    Step,
    build_date,
    history_problem,
    replay,
    rule_problems,
    steps,
    version_key,
)
from generator.validate import Model

Status = Literal["in-force", "announced", "superseded", "withdrawn"]


@dataclass(frozen=True)
class Version:
    model: Model
    source: str  # a commit id, or "working tree"
    withdrawn_on: date | None = None  # the day it was taken back, before it took effect

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
    previous: Version | None  # the version readers had before it (withdrawn ones never count)


@dataclass(frozen=True)
class History:
    """Every version, newest first, each with its status on the build date."""

    entries: tuple[DatedVersion, ...]
    skipped: tuple[str, ...] = ()  # revisions that no longer validate, named for the build log
    # What stops the build: the model goes back on a version in force, its version or date does
    # not go forward, or the history cannot be read whole.
    problems: tuple[Problem, ...] = ()

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


# --- the history the site shows --------------------------------------------------------------------

# The validated revisions, by blob id (None when invalid), for one schema: a changed schema (such as
# an edit under `mkdocs serve`) drops them all, so the cache holds at most one entry per revision.
_MODELS: dict[str, dict[str, Model | None]] = {}
# The top-level fields of the revisions read so far, by their text: a new version changes a field or
# two, and only those are parsed (bounded by the characters it holds; see generator.load.PartCache).
_PARTS = PartCache()


def _schema_digest(policy: Policy) -> str:
    return policy.derived("schema-digest", lambda: hashlib.sha256(
        json.dumps(policy.schema, sort_keys=True).encode()).hexdigest())


def _validated(blob: str, commit: str, history: FileHistory, display_name: str, policy: Policy) -> Model | None:
    schema = _schema_digest(policy)
    if schema not in _MODELS:
        _MODELS.clear()
    models = _MODELS.setdefault(schema, {})
    if blob not in models:
        try:
            models[blob] = read_model_bytes(history.contents[blob], f"{display_name}@{commit[:12]}",
                                            policy, _PARTS).model
        except InputError:
            models[blob] = None
    return models[blob]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while the versions are loaded. Each loaded model is a large tree
    of plain dicts and lists with no cycles, yet every collection walks all the models loaded so
    far: with 200 versions that was a quarter of the time. Collected again right after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_history(current: Model, model_path: Path, today: date, display_name: str, policy: Policy) -> History:
    """The versions of the model at `model_path`, `current` (the working tree's) the newest, each
    validated against the policy's schema."""
    try:
        history = file_history(model_path)
    except HistoryError as error:
        return History(date_versions([Version(current, WORKING_TREE)], today), (),
                       (history_problem(current.document, error),))
    if history is None:
        return History(date_versions([Version(current, WORKING_TREE)], today))
    commits = steps(history)
    published = replay(commits)
    number = str(current.data["version"])
    effective = date.fromisoformat(current.data["effective_date"])
    problems = rule_problems(current.document, number, effective, today, published)
    if problems:
        return History(date_versions([Version(current, WORKING_TREE)], today), (), tuple(problems))
    # The working tree is the newest step: it may withdraw announced versions above it.
    published = replay([*commits, Step(WORKING_TREE, today, None, Header(number, effective))])

    versions = [Version(current, WORKING_TREE)]
    skipped: list[tuple[int, str]] = []  # (position of the commit, newest first; short id)
    positions = {revision.commit: position for position, revision in enumerate(history.revisions)}
    carried = {number}  # version numbers that made it into the history
    with _no_cycle_collection():
        for entry in published.values():
            if entry.number == number:
                continue
            for commit, blob in entry.commits:  # newest first: the last valid commit of the version
                model = _validated(blob, commit, history, display_name, policy)
                if model is None:
                    skipped.append((positions[commit], commit[:12]))
                elif str(model.data["version"]) == entry.number:
                    versions.append(Version(model, commit, entry.withdrawn_on))
                    carried.add(entry.number)
                    break
    # A revision whose version cannot even be read is reported unless the next one, which mended
    # it, carries a version the history has.
    for position, step in enumerate(reversed(commits)):
        if step.header.readable:
            continue
        mended_by = next((later for later in commits[len(commits) - position:] if later.header.readable), None)
        mending_version = mended_by.header.number if mended_by is not None else number
        if mending_version not in carried:
            skipped.append((position, step.source[:12]))
    return History(date_versions(versions, today), tuple(commit for _, commit in sorted(skipped)))


def date_versions(versions: Sequence[Version], today: date) -> tuple[DatedVersion, ...]:
    """Newest effective date first. The newest version already in effect is in force; a
    withdrawn version keeps its place, and the one after it follows the one before it."""
    ordered = sorted(versions, key=lambda v: (v.effective_date, version_key(v.number)), reverse=True)
    entries = []
    in_force_found = False
    for position, version in enumerate(ordered):
        previous = next((older for older in ordered[position + 1:] if older.withdrawn_on is None), None)
        status: Status
        if version.withdrawn_on is not None:
            status = "withdrawn"
        elif version.effective_date > today:
            status = "announced"
        elif not in_force_found:
            status, in_force_found = "in-force", True
        else:
            status = "superseded"
        entries.append(DatedVersion(version, status, previous))
    return tuple(entries)


# build_date is the timeline's, and named here too for the renderer and the build.
__all__ = ["DatedVersion", "History", "Status", "Version", "build_date", "date_versions", "read_history",
           "skipped_messages"]
