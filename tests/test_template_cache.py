"""Compiled templates are kept between builds (Jinja's bytecode cache on disk), never at the cost of
a stale page: an edited template, or a template compiled with other options, is compiled afresh."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from conftest import POLICY
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from generator.load import load_file
from generator.policy import load_policy
from generator.render import render_site, theme_bytecode_cache
from generator.validate import validate

COMPLETE = Path(__file__).parent / "fixtures" / "complete.yaml"
PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "mkdocs.yml"


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the templates Jinja compiles from source while the test runs (compiling is
    left to Jinja; only its calls are counted)."""
    names: list[str] = []
    compile_template = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: object, name: str | None = None, *args: object,
                **kwargs: object) -> object:
        names.append(str(name))
        return compile_template(self, source, name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    yield names


def _policy_copy(folder: Path) -> Path:
    """A policy folder of its own, so no earlier run has compiled its templates."""
    copy = folder / "policy"
    shutil.copytree(POLICY.folder, copy)
    return copy


def _markdown(site: object) -> dict[str, str]:
    return {page.path: page.markdown for page in site.pages}  # type: ignore[attr-defined]


def test_the_next_build_does_not_compile_the_templates_again(tmp_path: Path, compiled: list[str]) -> None:
    folder = _policy_copy(tmp_path)
    model = validate(load_file(COMPLETE), POLICY).model
    assert model is not None
    first = render_site(model, load_policy(folder))
    assert "statement.md.j2" in compiled
    compiled.clear()
    again = render_site(model, load_policy(folder))  # a new Policy: the next build, or serve's rebuild
    assert compiled == []
    assert _markdown(again) == _markdown(first)


def test_an_edited_template_is_compiled_afresh(tmp_path: Path, compiled: list[str]) -> None:
    folder = _policy_copy(tmp_path)
    model = validate(load_file(COMPLETE), POLICY).model
    assert model is not None
    render_site(model, load_policy(folder))
    template = folder / "templates" / "changes.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\nEdited after the first build.\n",
                        encoding="utf-8")
    compiled.clear()
    site = render_site(model, load_policy(folder))
    assert compiled == ["changes.md.j2"]
    assert "Edited after the first build." in _markdown(site)["privacy/changes.md"]


def test_a_build_without_a_writable_cache_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = validate(load_file(COMPLETE), POLICY).model
    assert model is not None
    expected = _markdown(render_site(model, load_policy(_policy_copy(tmp_path / "a"))))
    unwritable = tmp_path / "not-a-folder"
    unwritable.write_text("", encoding="utf-8")
    monkeypatch.setattr("tempfile.tempdir", str(unwritable))  # where the cache would be: a file
    assert _markdown(render_site(model, load_policy(_policy_copy(tmp_path / "b")))) == expected


def _theme_environment(plugin_config: Path) -> jinja2.Environment:
    """The theme's environment as MkDocs makes it for a build, after the plugins' `env` event."""
    config = load_config(str(plugin_config))
    environment = config.theme.get_env()
    return config.plugins.on_env(environment, config=config, files=Files([]))


def test_the_themes_templates_are_compiled_once_across_builds(compiled: list[str]) -> None:
    project = PROJECT_CONFIG
    first = _theme_environment(project)
    assert isinstance(first.bytecode_cache, jinja2.FileSystemBytecodeCache)
    page = first.get_template("main.html")
    compiled.clear()
    again = _theme_environment(project)  # the next build's environment (or the other language's)
    assert again.get_template("main.html").filename == page.filename
    assert compiled == []


def test_a_theme_environment_with_other_options_is_not_served_anothers_code() -> None:
    project = PROJECT_CONFIG
    plain = _theme_environment(project)
    other = _theme_environment(project)
    other.trim_blocks = True
    plain_cache, other_cache = theme_bytecode_cache(plain), theme_bytecode_cache(other)
    assert isinstance(plain_cache, jinja2.FileSystemBytecodeCache)
    assert isinstance(other_cache, jinja2.FileSystemBytecodeCache)
    assert plain_cache.pattern != other_cache.pattern
