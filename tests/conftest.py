"""Fixtures shared by the tests: where the project is, the real model, and the CLI run two ways."""

from __future__ import annotations

import io
import re
import string
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.pipeline import read_model
from generator.policy import Policy, load_policy
from generator.validate import Model

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The live model: editors change it in every pull request, so no test of the code depends on what it
# says; tests only hold it to "it validates and builds".
LIVE_MODEL = PROJECT_ROOT / "data" / "processing.yaml"
# The real model as the seed statement became it, frozen for the tests: version 1.0.0 at schema
# version 2, as `privacy-statement migrate` and the review after it left it (data/processing.yaml of
# commit ffba760; see tests/test_model_seed.py for the check against the seed itself). Tests read and
# edit this copy, so an editor's change to data/processing.yaml never breaks one.
REAL_MODEL = PROJECT_ROOT / "tests" / "fixtures" / "model-1.0.0.yaml"
# A group of companies with every kind of entry the model has (tests/fixtures/group.yaml).
GROUP = PROJECT_ROOT / "tests" / "fixtures" / "group.yaml"
POLICY_DIR = PROJECT_ROOT / "policy"
# The project's policy, read once for the tests that call the stages directly.
POLICY: Policy = load_policy(POLICY_DIR)
BIN = Path(sys.executable).parent
# FILE:LINE:COL: field.path: message. The path has no colon of its own (odd names are escaped).
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<path>[^:]+): (?P<message>.+)$")
SUMMARY = re.compile(r"^(?P<file>.+): (?:valid \(\d+ warnings?\)|invalid: \d+ errors?, \d+ warnings?)$")


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    @property
    def problems(self) -> list[str]:
        """The located problem lines, without the summary."""
        return [line for line in self.lines if LOCATED.match(line)]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """`privacy-statement ARGS...` in this process, through `generator.cli.main`."""

    def run(*arguments: str | Path) -> CliResult:
        capsys.readouterr()
        out = io.StringIO()
        code = main([str(a) for a in arguments], out=out)
        captured = capsys.readouterr()
        return CliResult(code, out.getvalue() + captured.out, captured.err)

    return run


def run_script(*arguments: str | Path, module: bool = False, cwd: Path = PROJECT_ROOT) -> CliResult:
    """The installed console script (or `python -m generator`) in a child process."""
    command = [sys.executable, "-m", "generator"] if module else [str(BIN / "privacy-statement")]
    done = subprocess.run([*command, *map(str, arguments)], cwd=cwd, capture_output=True, text=True, timeout=120)
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli_process() -> Callable[..., CliResult]:
    return run_script


@pytest.fixture(scope="session")
def real_text() -> str:
    """The text of the frozen real model (REAL_MODEL), for tests to edit."""
    return REAL_MODEL.read_text(encoding="utf-8")


@pytest.fixture
def write_model(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or raw bytes) as a model file in a fresh folder; returns its path."""

    def write(content: str | bytes, name: str = "processing.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


def edited(text: str, old: str, new: str) -> str:
    """`text` with the one occurrence of `old` replaced; fails loudly if `old` is not there once."""
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"expected exactly one {old!r} in the model, found {count}")
    return text.replace(old, new)


def model_at(path: Path) -> Model:
    """The validated model of a fixture file (the file must be valid)."""
    return read_model(path, POLICY).model


@pytest.fixture(scope="session")
def group() -> Model:
    return model_at(GROUP)


@pytest.fixture(scope="session")
def real() -> Model:
    return model_at(REAL_MODEL)


def placeholders(template: str) -> set[str]:
    """The {names} a text template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def flattened(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Every entry of nested texts by its dotted key (`a.b.c`), the mappings on the way included."""
    found: dict[str, Any] = {}
    for key, value in mapping.items():
        found[f"{prefix}{key}"] = value
        if isinstance(value, Mapping):
            found |= flattened(value, f"{prefix}{key}.")
    return found


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry for each PDF WeasyPrint lays out while the test runs (the calls are only counted)."""
    import weasyprint

    calls: list[int] = []
    write_pdf = weasyprint.HTML.write_pdf

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    return calls
