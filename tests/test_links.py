"""No internal link of the built site leads nowhere: every `<a href>` of every page (and every redirect
page's target) names a page the build wrote and, with a `#fragment`, an element of that page. Built by
the real MkDocs (`mkdocs build --strict`) for the real model, for every model under tests/fixtures,
and for version histories that add, rename and remove sites, services and trackers."""

from __future__ import annotations

from pathlib import Path

import pytest
from linkwalk import parse, walk
from scenarios import BUILD_EPOCH, SCENARIOS, Scenario, fixture_models, history_project
from sitekit import PROJECT_ROOT, copy_project, mkdocs_build

from generator.migrate import migrate_text


def _built(project: Path, epoch: str = "1764000000") -> Path:
    site = project.parent / "site"
    result = mkdocs_build(project, site, epoch=epoch)
    assert result.returncode == 0, result.stderr
    return site


def _assert_no_broken_links(site: Path) -> None:
    result = walk(site)
    assert result.pages >= 4 and result.links > 50, (result.pages, result.links)
    assert result.broken == []


def test_no_broken_link_with_the_real_model(tmp_path: Path) -> None:
    _assert_no_broken_links(_built(copy_project(tmp_path / "project")))


@pytest.mark.parametrize("fixture", fixture_models(), ids=lambda path: path.relative_to(PROJECT_ROOT).as_posix())
def test_no_broken_link_with_each_fixture(tmp_path: Path, fixture: Path) -> None:
    # A fixture kept at an earlier schema version is built as `privacy-statement migrate` leaves it.
    text, _, _ = migrate_text(fixture.read_text(encoding="utf-8"))
    _assert_no_broken_links(_built(copy_project(tmp_path / "project", text)))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_no_broken_link_in_a_version_history(tmp_path: Path, scenario: Scenario) -> None:
    project = history_project(tmp_path / "project", scenario.versions())
    _assert_no_broken_links(_built(project, BUILD_EPOCH))


def test_the_walker_finds_a_missing_page_and_a_missing_anchor(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<a href="a/">fine</a> <a href="a/#here">fine</a> <a href="b/">gone</a> <a href="a/#there">gone</a>'
        ' <a href="https://example.com/x">elsewhere</a> <a href="mailto:x@example.com">mail</a>',
        encoding="utf-8")
    (site / "a" / "index.html").write_text(
        '<h2 id="here">Here</h2><meta http-equiv="refresh" content="0; url=../c/">', encoding="utf-8")
    (site / "404.html").write_text('<a href="/from-the-root/">served anywhere</a>', encoding="utf-8")
    result = walk(site)
    assert result.links == 5
    assert result.broken == ["a/index.html: ../c/: no such page",
                             "index.html: b/: no such page",
                             "index.html: a/#there: no element with id 'there' on that page"]
    assert parse(site / "a" / "index.html").refresh == "../c/"
