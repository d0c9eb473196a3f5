"""The published site, built by the real MkDocs with the real plugin from models on disk."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POLICY
from injection import MARKERS, PAYLOAD, injection_model_text
from linkwalk import parse
from scenarios import (
    BUILD_EPOCH,
    COMPLETE,
    NEW_SERVICE,
    NEW_SITE,
    NEW_TRACKER_NAME,
    RENAMED_SITE,
    RENAMED_TRACKER,
    SCENARIOS,
    Scenario,
    base_model,
    history_project,
)
from sitekit import BIN, PROJECT_ROOT, REAL_MODEL, copy_project, mkdocs_build

from generator.build import MARKER, MARKER_TEXT
from generator.load import load_file


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("project"))
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site / "en"


@pytest.fixture(scope="module")
def model() -> dict:
    return load_file(REAL_MODEL).data


def page_text(site: Path, page: str) -> str:
    """The visible text of a built page's article, entities decoded and tags dropped."""
    document = (site / page).read_text(encoding="utf-8")
    article = document[document.index("<article"): document.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", article))


def squash(text: str) -> str:
    return " ".join(text.split())


def test_every_site_and_service_has_a_page_and_a_nav_entry(real_site: Path, model: dict) -> None:
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert model["sites"] and model["services"]
    for site in model["sites"]:
        page = real_site / "privacy" / "sites" / site["id"] / "index.html"
        assert page.is_file()
        assert f'href="privacy/sites/{site["id"]}/"' in home
    for service in model["services"]:
        page = real_site / "privacy" / "services" / service["id"] / "index.html"
        assert page.is_file()
        assert f'href="privacy/services/{service["id"]}/"' in home
    assert 'href="privacy/"' in home


def test_statement_holds_every_seed_fact(real_site: Path, model: dict) -> None:
    text = squash(page_text(real_site, "privacy/index.html"))
    for tracker in model["trackers"]:
        assert tracker["name"]["en"] in text
    for purpose in model["purposes"]:
        assert squash(purpose["description"]["en"]) in text
    for category in model["data_categories"]:
        assert category["name"]["en"] in text
    for source in model["sources"]:
        assert source["name"]["en"] in text
    for subject in model["data_subjects"]:
        assert subject["name"]["en"] in text
    for fact in ("privacy@i-centrum.se", "i-Centrum AB", "Göteborg", "Integritetsskyddsmyndigheten",
                 "Box 8114, 104 20 Stockholm", "never sold", "Data Protection Officer",
                 "does not collect or process sensitive personal data", "Version 1.0.0",
                 "www.allaboutcookies.org"):
        assert fact in text, fact
    document = (real_site / "privacy" / "index.html").read_text(encoding="utf-8")
    assert 'href="mailto:privacy@i-centrum.se"' in document
    assert 'href="https://www.imy.se"' in document


def test_statement_names_each_purposes_sources_and_recipients(real_site: Path, model: dict) -> None:
    document = (real_site / "privacy" / "index.html").read_text(encoding="utf-8")
    table = document[document.index('id="purpose-sources"'):]
    table = table[: table.index("</table>")]
    rows = [squash(html.unescape(re.sub(r"<[^>]+>", " ", row))) for row in table.split("<tr>")[2:]]
    names = {collection: {entry["id"]: entry["name"]["en"] for entry in model[collection]}
             for collection in ("sources", "recipients")}
    assert len(rows) == len(model["purposes"])
    for purpose, row in zip(model["purposes"], rows, strict=True):
        source_names = ", ".join(names["sources"][source] for source in purpose["sources"])
        recipient_names = ", ".join(names["recipients"][recipient] for recipient in purpose.get("recipients", []))
        recipients = recipient_names or "Not stated in this version of the statement."
        assert row == f"{squash(purpose['description']['en'])} {source_names} {recipients}"


def test_statement_has_generated_numbering_a_summary_first_and_objection_apart(real_site: Path) -> None:
    document = (real_site / "privacy" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="([^"]+)">(.*?)<a class="headerlink"', document)
    assert headings[0][0] == "at-a-glance"
    numbers = [int(m.group(1)) for _, title in headings[1:] if (m := re.match(r"(\d+)\. ", title))]
    assert numbers == list(range(1, len(headings)))
    ids = [ident for ident, _ in headings]
    assert "right-to-object" in ids and "your-rights" in ids
    assert ids.index("right-to-object") == ids.index("your-rights") + 1
    # The statement's table of contents lists every numbered section.
    toc = document[document.index('data-md-component="toc"'):]
    for ident in ids:
        assert f'href="#{ident}"' in toc


def test_site_pages_describe_each_tracker_and_link_the_opt_outs(real_site: Path, model: dict) -> None:
    for site in model["sites"]:
        text = squash(page_text(real_site, f"privacy/sites/{site['id']}/index.html"))
        document = (real_site / "privacy" / "sites" / site["id"] / "index.html").read_text(encoding="utf-8")
        for tracker_id in site["trackers"]:
            tracker = next(t for t in model["trackers"] if t["id"] == tracker_id)
            assert tracker["name"]["en"] in text
            assert squash(tracker["purpose"]["en"]) in text
            for field in ("opt_out_url", "further_reading"):
                if tracker.get(field):
                    assert f'href="{tracker[field]}"' in document
        for label in ("First or third party", "Lifetime", "Needs your consent", "Data leaves the EU/EEA",
                      "How to opt out", "6 months", "Yes, to United States"):
            assert label in text
    statement = (real_site / "privacy" / "index.html").read_text(encoding="utf-8")
    for site in model["sites"]:
        assert f'href="sites/{site["id"]}/"' in statement


def test_service_appendix_has_the_article_28_sections(real_site: Path, model: dict) -> None:
    for service in model["services"]:
        text = page_text(real_site, f"privacy/services/{service['id']}/index.html")
        for heading in ("Subject matter and duration", "Nature and purpose of the processing",
                        "Types of personal data", "Categories of data subjects", "Sub-processors",
                        "Security measures"):
            assert heading in text
        # The real model leaves these as gaps; the page says so instead of inventing them.
        assert "Not stated in this version of the statement." in text


def test_site_loads_nothing_from_other_hosts(real_site: Path) -> None:
    loaded = re.compile(r'<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?//', re.I)
    for page in real_site.rglob("*.html"):
        assert not loaded.search(page.read_text(encoding="utf-8")), page
    for stylesheet in real_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", stylesheet.read_text(encoding="utf-8")), stylesheet


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    first, second = tmp_path / "first", tmp_path / "second"
    assert mkdocs_build(project, first).returncode == 0
    assert mkdocs_build(project, second).returncode == 0
    first_files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    second_files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert first_files == second_files
    for relative in first_files:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def test_a_broken_model_stops_the_build_and_leaves_the_site_untouched(tmp_path: Path) -> None:
    text = REAL_MODEL.read_text(encoding="utf-8").replace("- basis: contract\n", "- basis: contrat\n", 1)
    project = copy_project(tmp_path / "project", text)
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous site", encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode == 1
    assert re.search(r"data/processing\.yaml:\d+:\d+: purposes\[\d+\]\.legal_bases\[0\]\.basis: "
                     r".*Did you mean \"contract\"", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous site"


def test_build_command_writes_the_same_pages_as_files(tmp_path: Path) -> None:
    model_file = tmp_path / "processing.yaml"  # outside git: one version
    model_file.write_text(COMPLETE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "pages"
    # A model outside any project names its policy.
    result = subprocess.run([str(BIN / "privacy-statement"), "build", str(model_file), "--out", str(out),
                             "--policy", str(POLICY.folder)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    model = load_file(model_file).data
    version = f"privacy/versions/{model['version']}"
    pages = [name for name in written if "/downloads/" not in name]
    assert pages == sorted(
        [MARKER, "privacy/index.md", "privacy/changes.md", "privacy/changes.xml", f"{version}/index.md"]
        + [f"{folder}/sites/{s['id']}.md" for s in model["sites"] for folder in ("privacy", version)]
        + [f"{folder}/services/{s['id']}.md" for s in model["services"] for folder in ("privacy", version)]
    )
    # ...and beside them each section's downloads, the statement's PDF among them.
    assert {f"{folder}/downloads/privacy-statement.pdf" for folder in ("privacy", version)} <= set(written)
    assert "# Privacy statement" in (out / "privacy" / "index.md").read_text(encoding="utf-8")


def test_build_command_with_a_broken_model_leaves_the_output_untouched(tmp_path: Path) -> None:
    broken = tmp_path / "processing.yaml"
    broken.write_text(REAL_MODEL.read_text(encoding="utf-8").replace("party: third", "party: thrid", 1))
    out = tmp_path / "pages"
    out.mkdir()
    (out / MARKER).write_text(MARKER_TEXT)  # an earlier build's output, which a build may replace
    (out / "keep.md").write_text("previous")
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(broken), "--out", str(out)],
                            capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 1
    assert 'trackers[0].party: the text "thrid" is not allowed here. Did you mean "third"?' in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "keep.md"]


def test_injected_markup_renders_as_inert_text(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", injection_model_text())
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    site = site / "en"
    pages = [site / "index.html", *sorted((site / "privacy").rglob("index.html"))]
    assert len(pages) >= 4
    for page in pages:
        document = page.read_text(encoding="utf-8")
        # No tag or attribute from the payload survives: only Material's own script tags remain.
        assert "<script>window.__injected" not in document
        assert not re.search(r"<img[^>]*onerror", document)
        assert not re.search(r"""href=["']?\s*javascript:""", document, re.I)
        assert not re.search(r"\bon\w+=\"?window\.__injected", document)
    statement = html.unescape((site / "privacy" / "index.html").read_text(encoding="utf-8"))
    # The payload is shown to the reader, literally.
    assert "<script>window.__injected" not in (site / "privacy" / "index.html").read_text(encoding="utf-8")
    assert '<script>window.__injected = "script"</script>' in statement
    assert "[click me](javascript:window.__injected='md-link')" in statement
    article = squash(page_text(site, "privacy/index.html"))
    assert "{{ 7 * 7 }} {% if true %}jinja{% endif %}" in article
    assert "**bold** _em_ `code` # heading | cell | {: onclick=alert(1) } ![img](x.png)" in article
    assert all(marker in PAYLOAD for marker in MARKERS)


def test_service_appendix_tells_none_from_not_stated() -> None:
    from generator.pipeline import read_model_bytes
    from generator.render import render_site

    fixture = (PROJECT_ROOT / "tests" / "fixtures" / "complete.yaml").read_text(encoding="utf-8")
    none = fixture.replace("    sub_processors: [nordic-hosting]\n", "    sub_processors: none\n")
    gap = fixture.replace("    sub_processors: [nordic-hosting]\n", "    sub_processors: null\n")
    empty = fixture.replace("    sub_processors: [nordic-hosting]\n", "    sub_processors: []\n")
    assert none != fixture and gap != fixture and empty != fixture

    def appendix(text: str) -> str:
        pages = render_site(read_model_bytes(text.encode(), "fixture.yaml", POLICY).model, POLICY).pages
        markdown = next(page.markdown for page in pages if page.path.startswith("privacy/services/"))
        return markdown.replace("\\", "")  # Markdown escapes aside

    section = "## Sub-processors\n\n"
    assert appendix(none).split(section)[1].startswith("This service uses no sub-processors.")
    assert appendix(gap).split(section)[1].startswith("Not stated in this version of the statement.")
    # An empty list says nothing, so it claims nothing (issue 14): only `none` says "none".
    assert appendix(empty).split(section)[1].startswith("Not stated in this version of the statement.")
    assert appendix(fixture).split(section)[1].startswith("| Sub-processor | Where the data is processed | Role |")


# --- versions as sections of their own, and pages that moved ----------------------------------------

def _scenario_site(tmp_path_factory: pytest.TempPathFactory, scenario: Scenario) -> tuple[Path, str]:
    project = history_project(tmp_path_factory.mktemp("history"), scenario.versions())
    site = project.parent / "site"
    result = mkdocs_build(project, site, epoch=BUILD_EPOCH)
    assert result.returncode == 0, result.stderr
    return site / "en", result.stderr


@pytest.fixture(scope="module")
def announced_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return _scenario_site(tmp_path_factory, SCENARIOS[0])


def _articles_links(site: Path, page: str) -> list[str]:
    document = (site / page).read_text(encoding="utf-8")
    article = document[document.index("<article"): document.index("</article>")]
    return re.findall(r'<a href="([^"]+)"', article)


def test_an_announced_version_is_a_complete_section_before_its_date(announced_site: tuple[Path, str]) -> None:
    site, log = announced_site
    assert "WARNING" not in log, log
    base = base_model()
    first_site, first_service = base["sites"][0]["id"], base["services"][0]["id"]
    announced = site / "privacy" / "versions" / "1.1.0"
    for page in ("", f"sites/{first_site}/", f"sites/{NEW_SITE}/", f"services/{first_service}/",
                 f"services/{NEW_SERVICE}/"):
        assert (announced / page / "index.html").is_file(), page
    # The announced statement links to its own site pages and appendices, not to the current ones.
    links = _articles_links(site, "privacy/versions/1.1.0/index.html")
    assert f"sites/{NEW_SITE}/" in links and f"sites/{first_site}/" in links
    assert f"services/{NEW_SERVICE}/" in links and f"services/{first_service}/" in links
    assert not any(link.startswith("../sites/") or link.startswith("../services/") for link in links), links
    # Its site page shows its own trackers; the page of the version in force does not have the new one.
    assert NEW_TRACKER_NAME in page_text(site, f"privacy/versions/1.1.0/sites/{first_site}/index.html")
    assert NEW_TRACKER_NAME not in page_text(site, f"privacy/sites/{first_site}/index.html")
    assert NEW_TRACKER_NAME not in page_text(site, f"privacy/versions/1.0.0/sites/{first_site}/index.html")
    # ...and its pages link back to its own statement.
    assert "../../#trackers" in _articles_links(site, f"privacy/versions/1.1.0/sites/{NEW_SITE}/index.html")
    assert "../../#roles" in _articles_links(site, f"privacy/versions/1.1.0/services/{NEW_SERVICE}/index.html")


def test_a_versions_own_pages_say_which_version_they_belong_to(announced_site: tuple[Path, str]) -> None:
    site, _ = announced_site
    base = base_model()
    for page in (f"sites/{NEW_SITE}/", f"services/{base['services'][0]['id']}/"):
        text = squash(page_text(site, f"privacy/versions/1.1.0/{page}index.html"))
        assert "This page belongs to version 1.1.0 of the statement, which takes effect on 1 March 2027." in text
        assert "../../../../" in _articles_links(site, f"privacy/versions/1.1.0/{page}index.html")  # privacy/
    # The version in force says nothing of the kind, in its own section or at privacy/.
    for page in (f"privacy/versions/1.0.0/sites/{base['sites'][0]['id']}/", f"privacy/sites/{base['sites'][0]['id']}/"):
        assert "This page belongs to version" not in page_text(site, f"{page}index.html")


def test_a_superseded_versions_pages_say_it_is_no_longer_in_force(tmp_path_factory: pytest.TempPathFactory) -> None:
    site, _ = _scenario_site(tmp_path_factory, SCENARIOS[2])
    service = base_model()["services"][0]["id"]
    text = squash(page_text(site, f"privacy/versions/1.0.0/services/{service}/index.html"))
    assert "This page belongs to version 1.0.0 of the statement, which is no longer in force." in text


def test_the_navigation_lists_each_version_but_not_its_site_pages(announced_site: tuple[Path, str]) -> None:
    site, _ = announced_site
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="privacy/versions/1.1.0/"' in home and 'href="privacy/versions/1.0.0/"' in home
    assert "privacy/versions/1.1.0/sites/" not in home and "privacy/versions/1.0.0/services/" not in home


def _moved_to(site: Path, address: str) -> str:
    """Where the page at an old address leads: its refresh target, which its one link names too."""
    page = parse(site / address / "index.html")
    assert page.refresh is not None, address
    assert page.links == [page.refresh]
    return page.refresh


def test_a_renamed_site_leaves_a_page_at_its_old_address(tmp_path_factory: pytest.TempPathFactory) -> None:
    site, log = _scenario_site(tmp_path_factory, SCENARIOS[1])
    old = base_model()["sites"][0]["id"]
    assert "WARNING" not in log, log
    assert _moved_to(site, f"privacy/sites/{old}") == f"../{RENAMED_SITE}/"
    document = (site / "privacy" / "sites" / old / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in document
    assert "Our website" in html.unescape(document)
    # The archived version keeps its page at the old id, linked from its statement.
    assert (site / "privacy" / "versions" / "1.0.0" / "sites" / old / "index.html").is_file()
    assert f"sites/{old}/" in _articles_links(site, "privacy/versions/1.0.0/index.html")


def test_a_renamed_tracker_keeps_its_anchor_and_a_removed_service_leads_to_its_last_version(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    site, _ = _scenario_site(tmp_path_factory, SCENARIOS[2])
    base = base_model()
    old_tracker, service = base["trackers"][1]["id"], base["services"][0]["id"]
    current = parse(site / "privacy" / "sites" / base["sites"][0]["id"] / "index.html")
    assert {old_tracker, RENAMED_TRACKER} <= current.ids
    assert _moved_to(site, f"privacy/services/{service}") == f"../../versions/1.0.0/services/{service}/"


def test_ids_renamed_twice_lead_to_the_newest_page_and_announced_ids_to_their_version(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    site, _ = _scenario_site(tmp_path_factory, SCENARIOS[3])
    old = base_model()["sites"][0]["id"]
    assert _moved_to(site, f"privacy/sites/{old}") == "../our-sites/"
    assert _moved_to(site, f"privacy/sites/{RENAMED_SITE}") == "../our-sites/"
    assert _moved_to(site, f"privacy/sites/{NEW_SITE}") == f"../../versions/2.0.0/sites/{NEW_SITE}/"
    assert _moved_to(site, f"privacy/services/{NEW_SERVICE}") == f"../../versions/2.0.0/services/{NEW_SERVICE}/"
    for version in ("1.0.0", "1.1.0", "1.2.0", "2.0.0"):
        assert (site / "privacy" / "versions" / version / "index.html").is_file()


def test_a_withdrawn_versions_section_stays_and_says_so(tmp_path_factory: pytest.TempPathFactory) -> None:
    site, log = _scenario_site(tmp_path_factory, SCENARIOS[4])
    assert "WARNING" not in log, log
    text = squash(page_text(site, f"privacy/versions/1.1.0/sites/{NEW_SITE}/index.html"))
    assert "This page belongs to version 1.1.0 of the statement, which was withdrawn before it took effect." in text
    assert _moved_to(site, f"privacy/sites/{NEW_SITE}") == f"../../versions/1.1.0/sites/{NEW_SITE}/"
    moved = html.unescape((site / "privacy" / "sites" / NEW_SITE / "index.html").read_text(encoding="utf-8"))
    assert "which was withdrawn before it took effect" in moved
    # The version in force is the first one again, unchanged.
    assert NEW_TRACKER_NAME not in page_text(site, f"privacy/sites/{base_model()['sites'][0]['id']}/index.html")


def _rights_section(statement: str) -> str:
    return statement[statement.index("{#your-rights}"): statement.index("{#right-to-object}")]


@pytest.mark.parametrize("model_file", [PROJECT_ROOT / "tests" / "corpus" / "base.yaml", COMPLETE],
                         ids=["how repeats the right", "how says only how"])
def test_the_rights_section_says_withdraw_your_consent_once(model_file: Path) -> None:
    from generator.pipeline import read_model
    from generator.render import STATEMENT_PAGE, render_site

    model = read_model(model_file, POLICY).model
    pages = {page.path: page.markdown for page in render_site(model, POLICY).pages}
    section = " ".join(_rights_section(pages[STATEMENT_PAGE]).replace("\\", "").split()).lower()
    assert section.count("withdraw your consent") + section.count("withdraw it ") == 1, section
    # That consent can be withdrawn at any time is said whatever the model's own words are.
    assert "at any time" in section
