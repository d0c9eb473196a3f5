"""`pdf`: the statement, or a service's processor appendix, as a PDF document made by WeasyPrint.

The document is the page the site shows (the same Markdown, so the two cannot disagree), turned
into HTML by Python-Markdown with the site's extensions and laid out by the print template
(policy/templates/print.html.j2) and stylesheet (policy/print/print.css): A4, the fonts shipped in
policy/print/fonts/, the document's title and the version and effective date at the top of every
page. Links to other pages of the site become plain text (a PDF has no site around it); https: and
mailto: links stay. WeasyPrint may read nothing but the files of policy/print/.

The same model, policy and version give the same bytes: the PDF's dates are the version's effective
date (never the clock), and its title and language are set from the page.
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import markdown
from markupsafe import Markup

from generator.exports.cache import folder_digest, kept, key
from generator.exports.common import Request, Words
from generator.render import SERVICES_DIR, STATEMENT_PAGE, render_site
from generator.validate import Model

PRINT_FOLDER = "print"
STYLESHEET = "print.css"
TEMPLATE = "print.html.j2"
EXTENSIONS = ["tables", "attr_list", "def_list", "admonition"]
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
# A link, whatever attributes come before its href (attr_list may give it a class).
_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"([^>]*)>(.*?)</a>', re.S)
_KEPT_LINK = re.compile(r"^(?:https:|mailto:|#)")


def _unlinked(html: str) -> str:
    """Links to the site's other pages as plain text; https:, mailto: and in-page links kept."""
    return _LINK.sub(lambda found: found.group(0) if _KEPT_LINK.match(found.group(1)) else found.group(3), html)


def page_html(page_markdown: str) -> str:
    body = markdown.markdown(_FRONT_MATTER.sub("", page_markdown), extensions=EXTENSIONS, output_format="html")
    return _unlinked(body)


def _fetcher(folder: Path) -> Any:
    """WeasyPrint's URL fetcher, limited to the files of the print folder (the stylesheet's fonts)."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    allowed = folder.resolve()

    class PrintFolderOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urllib.parse.urlsplit(url)
            path = Path(urllib.request.url2pathname(parts.path)).resolve()
            if parts.scheme == "file" and path.is_relative_to(allowed):
                return super().fetch(url, headers)
            raise ValueError(f"the PDF may only use the files of {allowed}, not {url}")

    return PrintFolderOnly(allowed_protocols={"file"})


def cache_key(html: str, folder: Path) -> str:
    """What the PDF is made from: the page, every file of the print folder, and, as for every kept
    output, the project's code and the installed packages (WeasyPrint's version among them). Not the
    folder's place: the PDF holds no path (its links to anything but the web are plain text, and
    WeasyPrint may read nothing but the folder's files), so a checkout elsewhere uses the same PDFs."""
    return key({"format": "pdf", "html": html, "print": folder_digest(folder)})


def document(page_markdown: str, *, title: str, version_line: str, language: str, author: str,
             date: str, policy_folder: Path, templates: Path) -> bytes:
    """A PDF of one page of the site. Laying a page out takes WeasyPrint about a second, and every
    build publishes a PDF of each version's statement and appendices, most of them unchanged since
    the last build: a PDF is kept on disk by what it is made from (the same input always gives the
    same bytes) and made again only when that changes."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                     comment_start_string="{##", comment_end_string="##}")
    # The body is the renderer's page, whose every model value was escaped as it was rendered.
    html = environment.get_template(TEMPLATE).render(
        language=language, title=title, author=author, date=date, version_line=version_line,
        body=Markup(page_html(page_markdown)))
    folder = policy_folder / PRINT_FOLDER
    return kept(cache_key(html, folder), "pdf", lambda: _made(html, folder))


def _made(html: str, folder: Path) -> bytes:
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    fetcher = _fetcher(folder)
    stylesheet = CSS(filename=str(folder / STYLESHEET), url_fetcher=fetcher)
    pdf: bytes = HTML(string=html, base_url=str(folder) + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet])
    return pdf


def _pages(request: Request) -> Mapping[str, str]:
    if request.pages:
        return request.pages
    site = render_site(request.model, request.policy, language=request.language)
    section = STATEMENT_PAGE.rsplit("/", 1)[0] + "/"
    return {page.path.removeprefix(section): page.markdown for page in site.pages
            if page.path == STATEMENT_PAGE or page.path.startswith(SERVICES_DIR + "/")}


def statement_or_appendix(model: Model, words: Words, request: Request) -> bytes:
    data = model.data
    wording = words.exports["pdf"]
    controller = data["controller"]["legal_name"]
    pages = _pages(request)
    if request.service is None:
        page, title = pages["index.md"], str(wording["statement_title"]).format(controller=controller)
    else:
        service = model.index["services"][request.service]
        page = pages[f"{SERVICES_DIR.rsplit('/', 1)[-1]}/{request.service}.md"]
        title = str(wording["appendix_title"]).format(controller=controller, service=words.text(service["name"]))
    version_line = str(wording["version_line"]).format(version=data["version"],
                                                       date=words.renderer.long_date(data["effective_date"]))
    return document(page, title=title, version_line=version_line, language=request.language, author=controller,
                    date=data["effective_date"], policy_folder=request.policy.folder,
                    templates=request.policy.templates)


def export_pdf(request: Request) -> bytes:
    return statement_or_appendix(request.model, Words(request.policy, request.language), request)


__all__ = ["cache_key", "document", "export_pdf", "page_html", "statement_or_appendix"]
