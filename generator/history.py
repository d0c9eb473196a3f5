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

Reading is cheap where it can be: git runs a fixed number of times (see generator.git), each
distinct content is read once, a revision's version and date are read from the first events of its
YAML, and only the last commit of each version is fully validated, each content once per process
(a cache by blob id, which `mkdocs serve` keeps across rebuilds while the schema stays the same).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import yaml

from generator.git import FileHistory, HistoryError, file_history
from generator.load import Document
from generator.pipeline import read_model_bytes
from generator.problems import InputError, Problem
from generator.validate import Model, load_schema

Status = Literal["in-force", "announced", "superseded", "withdrawn"]
WORKING_TREE = "working tree"

_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EventLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def build_date(environment: dict[str, str] | None = None) -> date:
    """The day the site is built for: SOURCE_DATE_EPOCH's, or today when it is not set."""
    epoch = (environment if environment is not None else os.environ).get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return datetime.now(tz=UTC).date()


def version_key(number: str) -> tuple[int, ...]:
    """`1.2` and `1.2.0` are the same version; `1.10.0` comes after `1.9.0`."""
    parts = tuple(int(part) for part in number.split("."))
    return parts + (0,) * (3 - len(parts))


# --- what a revision says of itself, read cheaply ----------------------------------------------------

@dataclass(frozen=True)
class Header:
    """A revision's `version` and `effective_date`, where they can be read; None where not."""

    number: str | None
    effective_date: date | None

    @property
    def readable(self) -> bool:
        return self.number is not None and self.effective_date is not None


_HEADERS: dict[str, Header] = {}  # by blob id: the same content says the same


def read_header(raw: bytes) -> Header:
    """The top-level `version` and `effective_date`, from the YAML events up to them.

    Only the two values are looked at, so a revision that fails to load further down (or no longer
    validates) still says which version it was. Anything unexpected gives None for what is not
    found: the full load, which runs for the revisions that are published, decides the rest."""
    found: dict[str, str] = {}
    depth = 0
    key: str | None = None
    expect_key = True
    try:
        for event in yaml.parse(raw.decode("utf-8", errors="replace"), Loader=_EventLoader):
            if isinstance(event, yaml.StreamStartEvent | yaml.DocumentStartEvent):
                continue
            if depth == 0:
                if not isinstance(event, yaml.MappingStartEvent):
                    break  # not a mapping at the top: nothing to read
                depth = 1
                continue
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                if depth == 0:
                    break
                if depth == 1:
                    expect_key = True  # a collection was the value of a top-level key
                continue
            if depth > 1:
                continue
            if expect_key:
                key = event.value if isinstance(event, yaml.ScalarEvent) else None
                expect_key = False
            else:
                if key in ("version", "effective_date") and key not in found and isinstance(event, yaml.ScalarEvent):
                    found[key] = event.value
                    if len(found) == 2:
                        break
                expect_key = True
    except yaml.YAMLError:
        pass
    number = found.get("version")
    effective = found.get("effective_date")
    return Header(number if number is not None and _VERSION.match(number) else None, _date(effective))


def _date(text: str | None) -> date | None:
    if text is None or not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _header(blob: str, contents: FileHistory) -> Header:
    header = _HEADERS.get(blob)
    if header is None:
        header = _HEADERS[blob] = read_header(contents.contents[blob])
    return header


# --- the timeline: each version as published, withdrawn, or gone back on ------------------------------

@dataclass
class Published:
    """A version number as the commits so far left it."""

    number: str
    effective_date: date
    withdrawn_on: date | None = None
    commits: list[tuple[str, str]] = field(default_factory=list)  # (commit, blob), newest first


@dataclass(frozen=True)
class Step:
    """One commit of the model file, or the working tree, with what it says of itself."""

    source: str
    day: date
    blob: str | None
    header: Header


def _steps(history: FileHistory) -> list[Step]:
    """The commits, oldest first."""
    return [Step(revision.commit, datetime.fromtimestamp(revision.time, tz=UTC).date(), revision.blob,
                 _header(revision.blob, history))
            for revision in reversed(history.revisions)]


def _timeline(steps: Iterable[Step]) -> dict[str, Published]:
    """Replay the commits: each version number as published, and which were withdrawn when.

    A step whose version is lower than an announced version withdraws it (on the step's day) if
    its effective date had not come; one already in force stays published (the working tree's
    rules turn that into an error)."""
    published: dict[str, Published] = {}
    for step in steps:
        number, effective = step.header.number, step.header.effective_date
        if number is None or effective is None:
            continue
        for earlier in published.values():
            if (earlier.withdrawn_on is None and version_key(earlier.number) > version_key(number)
                    and earlier.effective_date > step.day):
                earlier.withdrawn_on = step.day
        entry = published.get(number)
        if entry is None:
            entry = published[number] = Published(number, effective)
        entry.effective_date, entry.withdrawn_on = effective, None
        if step.blob is not None:
            entry.commits.insert(0, (step.source, step.blob))
    return published


def _rule_problems(document: Document, number: str, effective: date, today: date,
                   published: dict[str, Published]) -> list[Problem]:
    """The working tree's model against the versions published before it (dates only go forward,
    a version in force is never taken back)."""
    key = version_key(number)
    others = [entry for entry in published.values() if entry.number != number]
    problems = []
    returning = number in published
    above = [entry for entry in others if version_key(entry.number) >= key]
    live_above = [entry for entry in above if entry.withdrawn_on is None]
    in_force_above = [entry for entry in live_above if entry.effective_date <= today]
    if in_force_above:
        gone = max(in_force_above, key=lambda entry: version_key(entry.number))
        problems.append(document.problem(("version",), (
            f"version {number} goes back on version {gone.number}, in force since "
            f"{gone.effective_date.isoformat()}: a version in force cannot be taken back; give the model "
            f"a new version, greater than {gone.number}")))
    elif above and not returning:
        # A new number must be above every published one. Going back to a published version (as
        # `git revert` does) withdraws the announced versions above it instead.
        last = max(above, key=lambda entry: version_key(entry.number))
        problems.append(document.problem(("version",), (
            f"version {number} is not greater than version {last.number}, the last published version: give the "
            f"model a version greater than {last.number}")))
    below = [entry for entry in others if entry.withdrawn_on is None and version_key(entry.number) < key]
    if below:
        latest = max(below, key=lambda entry: (entry.effective_date, version_key(entry.number)))
        if effective < latest.effective_date:
            problems.append(document.problem(("effective_date",), (
                f"version {number} takes effect on {effective.isoformat()}, before version {latest.number} "
                f"({latest.effective_date.isoformat()}): dates only go forward; give version {number} an "
                f"effective_date on or after {latest.effective_date.isoformat()}")))
    return problems


def _working_header(document: Document) -> Header:
    number, effective = document.data.get("version"), document.data.get("effective_date")
    return Header(number if isinstance(number, str) and _VERSION.match(number) else None,
                  _date(effective) if isinstance(effective, str) else None)


def _history_problem(document: Document, error: HistoryError) -> Problem:
    return document.problem(("version",), str(error))


def version_problems(document: Document, model_path: Path, today: date) -> list[Problem]:
    """Whether the model in the working tree may follow the versions in its git history: an error
    located at `version` or `effective_date` for each rule it breaks. None outside git, and none
    while the model's own version or date cannot be read (validation reports those)."""
    header = _working_header(document)
    if header.number is None or header.effective_date is None:
        return []
    try:
        history = file_history(model_path)
    except HistoryError as error:
        return [_history_problem(document, error)]
    if history is None:
        return []
    published = _timeline(_steps(history))
    return _rule_problems(document, header.number, header.effective_date, today, published)


# --- the history the site shows --------------------------------------------------------------------

_MODELS: dict[tuple[str, str], Model | None] = {}  # by (blob id, schema digest): None when invalid


def _schema_digest() -> str:
    return hashlib.sha256(json.dumps(load_schema(), sort_keys=True).encode()).hexdigest()


def _validated(blob: str, commit: str, history: FileHistory, display_name: str, schema: str) -> Model | None:
    cache_key = (blob, schema)
    if cache_key not in _MODELS:
        try:
            _MODELS[cache_key] = read_model_bytes(history.contents[blob], f"{display_name}@{commit[:12]}").model
        except InputError:
            _MODELS[cache_key] = None
    return _MODELS[cache_key]


def read_history(current: Model, model_path: Path, today: date, display_name: str) -> History:
    """The versions of the model at `model_path`, `current` (the working tree's) the newest."""
    try:
        history = file_history(model_path)
    except HistoryError as error:
        return History(date_versions([Version(current, WORKING_TREE)], today), (),
                       (_history_problem(current.document, error),))
    if history is None:
        return History(date_versions([Version(current, WORKING_TREE)], today))
    steps = _steps(history)
    published = _timeline(steps)
    number = str(current.data["version"])
    effective = date.fromisoformat(current.data["effective_date"])
    problems = _rule_problems(current.document, number, effective, today, published)
    if problems:
        return History(date_versions([Version(current, WORKING_TREE)], today), (), tuple(problems))
    # The working tree is the newest step: it may withdraw announced versions above it.
    published = _timeline([*steps, Step(WORKING_TREE, today, None, Header(number, effective))])

    schema = _schema_digest()
    versions = [Version(current, WORKING_TREE)]
    skipped: list[tuple[int, str]] = []  # (position of the commit, newest first; short id)
    positions = {revision.commit: position for position, revision in enumerate(history.revisions)}
    carried = {number}  # version numbers that made it into the history
    for entry in published.values():
        if entry.number == number:
            continue
        for commit, blob in entry.commits:  # newest first: the last valid commit of the version
            model = _validated(blob, commit, history, display_name, schema)
            if model is None:
                skipped.append((positions[commit], commit[:12]))
            elif str(model.data["version"]) == entry.number:
                versions.append(Version(model, commit, entry.withdrawn_on))
                carried.add(entry.number)
                break
    # A revision whose version cannot even be read is reported unless the next one, which mended
    # it, carries a version the history has.
    for position, step in enumerate(reversed(steps)):
        if step.header.readable:
            continue
        mended_by = next((later for later in steps[len(steps) - position:] if later.header.readable), None)
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


__all__ = ["WORKING_TREE", "DatedVersion", "Header", "History", "Status", "Version", "build_date",
           "date_versions", "read_header", "read_history", "skipped_messages", "version_key",
           "version_problems"]
