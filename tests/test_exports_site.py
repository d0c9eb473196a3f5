"""The site publishes every export of every version under its section's downloads/ folder, and the
statement, each site page and each appendix link to theirs: in render_site, and in a real MkDocs
build (--strict, so every link resolves)."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import GROUP, POLICY, model_at
from pypdf import PdfReader
from sitekit import copy_project, mkdocs_build
from test_exports import made

from generator.exports import site_downloads
from generator.exports.cache import CACHE_ENV
from generator.history import History, Version, date_versions
from generator.policy import load_policy
from generator.render import render_site
from generator.validate import Model

NAMES = ("privacy-statement.pdf", "record-of-processing.csv", "processor-record.csv", "privacy-statement.json",
         "privacy-statement.schema.json", "privacy-statement.jsonld", "fides.yml", "cookies-main-site.csv",
         "consent-main-site.js", "appendix-booking-service.pdf")


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> History:
    """The group's model at 2.0.0 (superseded) and 3.0.0 (in force)."""
    older = tmp_path_factory.mktemp("older") / "processing.yaml"
    older.write_text(GROUP.read_text(encoding="utf-8").replace('version: "3.0.0"', 'version: "2.0.0"')
                     .replace('effective_date: "2026-05-01"', 'effective_date: "2026-01-01"'), encoding="utf-8")
    versions = [Version(model_at(older), "older"), Version(model_at(GROUP), "working tree")]
    return History(date_versions(versions, date(2026, 6, 1)), ())


def test_each_version_offers_every_export_and_its_pages_link_to_them(two_versions: History) -> None:
    model = two_versions.entries[0].version.model
    site = render_site(model, POLICY, history=two_versions, downloads=site_downloads(POLICY, "en"))
    files = dict(site.files)
    for folder in ("privacy", "privacy/versions/3.0.0", "privacy/versions/2.0.0"):
        for name in NAMES:
            assert f"{folder}/downloads/{name}" in files, (folder, name)
    # The version in force: the same files at privacy/ and in its own section; the older version its own.
    in_force = "privacy-statement.pdf"
    assert files[f"privacy/downloads/{in_force}"] == files[f"privacy/versions/3.0.0/downloads/{in_force}"]
    assert json.loads(files["privacy/versions/2.0.0/downloads/privacy-statement.json"])["version"] == "2.0.0"
    assert json.loads(files["privacy/downloads/privacy-statement.json"])["version"] == "3.0.0"
    assert files["privacy/downloads/record-of-processing.csv"] == made(model, "ropa-csv")
    pages = {page.path: page.markdown for page in site.pages}
    for statement in ("privacy/index.md", "privacy/versions/2.0.0/index.md"):
        for name in ("privacy-statement.pdf", "record-of-processing.csv", "privacy-statement.jsonld", "fides.yml"):
            assert f"](downloads/{name})" in pages[statement], (statement, name)
        assert "cookies-main-site.csv" not in pages[statement]
    site_page = pages["privacy/versions/2.0.0/sites/main-site.md"]
    assert "](../downloads/cookies-main-site.csv)" in site_page and "](../downloads/consent-main-site.js)" in site_page
    assert "](../downloads/appendix-booking-service.pdf)" in pages["privacy/services/booking-service.md"]


def test_the_published_pdfs_link_only_to_the_web_and_the_download_lines_keep_their_class(
        two_versions: History) -> None:
    """A PDF is a document on its own: a link to another file of the site (a download, a page) is
    plain text in it, never a link to the machine that built it (`file:///...`)."""
    model = two_versions.entries[0].version.model
    site = render_site(model, POLICY, history=two_versions, downloads=site_downloads(POLICY, "en"))
    pdfs = {path: content for path, content in site.files if path.endswith(".pdf")}
    assert len(pdfs) >= 6
    for path, content in pdfs.items():
        targets = set()
        for page in PdfReader(io.BytesIO(content)).pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                if action is not None and "/URI" in action.get_object():
                    targets.add(str(action.get_object()["/URI"]))
        assert all(target.startswith(("https:", "mailto:")) for target in targets), (path, targets)
    # The download line is a paragraph of its own class (attr_list puts a class that follows a link on
    # the same line on that link instead).
    for page in site.pages:
        for line in page.markdown.splitlines():
            if "](downloads/" in line or "](../downloads/" in line:
                assert not line.endswith("}"), (page.path, line)


def test_the_pdfs_are_the_same_wherever_the_project_is(group: Model, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte-identical per commit means per commit anywhere: nothing of the building machine's paths."""
    made_here = []
    for place in ("a", "b/deeper"):
        monkeypatch.setenv(CACHE_ENV, str(tmp_path / place / "cache"))  # each PDF laid out afresh
        folder = tmp_path / place / "policy"
        shutil.copytree(POLICY.folder, folder)
        policy = load_policy(folder)
        site = render_site(group, policy, downloads=site_downloads(policy, "en"))
        made_here.append({path: content for path, content in site.files if path.endswith(".pdf")})
    assert len(made_here[0]) == 6 and made_here[0] == made_here[1]


def test_without_downloads_the_site_is_as_before(two_versions: History) -> None:
    model = two_versions.entries[0].version.model
    site = render_site(model, POLICY, history=two_versions)
    assert not any("/downloads/" in path for path, _ in site.files)
    assert "downloads/" not in next(page.markdown for page in site.pages if page.path == "privacy/index.md")


def test_make_site_publishes_the_downloads_in_both_languages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    for language in ("sv", "en"):
        folder = site / language / "privacy" / "downloads"
        assert (folder / "privacy-statement.pdf").read_bytes().startswith(b"%PDF-")
        assert (folder / "cookies-i-centrum-sites.csv").is_file()
        assert (folder / "appendix-customer-services.pdf").is_file()
        statement = (site / language / "privacy" / "index.html").read_text(encoding="utf-8")
        assert 'href="downloads/privacy-statement.pdf"' in statement
        site_page = (site / language / "privacy" / "sites" / "i-centrum-sites" / "index.html").read_text(
            encoding="utf-8")
        assert 'href="../../downloads/cookies-i-centrum-sites.csv"' in site_page
    swedish = (site / "sv" / "privacy" / "downloads" / "record-of-processing.csv").read_text(encoding="utf-8-sig")
    assert swedish.startswith("Ändamålets id,")
