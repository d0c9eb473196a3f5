"""Hostile models: every field of every kind holding what would do harm if a page interpreted it.

The fields are found through the schema, not listed by hand: each value of the base model is
classified by the `$defs` kind its field refers to (text, email, url, id, country, date, version,
duration), so a field added to the schema is poisoned as soon as the base model holds it.

- `injection_model_text()` is a valid model whose every value is as hostile as its kind's pattern
  allows: texts full of markup, script, `javascript:` links and template syntax, emails and URLs
  full of the Markdown and HTML characters their patterns let through. It must build, and every
  page must show these values as inert text and plain links.
- `REJECTED` holds, per kind, values the schema or the loader must refuse, each with a message
  located at the value.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from generator.load import load_file

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "policy" / "processing.schema.json"

# The fictional group uses every structure of the schema, so poisoning it reaches every field.
BASE_MODEL = Path(__file__).resolve().parent / "fixtures" / "group.yaml"

# Each payload would do something visible if it were interpreted instead of shown as text.
PAYLOAD = (
    '<script>window.__injected = "script"</script> '
    '<img src="x" onerror="window.__injected = \'img\'"> '
    "[click me](javascript:window.__injected='md-link') "
    '<a href="javascript:window.__injected=\'a\'">a link</a> '
    "<a autofocus onfocus=\"window.__injected='focus'\" href=\"#\">focus</a> "
    "[x](autofocus/onfocus=window['__injected']='md-attr'//) "
    "{{ 7 * 7 }} {% if true %}jinja{% endif %} "
    "**bold** _em_ `code` # heading | cell | {: onclick=alert(1) } ![img](x.png) "
    "<https://example.com> &lt;b&gt; &#60;i&#62; \\[esc\\]"
)
MARKERS = ("window.__injected", "javascript:", "onerror", "{{ 7 * 7 }}")

# The most hostile values the patterns accept: every Markdown and HTML character each one allows.
HOSTILE_EMAIL = "o.b+c_d*e!f#g$h%i&j=k?l^m{n|o}p~q/r@mail-1.example.com"
HOSTILE_URL = ("https://www.example.com:443/*a*/_b_/!c!/$d&e;f=g:h@i~j,k+l/%28x%29%5By%5D/__init__"
               "?q=*1*&r=_2_&s=!x!#top*x*_y_")

KINDS = ("text", "email", "url", "id", "country", "date", "version", "duration")

# Values the schema (or the loader, for invisible characters) must refuse, per kind of field.
REJECTED: dict[str, tuple[str, ...]] = {
    "email": (
        "privacy[x](autofocus/onfocus=window.__injected=1//)@example.com",
        '"quoted"@example.com', "a b@example.com", "<a@example.com>", "a\\b@example.com",
        "a`b`@example.com", "a(b)@example.com", "o'brien@example.com", "a@example", "a@[127.0.0.1]",
        "a..b@example.com", ".a@example.com", "a.@example.com", "a@-example.com", "a@example.com.",
        "a@b@example.com", "mailto:a@example.com", "a@exa_mple.com", "\u200b@\u200b.\u200b",
        "a@exa\u00admple.com",
    ),
    "url": (
        "javascript:window.__injected=1", "JavaScript://example.com/%0Aalert(1)",
        "data:text/html,<script>window.__injected=1</script>", "http://example.com",
        "https://", "https:///path", "https://example", "https://example.com/a(b)",
        "https://example.com/[x](javascript:y)", 'https://example.com/"onmouseover="x',
        "https://example.com/<script>", "https://example.com/a b", "https://example.com/`x`",
        "https://example.com/\\x", "https://user@example.com", "https://example.com/'x'",
        "https://example.com/%zz", "https://example.com/{x}", "https://example.com/a|b",
        "https://exa\u202emple.com", "https://example.com/\u00ad",
    ),
    "id": ("a<b>", "javascript:x", "Upper", "a b", "a--b", "-a", "a_b", "a\u200bb", "\u00e5"),
    "country": ("<b>", "us", "USA", "U\u200bS", "S\u00c9", "\uff33\uff25"),
    "date": ("<script>", "2026-01-01<b>", "2026-1-1", "2026-13-01", "\u0662\u0660\u0662\u0666-01-01"),
    "version": ("1.0.0<script>", "1.0.0 ", "v1", "1.0.0\u200b", "1.\u0661.0"),
    "duration": ("P1Y<b>", "P", "6 months", "P1\u200bY"),
    "text": ("\u200b", "\u200b \u2060", "\u00ad", "\u2800", "   ", "Job\u202eseekers", "\ufe0f\u034f"),
}


def _load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _fits(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in KINDS:
            return value is not None
        return _fits(value, root["$defs"][name], root)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return isinstance(value, dict)
    if kind == "array" or "items" in schema:
        return isinstance(value, list)
    if kind == "null":
        return value is None
    if "enum" in schema or "const" in schema or kind in ("string", "boolean", "integer", "number"):
        return not isinstance(value, dict | list) and value is not None
    return True


def classify(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any],
             path: tuple[Any, ...] = ()) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(kind, path) of every value of `value` whose field refers to one of the `$defs` KINDS;
    other plain strings come out as kind "string"."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in KINDS:
            if value is not None:
                yield name, path
            return
        yield from classify(value, root["$defs"][name], root, path)
        return
    for combinator in ("anyOf", "oneOf"):
        branches = [branch for branch in schema.get(combinator, ()) if _fits(value, branch, root)]
        if branches:
            yield from classify(value, branches[0], root, path)
            return
    if isinstance(value, dict):
        for name, item in value.items():
            yield from classify(item, schema.get("properties", {}).get(name, {}), root, (*path, name))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from classify(item, schema.get("items", {}), root, (*path, number))
    elif isinstance(value, str) and "enum" not in schema and "const" not in schema:
        yield "string", path


def schema_fields(schema: Mapping[str, Any], root: Mapping[str, Any], path: tuple[str, ...] = (),
                  seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(kind, path) of every field the schema defines, list items written as "*"."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in KINDS:
            yield name, path
        elif name not in seen:
            yield from schema_fields(root["$defs"][name], root, path, seen | {name})
        return
    for combinator in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(combinator, ()):
            yield from schema_fields(branch, root, path, seen)
    for name, child in schema.get("properties", {}).items():
        yield from schema_fields(child, root, (*path, name), seen)
    if "items" in schema:
        yield from schema_fields(schema["items"], root, (*path, "*"), seen)


def general(path: tuple[Any, ...]) -> tuple[str, ...]:
    """A value's path with list positions written as "*", as `schema_fields` gives them."""
    return tuple("*" if isinstance(part, int) else part for part in path)


def base_data() -> dict[str, Any]:
    """The group fixture, with the fields it leaves at another choice given a value of a kind."""
    data = load_file(BASE_MODEL).data
    # The fixture's company needs no EU representative; the field may also name one, as a text.
    data["controller"]["eu_representative"] = {"en": "Example Representative GmbH, Berlin, Germany"}
    # Its group processes no sensitive data, and no purpose of its one group rests on consent; the
    # fields are there for a model that does.
    data["sensitive_data"]["condition"] = {"en": "Your explicit consent (GDPR Art. 9(2)(a))."}
    data["purpose_groups"][0]["legal_bases"].append(
        {"basis": "consent", "consent_record": {"en": "We store when and how you gave your consent."}})
    return data


def fields_by_kind(data: Mapping[str, Any] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """The path of every value of the (base) model, grouped by kind."""
    schema = _load_schema()
    found: dict[str, list[tuple[Any, ...]]] = {}
    for kind, path in classify(base_data() if data is None else data, schema, schema):
        found.setdefault(kind, []).append(path)
    return found


def get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def put(data: Any, path: tuple[Any, ...], value: Any) -> None:
    get(data, path[:-1])[path[-1]] = value


def poisoned(kind: str, value: str,
             data: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """A copy of the model with every field of `kind` set to `value`; the paths of the values set
    (for a text, each of its languages)."""
    result = copy.deepcopy(dict(base_data() if data is None else data))
    paths: list[tuple[Any, ...]] = []
    for path in fields_by_kind(result).get(kind, []):
        if kind == "text":
            for language in get(result, path):
                put(result, (*path, language), value)
                paths.append((*path, language))
        else:
            put(result, path, value)
            paths.append(path)
    return result, paths


def dump(data: Mapping[str, Any]) -> str:
    """The model as YAML, one value per line as far as YAML allows (no folding of long texts)."""
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=1_000_000)


def hostile_data() -> dict[str, Any]:
    """The base model with every value as hostile as its kind allows (see the module's doc)."""
    data = copy.deepcopy(base_data())
    accepted = {"email": HOSTILE_EMAIL, "url": HOSTILE_URL}
    for kind, paths in fields_by_kind(data).items():
        for path in paths:
            if kind == "text":
                put(data, path, {language: f"{PAYLOAD} {'.'.join(map(str, path))}"
                                 for language in get(data, path)})
            elif kind == "string" and path[-1] == "legal_name":
                put(data, path, PAYLOAD)
            elif kind in accepted:
                put(data, path, accepted[kind])
    return data


def injection_model_text() -> str:
    return dump(hostile_data())
