"""Stage 4: render a valid model into the Markdown pages of the published statement.

Engine-independent: the result is a mapping of page paths to Markdown, which the MkDocs plugin
serves during a build and `privacy-statement build` writes as files. Every value from the model
is escaped on its way into a page (Jinja's `finalize` applies the escape to every expression), so
no YAML string can add markup, script or a link; links come only from URL fields, through the
`link` filter, which accepts nothing but https: and mailto: addresses.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import posixpath
import re
import string
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any, Protocol
from xml.etree import ElementTree

import jinja2
from babel import Locale
from babel.dates import format_date
from markupsafe import Markup

from generator.history import DatedVersion, History, Status, Version, build_date, date_versions
from generator.policy import Policy
from generator.shape import ModelData
from generator.translations import LANGUAGES, approved, is_text_schema, prevailing_language
from generator.validate import Model

DEFAULT_LANGUAGE = "en"
STATEMENT_PAGE = "privacy/index.md"
CHANGES_PAGE = "privacy/changes.md"
FEED_FILE = "privacy/changes.xml"
SITES_DIR = "privacy/sites"
SERVICES_DIR = "privacy/services"
VERSIONS_DIR = "privacy/versions"
# The entries with a page of their own, by collection: the folder of their pages within a version's
# section (the version in force's pages are at privacy/FOLDER/ID.md, every version's at
# privacy/versions/V/FOLDER/ID.md).
PAGE_FOLDERS = {"sites": "sites", "services": "services"}

# Python-Markdown's backslash-escapable characters (with the tables extension's "|"). "<", ">", "&"
# and quotes become HTML entities instead, which Markdown passes through as text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_SAFE_LINK = re.compile(r"^(?:https://|mailto:)[^\s<>\"'`\\]+$")
_ANCHOR = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PAGE_TARGET = re.compile(r"^(?:\.\./)*[a-z0-9][a-z0-9/._-]*(?:#[a-z0-9-]+)?$")
_DURATION = re.compile(r"^P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?$")


# Control characters have no place in a page; Python-Markdown also uses \x02 and \x03 to mark where
# it keeps raw HTML, so a value holding them could pull that HTML in elsewhere.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# What a link's address may hold as it is. Every other character is written as an HTML character
# reference, which the browser reads back as the character but Markdown never acts on: no "[", "(",
# "`", "<", "!", "\\", "|", "*", "_" or quote of an address reaches Markdown's inline patterns.
_HREF_AS_IS = re.compile(r"[^A-Za-z0-9/:.@%?=;,~-]")
# RFC 6068: what the address of a mailto: link may hold as it is; the rest is percent-encoded.
_MAILTO_AS_IS = "@!$*+"


def escape(value: object) -> str:
    """Plain text safe to place anywhere in a Markdown page: inert as Markdown and as HTML."""
    text = _CONTROL.sub("\ufffd", " ".join(str(value).split()))
    text = html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=True).replace("=", "&#61;")
    # A leading colon would start a definition-list entry; "=" lines would make a heading.
    return "&#58;" + text[1:] if text.startswith(":") else text


def pick(keys: list[str], mapping: Mapping[str, Any]) -> list[Any]:
    """The entries of `mapping` for `keys`, in order: ids to the entries they name."""
    return [mapping[key] for key in keys]


def listed(value: object) -> list[Any]:
    """The entries of a list field; none for `none`, a gap or an absent field."""
    return value if isinstance(value, list) else []


def escaped(rendered: str) -> Markup:
    """The output of a template macro, whose every value was escaped as the macro rendered: marked so
    that it is not escaped a second time. Never apply this to a model value."""
    return Markup(rendered)


def anchor(ident: str) -> Markup:
    """An id as an HTML anchor; the schema restricts ids to lower-case words joined by hyphens."""
    if not _ANCHOR.match(ident):
        raise ValueError(f"not an id: {ident!r}")
    return Markup(ident)


def fill(wording: str, **values: object) -> Markup:
    """A sentence of the policy's wording with its `{name}` places filled: the wording and every
    plain value are escaped, a value that is already markup (a link, a marked text) is kept."""
    parts: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(wording):
        parts.append(_escape_inline(literal))
        if name is not None:
            value = values[name]
            parts.append(value if isinstance(value, Markup) else escape(value))
    return Markup("".join(parts))


def _escape_inline(text: str) -> str:
    """As escape, for a piece of a sentence: its spaces at either end are kept."""
    if not text.strip():
        return " " if text else ""
    core = escape(text)
    return (" " if text[0].isspace() else "") + core + (" " if text[-1].isspace() else "")


def join(values: Iterable[object], separator: str = "") -> Markup:
    """Jinja's join for this renderer: each value escaped unless it is markup already, so a marked
    text (see Renderer.text) keeps its markup when listed."""
    return Markup(_escape_inline(separator)).join(
        value if isinstance(value, Markup) else Markup(escape(value)) for value in values)


def strong(value: object) -> Markup:
    """A value in bold (Markdown's strong emphasis), escaped."""
    return Markup(f"**{escape(value)}**")


def _finalize(value: object) -> object:
    if isinstance(value, Markup):
        return value
    if value is None:
        raise jinja2.UndefinedError("a template printed a null model value; test for it first")
    return escape(value)


@dataclass(frozen=True)
class Page:
    path: str
    title: str  # plain text, as the reader sees it; engines must escape it for HTML
    markdown: str


@dataclass(frozen=True)
class NavSection:
    title: str
    pages: tuple[Page, ...]


NavItem = Page | NavSection


# How the templates are compiled: pages in Markdown, and whole HTML pages (with HTML's own escaping).
_MARKDOWN_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "finalize": _finalize,
    "autoescape": False,
    # Markdown's attribute lists ({#anchor}) need "{#"; Jinja comments are written {## ##}.
    "comment_start_string": "{##",
    "comment_end_string": "##}",
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}
_HTML_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "autoescape": True,
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates on disk, which never fails a build: a cache file that
    cannot be written is left out (the template was compiled all the same)."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache(options: Mapping[str, Any]) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds and processes (compiling the templates took most of a
    rendering: about 0.4 s a build, where a rendering with compiled templates takes 30 ms). Jinja
    keys each cached template by its file's path and checks it against the source's checksum, so an
    edited template is compiled afresh; the file name also holds a digest of the compile options,
    which the key does not cover. In the user's own folder of the system's temporary directory
    (Jinja's default); no cache where there is none."""
    digest = hashlib.sha256(repr(sorted((name, getattr(value, "__qualname__", value))
                                        for name, value in options.items())).encode()).hexdigest()[:16]
    try:
        return _QuietBytecodeCache(pattern=f"privacy-statement-{digest}-%s.cache")
    except (OSError, RuntimeError):
        return None


# What Jinja's compiled code depends on besides the template's source, for the cache's file names.
_COMPILE_OPTIONS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
                    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
                    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
                    "autoescape", "finalize", "is_async")


def theme_bytecode_cache(environment: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """The same cache for a site theme's environment, whose templates (Material's are some eighty)
    MkDocs compiles afresh in every build, for each language: that took about a third of a build of
    the real model. Keyed like the statement's by the environment's compile options and extensions."""
    options: dict[str, Any] = {name: getattr(environment, name) for name in _COMPILE_OPTIONS}
    options["extensions"] = tuple(sorted(environment.extensions))
    return _bytecode_cache(options)


class SectionCounter:
    """Numbers the statement's sections as the template emits them, so numbering cannot break."""

    def __init__(self) -> None:
        self.number = 0

    def __call__(self) -> int:
        self.number += 1
        return self.number


class Renderer:
    """Templates and wording for one language, bound to a policy folder."""

    def __init__(self, policy: Policy, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language
        self.texts = policy.texts_in(language)
        self.locale = Locale.parse(self.texts["locale"])
        self.eea = policy.eea
        self.schema = policy.schema
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(policy.templates), **_MARKDOWN_OPTIONS,
            bytecode_cache=_bytecode_cache(_MARKDOWN_OPTIONS))
        self._html_environment: jinja2.Environment | None = None
        self.environment.filters.update(
            t=self.text,
            fill=fill,
            join=join,
            link=self.link,
            duration=self.duration,
            long_date=self.long_date,
            country=self.country,
            outside_eea=self.outside_eea,
            email_link=self.email_link,
            page_link=self.page_link,
            pick=pick,
            listed=listed,
            escaped=escaped,
            anchor=anchor,
            strong=strong,
        )
        self.environment.tests.update(outside_eea=self.outside_eea)

    # --- filters ------------------------------------------------------------------------------

    def language_of(self, text: Mapping[str, str]) -> str:
        """The language a model text is shown in: the page's, or the first the text has."""
        if text.get(self.language):
            return self.language
        return next(language for language in LANGUAGES if text.get(language))

    def translate(self, text: Mapping[str, str] | None) -> str:
        """A model text in the page's language, as plain text; in another language where it has no
        translation yet (see `text` for how pages mark that)."""
        if text is None:
            return str(self.texts["not_stated"])
        return text[self.language_of(text)]

    def text(self, text: Mapping[str, str] | None) -> Markup:
        """A model text for a page, escaped. A text shown in another language than the page's is
        wrapped in an element that says its language, so a screen reader reads it in the right
        voice; the wrapper is the renderer's own, with a language code from LANGUAGES, never input."""
        if text is None:
            return Markup(escape(self.texts["not_stated"]))
        language = self.language_of(text)
        shown = escape(text[language])
        if language == self.language:
            return Markup(shown)
        # `language` is one of LANGUAGES (see language_of), never a string from the model.
        return Markup(f'<span lang="{language}">{shown}</span>')

    def link(self, url: str, label: object = None) -> Markup:
        """An HTML link to a model URL; anything but https:/mailto: is shown as plain text.

        The address goes into the attribute as character references (`_HREF_AS_IS`) and the label
        through `escape` (or the renderer's own Markup, such as `text` makes), so Python-Markdown,
        which reads this HTML as part of the page's Markdown, finds nothing in either to turn into
        a link, an attribute or a code span."""
        if label is None:
            label = url.removeprefix("mailto:")
        shown = label if isinstance(label, Markup) else escape(label)
        if not _SAFE_LINK.match(url):
            return Markup(shown)
        href = _HREF_AS_IS.sub(lambda found: f"&#{ord(found.group())};", url)
        return Markup(f'<a href="{href}">{shown}</a>')

    def duration(self, value: str | None) -> str:
        """`P6M` -> `6 months`, `P1Y6M` -> `1 year and 6 months`."""
        units = self.texts["duration_units"]
        if value is None:
            return str(self.texts["not_stated"])
        if value == "session":
            return str(units["session"])
        match = _DURATION.match(value)
        if not match:
            return value
        parts = [
            f"{int(amount)} {units[unit][0] if int(amount) == 1 else units[unit][1]}"
            for unit, amount in zip("YMWD", match.groups(), strict=True)
            if amount is not None
        ]
        if len(parts) > 1:
            return ", ".join(parts[:-1]) + f" {units['and']} {parts[-1]}"
        return parts[0]

    def long_date(self, value: str | date) -> str:
        """A date as the page's language writes it in full: "25 November 2026", "25 november 2026"."""
        day = value if isinstance(value, date) else date.fromisoformat(value)
        return format_date(day, self.texts["date_format"], locale=self.locale)

    def language_name(self, code: str) -> str:
        """A language's name in the page's language, as it stands in a sentence: "English", "engelska"."""
        return str(self.locale.languages.get(code, code))

    def translation(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """What a statement in the page's language says of its translation: whether it is a draft (a
        translation the model does not mark approved), and the name of the language whose text
        prevails where it is not the page's (None where the page's own text prevails)."""
        prevailing = prevailing_language(data)
        return {"draft": not approved(data, self.language),
                "prevailing": None if prevailing == self.language else self.language_name(prevailing)}

    def country(self, code: str) -> str:
        """An ISO 3166-1 alpha-2 code as the country's name in the page's language; a region a
        recipient may process data in ("EEA", "worldwide") as policy/texts names it."""
        return str(self.texts["regions"].get(code) or self.locale.territories.get(code, code))

    def outside_eea(self, code: str) -> bool:
        return code not in self.eea

    def email_link(self, address: str) -> Markup:
        """A mailto: link (RFC 6068: characters such as ?, # and % of the address percent-encoded)."""
        return self.link(f"mailto:{urllib.parse.quote(address, safe=_MAILTO_AS_IS)}", address)

    @staticmethod
    def page_link(target: str, label: object) -> Markup:
        """A Markdown link to another generated page; targets are built from ids, which the schema
        restricts to lower-case words, so only those characters are let through."""
        shown = label if isinstance(label, Markup) else escape(label)
        if not _PAGE_TARGET.match(target):
            return Markup(shown)
        return Markup(f"[{shown}]({target})")

    # --- pages --------------------------------------------------------------------------------

    def render(self, template: str, **context: Any) -> str:
        return self.environment.get_template(template).render(texts=self.texts, **context)

    def render_html(self, template: str, **context: Any) -> str:
        """A template of a whole HTML page (not Markdown), with HTML's own escaping."""
        if self._html_environment is None:
            self._html_environment = jinja2.Environment(
                loader=self.environment.loader, **_HTML_OPTIONS, bytecode_cache=_bytecode_cache(_HTML_OPTIONS))
        return self._html_environment.get_template(template).render(
            texts=self.texts, language=self.language, **context)


def renderer_for(policy: Policy, language: str = DEFAULT_LANGUAGE) -> Renderer:
    """One Renderer per policy and language, so templates are compiled once, not at every rendering
    (the diff renders a model many times). The policy keeps it: a new Policy (the next build under
    `mkdocs serve`) compiles the templates afresh."""
    return policy.derived(("renderer", language), lambda: Renderer(policy, language))


def site_page(ident: str) -> str:
    """The path of a site's page of cookies and trackers."""
    return f"{SITES_DIR}/{ident}.md"


def service_page(ident: str) -> str:
    """The path of a service's processor appendix."""
    return f"{SERVICES_DIR}/{ident}.md"


def with_absent_fields(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    """A copy of `value` in which every optional field the schema defines but the model leaves out
    is present as None, so templates can test it while StrictUndefined still catches misspellings."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    for branch in schema.get("anyOf", ()):
        resolved = root["$defs"][branch["$ref"].rsplit("/", 1)[-1]] if "$ref" in branch else branch
        if isinstance(value, dict) and resolved.get("type") == "object":
            return with_absent_fields(value, resolved, root)
        if isinstance(value, list) and resolved.get("type") == "array":
            return with_absent_fields(value, resolved, root)
    if isinstance(value, dict) and "properties" in schema:
        if is_text_schema(schema["properties"]):
            return value  # a text: its languages stay as written
        return {
            name: with_absent_fields(value.get(name), field_schema, root)
            for name, field_schema in schema["properties"].items()
        }
    if isinstance(value, list) and "items" in schema:
        return [with_absent_fields(item, schema["items"], root) for item in value]
    return value


def _context(model: Model, schema: Mapping[str, Any]) -> dict[str, Any]:
    data = with_absent_fields(model.data, schema, schema)
    index = {
        collection: {entry["id"]: entry for entry in listed(data[collection])} for collection in model.index
    }
    trackers_by_site = {
        site["id"]: [index["trackers"][tracker] for tracker in listed(site["trackers"])] for site in data["sites"]
    }
    # A purpose's legal bases: its own, then those the statement gives its group.
    bases_by_purpose = {
        purpose["id"]: [*listed(purpose["legal_bases"]),
                        *listed(index["purpose_groups"][purpose["group"]]["legal_bases"] if purpose["group"] else [])]
        for purpose in data["purposes"]
    }
    # A recipient's transfer (its first, as the statement lists them), looked up per tracker.
    transfer_by_recipient: dict[Any, Any] = {}
    for transfer in listed(data["transfers"]):
        transfer_by_recipient.setdefault(transfer["recipient"], transfer)
    return {
        "model": data,
        "index": index,
        "trackers_by_site": trackers_by_site,
        "transfer_by_recipient": transfer_by_recipient,
        "bases_by_purpose": bases_by_purpose,
        "statement_page": STATEMENT_PAGE,
        "next_section": SectionCounter(),
    }


@dataclass(frozen=True)
class RenderedSite:
    """The generated pages and how a site's navigation should group them.

    Pages that `navigation` leaves out (each version's own site pages and appendices) are linked
    from their version's statement; an engine should publish them without a navigation entry."""

    pages: tuple[Page, ...]
    navigation: tuple[NavItem, ...]
    # Other generated files, written as they are: the Atom feed, and the pages at old addresses.
    files: tuple[tuple[str, bytes], ...] = ()

    def titles(self) -> dict[str, str]:
        """Each page's title by its path."""
        return {page.path: page.title for page in self.pages}

    def navigation_paths(self) -> frozenset[str]:
        return frozenset(page.path for item in self.navigation
                         for page in (item.pages if isinstance(item, NavSection) else (item,)))


@dataclass(frozen=True)
class VersionView:
    """One version as the templates show it."""

    number: str
    effective_date: date
    status: Status
    changes: list[str] | None  # None for the first version
    withdrawn_on: date | None = None  # for a withdrawn version: the day it was taken back

    @property
    def anchor(self) -> str:
        return "version-" + self.number.replace(".", "-")

    @property
    def folder(self) -> str:
        """The version's section of the site: its statement, site pages and appendices."""
        return f"{VERSIONS_DIR}/{self.number}"

    @property
    def page(self) -> str:
        """The version's statement, as a link from the pages in privacy/."""
        return f"{self.folder.removeprefix('privacy/')}/index.md"

    page_from_statement = page


class DescribeChanges(Protocol):
    """What changed between two versions for readers of the site in `language`, in sentences in that
    language (such as `diff.describe_changes` with its policy given)."""

    def __call__(self, old: Model, new: Model, *, language: str) -> list[str]: ...


@dataclass(frozen=True)
class Download:
    """A file a section of the site offers for download beside its pages (generator.exports makes
    them): its name in the section's downloads/ folder, its link text, the site or service it is
    for (None: the statement's), and how its bytes are made from the section's pages (by path within
    the section: "index.md", "services/ID.md")."""

    name: str
    label: str
    make: Callable[[Mapping[str, str]], bytes] = field(compare=False, repr=False)
    site: str | None = None
    service: str | None = None


# The downloads of a version's section, by its model.
Downloads = Callable[[Model], Sequence[Download]]
DOWNLOADS_FOLDER = "downloads"
# The ids an entry changed between two versions, by collection: {"sites": {"old-id": "new-id"}}.
FindRenames = Callable[[Model, Model], Mapping[str, Mapping[str, str]]]


def single_version_history(model: Model, today: date) -> History:
    """The history of a model with no earlier versions (outside git, or in tests)."""
    return History(date_versions([Version(model, "working tree")], today), ())


@dataclass(frozen=True)
class Moved:
    """A page address that the statement in force no longer has, and the page it leads to now."""

    path: str  # as a page path: privacy/sites/OLD-ID.md
    target: str  # the page it leads to: privacy/sites/NEW-ID.md, or a version's privacy/versions/V/sites/ID.md
    title: str
    version: VersionView | None  # the version whose section holds the target; None for the statement in force


def render_site(
    model: Model,
    policy: Policy,
    *,
    history: History | None = None,
    describe_changes: DescribeChanges | None = None,
    find_renames: FindRenames | None = None,
    today: date | None = None,
    language: str = DEFAULT_LANGUAGE,
    directory_urls: bool = True,
    downloads: Downloads | None = None,
) -> RenderedSite:
    """Every generated page, statement first, in a fixed order, written as the policy says.

    The statement in force is at privacy/index.md, with its site pages at privacy/sites/ and its
    appendices at privacy/services/. Every version (the one in force too) has a section of its own,
    privacy/versions/V/, with its statement, site pages and appendices linking among themselves, so
    an announced version is complete before its date and an earlier one stays as it was. The changes
    page and feed list the versions, newest first. Every site or service id that a version had and
    the statement in force has not leaves a small HTML page at its old address that leads to where
    the page is now (`directory_urls`: whether pages are served as FOLDER/ rather than FILE.html).
    With `downloads`, each section also offers the model's other outputs in its downloads/ folder,
    and its statement, site pages and appendices link to theirs."""
    renderer = renderer_for(policy, language)
    history = history or single_version_history(model, today or build_date())
    describe = describe_changes or _no_description
    views = [
        VersionView(
            entry.version.number, entry.version.effective_date, entry.status,
            None if entry.previous is None else describe(entry.previous.model, entry.version.model, language=language),
            entry.version.withdrawn_on,
        )
        for entry in history.entries
    ]
    shown = history.in_force or history.entries[-1]
    upcoming = [view for view in views if view.status == "announced"] if shown.status == "in-force" else []
    moved, former_anchors = _moves(history, shown, views, find_renames, renderer)

    titles = renderer.texts["navigation"]
    offered = {entry.version.number: list(downloads(entry.version.model)) if downloads else []
               for entry in history.entries}
    statement, site_pages, service_pages = _section(
        renderer, shown.version.model, shown.status, "privacy", base="", announced=upcoming,
        statement_title=titles["statement"], former_anchors=former_anchors, section=None, withdrawn_on=None,
        downloads=offered[shown.version.number])
    made = {shown.version.number: _download_files(offered[shown.version.number], "privacy",
                                                  (statement, *site_pages, *service_pages))}
    files = list(made[shown.version.number])
    changes = Page(CHANGES_PAGE, titles["changes"], renderer.render("changes.md.j2", entries=views))
    version_pages: list[Page] = []
    version_sections: list[Page] = []
    for view, entry in zip(views, history.entries, strict=True):
        # The pages of the version in force read the same in its section as at privacy/ (no note, no
        # former anchors there): moved, not rendered again.
        same = entry is shown and view.status == "in-force" and not former_anchors
        version_statement, version_sites, version_services = _section(
            renderer, entry.version.model, view.status, view.folder, base="../../", announced=[],
            statement_title=titles["version"].format(number=view.number), former_anchors={}, section=view,
            withdrawn_on=view.withdrawn_on, statement_only=same, downloads=offered[view.number])
        if same:
            version_sites, version_services = (
                tuple(Page(view.folder + page.path.removeprefix("privacy"), page.title, page.markdown)
                      for page in pages) for pages in (site_pages, service_pages))
            # The same model's outputs: the files at privacy/downloads/, in the version's folder too.
            files.extend((view.folder + path.removeprefix("privacy"), content)
                         for path, content in made[view.number])
        else:
            files.extend(_download_files(offered[view.number], view.folder,
                                         (version_statement, *version_sites, *version_services)))
        version_pages.append(version_statement)
        version_sections.extend((*version_sites, *version_services))
    navigation: list[NavItem] = [statement]
    if site_pages:
        navigation.append(NavSection(titles["sites"], site_pages))
    if service_pages:
        navigation.append(NavSection(titles["services"], service_pages))
    navigation.append(NavSection(titles["changes"], (changes, *version_pages)))
    feed = atom_feed(views, shown.version.model.data, renderer.texts["history"], renderer)
    return RenderedSite(
        (statement, *site_pages, *service_pages, changes, *version_pages, *version_sections),
        tuple(navigation),
        ((FEED_FILE, feed), *files, *(_moved_page(renderer, entry, directory_urls) for entry in moved)),
    )


def _download_files(offered: Sequence[Download], folder: str, pages: Iterable[Page]) -> list[tuple[str, bytes]]:
    """The downloads of a section, made from its pages."""
    by_path = {page.path.removeprefix(folder + "/"): page.markdown for page in pages}
    return [(f"{folder}/{DOWNLOADS_FOLDER}/{download.name}", download.make(by_path)) for download in offered]


def _section(renderer: Renderer, model: Model, status: Status, folder: str, *, base: str,
             announced: list[VersionView], statement_title: str,
             former_anchors: Mapping[str, list[str]], section: VersionView | None,
             withdrawn_on: date | None, statement_only: bool = False, downloads: Sequence[Download] = (),
             ) -> tuple[Page, tuple[Page, ...], tuple[Page, ...]]:
    """A statement with its site pages and appendices, in `folder`; `base` leads from the statement
    to privacy/ (where the changes page and the statement in force are). `section`: the version
    whose own section this is (None for the statement in force at privacy/)."""
    context = _context(model, renderer.schema)
    context["downloads"] = list(downloads)
    data = context["model"]
    statement = Page(f"{folder}/index.md", statement_title, renderer.render(
        "statement.md.j2", status=status, withdrawn_on=withdrawn_on, base=base, announced=announced,
        translation=renderer.translation(model.data), **context))
    if statement_only:
        return statement, (), ()
    sites = tuple(
        Page(
            f"{folder}/{PAGE_FOLDERS['sites']}/{site['id']}.md",
            renderer.translate(site["name"]),
            renderer.render("site.md.j2", site=site, trackers=context["trackers_by_site"][site["id"]],
                            former_anchors=former_anchors, section=section, **context),
        )
        for site in data["sites"]
    )
    services = tuple(
        Page(
            f"{folder}/{PAGE_FOLDERS['services']}/{service['id']}.md",
            renderer.translate(service["name"]),
            renderer.render("service.md.j2", service=service, section=section, **context),
        )
        for service in data["services"]
    )
    return statement, sites, services


def _moves(history: History, shown: DatedVersion, views: list[VersionView], find_renames: FindRenames | None,
           renderer: Renderer) -> tuple[list[Moved], dict[str, list[str]]]:
    """The pages at addresses the statement in force no longer has, and the former ids of its trackers.

    An id that a later version renamed (as `find_renames` matches entries, followed version by
    version up to the one in force, past withdrawn ones) leads to the page it has in the statement
    in force; an id the statement in force has no page for (removed, new in an announced version,
    or only in a withdrawn one) leads to the newest version that has it."""
    oldest_first = list(reversed(history.entries))
    views_by_number = {view.number: view for view in views}
    kinds = (*PAGE_FOLDERS, "trackers")
    ids = [{kind: {item["id"]: item for item in entry.version.model.document.data[kind]} for kind in kinds}
           for entry in oldest_first]
    now = oldest_first.index(shown)
    # The versions readers had, one after another, up to the one in force.
    chain = [position for position, entry in enumerate(oldest_first[:now + 1])
             if entry.status != "withdrawn" or position == now]
    renames = {(old, new): find_renames(oldest_first[old].version.model, oldest_first[new].version.model)
               if find_renames else {} for old, new in pairwise(chain)}

    def followed(kind: str, ident: str, start: int) -> str | None:
        """The id an entry of version `start` has in the statement in force, if it is still there."""
        for old, new in pairwise(position for position in chain if position >= start):
            renamed = renames[(old, new)].get(kind, {})
            if ident in renamed:
                ident = renamed[ident]
            elif ident not in ids[new][kind]:
                return None
        return ident if ident in ids[now][kind] else None

    moved: list[Moved] = []
    former: dict[str, list[str]] = {}
    for kind in kinds:
        every_id = sorted({ident for version_ids in ids for ident in version_ids[kind]} - set(ids[now][kind]))
        for ident in every_id:
            having = [position for position, version_ids in enumerate(ids) if ident in version_ids[kind]]
            current = next((found for position in reversed(having) if position in chain
                            and (found := followed(kind, ident, position)) is not None), None)
            if kind == "trackers":
                if current is not None:
                    former.setdefault(current, []).append(ident)
                continue
            folder = PAGE_FOLDERS[kind]
            if current is not None:
                entry = ids[now][kind][current]
                moved.append(Moved(f"privacy/{folder}/{ident}.md", f"privacy/{folder}/{current}.md",
                                   renderer.translate(entry["name"]), None))
            else:
                position = having[-1]
                view = views_by_number[oldest_first[position].version.number]
                moved.append(Moved(f"privacy/{folder}/{ident}.md", f"{view.folder}/{folder}/{ident}.md",
                                   renderer.translate(ids[position][kind][ident]["name"]), view))
    return moved, former


def page_url(path: str, directory_urls: bool) -> str:
    """The address a page path is served at, relative to the site's root."""
    stem = path.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def _moved_page(renderer: Renderer, moved: Moved, directory_urls: bool) -> tuple[str, bytes]:
    """A page at an old address: it says where the page went, and the browser follows at once."""
    address = page_url(moved.path, directory_urls)
    file = address + "index.html" if address.endswith("/") else address
    target = page_url(moved.target, directory_urls)
    relative = posixpath.relpath(target, posixpath.dirname(file)) + ("/" if target.endswith("/") else "")
    version = moved.version
    page = renderer.render_html(
        "moved.html.j2", url=relative, title=moved.title,
        version=None if version is None else version.number, status=None if version is None else version.status,
        effective_date=None if version is None else renderer.long_date(version.effective_date))
    return file, page.encode()


def _no_description(old: Model, new: Model, *, language: str) -> list[str]:
    return []


def atom_feed(views: list[VersionView], data: ModelData,
              texts: Mapping[str, Any], renderer: Renderer) -> bytes:
    """An Atom feed (RFC 4287) with one entry per version. Built with ElementTree, which escapes
    for XML; the Markdown escape of the pages would be wrong here."""
    atom = "http://www.w3.org/2005/Atom"
    ElementTree.register_namespace("", atom)
    # The feed's permanent id is built from the privacy address's domain (RFC 4151 tag URI), or the
    # controller's name where the model gives no address.
    email = data["controller"]["email"]
    name = data["controller"]["legal_name"].lower()
    domain = email.rsplit("@", 1)[1] if email else re.sub(r"[^a-z0-9.-]+", "-", name)
    first_year = min(view.effective_date for view in views).year
    feed_id = f"tag:{domain},{first_year}:privacy-statement"

    def element(parent: ElementTree.Element, name: str, text: str | None = None, **attributes: str) -> Any:
        child = ElementTree.SubElement(parent, f"{{{atom}}}{name}", attributes)
        child.text = text
        return child

    feed = ElementTree.Element(f"{{{atom}}}feed")
    element(feed, "id", feed_id)
    element(feed, "title", texts["feed_title"].format(controller=data["controller"]["legal_name"]))

    def updated(view: VersionView) -> date:
        # Withdrawing a version changes its entry: feed readers see it as updated on that day.
        return view.withdrawn_on or view.effective_date

    element(feed, "updated", f"{max(updated(view) for view in views).isoformat()}T00:00:00Z")
    element(feed, "author").append(_named(atom, data["controller"]["legal_name"]))
    element(feed, "link", rel="alternate", type="text/html", href="changes/")
    for view in views:
        entry = element(feed, "entry")
        element(entry, "id", f"{feed_id}:{view.number}")
        title = texts["feed_withdrawn_title"] if view.withdrawn_on else texts["feed_entry_title"]
        element(entry, "title", title.format(version=view.number, date=renderer.long_date(view.effective_date)))
        element(entry, "updated", f"{updated(view).isoformat()}T00:00:00Z")
        element(entry, "link", rel="alternate", type="text/html", href=f"versions/{view.number}/")
        if view.withdrawn_on:
            summary = texts["status_dates"]["withdrawn"].format(date=renderer.long_date(view.effective_date),
                                                                withdrawn=renderer.long_date(view.withdrawn_on))
        elif view.changes is None:
            summary = texts["first_version"]
        else:
            summary = " ".join(view.changes) or texts["no_reader_change"]
        element(entry, "summary", f"{texts['statuses'][view.status]}. {summary}")
    ElementTree.indent(feed)
    written: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _named(namespace: str, name: str) -> ElementTree.Element:
    person = ElementTree.Element(f"{{{namespace}}}name")
    person.text = name
    return person
