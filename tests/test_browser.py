"""The built site in a real headless Chromium, driven by Playwright: what a visitor gets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import scenarios
from injection import HOSTILE_EMAIL, HOSTILE_URL, injection_model_text
from scenarios import BUILD_EPOCH, history_project
from sitekit import BIN, REAL_MODEL, copy_project, launched_chromium, mkdocs_build, serious_violations, serve

from generator.load import load_file

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as launched:
        yield launched


def _build(directory: Path, model_text: str | None = None) -> Path:
    project = copy_project(directory, model_text)
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def real_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The English site of the real model (the Swedish one beside it)."""
    with serve(_build(tmp_path_factory.mktemp("real"))) as url:
        yield url + "en/"


class Visit:
    """A page that records every request, console error, page error and dialog it sees."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.failed: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)

    def open(self, path: str) -> Any:
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def foreign_requests(self) -> list[str]:
        """Requests to any other host than the site's own server."""
        origin = urlsplit(self.base_url)._replace(path="/", query="", fragment="").geturl()
        return [url for url in self.requests if not url.startswith(origin)]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, real_url: str) -> Iterator[Visit]:
    opened = Visit(browser, real_url)
    yield opened
    opened.close()


def _page_types() -> list[str]:
    model = load_file(REAL_MODEL).data
    site, service = model["sites"][0]["id"], model["services"][0]["id"]
    return ["", "privacy/", f"privacy/sites/{site}/", f"privacy/services/{service}/", "privacy/changes/",
            f"privacy/versions/{model['version']}/"]


def test_statement_renders_with_its_table_of_contents(visit: Visit) -> None:
    page = visit.open("privacy/")
    assert page.locator("h1").inner_text().rstrip("¶") == "Privacy statement"
    toc = page.locator('nav.md-nav--secondary[aria-label="Table of contents"]')
    links = toc.locator("a.md-nav__link")
    texts = [" ".join(t.split()) for t in links.all_inner_texts()]
    assert texts[0] == "At a glance"
    assert "1. Who we are" in texts and "11. Your right to object" in texts
    toc.get_by_role("link", name="11. Your right to object").click()
    assert page.evaluate("location.hash") == "#right-to-object"
    assert page.locator("#right-to-object").is_visible()


def test_every_appendix_and_site_page_is_reachable_through_the_navigation(visit: Visit) -> None:
    model = load_file(REAL_MODEL).data
    page = visit.open("")
    primary = page.locator("nav.md-nav--primary")
    for entries, folder in ((model["sites"], "sites"), (model["services"], "services")):
        for entry in entries:
            visit.open("")
            primary.get_by_role("link", name=entry["name"]["en"], exact=True).click()
            page.wait_for_load_state("networkidle")
            assert page.url == f"{visit.base_url}privacy/{folder}/{entry['id']}/"
            assert entry["name"]["en"] in page.locator("h1").inner_text()
    visit.open("")
    primary.get_by_role("link", name="Privacy statement", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{visit.base_url}privacy/"


def search(page: Any, term: str) -> str:
    """Type into Material's search box as a visitor would; the text of the results."""
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially(term)
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    return page.locator(".md-search-result").inner_text()


def test_search_finds_the_linkedin_tracker(visit: Visit) -> None:
    page = visit.open("privacy/")
    assert "LinkedIn Insight Tag" in search(page, "LinkedIn")


@pytest.mark.parametrize("path", _page_types())
def test_pages_stay_local_without_console_errors(visit: Visit, path: str) -> None:
    page = visit.open(path)
    page.locator("input.md-search__input").fill("cookie")  # the search worker loads too
    page.wait_for_timeout(300)
    assert visit.requests, "the page made no request at all"
    assert visit.foreign_requests() == []
    assert visit.failed == []
    assert visit.console_errors == []


@pytest.mark.parametrize("path", _page_types())
def test_no_serious_accessibility_violations(visit: Visit, path: str) -> None:
    assert serious_violations(visit.open(path)) == []


# Every attribute a handler or a script address could hide in, checked on every element of a page.
_HANDLERS_AND_SCRIPT_URLS = """() => {
    const found = [];
    for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
            const value = attribute.value.replace(/[\\s\\u0000-\\u001f]+/g, '').toLowerCase();
            if (attribute.name.toLowerCase().startsWith('on') || value.startsWith('javascript:')
                    || value.startsWith('data:text/html') || value.startsWith('vbscript:')) {
                found.push(`${element.tagName.toLowerCase()} ${attribute.name}=${attribute.value}`);
            }
        }
    }
    return found;
}"""
# Focus every element that can take focus (an injected `autofocus`/`onfocus` runs then, if not before).
_FOCUS_EVERYTHING = """() => {
    for (const element of document.querySelectorAll('a, button, input, select, textarea, [tabindex]')) {
        element.focus();
        element.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    }
}"""


def test_injected_model_runs_no_script(browser: Any, tmp_path: Path) -> None:
    """Every email, URL and text of the model as hostile as its kind allows, built by the real MkDocs:
    in every page of every language no handler ran, no element carries an event attribute or a
    script address, and each email and URL is a plain link to itself."""
    site = _build(tmp_path / "injected", injection_model_text())
    languages = sorted(folder.name for folder in site.iterdir() if (folder / "privacy").is_dir())
    assert languages, "no language folder with a privacy statement in the built site"
    pages = [f"{language}/{path}" for language in languages for path in ["", "privacy/", *sorted(
        p.parent.relative_to(site / language).as_posix() + "/"
        for p in (site / language / "privacy").rglob("*/index.html"))]]
    assert len(pages) >= 6 * len(languages)
    hrefs: set[str] = set()
    with serve(site) as url:
        visit = Visit(browser, url)
        try:
            for path in pages:
                page = visit.open(path)
                assert page.evaluate("typeof window.__injected") == "undefined", path
                page.evaluate(_FOCUS_EVERYTHING)
                page.keyboard.press("Tab")
                page.wait_for_timeout(50)
                assert page.evaluate("typeof window.__injected") == "undefined", path
                assert page.evaluate(_HANDLERS_AND_SCRIPT_URLS) == [], path
                hrefs.update(page.evaluate("[...document.querySelectorAll('article a[href]')]"
                                           ".map(a => a.getAttribute('href'))"))
                if path == "en/privacy/":
                    assert "click me" in search(page, "click")
                    assert page.evaluate("typeof window.__injected") == "undefined", path
            assert visit.dialogs == []
            assert visit.console_errors == []
            assert visit.foreign_requests() == []
        finally:
            visit.close()
    assert f"mailto:{quote(HOSTILE_EMAIL, safe='@!$*+')}" in hrefs
    assert HOSTILE_URL in hrefs


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_mkdocs_serve_rebuilds_and_reloads_when_the_model_changes(browser: Any, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
        cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        visit = Visit(browser, f"http://127.0.0.1:{port}/")
        try:
            for _ in range(120):  # the first build takes a few seconds
                try:
                    visit.page.goto(visit.base_url + "en/privacy/")
                    break
                except Exception:
                    visit.page.wait_for_timeout(250)
            page = visit.page
            assert "Job seekers" in page.locator("article").inner_text()
            model = project / "data" / "processing.yaml"
            model.write_text(model.read_text(encoding="utf-8").replace(
                "name: {en: Job seekers}", "name: {en: Applicants for a job}"), encoding="utf-8")
            # The live-reload script in the open page reloads it after the rebuild.
            page.wait_for_function(
                "document.querySelector('article').innerText.includes('Applicants for a job')", timeout=30_000)
            assert visit.foreign_requests() == []
        finally:
            visit.close()
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: mkdocs serve removes its temporary site
        server.wait(timeout=20)


# --- the Swedish site, beside the English one ---------------------------------------------------

@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole site of the real model: / and both languages."""
    with serve(_build(tmp_path_factory.mktemp("both"))) as url:
        yield url


@pytest.fixture
def visit_site(browser: Any, site_url: str) -> Iterator[Visit]:
    opened = Visit(browser, site_url)
    yield opened
    opened.close()


def test_slash_leads_to_the_swedish_statement_site(visit_site: Visit) -> None:
    page = visit_site.open("")
    page.wait_for_url(visit_site.base_url + "sv/")
    assert page.locator("html").get_attribute("lang") == "sv"


def test_the_swedish_statement_has_swedish_headings_and_dates(visit_site: Visit) -> None:
    page = visit_site.open("sv/privacy/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text().rstrip("¶") == "Integritetspolicy"
    toc = page.locator('nav.md-nav--secondary[aria-label="Innehållsförteckning"]')
    texts = [" ".join(t.split()) for t in toc.locator("a.md-nav__link").all_inner_texts()]
    assert texts[0] == "I korthet" and "11. Din rätt att göra invändningar" in texts
    assert "gälla den 25 november 2026." in page.locator(".statement-version").inner_text()
    assert page.locator("input.md-search__input").get_attribute("placeholder") == "Sök"


def test_a_text_without_swedish_is_read_as_english(visit_site: Visit) -> None:
    model = load_file(REAL_MODEL).data
    page = visit_site.open("sv/privacy/")
    name = model["data_subjects"][0]["name"]
    assert "sv" not in name, "the real model now has Swedish here: pick a text that has none"
    cell = page.locator("article td", has_text=name["en"]).first
    assert cell.evaluate("element => element.querySelector('[lang]').closest('[lang]').lang") == "en"
    heading = page.locator("h2#who-we-are")
    assert heading.evaluate("element => element.closest('[lang]').lang") == "sv"


def test_switching_language_on_a_tracker_page_lands_on_the_same_tracker_page(visit_site: Visit) -> None:
    site = load_file(REAL_MODEL).data["sites"][0]["id"]
    page = visit_site.open(f"sv/privacy/sites/{site}/")
    page.locator(".md-header__option .md-select button").hover()
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{visit_site.base_url}en/privacy/sites/{site}/"
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".md-header__option .md-select button").hover()
    page.get_by_role("link", name="Svenska").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{visit_site.base_url}sv/privacy/sites/{site}/"


def test_the_swedish_search_finds_swedish_pages_only(visit_site: Visit) -> None:
    page = visit_site.open("sv/privacy/")
    results = search(page, "personuppgiftsansvarig")
    assert "Integritetspolicy" in results
    for link in page.locator(".md-search-result__item a").all():
        assert "/en/" not in (link.get_attribute("href") or "")


@pytest.mark.parametrize("path", _page_types())
def test_no_serious_accessibility_violations_on_the_swedish_pages(visit_site: Visit, path: str) -> None:
    assert serious_violations(visit_site.open("sv/" + path)) == []
    assert visit_site.foreign_requests() == [] and visit_site.failed == []


# --- versions, moved pages and narrow screens -------------------------------------------------------

def _history_site(directory: Path, versions: list[dict[str, Any]]) -> Path:
    project = history_project(directory, versions)
    site = directory.parent / f"{directory.name}-site"
    result = mkdocs_build(project, site, epoch=BUILD_EPOCH)
    assert result.returncode == 0, result.stderr
    return site


def _internal_links(page: Any, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all("article a[href]", "links => links.map(link => link.href)")
    return [href for href in hrefs if href.startswith(base_url)]


def _unresolved(visit: Visit, links: set[str]) -> list[str]:
    """The links that do not open a page, or whose page lacks the element their #fragment names."""
    by_page: dict[str, set[str]] = {}
    for link in links:
        address, _, fragment = link.partition("#")
        by_page.setdefault(address, set()).add(fragment)
    problems = []
    for address, fragments in sorted(by_page.items()):
        if urlsplit(address).path.rsplit("/", 1)[-1].count("."):
            # A download (a PDF, a CSV, ...): the browser saves it rather than opening it; asked for, it is there.
            fetched = visit.page.request.get(address)
            if fetched.status != 200:
                problems.append(f"{address}: {fetched.status}")
            continue
        response = visit.page.goto(address)
        if response is None or response.status != 200:
            problems.append(f"{address}: {response and response.status}")
            continue
        missing = visit.page.evaluate("ids => ids.filter(id => id && document.getElementById(id) === null)",
                                      sorted(fragments))
        problems.extend(f"{address}#{fragment}: no such element" for fragment in missing)
    return problems


def _article_without_notes(visit: Visit, path: str) -> str:
    page = visit.open(path)
    page.evaluate("document.querySelectorAll('article .admonition').forEach(note => note.remove())")
    return page.locator("article").inner_text()


def test_an_announced_version_is_complete_and_leaves_the_current_pages_as_they_were(
        browser: Any, tmp_path: Path) -> None:
    versions = scenarios.SCENARIOS[0].versions()
    announced_site = _history_site(tmp_path / "announced", versions)
    before_site = _history_site(tmp_path / "before", versions[:1])  # the same project before the announcement
    base = scenarios.base_model()
    first_site, first_service = base["sites"][0]["id"], base["services"][0]["id"]
    with serve(announced_site) as root, serve(before_site) as before_root:
        url, before_url = root + "en/", before_root + "en/"
        visit, before = Visit(browser, url), Visit(browser, before_url)
        try:
            # The whole section, as a visitor finds it by following links from the version's page.
            section = f"{url}privacy/versions/1.1.0/"
            visited: set[str] = set()
            links: set[str] = set()
            queue = [section]
            while queue:
                address = queue.pop()
                if address in visited:
                    continue
                visited.add(address)
                visit.open(address.removeprefix(url))
                for link in _internal_links(visit.page, url):
                    links.add(link)
                    if link.startswith(section) and link.partition("#")[0].endswith("/"):  # a page, not a download
                        queue.append(link.partition("#")[0])
            # ...and every link on its pages leads to a page that has the place it names.
            problems = _unresolved(visit, links)
            pages = {address.removeprefix(section) for address in visited}
            assert {"", f"sites/{first_site}/", f"sites/{scenarios.NEW_SITE}/", f"services/{first_service}/",
                    f"services/{scenarios.NEW_SERVICE}/"} <= pages
            assert problems == []
            assert visit.failed == [] and visit.console_errors == []
            page = visit.open(f"privacy/versions/1.1.0/sites/{first_site}/")
            assert scenarios.NEW_TRACKER_NAME in page.locator("article").inner_text()
            # The version in force reads as it did before the announcement, apart from the note on it.
            for path in ("privacy/", f"privacy/sites/{first_site}/", f"privacy/services/{first_service}/"):
                assert _article_without_notes(visit, path) == _article_without_notes(before, path), path
            assert scenarios.NEW_TRACKER_NAME not in visit.open(f"privacy/sites/{first_site}/").locator(
                "article").inner_text()
            note = visit.open("privacy/").locator("article .admonition").first.inner_text()
            assert "1.1.0" in note
        finally:
            visit.close()
            before.close()


def test_the_old_address_of_a_renamed_site_leads_to_its_new_page(browser: Any, tmp_path: Path) -> None:
    site = _history_site(tmp_path / "renamed", scenarios.SCENARIOS[1].versions())
    old = scenarios.base_model()["sites"][0]["id"]
    with serve(site) as root:
        url = root + "en/"
        visit = Visit(browser, url)
        try:
            page = visit.page
            page.goto(f"{url}privacy/sites/{old}/")
            page.wait_for_url(f"{url}privacy/sites/{scenarios.RENAMED_SITE}/", timeout=10_000)
            page.wait_for_load_state("networkidle")
            assert "Our website" in page.locator("h1").inner_text()
            assert visit.failed == [] and visit.console_errors == []
        finally:
            visit.close()


# A tracker table's cells, with the edges of the article they must stay within.
_TRACKER_TABLES = """
() => {
  const article = document.querySelector('article');
  const onSitePage = location.pathname.includes('/sites/');
  let tables = [...article.querySelectorAll('table')];
  if (!onSitePage) {
    const heading = document.getElementById('trackers');
    tables = tables.filter(table => heading.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING)
                   .slice(0, 1);
  }
  const box = article.getBoundingClientRect();
  return tables.map(table => {
    const headers = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
    return {
      headers,
      cells: [...table.querySelectorAll('tbody tr')].flatMap(row => [...row.children].map((cell, column) => {
        const edges = cell.getBoundingClientRect();
        const label = getComputedStyle(cell, '::before').content;
        return {text: cell.innerText.trim().slice(0, 40), column, left: edges.left, right: edges.right,
                overflow: cell.scrollWidth - cell.clientWidth, label};
      })),
      left: box.left, right: box.right,
    };
  });
}
"""


def _narrow_pages() -> list[str]:
    model = load_file(REAL_MODEL).data
    return ["privacy/", *(f"privacy/sites/{site['id']}/" for site in model["sites"])]


@pytest.mark.parametrize("path", _narrow_pages())
def test_tracker_tables_stack_per_tracker_on_a_narrow_screen(browser: Any, real_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(real_url + path)
        page.wait_for_load_state("networkidle")
        tables = page.evaluate(_TRACKER_TABLES)
        assert tables and all(table["cells"] for table in tables)
        # Nothing is hidden off screen: every cell lies within the article, its text within the cell.
        off_screen = [cell for table in tables for cell in table["cells"]
                      if cell["left"] < table["left"] - 1 or cell["right"] > table["right"] + 1
                      or cell["overflow"] > 1]
        assert off_screen == []
        # Stacked, each value says which column it belongs to.
        unlabelled = [cell for table in tables if len(table["headers"]) > 2 for cell in table["cells"]
                      if cell["label"] != f'"{table["headers"][cell["column"]]}"']
        assert unlabelled == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_tracker_tables_stay_tables_on_a_wide_screen(browser: Any, real_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(real_url + _narrow_pages()[1])
        page.wait_for_load_state("networkidle")
        cell = page.locator("article table td").first
        assert cell.evaluate("cell => getComputedStyle(cell).display") == "table-cell"
        assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == "none"
    finally:
        context.close()
