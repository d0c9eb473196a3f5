"""No value of the model can put markup, script or a link of its own into a page.

Two lines of defence, each tested on its own: the schema's shared `$defs` patterns keep emails, URLs,
ids, countries, dates, versions, durations and texts to what their kind allows (every field of every
kind, found through the schema), and the renderer makes whatever they allow inert to Markdown and
to HTML (proved with Python-Markdown configured as mkdocs.yml configures it, over random values).
The browser half is in test_browser.py.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import markdown
import pytest
import yaml
from conftest import POLICY, PROJECT_ROOT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from injection import (
    HOSTILE_EMAIL,
    HOSTILE_URL,
    KINDS,
    REJECTED,
    base_data,
    classify,
    dump,
    fields_by_kind,
    general,
    hostile_data,
    poisoned,
    put,
    schema_fields,
)
from sitekit import copy_project, mkdocs_build

from generator.load import load_text
from generator.problems import InputError
from generator.render import Renderer, escape, render_site
from generator.validate import validate

SCHEMA: dict[str, Any] = json.loads(POLICY.schema_path.read_text(encoding="utf-8"))
EXPLOIT = "privacy[x](autofocus/onfocus=window.__injected=1//)@i-centrum.se"


def pattern(kind: str) -> str:
    definition = SCHEMA["$defs"][kind]
    return str(definition["properties"]["en"]["pattern"] if kind == "text" else definition["pattern"])


def schema_accepts(kind: str, value: Any) -> bool:
    checker = jsonschema.Draft202012Validator(
        {"$ref": f"#/$defs/{kind}", "$defs": SCHEMA["$defs"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return checker.is_valid(value)


# --- the patterns ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_a_shared_definition_with_a_pattern(kind: str) -> None:
    assert kind in SCHEMA["$defs"], f"$defs/{kind} is missing: fields of this kind must refer to it"
    assert pattern(kind)


def test_every_field_of_every_kind_refers_to_its_shared_definition() -> None:
    """A string field with a pattern of its own would escape the shared patterns."""
    def own_patterns(schema: Any, where: str) -> list[str]:
        found: list[str] = []
        if isinstance(schema, dict):
            if "pattern" in schema and not where.startswith("#/$defs/"):
                found.append(where)
            for key, child in schema.items():
                found += own_patterns(child, f"{where}/{key}")
        elif isinstance(schema, list):
            for number, child in enumerate(schema):
                found += own_patterns(child, f"{where}/{number}")
        return found

    # An acknowledgement's rule is an id of policy/rules.yaml, not of the model: it may keep its own.
    assert [where for where in own_patterns(SCHEMA, "#") if "acknowledged_findings" not in where] == []


@pytest.mark.parametrize("address", [
    "privacy@i-centrum.se", "first.last+tag@sub.example.co.uk", "a_b-c@x-y.example", "dpo@xn--rksmrgs-5wao1o.se",
    "O.Brien@Example.COM", HOSTILE_EMAIL,
])
def test_email_pattern_accepts_addresses_in_practical_use(address: str) -> None:
    assert schema_accepts("email", address)


@pytest.mark.parametrize("address", REJECTED["email"])
def test_email_pattern_refuses_what_rfc_5322_does_not_allow_in_practice(address: str) -> None:
    assert not schema_accepts("email", address)


@pytest.mark.parametrize("url", [
    "https://www.imy.se", "https://www.imy.se/", "https://tools.google.com/dlpage/gaoptout?hl=sv#top",
    "https://example.com:8443/a/b;c=d/%28e%29", "https://xn--rksmrgs-5wao1o.se/", HOSTILE_URL,
])
def test_url_pattern_accepts_https_addresses(url: str) -> None:
    assert schema_accepts("url", url)


@pytest.mark.parametrize("url", REJECTED["url"])
def test_url_pattern_refuses_what_rfc_3986_does_not_allow_or_is_not_https_with_a_host(url: str) -> None:
    assert not schema_accepts("url", url)


@pytest.mark.parametrize("text", ["\u200b", "\u200b \u2060", "\u00ad", "\u2800", "   ", "\ufe0f\u034f", "\t\n"])
def test_text_pattern_wants_a_visible_character(text: str) -> None:
    assert not schema_accepts("text", {"en": text})


@pytest.mark.parametrize("text", ["a", "Å", "5", "€", "—", "\u00e9", "Ett\u00a0två", "\u4e2d", "\U0001f642"])
def test_text_pattern_accepts_any_visible_character(text: str) -> None:
    assert schema_accepts("text", {"en": text})


# --- every field of every kind -----------------------------------------------------------------

def test_the_base_model_holds_every_field_of_every_kind_the_schema_defines() -> None:
    """So that poisoning the base model reaches every field (add a missing one to the fixture)."""
    defined = {(kind, path) for kind, path in schema_fields(SCHEMA, SCHEMA) if kind in KINDS}
    held = {(kind, general(path)) for kind, paths in fields_by_kind().items() for path in paths}
    assert sorted(defined - held) == []
    assert {kind for kind, _ in held} >= set(KINDS)


@pytest.mark.parametrize(("kind", "value"), [(kind, value) for kind in REJECTED for value in REJECTED[kind]],
                         ids=lambda item: ascii(item)[:40])
def test_a_refused_value_in_any_field_is_refused_there(kind: str, value: str) -> None:
    data, paths = poisoned(kind, value)
    assert paths
    text = dump(data)
    # Where each value stands: the same file with a harmless value of the same kind in its place.
    harmless, _ = poisoned(kind, {"text": "Harmless", "email": "a@example.com", "url": "https://example.com",
                                  "id": "harmless", "country": "SE", "date": "2026-01-01", "version": "1.0.0",
                                  "duration": "P1Y"}[kind])
    locations = load_text(dump(harmless), "model.yaml").value_locations
    try:
        problems = validate(load_text(text, "model.yaml"), POLICY).errors
    except InputError as error:
        problems = error.problems
    for path in paths:
        where = locations[path]
        # At the value, or (an invisible character) at the character itself, on the value's line.
        assert any(problem.path == path and (problem.location == where or (
            "invisible character" in problem.message and problem.location.line == where.line
            and problem.location.column > where.column)) for problem in problems), (
            f"{kind} {value!r} at {path} (line {where.line}, column {where.column}) not refused there; got:\n"
            + "\n".join(problem.format() for problem in problems if problem.path[:2] == path[:2]))


# --- the renderer: inert to Markdown and to HTML -----------------------------------------------

def _site_markdown() -> markdown.Markdown:
    config = yaml.safe_load((PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions = config["markdown_extensions"]
    if isinstance(extensions, list):  # a list of names and one-entry mappings, or one mapping
        extensions = {name: options for entry in extensions
                      for name, options in (entry.items() if isinstance(entry, dict) else [(entry, None)])}
    names = list(extensions)
    settings_ = {name: options or {} for name, options in extensions.items()}
    return markdown.Markdown(extensions=names, extension_configs=settings_)


MARKDOWN = _site_markdown()


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text += data


def html_of(source: str) -> _Elements:
    MARKDOWN.reset()
    parsed = _Elements()
    parsed.feed(MARKDOWN.convert(source))
    parsed.close()
    return parsed


def shown(value: str) -> str:
    """A value as a reader sees it on the page: whitespace collapsed, control characters replaced."""
    return re.sub("[\x00-\x1f\x7f-\x9f]", "\ufffd", " ".join(value.split()))


# Values heavy in what Markdown, HTML, the tables and attr_list extensions and Jinja act on.
SPECIAL = "\\`*_{}[]()#+-.!|<>&\"'=:;/@?%~^$ \t\n\x02\x03abcAZ09"
hostile_text = st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(codec="utf-8"), max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
@example("\x02wzxhzdk:0\x03")
@example(":   definition")
@example("=====")
@example("    indented code")
def test_escaped_text_is_plain_text_in_a_paragraph_a_table_cell_and_a_definition(value: str) -> None:
    wanted = shown(value)
    for source, tags in ((f"Text {escape(value)} end", ["p"]),
                         (f"| a |\n|---|\n| {escape(value)} |", ["table", "thead", "tr", "th", "tbody", "tr", "td"]),
                         (f"Term\n:   {escape(value)} end", ["dl", "dt", "dd"])):
        page = html_of(source)
        assert [tag for tag, _ in page.elements] == tags, (source, page.elements)
        assert wanted in page.text, source


def _anchor(page: _Elements) -> dict[str, str | None]:
    """The page's one element besides its paragraph: an <a> with an href and nothing else."""
    assert [tag for tag, _ in page.elements] == ["p", "a"], page.elements
    attributes = dict(page.elements[1][1])
    assert list(attributes) == ["href"], attributes
    return attributes


emails = st.from_regex(pattern("email"), fullmatch=True)
urls = st.from_regex(pattern("url"), fullmatch=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(emails)
@example(HOSTILE_EMAIL)
def test_an_email_the_schema_accepts_becomes_exactly_one_mailto_link(address: str) -> None:
    page = html_of(f"Write to {Renderer(POLICY).email_link(address)}.")
    href = _anchor(page)["href"]
    assert href is not None and href.startswith("mailto:")
    assert urllib.parse.unquote(href.removeprefix("mailto:")) == address
    # RFC 6068: what a mailto address may hold as it is; the rest is percent-encoded.
    assert re.fullmatch(r"mailto:[A-Za-z0-9@!$*+._~%-]+", href), href
    assert page.text == f"Write to {address}."


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(urls, hostile_text)
@example(HOSTILE_URL, "a label")
def test_a_url_the_schema_accepts_becomes_exactly_one_link_to_itself(url: str, label: str) -> None:
    renderer = Renderer(POLICY)
    page = html_of(f"See {renderer.link(url)}.")
    assert _anchor(page)["href"] == url
    assert page.text == f"See {url}."
    labelled = html_of(f"See {renderer.link(url, label)}.")
    assert _anchor(labelled)["href"] == url
    assert labelled.text == f"See {shown(label)}."


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(hostile_text, st.builds("{}{}".format, st.sampled_from(["https://", "mailto:", "javascript:"]),
                                          hostile_text)), hostile_text)
@example(f"mailto:{EXPLOIT}", EXPLOIT)
@example("https://example.com/[x](autofocus/onfocus=window.__injected=1//)", "x")
@example("https://example.com/`x`", "x")
def test_any_value_given_to_the_link_filters_makes_at_most_one_plain_link(url: str, label: str) -> None:
    """Whatever reaches the renderer, valid or not: at most one <a>, with an https: or mailto: href only."""
    renderer = Renderer(POLICY)
    for made in (renderer.link(url, label), renderer.link(url), renderer.email_link(url),
                 renderer.page_link(url, label)):
        page = html_of(f"Text {made} end")
        tags = [tag for tag, _ in page.elements]
        assert tags in (["p"], ["p", "a"]), (made, page.elements)
        if tags == ["p", "a"]:
            attributes = dict(page.elements[1][1])
            assert list(attributes) == ["href"], (made, attributes)
            href = attributes["href"] or ""
            assert href.startswith(("https://", "mailto:")) or re.fullmatch(r"[a-z0-9./_#-]+", href), (made, href)


def test_the_email_that_ran_a_script_is_refused_by_the_schema_and_inert_in_the_renderer() -> None:
    assert not schema_accepts("email", EXPLOIT)
    page = html_of(f"Write to {Renderer(POLICY).email_link(EXPLOIT)}.")
    href = _anchor(page)["href"] or ""
    assert urllib.parse.unquote(href) == f"mailto:{EXPLOIT}"
    assert page.text == f"Write to {EXPLOIT}."


def test_every_page_of_the_hostile_model_is_inert_markdown() -> None:
    """The whole hostile model, rendered and converted as MkDocs converts it: no element, attribute
    or link that the model's values could have made, and each email and URL a link to itself."""
    data = hostile_data()
    document = load_text(dump(data), "hostile.yaml")
    validation = validate(document, POLICY)
    assert validation.model is not None, [problem.format() for problem in validation.errors]
    site = render_site(validation.model, POLICY)
    expected_links = {f"mailto:{urllib.parse.quote(HOSTILE_EMAIL, safe='@!$*+._~-')}", HOSTILE_URL}
    links: set[str] = set()
    allowed = {"p", "a", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li",
               "dl", "dt", "dd", "strong", "em", "div", "code", "br", "span", "abbr", "hr"}
    for page in site.pages:
        parsed = html_of(page.markdown)
        for tag, attributes in parsed.elements:
            assert tag in allowed, (page.path, tag, attributes)
            for name, value in attributes:
                assert not name.startswith("on"), (page.path, tag, name, value)
                # data-label: a tracker table's column name (from policy/texts) on each of its cells.
                assert name in ("href", "id", "class", "title", "data-label"), (page.path, tag, name, value)
                if name == "href":
                    href = value or ""
                    assert href.startswith(("https://", "mailto:", "#")) or re.fullmatch(
                        r"[a-z0-9./_-]+(#[a-z0-9_-]+)?", href), (page.path, href)
                    links.add(href)
        assert "window.__injected" not in "".join(str(value) for _, attrs in parsed.elements for _, value in attrs)
    assert expected_links <= links


def test_the_hostile_model_puts_a_hostile_value_in_every_email_url_and_text() -> None:
    data = hostile_data()
    by_kind: dict[str, list[Any]] = {}
    for kind, path in classify(data, SCHEMA, SCHEMA):
        value: Any = data
        for part in path:
            value = value[part]
        by_kind.setdefault(kind, []).append(value)
    assert set(by_kind["email"]) == {HOSTILE_EMAIL}
    assert set(by_kind["url"]) == {HOSTILE_URL}
    assert all("<script>" in text["en"] for text in by_kind["text"])


def test_poisoning_reaches_nested_and_listed_fields() -> None:
    data, paths = poisoned("id", "x-x")
    assert any(isinstance(part, int) for path in paths for part in path)
    put(data, paths[0], "y")
    assert base_data() != data



def test_a_page_without_a_title_of_its_own_gets_its_title_escaped(tmp_path: Path) -> None:
    """Material prints the title of a page without a front-matter title through `striptags`, which
    undoes HTML escaping: the plugin gives every generated page its (escaped) title itself."""
    data = hostile_data()
    data["sites"][0]["name"] = {"en": 'Main </title><script>window.__injected="title"</script> site'}
    project = copy_project(tmp_path / "project", dump(data))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "    model: data/processing.yaml\n" in text
    config.write_text(text.replace("    model: data/processing.yaml\n",
                                   "    model: data/processing.yaml\n    policy: policy\n"), encoding="utf-8")
    template = project / "policy" / "templates" / "site.md.j2"
    text = template.read_text(encoding="utf-8")
    assert "---\ntitle: " in text
    template.write_text(re.sub(r"---\ntitle: [^\n]*\n---\n", "", text), encoding="utf-8")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    pages = sorted((project / "site").glob(f"**/privacy/sites/{data['sites'][0]['id']}/index.html"))
    assert pages
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert "<script>window.__injected" not in page
        [title] = re.findall(r"<title>(.*?)</title>", page, re.DOTALL)
        assert html.unescape(title).startswith('Main </title><script>window.__injected="title"</script> site')
