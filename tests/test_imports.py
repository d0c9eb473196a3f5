"""The shape of the package, read from its source: no import circle among the modules of
`generator/`, and no module taking another module's `_private` name.

Every import counts, also one inside a function (a lazy import still ties the two modules
together), and so does a module named as a string (`importlib.import_module("generator.x")`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "generator"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path): path for path in sorted(package.rglob("*.py"))}


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    line: int
    names: tuple[str, ...] = ()  # the names taken by `from target import names`


def _absolute(source: str, is_package: bool, level: int, module: str | None) -> str:
    """The absolute name of a relative import `from ..module import x` in `source`."""
    if level == 0:
        return module or ""
    base = source.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def arrows(name: str, path: Path, known: set[str]) -> Iterator[Arrow]:
    """Every import of another module of the package in the module `name`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"

    def owner(dotted: str) -> str | None:
        """`dotted` itself when it is a module of the package, else its nearest enclosing one."""
        parts = dotted.split(".")
        while parts:
            candidate = ".".join(parts)
            if candidate in known:
                return candidate
            parts.pop()
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = owner(alias.name)
                if target and target != name:
                    yield Arrow(name, target, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, is_package, node.level, node.module)
            for alias in node.names:
                # `from generator import build` imports the module generator.build.
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    yield Arrow(name, submodule, node.lineno)
                else:
                    target = owner(base)
                    if target and target != name:
                        yield Arrow(name, target, node.lineno, (alias.name,))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in known \
                and node.value != name and "." in node.value:
            yield Arrow(name, node.value, node.lineno)


def import_graph() -> tuple[dict[str, list[Arrow]], dict[str, Path]]:
    modules = package_modules()
    return {name: list(arrows(name, path, set(modules))) for name, path in modules.items()}, modules


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the list of modules around it (first repeated at the end), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*stack[stack.index(target):], target]
            if target not in state and (circle := visit(target)):
                return circle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (circle := visit(node)):
            return circle
    return None


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(name: str, path: Path, imported: list[Arrow], known: set[str]) -> Iterator[str]:
    """`_name`s this module takes from another: by `from m import _x`, or as `m._x` on a module it imported."""
    for arrow in imported:
        for taken in arrow.names:
            if is_private(taken):
                yield f"{path.name}:{arrow.line}: from {arrow.target} import {taken}"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, path.name == "__init__.py", node.level, node.module)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            dotted = ast.unparse(node.value)
            if dotted in aliases and aliases[dotted] != name:
                yield f"{path.name}:{node.lineno}: {dotted}.{node.attr}"


# --- the tests of the walker itself, on small packages written for them ----------------------------

def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "generator"
    for relative, text in {"__init__.py": "", **files}.items():
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        (package / relative).write_text(text, encoding="utf-8")
    return package


def graph_of(package: Path) -> dict[str, set[str]]:
    modules = {".".join(p.relative_to(package.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in package.rglob("*.py")}
    return {name: {a.target for a in arrows(name, path, set(modules))} for name, path in modules.items()}


def test_the_walker_sees_a_circle_through_a_lazy_import(tmp_path: Path) -> None:
    package = write_package(tmp_path, {
        "a.py": "from generator.b import thing\n",
        "b.py": "def thing() -> None:\n    from generator import a\n",
        "c.py": "import generator.a\n",
    })
    assert find_circle(graph_of(package)) == ["generator.a", "generator.b", "generator.a"]


def test_the_walker_sees_imports_by_name_and_relative_imports(tmp_path: Path) -> None:
    package = write_package(tmp_path, {
        "cli.py": 'import importlib\nMODULE = "generator.commands.run"\n',
        "commands/__init__.py": "",
        "commands/run.py": "from ..cli import MODULE\nfrom . import common\n",
        "commands/common.py": "",
    })
    graph = graph_of(package)
    assert graph["generator.cli"] == {"generator.commands.run"}
    assert graph["generator.commands.run"] == {"generator.cli", "generator.commands.common"}
    assert find_circle(graph) == ["generator.cli", "generator.commands.run", "generator.cli"]


def test_the_walker_sees_private_names_taken_either_way(tmp_path: Path) -> None:
    package = write_package(tmp_path, {
        "a.py": "_secret = 1\n__all__ = ['_secret']\n",
        "b.py": "from generator.a import _secret, __all__\n",
        "c.py": "from generator import a\nvalue = a._secret + len(a.__all__)\n",
    })
    modules = {f"generator.{p.stem}": p for p in package.glob("?.py")}
    known = set(modules)
    found = sorted(use for name, path in modules.items()
                   for use in private_uses(name, path, list(arrows(name, path, known)), known))
    assert found == ["b.py:1: from generator.a import _secret", "c.py:2: a._secret"]


# --- the package ---------------------------------------------------------------------------------

def test_the_package_has_modules_to_walk() -> None:
    modules = package_modules()
    assert {"generator.cli", "generator.load", "generator.validate", "generator.render"} <= set(modules)


def test_no_import_circle_in_the_package() -> None:
    graph, _ = import_graph()
    circle = find_circle({name: {arrow.target for arrow in found} for name, found in graph.items()})
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_no_module_takes_another_modules_private_name() -> None:
    graph, modules = import_graph()
    found = [use for name, path in modules.items() for use in private_uses(name, path, graph[name], set(modules))]
    assert found == [], "private names used outside their module:\n" + "\n".join(found)


STAGES = ["load", "validate", "check", "render", "diff", "history", "revisions", "git", "pipeline", "problems", "build",
          "policy"]


@pytest.mark.parametrize("stage", [stage for stage in STAGES if (PACKAGE / f"{stage}.py").is_file()])
def test_no_stage_knows_the_command_line(stage: str) -> None:
    graph, _ = import_graph()
    name = f"generator.{stage}"
    command_line = [a.target for a in graph[name] if a.target == "generator.cli" or
                    a.target.startswith("generator.commands")]
    assert command_line == [], f"{name} imports {command_line}"
