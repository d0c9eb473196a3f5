"""Walks every `<a href>` (and every redirect page's refresh target) of a built site and lists the
internal links that lead nowhere: to a file the build did not write, or to an anchor the page lacks."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

_REFRESH = re.compile(r"^\s*\d+\s*;\s*url\s*=\s*(?P<url>\S+)\s*$", re.I)
BASE = "http://site.invalid/"


@dataclass
class ParsedPage:
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    refresh: str | None = None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.page.ids.add(attributes["id"])
        if tag == "a":
            if "name" in attributes:
                self.page.ids.add(attributes["name"])
            if "href" in attributes:
                self.page.links.append(attributes["href"])
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH.match(html.unescape(attributes.get("content", "")))
            if match:
                self.page.refresh = match.group("url")


def parse(path: Path) -> ParsedPage:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.page


def target_file(site: Path, url_path: str) -> Path | None:
    """The file a URL path of the site is served from (a folder serves its index.html)."""
    relative = unquote(url_path).lstrip("/")
    candidate = site / relative
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class Walk:
    pages: int
    links: int
    broken: list[str]


def walk(site: Path) -> Walk:
    """Every internal link of every HTML page of `site`, checked."""
    parsed: dict[Path, ParsedPage] = {}

    def page(path: Path) -> ParsedPage:
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    broken: list[str] = []
    count = 0
    # A 404 page is served at whatever address was not found, so MkDocs writes its links from the
    # server's root (site_url's path), which the walker cannot know: it is left out.
    documents = sorted(path for path in site.rglob("*.html") if path.name != "404.html")
    for document in documents:
        here = BASE + document.relative_to(site).as_posix()
        found = page(document)
        targets = [*found.links, *([found.refresh] if found.refresh else [])]
        for href in targets:
            resolved = urlsplit(urljoin(here, href))
            if f"{resolved.scheme}://{resolved.netloc}/" != BASE:
                continue  # another host, mailto: and the like
            count += 1
            where = f"{document.relative_to(site).as_posix()}: {href}"
            target = target_file(site, resolved.path)
            if target is None:
                broken.append(f"{where}: no such page")
                continue
            if (resolved.fragment and target.suffix == ".html"
                    and unquote(resolved.fragment) not in page(target).ids):
                broken.append(f"{where}: no element with id {resolved.fragment!r} on that page")
    return Walk(len(documents), count, broken)
