"""`mypy --strict` on the package (its settings are pyproject.toml's [tool.mypy]): the types the code
declares are the types it uses, so `make test` fails on a call that passes the wrong thing."""

from __future__ import annotations

import subprocess
import sys

from conftest import PROJECT_ROOT


def test_mypy_strict_finds_nothing_in_the_package() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "generator"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found"), done.stdout
