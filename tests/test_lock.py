"""The lock files: every dependency pyproject.toml names is pinned to one version with the hashes of
its published files, the site's lock (requirements.txt) is the test lock narrowed to what the site
needs, and an environment the Makefile installed holds exactly the locked versions.

When a test here fails after a change to pyproject.toml's dependencies: run `make lock`."""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
TEST_LOCK = ROOT / "requirements-test.txt"
RUNTIME_LOCK = ROOT / "requirements.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = canonicalize_name(PYPROJECT["project"]["name"])


@dataclass(frozen=True)
class Pin:
    version: str
    hashes: frozenset[str]


def pins(lock: Path) -> dict[str, Pin]:
    """name -> version and hashes, from a pip-compile lock (one `name==version \\` line, then its
    `--hash=` lines)."""
    text = lock.read_text(encoding="utf-8")
    entries = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?: \\\n\s+--hash=sha256:[0-9a-f]{64})*)",
                         text, flags=re.M)
    result = {canonicalize_name(name): Pin(version, frozenset(re.findall(r"sha256:([0-9a-f]{64})", hashes)))
              for name, version, hashes in entries}
    requirement_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(requirement_lines) == len(result), "every requirement line is name==version with hashes"
    return result


def requirements(*groups: list[str]) -> list[Requirement]:
    found = [Requirement(text) for group in groups for text in group]
    return [requirement for requirement in found if requirement.marker is None or requirement.marker.evaluate()]


def test_every_locked_package_has_one_version_and_the_hashes_of_its_files() -> None:
    for lock in (TEST_LOCK, RUNTIME_LOCK):
        locked = pins(lock)
        assert locked
        for name, pin in locked.items():
            assert pin.hashes, f"{lock.name}: {name} has no --hash"
        text = lock.read_text(encoding="utf-8")
        # Only the package index: no folder, local index or other address that a fresh clone lacks.
        for option in ("--index-url", "--extra-index-url", "--find-links", "file://", "\n-e ", "git+"):
            assert option not in text, f"{lock.name} names {option}"
        assert "make lock" in text  # the header says how to regenerate it


def test_the_test_lock_pins_everything_pyproject_asks_for() -> None:
    """Fails when a dependency was added to pyproject.toml without running `make lock`."""
    locked = pins(TEST_LOCK)
    extras = PYPROJECT["project"]["optional-dependencies"]
    wanted = requirements(PYPROJECT["project"]["dependencies"], extras["test"], extras["bench"], extras["lock"],
                          PYPROJECT["build-system"]["requires"])
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is not in {TEST_LOCK.name}: run `make lock`"
        assert requirement.specifier.contains(locked[name].version, prereleases=True), (
            f"{TEST_LOCK.name} pins {name}=={locked[name].version}, outside {requirement}: run `make lock`")


def test_the_site_lock_is_the_test_lock_narrowed_to_what_the_site_needs() -> None:
    """The workflow installs requirements.txt, `make` installs requirements-test.txt: the same versions."""
    test_pins, runtime_pins = pins(TEST_LOCK), pins(RUNTIME_LOCK)
    for name, pin in runtime_pins.items():
        assert test_pins.get(name) == pin, (
            f"{name}: {pin} in {RUNTIME_LOCK.name}, {test_pins.get(name)} in {TEST_LOCK.name}")
    for requirement in requirements(PYPROJECT["project"]["dependencies"], PYPROJECT["build-system"]["requires"]):
        assert canonicalize_name(requirement.name) in runtime_pins, f"{requirement} is not in {RUNTIME_LOCK.name}"
    for test_only in ("pytest", "playwright", "ruff", "zizmor", "check-jsonschema", "pip-tools"):
        assert test_only not in runtime_pins


def installed_by_make() -> bool:
    """This test run's Python is the project's .venv, installed by `make` from the lock as it is now."""
    venv = Path(sys.prefix)
    stamp = venv / ".installed"
    return (venv == ROOT / ".venv" and stamp.is_file()
            and stamp.stat().st_mtime >= max(TEST_LOCK.stat().st_mtime, (ROOT / "pyproject.toml").stat().st_mtime))


@pytest.mark.skipif(not installed_by_make(), reason="this environment was not installed by `make` from today's lock")
def test_the_environment_make_installed_holds_exactly_the_locked_versions() -> None:
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    installed.pop(PROJECT)
    assert installed == {name: pin.version for name, pin in pins(TEST_LOCK).items()}
