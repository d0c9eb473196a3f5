"""The site in Swedish and English: one MkDocs build per language, both from one `mkdocs build`."""

from __future__ import annotations

import html
import json
import posixpath
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from babel import Locale
from conftest import POLICY, flattened
from injection import injection_model_text
from sitekit import BIN, PROJECT_ROOT, REAL_MODEL, copy_project, mkdocs_build

from generator.load import load_file
from generator.pipeline import read_model_bytes
from generator.render import Renderer, render_site

COMPLETE = PROJECT_ROOT / "tests" / "fixtures" / "complete.yaml"
BUILD_DAY_EPOCH = "1795564800"  # 2026-11-25T00:00:00Z
SWITCHER = re.compile(r'<a href="([^"]*)" hreflang="(sv|en)" lang="\2" target="_self" class="md-select__link">')


def git(repository: Path, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *arguments],
                   cwd=repository, check=True, capture_output=True)


def with_version(text: str, version: str, effective: str) -> str:
    text = re.sub(r'^version: ".*"$', f'version: "{version}"', text, count=1, flags=re.M)
    return re.sub(r'^effective_date: ".*"$', f'effective_date: "{effective}"', text, count=1, flags=re.M)


@pytest.fixture(scope="module")
def two_versions_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real model as 1.0.0 (now superseded) and 1.1.0 (in force), built as the whole site."""
    project = copy_project(tmp_path_factory.mktemp("languages"))
    git(project, "init", "-q", "-b", "main")
    model = project / "data" / "processing.yaml"
    real = REAL_MODEL.read_text(encoding="utf-8")
    for version, effective in (("1.0.0", "2026-01-01"), ("1.1.0", "2026-06-01")):
        model.write_text(with_version(real, version, effective), encoding="utf-8")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", f"version {version}")
    site = project / "site"
    result = mkdocs_build(project, site, epoch=BUILD_DAY_EPOCH)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def pages(tree: Path) -> set[str]:
    return {path.relative_to(tree).as_posix() for path in tree.rglob("*.html")}


def test_one_build_makes_both_language_trees_and_slash_leads_to_swedish(two_versions_site: Path) -> None:
    site = two_versions_site
    assert sorted(path.name for path in site.iterdir()) == ["en", "index.html", "sv"]
    entry = (site / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=sv/">' in entry
    assert '<a href="en/" hreflang="en" lang="en">English</a>' in entry
    for language in ("sv", "en"):
        statement = (site / language / "privacy" / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{language}"' in statement
        assert (site / language / "privacy" / "versions" / "1.0.0" / "index.html").is_file()


def test_every_page_has_its_counterpart_and_the_switcher_leads_to_it(two_versions_site: Path) -> None:
    swedish, english = pages(two_versions_site / "sv"), pages(two_versions_site / "en")
    assert swedish == english
    assert {"privacy/versions/1.0.0/index.html", "privacy/versions/1.1.0/index.html",
            "privacy/services/customer-services/index.html", "privacy/sites/i-centrum-sites/index.html",
            "404.html"} <= swedish
    for language in ("sv", "en"):
        for page in sorted(swedish):
            document = (two_versions_site / language / page).read_text(encoding="utf-8")
            links = dict((lang, href) for href, lang in SWITCHER.findall(document))
            assert set(links) == {"sv", "en"}, (language, page)
            folder = posixpath.dirname(f"{language}/{page}")
            for target_language, href in links.items():
                target = posixpath.normpath(posixpath.join(folder, href))
                expected = f"{target_language}/{page}".removesuffix("index.html").rstrip("/")
                if page == "404.html":  # shown at any address, so its links start at the server's root
                    target, expected = posixpath.normpath(href), f"/{target_language}"
                assert target == expected, (language, page, href)
            assert re.search(r'<link rel="alternate" href="[./]*en/" hreflang="en">', document), page
            assert re.search(r'<link rel="alternate" href="[./]*sv/" hreflang="sv">', document), page


def test_each_language_searches_only_its_own_pages_offline(two_versions_site: Path) -> None:
    for language in ("sv", "en"):
        tree = two_versions_site / language
        index = json.loads((tree / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [language]
        titles = " ".join(doc["title"] for doc in index["docs"])
        assert ("Integritetspolicy" in titles) == (language == "sv")
        assert ("Privacy statement" in titles) == (language == "en")
        # Every entry is a page of this language's site.
        for doc in index["docs"]:
            assert (tree / doc["location"].split("#")[0] / "index.html").is_file() or doc["location"] == ""
    assert (two_versions_site / "sv" / "assets" / "javascripts" / "lunr" / "min" / "lunr.sv.min.js").is_file()


def test_the_swedish_pages_speak_swedish(two_versions_site: Path) -> None:
    document = (two_versions_site / "sv" / "privacy" / "index.html").read_text(encoding="utf-8")
    headings = [html.unescape(re.sub(r"<[^>]+>", "", heading))
                for heading in re.findall(r'<h2 id="[^"]+">(.*?)<a class="headerlink"', document)]
    assert headings[:2] == ["I korthet", "1. Vilka vi är"]
    assert "11. Din rätt att göra invändningar" in headings
    assert "Version 1.1.0, gäller från den 1 juni 2026." in html.unescape(document)
    assert 'title="Permanent länk"' in document
    tracker_page = (two_versions_site / "sv" / "privacy" / "sites" / "i-centrum-sites" / "index.html")
    assert "Ja, till USA" in tracker_page.read_text(encoding="utf-8")
    changes = html.unescape((two_versions_site / "sv" / "privacy" / "changes" / "index.html").read_text("utf-8"))
    assert "Gällde från den 1 januari 2026." in changes
    not_found = (two_versions_site / "sv" / "404.html").read_text(encoding="utf-8")
    assert "Sidan finns inte" in not_found and "Not found" not in not_found


def test_a_text_without_swedish_is_marked_as_english_on_the_swedish_pages() -> None:
    text = COMPLETE.read_text(encoding="utf-8")
    model = read_model_bytes(text.encode(), "complete.yaml", POLICY).model
    swedish = render_site(model, POLICY, language="sv").pages[0].markdown
    english = render_site(model, POLICY, language="en").pages[0].markdown
    introduction = model.data["statement"]["introduction"]["en"]
    first_words = " ".join(introduction.split()[:2])
    assert re.search(rf'<span lang="en">{re.escape(first_words)}', swedish)
    assert "<span lang=" not in english


def test_a_texts_language_marker_comes_from_the_renderer_never_from_the_model(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", injection_model_text())
    site = project / "site"
    assert mkdocs_build(project, site).returncode == 0
    swedish = sorted((site / "sv").rglob("*.html"))
    assert len(swedish) >= 6
    for page in swedish:
        document = page.read_text(encoding="utf-8")
        assert "<script>window.__injected" not in document
        assert set(re.findall(r'\blang="([^"]*)"', document)) <= {"sv", "en"}, page
    # The model's texts (English only) are there, marked, with the payload shown as text.
    statement = (site / "sv" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert '<span lang="en">&lt;script&gt;window.__injected' in statement


def test_sv_texts_have_every_key_of_the_english_ones() -> None:
    english = load_file(PROJECT_ROOT / "policy" / "texts" / "en.yaml").data
    swedish = load_file(PROJECT_ROOT / "policy" / "texts" / "sv.yaml").data
    assert set(flattened(swedish)) == set(flattened(english))


def test_the_templates_hold_no_wording_of_their_own() -> None:
    """Every sentence and label comes from policy/texts, so each language has all of them."""
    allowed = {"title", "warning", "note", "info", "statement", "version"}  # front matter, admonitions, a class
    for template in sorted((PROJECT_ROOT / "policy" / "templates").glob("*.j2")):
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"\{##.*?##\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?\}|\]\([^)]*\)", " ", text, flags=re.S)
        # Markup is not wording: HTML tags (a whole page's, in moved.html.j2) and attribute lists.
        text = re.sub(r"<[^>]*>|\{:[^}]*\}", " ", text)
        words = set(re.findall(r"[A-Za-zÅÄÖåäö]{2,}", text)) - allowed
        assert words == set(), template.name


@pytest.mark.parametrize(("language", "expected"), [("en", "25 November 2026"), ("sv", "25 november 2026")])
def test_dates_are_written_in_the_pages_language(language: str, expected: str) -> None:
    assert Renderer(POLICY, language=language).long_date(date(2026, 11, 25)) == expected


def test_every_country_code_has_a_name_in_both_languages() -> None:
    codes = sorted(code for code in Locale.parse("en").territories if re.fullmatch(r"[A-Z]{2}", code))
    assert len(codes) > 240
    for language in ("en", "sv"):
        renderer = Renderer(POLICY, language=language)
        for code in codes:
            assert renderer.country(code) != code, (language, code)
    assert Renderer(POLICY, language="sv").country("FR") == "Frankrike"
    assert Renderer(POLICY, language="en").country("FR") == "France"


def test_build_command_writes_the_pages_of_one_language(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    result = subprocess.run([str(BIN / "privacy-statement"), "build", str(REAL_MODEL), "--out", str(out),
                             "--language", "sv"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    statement = (out / "privacy" / "index.md").read_text(encoding="utf-8")
    assert statement.startswith("---\ntitle: Integritetspolicy\n---\n\n# Integritetspolicy\n")
    assert "## I korthet {#at-a-glance}" in statement
    wrong = subprocess.run([str(BIN / "privacy-statement"), "build", str(REAL_MODEL), "--out", str(out),
                            "--language", "de"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert wrong.returncode == 2
    assert "invalid choice: 'de'" in wrong.stderr
