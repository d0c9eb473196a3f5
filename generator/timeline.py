"""What the model's git history says of its versions, and the rules a new version follows.

Each commit of the model file is a step, oldest first, and the working tree the last one. A step
whose version is lower than an announced version withdraws it, if its effective date had not come
by the step's day; the working tree may not go back on a version already in force, a new version
number must be greater than every number published before, and its effective date no earlier than
the version it follows (dates only go forward). `validate`, `diff` and the build all apply these
rules; generator.history builds the site's versions on the same replay.

Only each revision's `version` and `effective_date` are read here, from the first events of its
YAML, once per distinct content (by blob id), so the rules cost little even over a long history.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from generator.git import FileHistory, HistoryError, file_history
from generator.load import Document
from generator.messages import said
from generator.problems import Problem

WORKING_TREE = "working tree"

_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EventLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


# --- the replay: each version as published, withdrawn, or gone back on ------------------------------

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


def steps(history: FileHistory) -> list[Step]:
    """The commits, oldest first."""
    return [Step(revision.commit, datetime.fromtimestamp(revision.time, tz=UTC).date(), revision.blob,
                 _header(revision.blob, history))
            for revision in reversed(history.revisions)]


def replay(steps: Iterable[Step]) -> dict[str, Published]:
    """Replay the commits: each version number as published, and which were withdrawn when.

    A step whose version is lower than an announced version withdraws it (on the step's day) if
    its effective date had not come; one already in force stays published (the working tree's
    rules turn that into an error)."""
    published: dict[str, Published] = {}
    keys: dict[str, tuple[int, ...]] = {}
    for step in steps:
        number, effective = step.header.number, step.header.effective_date
        if number is None or effective is None:
            continue
        key = version_key(number)
        for earlier in published.values():
            if earlier.withdrawn_on is None and earlier.effective_date > step.day and keys[earlier.number] > key:
                earlier.withdrawn_on = step.day
        entry = published.get(number)
        if entry is None:
            entry = published[number] = Published(number, effective)
            keys[number] = key
        entry.effective_date, entry.withdrawn_on = effective, None
        if step.blob is not None:
            entry.commits.append((step.source, step.blob))
    for entry in published.values():
        entry.commits.reverse()  # newest first
    return published


def rule_problems(document: Document, number: str, effective: date, today: date,
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
        problems.append(document.problem(("version",), said(
            "history.taken_back", number=number, gone=gone.number, since=gone.effective_date.isoformat())))
    elif above and not returning:
        # A new number must be above every published one. Going back to a published version (as
        # `git revert` does) withdraws the announced versions above it instead.
        last = max(above, key=lambda entry: version_key(entry.number))
        problems.append(document.problem(("version",), said("history.not_greater", number=number,
                                                            last=last.number)))
    below = [entry for entry in others if entry.withdrawn_on is None and version_key(entry.number) < key]
    if below:
        latest = max(below, key=lambda entry: (entry.effective_date, version_key(entry.number)))
        if effective < latest.effective_date:
            problems.append(document.problem(("effective_date",), said(
                "history.date_back", number=number, effective=effective.isoformat(), latest=latest.number,
                latest_date=latest.effective_date.isoformat())))
    return problems


def _working_header(document: Document) -> Header:
    number, effective = document.data.get("version"), document.data.get("effective_date")
    return Header(number if isinstance(number, str) and _VERSION.match(number) else None,
                  _date(effective) if isinstance(effective, str) else None)


def history_problem(document: Document, error: HistoryError) -> Problem:
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
        return [history_problem(document, error)]
    if history is None:
        return []
    published = replay(steps(history))
    return rule_problems(document, header.number, header.effective_date, today, published)


__all__ = ["WORKING_TREE", "Header", "Published", "Step", "build_date", "history_problem", "read_header", "replay",
           "rule_problems", "steps", "version_key", "version_problems"]
