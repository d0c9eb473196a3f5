"""ARCHITECTURE.md and the README's layout table stay true to the code: every file they name exists,
every name they place in a file is in it, and every module of the package is named."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import PROJECT_ROOT

ARCHITECTURE = PROJECT_ROOT / "ARCHITECTURE.md"
README = PROJECT_ROOT / "README.md"
PACKAGE = PROJECT_ROOT / "generator"
# A path of the project in backticks: `generator/check.py`, `policy/texts/en.yaml`, `tests/`.
PATH = re.compile(r"`((?:generator|policy|tests|data|docs|bench)/[^`\s]*)`")
# "`render_site` of `generator/render.py`", "`BREAKS` in `tests/test_check.py`".
PLACED = re.compile(r"`@?([A-Za-z_][A-Za-z0-9_]*)(?:\([^`]*\))?` (?:of|in) `([^`]+\.py)`")


def modules() -> set[str]:
    """The package's modules by path (`generator/check.py`), without __init__ and __main__."""
    return {path.relative_to(PROJECT_ROOT).as_posix() for path in PACKAGE.rglob("*.py")
            if not path.name.startswith("__")}


def test_every_path_architecture_names_exists() -> None:
    named = set(PATH.findall(ARCHITECTURE.read_text(encoding="utf-8")))
    assert len(named) >= 15
    missing = sorted(path for path in named if not (PROJECT_ROOT / path).exists())
    assert missing == [], f"ARCHITECTURE.md names what is not there: {missing}"


def test_every_module_of_the_package_is_in_architecture() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(PATH.findall(text))
    # The subcommands are named by their folder and file names, as the text lists them.
    unnamed = sorted(module for module in modules() if module not in named
                     and not (module.startswith("generator/commands/") and f"`{Path(module).name}`" in text))
    assert unnamed == [], f"ARCHITECTURE.md does not say what these modules do: {unnamed}"


def test_every_name_architecture_places_in_a_file_is_there() -> None:
    placed = PLACED.findall(ARCHITECTURE.read_text(encoding="utf-8"))
    assert len(placed) >= 4
    for name, path in placed:
        assert re.search(rf"\b{re.escape(name)}\b", (PROJECT_ROOT / path).read_text(encoding="utf-8")), (name, path)


def test_the_readme_layout_names_every_module_and_only_modules() -> None:
    text = README.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `generator/` |"))
    words = {word for word in re.findall(r"`([a-z_/]+)`", row) if word != "generator/"}
    existing = {module.removeprefix("generator/").removesuffix(".py") for module in modules()}
    existing |= {"commands/"}
    assert sorted(words - existing) == [], "the layout table names modules that are not there"
    top_level = {module for module in existing if "/" not in module}
    assert sorted(top_level - words) == [], "the layout table leaves modules out"
