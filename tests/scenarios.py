"""Projects with a version history, as an editor makes them: the fixture model committed as 1.0.0 in a
real git repository, then a later version that adds, renames or removes sites, services and trackers.

The later versions are made from the fixture's own entries (copied, with a new id and name), so they
stay valid whatever fields the schema comes to require. Models are written as JSON, which is YAML
1.2, so no value changes its meaning on the way.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitekit import PROJECT_ROOT, copy_project

from generator.load import load_file

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
COMPLETE = FIXTURES / "complete.yaml"
# SOURCE_DATE_EPOCH of the builds: 2026-06-15T00:00:00Z, after 1.0.0 and 1.1.0 in force, before the
# announced dates.
BUILD_EPOCH = "1781481600"
IN_FORCE_DATE = "2026-01-01"
LATER_DATE = "2026-05-01"
FUTURE_DATE = "2027-03-01"


def fixture_models() -> list[Path]:
    """Every model under tests/fixtures (the YAML files with a top-level `version`)."""
    found = [path for path in sorted(FIXTURES.rglob("*.yaml")) if "version" in load_file(path).data]
    assert COMPLETE in found, found
    return found


def base_model() -> dict[str, Any]:
    return copy.deepcopy(load_file(COMPLETE).data)


def versioned(data: dict[str, Any], version: str, effective_date: str) -> dict[str, Any]:
    return {**data, "version": version, "effective_date": effective_date}


def model_text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _copy_entry(entries: list[dict[str, Any]], ident: str, name: str, **fields: Any) -> dict[str, Any]:
    entry = copy.deepcopy(entries[0])
    entry.update(id=ident, name={"en": name}, **fields)
    return entry


# --- the changes a later version makes -------------------------------------------------------------

NEW_TRACKER, NEW_TRACKER_NAME = "shop-chat", "Shop chat"
NEW_SITE, NEW_SITE_NAME = "web-shop", "Our web shop"
NEW_SERVICE, NEW_SERVICE_NAME = "hosted-payroll", "Hosted payroll"
RENAMED_SITE = "our-website"
RENAMED_TRACKER = "visit-statistics"


def add_site_and_service(data: dict[str, Any]) -> dict[str, Any]:
    """A new tracker on the first site, a new site with it, and a new processor service."""
    data = copy.deepcopy(data)
    trackers = data["trackers"]
    data["trackers"].append(_copy_entry(trackers, NEW_TRACKER, NEW_TRACKER_NAME))
    first_site = data["sites"][0]
    first_site["trackers"].append(NEW_TRACKER)
    data["sites"].append(_copy_entry(data["sites"], NEW_SITE, NEW_SITE_NAME,
                                     trackers=[first_site["trackers"][0], NEW_TRACKER]))
    data["sites"][-1].pop("url", None)
    data["services"].append(_copy_entry(data["services"], NEW_SERVICE, NEW_SERVICE_NAME))
    data["roles"]["processor"]["services"].append(NEW_SERVICE)
    return data


def rename_first_site(data: dict[str, Any]) -> dict[str, Any]:
    """The first site's id changes, its name stays: the same site at a new address."""
    data = copy.deepcopy(data)
    data["sites"][0]["id"] = RENAMED_SITE
    return data


def rename_second_tracker(data: dict[str, Any]) -> dict[str, Any]:
    """The second tracker's id changes (its name stays), on every site that uses it."""
    data = copy.deepcopy(data)
    old = data["trackers"][1]["id"]
    data["trackers"][1]["id"] = RENAMED_TRACKER
    for site in data["sites"]:
        site["trackers"] = [RENAMED_TRACKER if ident == old else ident for ident in site["trackers"]]
    return data


def remove_first_service(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    removed = data["services"].pop(0)["id"]
    data["roles"]["processor"]["services"].remove(removed)
    return data


# --- projects ------------------------------------------------------------------------------------

def git(repository: Path, *arguments: str, day: int = 1) -> None:
    """git in `repository`; a commit is dated 2026-06-DAY, before the builds' day."""
    stamp = f"2026-06-{day:02d}T12:00:00Z"
    subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *arguments],
                   cwd=repository, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})


def history_project(target: Path, versions: list[dict[str, Any]]) -> Path:
    """A copy of the project in a new git repository, each model committed in turn (the last one is
    also the working tree's)."""
    project = copy_project(target, model_text(versions[0]))
    git(project, "init", "-q", "-b", "main")
    for number, data in enumerate(versions):
        (project / "data" / "processing.yaml").write_text(model_text(data), encoding="utf-8")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", f"version {data['version']} (commit {number + 1})", day=number + 1)
    return project


@dataclass(frozen=True)
class Scenario:
    name: str
    versions: Callable[[], list[dict[str, Any]]]


def _announced_additions() -> list[dict[str, Any]]:
    base = base_model()
    return [versioned(base, "1.0.0", IN_FORCE_DATE),
            versioned(add_site_and_service(base), "1.1.0", FUTURE_DATE)]


def _renamed_site() -> list[dict[str, Any]]:
    base = base_model()
    return [versioned(base, "1.0.0", IN_FORCE_DATE),
            versioned(rename_first_site(base), "1.1.0", LATER_DATE)]


def _renamed_tracker_removed_service() -> list[dict[str, Any]]:
    base = base_model()
    return [versioned(base, "1.0.0", IN_FORCE_DATE),
            versioned(remove_first_service(rename_second_tracker(base)), "1.1.0", LATER_DATE)]


def _renamed_twice_then_announced() -> list[dict[str, Any]]:
    base = base_model()
    renamed = rename_first_site(base)
    twice = copy.deepcopy(renamed)
    twice["sites"][0]["id"] = "our-sites"
    return [versioned(base, "1.0.0", IN_FORCE_DATE),
            versioned(renamed, "1.1.0", "2026-03-01"),
            versioned(twice, "1.2.0", LATER_DATE),
            versioned(add_site_and_service(twice), "2.0.0", FUTURE_DATE)]


def _announced_then_withdrawn() -> list[dict[str, Any]]:
    """1.1.0 announced with a new site and service, then taken back before its date."""
    first, announced = _announced_additions()
    return [first, announced, first]


SCENARIOS = (
    Scenario("announced version adds a site and a service", _announced_additions),
    Scenario("site id renamed", _renamed_site),
    Scenario("tracker id renamed, service removed", _renamed_tracker_removed_service),
    Scenario("site renamed twice, then a version announced", _renamed_twice_then_announced),
    Scenario("announced version withdrawn", _announced_then_withdrawn),
)
