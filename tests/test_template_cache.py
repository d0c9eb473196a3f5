"""Compiled templates are kept between builds (Jinja's bytecode cache on disk), never at the cost of
a stale page: an edited template, or a template compiled with other options, is compiled afresh."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from conftest import POLICY

from generator.load import load_file
from generator.policy import load_policy
from generator.render import render_site
from generator.validate import validate

COMPLETE = Path(__file__).parent / "fixtures" / "complete.yaml"


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
