"""What a change to the model changes for readers of the statement, in words.

`diff_models` compares two valid models and returns structured changes: which entry or field
was added, removed or changed, with the values before and after already put in words (names of
legal bases, durations, countries, the names of the entries an id refers to). `format_text`,
`format_markdown` and `describe_changes` turn those into sentences. All wording comes from
`policy/texts/diff.LANG.yaml` (sentences, field names) and `policy/texts/LANG.yaml` (names of
the closed lists), through the renderer's own filters, so a value reads the same here as on the
published statement.

The comparison follows the JSON Schema, so every field of the model is covered: entries of a
list are matched by their id (transfers by recipient and country, rights by right), lists of ids
and of texts are compared as sets, and texts compare with their whitespace folded, because the
statement shows them that way.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any, Literal

from generator.load import load_file
from generator.paths import POLICY_DIR
from generator.problems import FieldPath, format_path
from generator.render import DEFAULT_LANGUAGE, SERVICES_DIR, SITES_DIR, Renderer, escape
from generator.validate import COLLECTIONS, REFERENCES, SELF_PROVIDER, Model, load_schema

Action = Literal["added", "removed", "changed", "item_added", "item_removed"]

# Shown as the comparison's first line (version and date), or never to readers (acknowledgements).
NOT_COMPARED = frozenset({"version", "effective_date", "acknowledged_findings"})
# The lists whose entries are matched between the two models, by these fields.
ENTRY_KEYS: dict[str, tuple[str, ...]] = {
    **{collection: ("id",) for collection in COLLECTIONS},
    "transfers": ("recipient", "country"),
    "rights.list": ("right",),
}
# Entries with a page of their own, whose id is the page's address: renaming it moves the page.
PAGE_DIRS = {"sites": SITES_DIR, "services": SERVICES_DIR}
# Fields holding ids (or lists of ids), by their place in the model, and the collection they name.
REFERENCE_FIELDS: dict[str, str] = {
    ".".join(step for step in pattern if step != "*"): collection for collection, pattern in REFERENCES
}


@dataclass(frozen=True)
class Change:
    """One thing a reader of the statement would find different.

    `field` and `entry` are places in the model without list numbers (`trackers.lifetime`,
    `trackers`); `path` is where the change is in the model file (the new one, the old one for
    removals). `title`, `before`, `after`, `item` and `details` are already in words."""

    action: Action
    section: str
    path: str
    field: str | None = None
    entry: str | None = None
    title: str | None = None
    before: str | None = None
    after: str | None = None
    item: str | None = None
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ModelDiff:
    old_version: str
    new_version: str
    old_effective_date: date
    new_effective_date: date
    changes: tuple[Change, ...]
    # Entries matched across an id rename, by collection: {"purposes": {"old-id": "new-id"}}.
    renamed_ids: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    language: str = DEFAULT_LANGUAGE
    policy_dir: Path = field(default=POLICY_DIR, repr=False)

    @property
    def version_raised(self) -> bool:
        return _version_key(self.new_version) > _version_key(self.old_version)

    @property
    def effective_date_raised(self) -> bool:
        return self.new_effective_date > self.old_effective_date

    @property
    def not_raised(self) -> tuple[str, ...]:
        """`version` and/or `effective_date` when readers would see a change the two don't announce."""
        if not self.changes:
            return ()
        return tuple(name for name, raised in (("version", self.version_raised),
                                               ("effective_date", self.effective_date_raised)) if not raised)


def _version_key(number: str) -> tuple[int, ...]:
    parts = [int(part) for part in number.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))  # 1.1 is 1.1.0


@cache
def load_wording(policy_dir: Path, language: str) -> dict[str, Any]:
    return load_file(policy_dir / "texts" / f"diff.{language}.yaml").data


# --- comparing ----------------------------------------------------------------------------------

def _folded(value: Any) -> Any:
    """The value as a reader sees it: texts with their whitespace folded, as the pages show them."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {key: _folded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_folded(item) for item in value]
    return value


def _get(data: Any, place: str) -> Any:
    for step in place.split("."):
        data = data.get(step) if isinstance(data, dict) else None
    return data


class _Words:
    """Values of one model in words."""

    def __init__(self, model: Model, renderer: Renderer, wording: Mapping[str, Any]) -> None:
        self.model = model
        self.renderer = renderer
        self.wording = wording
        self.root = load_schema()

    def resolve(self, schema: Mapping[str, Any], value: Any) -> tuple[str | None, Mapping[str, Any]]:
        """The schema that applies to `value`, and its name among the schema's $defs."""
        name = None
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.root["$defs"][name]
        for branch in schema.get("anyOf", ()):
            branch_name, resolved = self.resolve(branch, value)
            if _fits(resolved, value):
                return branch_name, resolved
        return name, schema

    def quoted(self, text: str) -> str:
        return str(self.wording["quoted"]).format(text=" ".join(text.split()))

    def text(self, value: Mapping[str, str], every_language: bool = False) -> str:
        if every_language:  # the change is in a translation: show each language
            return self.wording["field_separator"].join(
                f"{language}: {self.quoted(text)}" for language, text in value.items())
        return self.quoted(self.renderer.translate(value))

    def value(self, value: Any, schema: Mapping[str, Any], place: str) -> str:
        if value is None:
            return str(self.wording["not_stated"])
        name, schema = self.resolve(schema, value)
        if isinstance(value, list):
            items = schema.get("items", {})
            return str(self.wording["list_separator"]).join(self.value(item, items, place) for item in value)
        if place in REFERENCE_FIELDS:
            return self.reference(REFERENCE_FIELDS[place], value)
        fixed = self.wording["values"].get(place, {})
        if isinstance(value, bool):
            key = "true" if value else "false"
            return str(fixed.get(key, self.wording[key]))
        if isinstance(value, str) and value in fixed:
            return str(fixed[value])
        if place in self.wording["closed_lists"]:
            named = self.renderer.texts[self.wording["closed_lists"][place]].get(value, value)
            return self.wording["named_with_article"].format(**named) if isinstance(named, dict) else str(named)
        if isinstance(value, dict):
            return self.mapping(value, name, schema, place)
        if name == "duration":
            return self.renderer.duration(value)
        if name == "country":
            return self.renderer.country(value)
        return str(value)

    def mapping(self, value: Mapping[str, Any], name: str | None, schema: Mapping[str, Any], place: str) -> str:
        properties = schema.get("properties", {})
        if name == "text" or set(properties) <= {"en", "sv"}:
            return self.text(value)
        parts = {key: self.value(value.get(key), sub, f"{place}.{key}") for key, sub in properties.items()}
        form = self.wording["forms"].get(name or "")
        if form:
            return str(form).format(**parts)
        return self.wording["field_separator"].join(
            self.wording["field_value"].format(field=label(self.wording, f"{place}.{key}"), value=words)
            for key, words in parts.items() if value.get(key) is not None)

    def reference(self, collection: str, ident: str) -> str:
        if collection == "recipients" and ident == SELF_PROVIDER:
            return self.quoted(self.model.data["controller"]["legal_name"])
        return self.title(collection, self.model.index[collection][ident])

    def title(self, kind: str, entry: Mapping[str, Any]) -> str:
        """What a reader knows an entry by, from the entry's `title` template."""
        template = str(self.wording["entries"][kind]["title"])
        schema = self.entry_schema(kind)
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
        return template.format(**{
            name: self.value(entry.get(name), schema["properties"][name], f"{kind}.{name}") for name in names})

    def entry_schema(self, kind: str) -> Mapping[str, Any]:
        schema: Mapping[str, Any] = self.root
        for step in kind.split("."):
            schema = self.resolve(schema["properties"][step], [])[1]
        return self.resolve(schema["items"], {})[1]


def _fits(schema: Mapping[str, Any], value: Any) -> bool:
    if "const" in schema:
        return bool(value == schema["const"])
    if "enum" in schema:
        return value in schema["enum"]
    kind = schema.get("type")
    if kind is None:
        return True
    return {
        "null": value is None, "object": isinstance(value, dict), "array": isinstance(value, list),
        "string": isinstance(value, str), "boolean": isinstance(value, bool),
    }.get(kind, True)


def label(wording: Mapping[str, Any], place: str) -> str:
    """A field as a reader names it; its own name where the wording has none."""
    return str(wording["fields"].get(place, place.rsplit(".", 1)[-1].replace("_", " ")))


class _Comparison:
    def __init__(self, old: Model, new: Model, renderer: Renderer, wording: Mapping[str, Any]) -> None:
        self.old = _Words(old, renderer, wording)
        self.new = _Words(new, renderer, wording)
        self.wording = wording
        self.changes: list[Change] = []
        # Matched entries, so that an id renamed with the entry's name unchanged is the same entry,
        # and references to it are compared by what they point at.
        self.id_map: dict[str, dict[str, str]] = {}
        self.matches: dict[str, tuple[list[tuple[int, int]], list[int], list[int]]] = {}
        for kind in ENTRY_KEYS:  # collections first: transfers are matched by their recipient's id
            matched = self.match(kind)
            self.matches[kind] = matched
            if kind in COLLECTIONS:
                old_entries, new_entries = _get(old.data, kind), _get(new.data, kind)
                self.id_map[kind] = {old_entries[i]["id"]: new_entries[j]["id"] for i, j in matched[0]}

    def mapped(self, place: str, value: Any) -> Any:
        """An old value with the ids in it renamed as in the new model."""
        collection = REFERENCE_FIELDS.get(place)
        if collection is None or value is None:
            return value
        renamed = self.id_map.get(collection, {})
        if isinstance(value, list):
            return [renamed.get(item, item) for item in value]
        return renamed.get(value, value)

    def match(self, kind: str) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        """(old, new) pairs of the same entry, then the old entries removed and the new ones added."""
        old_entries, new_entries = _get(self.old.model.data, kind) or [], _get(self.new.model.data, kind) or []
        fields = ENTRY_KEYS[kind]
        new_by_key = {tuple(entry.get(f) for f in fields): j for j, entry in enumerate(new_entries)}
        pairs, removed = [], []
        for i, entry in enumerate(old_entries):
            j = new_by_key.get(tuple(self.mapped(f"{kind}.{f}", entry.get(f)) for f in fields))
            if j is None:
                removed.append(i)
            else:
                pairs.append((i, j))
        added = sorted(set(range(len(new_entries))) - {j for _, j in pairs})
        if kind in COLLECTIONS:
            # An entry whose id changed is the same entry when readers know it by the same name,
            # or when nothing but the id changed.
            for same in (lambda words, entry: _folded(words.title(kind, entry)),
                         lambda words, entry: _folded({k: v for k, v in entry.items() if k not in fields})):
                candidates: dict[str, int] = {}
                for j in added:
                    candidates.setdefault(json.dumps(same(self.new, new_entries[j]), sort_keys=True), j)
                for i in list(removed):
                    j = candidates.pop(json.dumps(same(self.old, old_entries[i]), sort_keys=True), None)
                    if j is not None and j in added:
                        pairs.append((i, j))
                        removed.remove(i)
                        added.remove(j)
        return pairs, removed, added

    def add(self, action: Action, place: str, path: FieldPath, **words: Any) -> None:
        self.changes.append(Change(action, place.split(".", 1)[0], format_path(path), **words))

    def compare(self, old: Any, new: Any, schema: Mapping[str, Any], place: str, path: FieldPath,
                entry: tuple[str, str] | None) -> None:
        if place in NOT_COMPARED:
            return
        if place in ENTRY_KEYS:
            self.compare_entries(place, path)
            return
        if _folded(self.mapped(place, old)) == _folded(new):
            return
        kind, title = entry or (None, None)
        _, resolved = self.new.resolve(schema, new)
        if isinstance(old, list) and isinstance(new, list):
            self.compare_lists(old, new, resolved.get("items", {}), place, path, entry)
        elif (isinstance(old, dict) and isinstance(new, dict)
              and not set(resolved.get("properties", {})) <= {"en", "sv"}):
            for name, sub in resolved.get("properties", {}).items():
                self.compare(old.get(name), new.get(name), sub, _join(place, name), (*path, name), entry)
        else:
            before, after = self.old.value(old, schema, place), self.new.value(new, schema, place)
            if before == after and isinstance(old, dict) and isinstance(new, dict):
                before, after = self.old.text(old, every_language=True), self.new.text(new, every_language=True)
            self.add("changed", place, path, field=place, entry=kind, title=title, before=before, after=after)

    def compare_lists(self, old: list[Any], new: list[Any], items: Mapping[str, Any], place: str,
                      path: FieldPath, entry: tuple[str, str] | None) -> None:
        kind, title = entry or (None, None)
        old_folded = [_folded(value) for value in self.mapped(place, old)]
        new_folded = [_folded(value) for value in new]
        for value, folded in zip(old, old_folded, strict=True):
            if folded not in new_folded:
                self.add("item_removed", place, path, field=place, entry=kind, title=title,
                         item=self.old.value(value, items, place))
        for value, folded in zip(new, new_folded, strict=True):
            if folded not in old_folded:
                self.add("item_added", place, path, field=place, entry=kind, title=title,
                         item=self.new.value(value, items, place))

    def compare_entries(self, kind: str, path: FieldPath) -> None:
        old_entries, new_entries = _get(self.old.model.data, kind) or [], _get(self.new.model.data, kind) or []
        entry_schema = self.new.entry_schema(kind)
        pairs, removed, added = self.matches[kind]
        wanted = self.wording["entries"][kind].get("details", [])
        for i in removed:
            self.add("removed", kind, (*path, i), entry=kind, title=self.old.title(kind, old_entries[i]))
        old_of = {j: i for i, j in pairs}
        for j, new_entry in enumerate(new_entries):  # in the new model's order
            title = self.new.title(kind, new_entry)
            if j in added:
                facts = tuple(
                    (label(self.wording, f"{kind}.{name}"),
                     self.new.value(new_entry.get(name), entry_schema["properties"][name], f"{kind}.{name}"))
                    for name in wanted)
                self.add("added", kind, (*path, j), entry=kind, title=title, details=facts)
                continue
            old_entry = old_entries[old_of[j]]
            if kind in PAGE_DIRS and old_entry["id"] != new_entry["id"]:
                before, after = (self.new.quoted(f"{PAGE_DIRS[kind]}/{entry['id']}/")
                                 for entry in (old_entry, new_entry))
                self.add("changed", f"{kind}.id", (*path, j, "id"), field=f"{kind}.id", entry=kind, title=title,
                         before=before, after=after)
            for name, sub in entry_schema["properties"].items():
                if name in ENTRY_KEYS[kind]:
                    continue  # the key is what matched the two; other renamed ids are no change for readers
                self.compare(old_entry.get(name), new_entry.get(name), sub, f"{kind}.{name}",
                             (*path, j, name), (kind, title))


def _join(place: str, name: str) -> str:
    return f"{place}.{name}" if place else name


def diff_models(old: Model, new: Model, *, policy_dir: Path = POLICY_DIR,
                language: str = DEFAULT_LANGUAGE) -> ModelDiff:
    """Everything that differs between two valid models for a reader of the statement."""
    comparison = _Comparison(old, new, Renderer(policy_dir, language), load_wording(policy_dir, language))
    comparison.compare(old.data, new.data, load_schema(), "", (), None)
    return ModelDiff(
        str(old.data["version"]), str(new.data["version"]),
        date.fromisoformat(old.data["effective_date"]), date.fromisoformat(new.data["effective_date"]),
        tuple(comparison.changes),
        {kind: {old_id: new_id for old_id, new_id in ids.items() if old_id != new_id}
         for kind, ids in comparison.id_map.items()},
        language, policy_dir,
    )


# --- formatting ---------------------------------------------------------------------------------

def _plain(value: str) -> str:
    return value


def sentence(change: Change, wording: Mapping[str, Any], quote: Callable[[str], str] = _plain) -> str:
    """One change as a sentence; `quote` makes the values from the model safe for the output."""
    templates = dict(wording["sentences"])
    kind = ""
    if change.entry is not None:
        entry_wording = wording["entries"][change.entry]
        templates.update(entry_wording.get("sentences", {}))
        kind = entry_wording["kind"]
        template = templates[change.action]
    else:
        template = templates[f"section_{change.action}"]
    details = ""
    if change.details:
        details = wording["details"].format(details=wording["field_separator"].join(
            wording["field_value"].format(field=name, value=quote(words)) for name, words in change.details))
    text = str(template).format(
        kind=kind,
        title=quote(change.title or ""),
        field=label(wording, change.field) if change.field else "",
        before=quote(change.before or ""),
        after=quote(change.after or ""),
        item=quote(change.item or ""),
        details=details,
    )
    # A quoted text that ends a sentence brings its own full stop: “... stored.” not “... stored.”.
    closing = re.escape(str(wording["quoted"]).split("{text}")[-1])
    text = re.sub(rf"([.!?]{closing})\.$", r"\1", text)
    return text[:1].upper() + text[1:]


def sentences(diff: ModelDiff, quote: Callable[[str], str] = _plain) -> list[str]:
    wording = load_wording(diff.policy_dir, diff.language)
    return [sentence(change, wording, quote) for change in diff.changes]


def describe_changes(old: Model, new: Model) -> list[str]:
    """What changed between two versions, in plain sentences (the history's changes page and feed)."""
    return sentences(diff_models(old, new))


def _header(diff: ModelDiff) -> tuple[str, str | None]:
    wording = load_wording(diff.policy_dir, diff.language)
    renderer = Renderer(diff.policy_dir, diff.language)
    versions = wording["versions"].format(
        old_version=diff.old_version, new_version=diff.new_version,
        old_date=renderer.long_date(diff.old_effective_date), new_date=renderer.long_date(diff.new_effective_date))
    warning = None
    if diff.not_raised:
        fields = wording["not_raised_fields"]["both" if len(diff.not_raised) == 2 else diff.not_raised[0]]
        verb = wording["not_raised_verb"]["both" if len(diff.not_raised) == 2 else "one"]
        warning = " ".join(str(wording["not_raised"]).format(fields=fields, verb=verb).split())
    return versions, warning


def _by_section(diff: ModelDiff, quote: Callable[[str], str]) -> Iterator[tuple[str, list[str]]]:
    wording = load_wording(diff.policy_dir, diff.language)
    for section, changes in groupby(diff.changes, key=lambda change: change.section):
        yield wording["sections"].get(section, section), [sentence(change, wording, quote) for change in changes]


def _compared(diff: ModelDiff, compared: tuple[str, str] | None) -> list[str]:
    if compared is None:
        return []
    wording = load_wording(diff.policy_dir, diff.language)
    return [wording["compared"].format(old=compared[0], new=compared[1])]


def format_text(diff: ModelDiff, compared: tuple[str, str] | None = None) -> str:
    """For a terminal: what was compared (names of the old and new side), the versions, a warning
    where they were not raised, and the changes by section."""
    versions, warning = _header(diff)
    lines = [*_compared(diff, compared), versions]
    if warning:
        lines += ["", warning]
    if not diff.changes:
        lines += ["", load_wording(diff.policy_dir, diff.language)["no_change"]]
    for title, texts in _by_section(diff, _plain):
        lines += ["", f"{title}:", *(f"  - {text}" for text in texts)]
    return "\n".join(lines) + "\n"


def format_markdown(diff: ModelDiff, compared: tuple[str, str] | None = None, heading_level: int = 2) -> str:
    """For a pull request's summary. Values from the model are escaped, so they cannot add markup."""
    wording = load_wording(diff.policy_dir, diff.language)
    versions, warning = _header(diff)
    lines = [f"{'#' * heading_level} {wording['markdown_title']}", ""]
    lines += [escape(line) + "  " for line in _compared(diff, compared)]  # two spaces: a line break
    # The versions line holds only version numbers (digits and dots, by the schema) and dates.
    lines.append(versions)
    if warning:
        lines += ["", f"> {warning}"]
    if not diff.changes:
        lines += ["", wording["no_change"]]
    for title, texts in _by_section(diff, escape):
        lines += ["", f"{'#' * (heading_level + 1)} {title}", "", *(f"- {text}" for text in texts)]
    return "\n".join(lines) + "\n"


FORMATTERS: dict[str, Callable[[ModelDiff, tuple[str, str] | None], str]] = {
    "text": format_text, "markdown": format_markdown}


__all__ = ["ENTRY_KEYS", "FORMATTERS", "NOT_COMPARED", "REFERENCE_FIELDS", "Change", "ModelDiff",
           "describe_changes", "diff_models", "format_markdown", "format_text", "label", "sentence",
           "sentences"]
