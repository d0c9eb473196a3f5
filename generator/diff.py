"""What a change to the model changes for readers of the statement, in words.

`diff_models` compares two valid models and returns structured changes: which entry or field
was added, removed, changed or moved, with the values before and after already put in words
(names of legal bases, durations, countries, the names of the entries an id refers to).
`format_text`, `format_markdown`, `format_json` and `describe_changes` turn those into sentences.
All wording comes from `policy/texts/diff.LANG.yaml` (sentences, field names) and
`policy/texts/LANG.yaml` (names of the closed lists), through the renderer's own filters, so a
value reads the same here as on the published statement.

The comparison follows the JSON Schema, so every field of the model is covered, a field added to
the schema included: entries of a list are matched by their id (transfers by recipient and
country, rights by right, acknowledgements by rule and path), one entry to one entry even where
two share a key; other lists are compared item by item, counting repeats and minding their order,
since the pages show them in order; texts compare with their whitespace folded, because the pages
show them that way.

Whether readers see a change is not guessed: it is what the core renderer makes of it. Both
models' pages are rendered, in every language of the site (with the same version and date); when
they are the same, no change is visible. Otherwise each change is undone alone in the new model
(or made alone in the old one) and the pages rendered again: a change is visible when that alters
a page. Changes no reader sees (acknowledgements, a translation in a language the site is not made
in, a renamed id only the model uses) are reported apart and do not ask for a new version.
"""

from __future__ import annotations

import copy
import json
import re
import string
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import groupby
from typing import Any, Literal

from generator.load import Document
from generator.policy import Policy
from generator.problems import FieldPath, format_path
from generator.render import (
    DEFAULT_LANGUAGE,
    Renderer,
    escape,
    render_site,
    renderer_for,
    service_page,
    site_page,
)
from generator.translations import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    in_languages,
    is_text,
    is_text_schema,
    translated_languages,
)
from generator.translations import findings as translation_findings
from generator.validate import COLLECTIONS, REFERENCES, SELF_PROVIDER, Model, walk

Action = Literal["added", "removed", "changed", "item_added", "item_removed", "item_count", "reordered", "moved",
                 "address_changed"]

# Shown as the comparison's first line, not as changes.
NOT_COMPARED = frozenset({"schema_version", "version", "effective_date"})
# The lists whose entries are matched between the two models, by these fields.
ENTRY_KEYS: dict[str, tuple[str, ...]] = {
    **{collection: ("id",) for collection in COLLECTIONS},
    "transfers": ("recipient", "country"),
    "rights.list": ("right",),
    "acknowledged_findings": ("rule", "at"),
}
# Fields holding ids (or lists of ids), by their place in the model, and the collection they name.
REFERENCE_FIELDS: dict[str, str] = {
    ".".join(step for step in pattern if step != "*"): collection for collection, pattern in REFERENCES
}


@dataclass(frozen=True)
class Change:
    """One thing that differs between the two models.

    `field` and `entry` are places in the model without list numbers (`trackers.lifetime`,
    `trackers`); `path` is where the change is in the model file (the new one, the old one for
    removals). `title`, `before`, `after`, `item` and `details` are already in words. `visible`:
    whether some page of the site differs because of it."""

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
    visible: bool = True


@dataclass(frozen=True)
class ModelDiff:
    old_version: str
    new_version: str
    old_effective_date: date
    new_effective_date: date
    changes: tuple[Change, ...]
    policy: Policy = field(repr=False, compare=False)  # whose wording the formatters use
    # Entries matched across an id rename, by collection: {"purposes": {"old-id": "new-id"}}.
    renamed_ids: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    language: str = DEFAULT_LANGUAGE
    # Translations in the new model not brought in line with their changed English text, of the
    # languages the model lists under languages.translations: (the text's path, the language).
    stale_translations: tuple[tuple[str, str], ...] = ()

    @property
    def visible_changes(self) -> tuple[Change, ...]:
        """What readers of the published site would find different."""
        return tuple(change for change in self.changes if change.visible)

    @property
    def hidden_changes(self) -> tuple[Change, ...]:
        """Changes to the model that no page shows."""
        return tuple(change for change in self.changes if not change.visible)

    @property
    def version_raised(self) -> bool:
        return _version_key(self.new_version) > _version_key(self.old_version)

    @property
    def effective_date_raised(self) -> bool:
        return self.new_effective_date > self.old_effective_date

    @property
    def not_raised(self) -> tuple[str, ...]:
        """`version` and/or `effective_date` when readers would see a change the two don't announce."""
        if not self.visible_changes:
            return ()
        return tuple(name for name, raised in (("version", self.version_raised),
                                               ("effective_date", self.effective_date_raised)) if not raised)


def _version_key(number: str) -> tuple[int, ...]:
    parts = [int(part) for part in number.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))  # 1.1 is 1.1.0


# --- values in words ----------------------------------------------------------------------------

def _folded(value: Any) -> Any:
    """The value as a reader sees it: texts with their whitespace folded, as the pages show them, and
    without the marks that say what a translation was translated from."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        shown = in_languages(value) if is_text(value) else value
        return {key: _folded(item) for key, item in shown.items() if item is not None}
    if isinstance(value, list):
        return [_folded(item) for item in value]
    return value


def _same(value: Any) -> str:
    """A key under which values a reader cannot tell apart are equal."""
    return json.dumps(_folded(value), sort_keys=True, ensure_ascii=False)


def _entries(data: Any, kind: str) -> list[Any]:
    """The entries of a list of entries; none where the model writes `none` or leaves it out."""
    found = _get(data, kind)
    return found if isinstance(found, list) else []


def _get(data: Any, place: str) -> Any:
    for step in place.split("."):
        data = data.get(step) if isinstance(data, dict) else None
    return data


def _address(page: str) -> str:
    """A page's address on the site, as MkDocs gives it (directory URLs)."""
    return page.removesuffix(".md") + "/"


class _Words:
    """Values of one model in words."""

    def __init__(self, model: Model, renderer: Renderer, wording: Mapping[str, Any],
                 schema: Mapping[str, Any]) -> None:
        self.model = model
        self.renderer = renderer
        self.wording = wording
        self.root = schema

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
            return str(self.wording["field_separator"]).join(
                f"{language}: {self.quoted(text)}" for language, text in in_languages(value).items())
        if not value.get(self.renderer.language):
            # Only texts in the report's language are quoted.
            return str(self.wording["untranslated"])
        return self.quoted(self.renderer.translate(value))

    def value(self, value: Any, schema: Mapping[str, Any], place: str) -> str:
        if value is None:
            return str(self.wording["not_stated"])
        name, schema = self.resolve(schema, value)
        if isinstance(value, list):
            if not value:
                return str(self.wording["empty_list"])
            items = schema.get("items", {})
            return str(self.wording["list_separator"]).join(self.value(item, items, place) for item in value)
        fixed = self.wording["values"].get(place, {})
        if isinstance(value, str) and value in fixed:  # such as `none` where ids could stand
            return str(fixed[value])
        if place in REFERENCE_FIELDS:
            return self.reference(REFERENCE_FIELDS[place], value)
        if isinstance(value, bool):
            key = "true" if value else "false"
            return str(fixed.get(key, self.wording[key]))
        if isinstance(value, str) and value in fixed:
            return str(fixed[value])
        if place in self.wording["closed_lists"]:
            named = self.renderer.texts[self.wording["closed_lists"][place]].get(value, value)
            if isinstance(named, dict):
                return str(self.wording["named_with_article"].format(**named))
            # Standard wording may name the controller, as "{controller}" (texts.parties.first).
            return str(named).replace("{controller}", self.model.data["controller"]["legal_name"])
        if isinstance(value, dict):
            return self.mapping(value, name, schema, place)
        if name == "duration":
            return self.renderer.duration(value)
        if name == "country":
            return self.renderer.country(value)
        return str(value)

    def mapping(self, value: Mapping[str, Any], name: str | None, schema: Mapping[str, Any], place: str) -> str:
        properties = schema.get("properties", {})
        if name == "text" or is_text_schema(properties):
            return self.text(value)
        parts = {key: self.value(value.get(key), sub, f"{place}.{key}") for key, sub in properties.items()}
        form = self.wording["forms"].get(name or "")
        # A form may be a list: the first whose fields the value all has (a legal basis with or without
        # what it applies to).
        for candidate in form if isinstance(form, list) else [form] if form else []:
            fields = [field for _, field, _, _ in string.Formatter().parse(str(candidate)) if field]
            if all(value.get(field) is not None for field in fields):
                return str(candidate).format(**parts)
        return str(self.wording["field_separator"]).join(
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

    def times(self, count: int) -> str:
        words = self.wording["times"]
        return str(words.get(str(count), words["many"])).format(count=count)

    def addresses(self, kind: str, entry: Mapping[str, Any]) -> list[str] | None:
        """Where on the site an entry can be linked to (its page, or its anchor on the pages that show
        it), for the entries whose id is part of an address; None for the others."""
        if kind == "sites":
            return [_address(site_page(entry["id"]))]
        if kind == "services":
            return [_address(service_page(entry["id"]))]
        if kind == "trackers":
            return [f"{_address(site_page(site['id']))}#{entry['id']}" for site in self.model.data.get("sites") or []
                    if entry["id"] in site.get("trackers", [])]
        return None


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


# --- probes: one change alone, to see whether the pages show it ---------------------------------

_ABSENT = object()


@dataclass(frozen=True)
class _Probe:
    """How to isolate one change: an edit of a copy of one side's data (`new`: undo the change;
    `old`: make it). Changes with the same key share one edit (the items of one list, say)."""

    key: tuple[Any, ...]
    side: Literal["old", "new"]
    edit: Callable[[dict[str, Any]], None]


def _container(data: Any, path: FieldPath) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


def _set(path: FieldPath, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        container = _container(data, path)
        if value is _ABSENT:
            container.pop(path[-1], None)
        else:
            container[path[-1]] = copy.deepcopy(value)
    return edit


def _delete(path: FieldPath) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        del _container(data, path)[path[-1]]
    return edit


def _renamed(collection: str, number: int, old_id: str, new_id: str) -> Callable[[dict[str, Any]], None]:
    """Give entry `number` of `collection` its old id back, everywhere it is referred to."""
    def edit(data: dict[str, Any]) -> None:
        data[collection][number]["id"] = old_id
        for referred, pattern in REFERENCES:
            if referred == collection:
                for path, value in list(walk(data, pattern)):
                    if value == new_id:
                        _container(data, path)[path[-1]] = old_id
    return edit


def _reordered(kind: str, pairs: Sequence[tuple[int, int]]) -> Callable[[dict[str, Any]], None]:
    """Put the entries both models have back in the old model's order, leaving added ones in place."""
    def edit(data: dict[str, Any]) -> None:
        entries = _get(data, kind)
        places = sorted(j for _, j in pairs)
        in_old_order = [entries[j] for _, j in sorted(pairs)]
        for place, entry in zip(places, in_old_order, strict=True):
            entries[place] = entry
    return edit


# --- comparing ----------------------------------------------------------------------------------

Matches = tuple[list[tuple[int, int]], list[int], list[int]]


class _Comparison:
    def __init__(self, old: Model, new: Model, policy: Policy, language: str, every_language: bool = True) -> None:
        renderer, wording = renderer_for(policy, language), policy.wording_in(language)
        self.old = _Words(old, renderer, wording, policy.schema)
        self.new = _Words(new, renderer, wording, policy.schema)
        self.wording = wording
        # Whether a change to a text in another language than the report's may be quoted in that
        # language (not for the site of a translation alone: its readers read only its texts).
        self.every_language = every_language
        self.changes: list[Change] = []
        self.probes: list[_Probe] = []
        # Matched entries, so that an id renamed with the entry's name unchanged is the same entry,
        # and references to it are compared by what they point at.
        self.id_map: dict[str, dict[str, str]] = {}
        self.matches: dict[str, Matches] = {}
        for kind in ENTRY_KEYS:  # collections first, in the order they refer to each other
            matched = self.match(kind)
            self.matches[kind] = matched
            if kind in COLLECTIONS:
                old_entries, new_entries = _entries(old.data, kind), _entries(new.data, kind)
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

    def mapped_entry(self, kind: str, entry: Mapping[str, Any]) -> dict[str, Any]:
        return {name: self.mapped(f"{kind}.{name}", value) for name, value in entry.items()}

    def match(self, kind: str) -> Matches:
        """(old, new) pairs of the same entry, then the old entries removed and the new ones added.

        Entries with the same key are paired one to one: identical ones first, then in order, so two
        transfers to one recipient and country stay two entries on each side."""
        old_entries, new_entries = _entries(self.old.model.data, kind), _entries(self.new.model.data, kind)
        fields = ENTRY_KEYS[kind]
        old_mapped = [self.mapped_entry(kind, entry) for entry in old_entries]
        unmatched: dict[str, list[int]] = {}
        for j, entry in enumerate(new_entries):
            unmatched.setdefault(_same([entry.get(name) for name in fields]), []).append(j)
        pairs: list[tuple[int, int]] = []
        waiting: list[int] = []
        for i, entry in enumerate(old_mapped):  # identical entries first
            candidates = unmatched.get(_same([entry.get(name) for name in fields]), [])
            identical = next((j for j in candidates if _same(new_entries[j]) == _same(entry)), None)
            if identical is None:
                waiting.append(i)
            else:
                candidates.remove(identical)
                pairs.append((i, identical))
        removed = []
        for i in waiting:  # then the others with the same key, in order
            candidates = unmatched.get(_same([old_mapped[i].get(name) for name in fields]), [])
            if candidates:
                pairs.append((i, candidates.pop(0)))
            else:
                removed.append(i)
        added = sorted(j for candidates in unmatched.values() for j in candidates)
        if kind in COLLECTIONS:
            # An entry whose id changed is the same entry when readers know it by the same name,
            # or when nothing but the id changed.
            sames: tuple[Callable[[_Words, Mapping[str, Any]], str], ...] = (
                lambda words, entry: _same(words.title(kind, entry)),
                lambda words, entry: _same({k: v for k, v in entry.items() if k not in fields}),
            )
            for same in sames:
                candidates_by_value: dict[str, int] = {}
                for j in added:
                    candidates_by_value.setdefault(same(self.new, new_entries[j]), j)
                for i in list(removed):
                    entry = old_mapped[i] if same is sames[1] else old_entries[i]
                    renamed = candidates_by_value.pop(same(self.old, entry), None)
                    if renamed is not None and renamed in added:
                        pairs.append((i, renamed))
                        removed.remove(i)
                        added.remove(renamed)
        return sorted(pairs), removed, added

    def add(self, action: Action, place: str, path: FieldPath, probe: _Probe, **words: Any) -> None:
        self.changes.append(Change(action, place.split(".", 1)[0], format_path(path), **words))
        self.probes.append(probe)

    def compare(self, old: Any, new: Any, schema: Mapping[str, Any], place: str, path: FieldPath,
                entry: tuple[str, str] | None) -> None:
        if place in NOT_COMPARED:
            return
        if place in ENTRY_KEYS and not isinstance(old, str) and not isinstance(new, str):  # `none` is a value
            self.compare_entries(place, path)
            return
        if _same(self.mapped(place, old)) == _same(new):
            return
        kind, title = entry or (None, None)
        _, resolved = self.new.resolve(schema, new)
        if isinstance(old, list) and isinstance(new, list):
            self.compare_lists(old, new, resolved.get("items", {}), place, path, entry)
        elif (isinstance(old, dict) and isinstance(new, dict)
              and not is_text_schema(resolved.get("properties", {}))):
            for name, sub in resolved.get("properties", {}).items():
                self.compare(old.get(name), new.get(name), sub, _join(place, name), (*path, name), entry)
        else:
            before, after = self.old.value(old, schema, place), self.new.value(new, schema, place)
            if before == after and isinstance(old, dict) and isinstance(new, dict) and self.every_language:
                before, after = self.old.text(old, every_language=True), self.new.text(new, every_language=True)
            self.add("changed", place, path, self.undo(path, old, place), field=place, entry=kind, title=title,
                     before=before, after=after)

    def undo(self, path: FieldPath, old: Any, place: str) -> _Probe:
        """The new model with the field at `path` as it was."""
        value = _ABSENT if old is None else self.mapped(place, old)
        return _Probe(("field", path), "new", _set(path, value))

    def compare_lists(self, old: list[Any], new: list[Any], items: Mapping[str, Any], place: str,
                      path: FieldPath, entry: tuple[str, str] | None) -> None:
        """Items removed and added, items now listed more or fewer times, and a new order."""
        kind, title = entry or (None, None)
        probe = self.undo(path, old, place)
        old_keys = [_same(value) for value in self.mapped(place, old)]
        new_keys = [_same(value) for value in new]
        old_count, new_count = Counter(old_keys), Counter(new_keys)
        words = {"field": place, "entry": kind, "title": title}
        for key, value in dict(zip(old_keys, old, strict=True)).items():
            if not new_count[key]:
                self.add("item_removed", place, path, probe, item=self.old.value(value, items, place), **words)
        for key, value in dict(zip(new_keys, new, strict=True)).items():
            if not old_count[key]:
                self.add("item_added", place, path, probe, item=self.new.value(value, items, place), **words)
            elif old_count[key] != new_count[key]:
                self.add("item_count", place, path, probe, item=self.new.value(value, items, place),
                         before=self.new.times(old_count[key]), after=self.new.times(new_count[key]), **words)
        common = old_count & new_count
        if _kept(old_keys, common) != _kept(new_keys, common):
            self.add("reordered", place, path, probe, after=self.new.value(new, {"items": items}, place), **words)

    def compare_entries(self, kind: str, path: FieldPath) -> None:
        old_entries, new_entries = _entries(self.old.model.data, kind), _entries(self.new.model.data, kind)
        entry_schema = self.new.entry_schema(kind)
        pairs, removed, added = self.matches[kind]
        wanted = self.wording["entries"][kind].get("details", [])
        for i in removed:
            self.add("removed", kind, (*path, i), _Probe(("removed", kind, i), "old", _delete((*path, i))),
                     entry=kind, title=self.old.title(kind, old_entries[i]))
        old_of = {j: i for i, j in pairs}
        moved = _moved(pairs)
        for j, new_entry in enumerate(new_entries):  # in the new model's order
            title = self.new.title(kind, new_entry)
            if j in added:
                facts = tuple(
                    (label(self.wording, f"{kind}.{name}"),
                     self.new.value(new_entry.get(name), entry_schema["properties"][name], f"{kind}.{name}"))
                    for name in wanted)
                self.add("added", kind, (*path, j), _Probe(("added", kind, j), "new", _delete((*path, j))),
                         entry=kind, title=title, details=facts)
                continue
            old_entry = old_entries[old_of[j]]
            if j in moved:
                self.add("moved", kind, (*path, j), _Probe(("order", kind), "new", _reordered(kind, pairs)),
                         entry=kind, title=title, before=str(old_of[j] + 1), after=str(j + 1))
            if kind in COLLECTIONS and old_entry["id"] != new_entry["id"]:
                self.compare_ids(kind, (*path, j), old_entry, new_entry, title)
            for name, sub in entry_schema["properties"].items():
                if name in ENTRY_KEYS[kind]:
                    continue  # the key is what matched the two
                self.compare(old_entry.get(name), new_entry.get(name), sub, f"{kind}.{name}",
                             (*path, j, name), (kind, title))

    def compare_ids(self, kind: str, path: FieldPath, old_entry: Mapping[str, Any], new_entry: Mapping[str, Any],
                    title: str) -> None:
        """A renamed id: where the id is part of an address on the site, the address moves."""
        probe = _Probe(("id", kind, path[-1]), "new", _renamed(kind, int(path[-1]), old_entry["id"], new_entry["id"]))
        words = {"field": f"{kind}.id", "entry": kind, "title": title}
        old_addresses, new_addresses = self.old.addresses(kind, old_entry), self.new.addresses(kind, new_entry)
        if old_addresses or new_addresses:
            before, after = (self.new.value([self.new.quoted(address) for address in addresses or []],
                                            {"type": "array"}, "")
                             for addresses in (old_addresses, new_addresses))
            self.add("address_changed", f"{kind}.id", (*path, "id"), probe, before=before, after=after, **words)
        else:
            self.add("changed", f"{kind}.id", (*path, "id"), probe, before=self.old.quoted(old_entry["id"]),
                     after=self.new.quoted(new_entry["id"]), **words)


def _kept(keys: list[str], common: Counter[str]) -> list[str]:
    """`keys` without the items the other side does not have (as many times as both have them)."""
    left = Counter(common)
    kept = []
    for key in keys:
        if left[key]:
            kept.append(key)
            left[key] -= 1
    return kept


def _moved(pairs: list[tuple[int, int]]) -> set[int]:
    """The new positions of the entries that moved: those outside a longest run of entries that kept
    their order (so a swap of two neighbours moves one entry, not every entry after it)."""
    by_new = sorted(pairs, key=lambda pair: pair[1])
    olds = [i for i, _ in by_new]
    # Longest increasing subsequence of the old positions, in the new order (patience sorting).
    tails: list[int] = []
    tail_at: list[int] = []
    previous: list[int] = [-1] * len(olds)
    for index, value in enumerate(olds):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if tails[middle] < value:
                low = middle + 1
            else:
                high = middle
        previous[index] = tail_at[low - 1] if low else -1
        if low == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[low] = value
            tail_at[low] = index
    kept: set[int] = set()
    index = tail_at[-1] if tail_at else -1
    while index != -1:
        kept.add(index)
        index = previous[index]
    return {j for index, (_, j) in enumerate(by_new) if index not in kept}


def _join(place: str, name: str) -> str:
    return f"{place}.{name}" if place else name


# --- what readers see ---------------------------------------------------------------------------

Pages = tuple[Any, ...]


@dataclass(frozen=True)
class _Site:
    """What is rendered to see what readers see: the site's languages, on a day, with a policy."""

    languages: tuple[str, ...]
    today: date
    policy: Policy


def _pages(data: dict[str, Any], site: _Site) -> Pages:
    """Every page and file the core renderer makes of `data`, as a single version, in every language."""
    index = {collection: {entry["id"]: entry for entry in data.get(collection) or []} for collection in COLLECTIONS}
    model = Model(Document("diff", data, {}, {}), index)
    pages: list[Any] = []
    for language in site.languages:
        rendered = render_site(model, site.policy, today=site.today, language=language)
        # A title is plain text that engines put into HTML, where a run of whitespace shows as one space.
        pages += [(language, page.path, " ".join(page.title.split()), page.markdown) for page in rendered.pages]
        pages += [(language, *file) for file in rendered.files]
    return tuple(pages)


def _probe_pages(probe: _Probe, data: dict[str, Any], site: _Site) -> Pages | None:
    """The pages of a copy of `data` with the probe's edit made; None when the edit leaves data the
    renderer cannot show (an entry gone that another still refers to): the change cannot be seen
    alone, so it counts as visible."""
    data = copy.deepcopy(data)
    try:
        probe.edit(data)
        return _pages(data, site)
    except Exception:  # a probe's model is not validated, so any failure of the renderer can happen
        return None


def _visibility(comparison: _Comparison, old: Model, new: Model, languages: Sequence[str],
                policy: Policy) -> list[bool]:
    """For each change, whether some page of the site, in one of its `languages`, differs because of it."""
    count = len(comparison.changes)
    if not count:
        return []
    site = _Site(tuple(languages), date.fromisoformat(new.data["effective_date"]), policy)
    # The version and date are the comparison's first line, not a change: both sides get the new ones.
    stamp = {"version": new.data["version"], "effective_date": new.data["effective_date"]}
    sides = {"old": {**old.document.data, **stamp}, "new": new.document.data}
    rendered = {side: _pages(data, site) for side, data in sides.items()}
    if rendered["old"] == rendered["new"]:
        return [False] * count
    seen: dict[tuple[Any, ...], bool] = {}
    for probe in comparison.probes:
        if probe.key not in seen:
            alone = _probe_pages(probe, sides[probe.side], site)
            seen[probe.key] = alone != rendered[probe.side]
    flags = [seen[probe.key] for probe in comparison.probes]
    # Pages differ, so something the diff found shows; if no change shows alone, they show together.
    return flags if any(flags) else [True] * count


def diff_models(old: Model, new: Model, policy: Policy, *, language: str = DEFAULT_LANGUAGE,
                languages: Sequence[str] = LANGUAGES) -> ModelDiff:
    """Everything that differs between two valid models, in words of `language`, each change marked
    visible or not on the site in `languages` (by default every language the site is made in)."""
    comparison = _Comparison(old, new, policy, language,
                             every_language=language == SOURCE_LANGUAGE or tuple(languages) != (language,))
    comparison.compare(old.data, new.data, policy.schema, "", (), None)
    visible = _visibility(comparison, old, new, languages, policy)
    changes = tuple(replace(change, visible=shown) for change, shown in zip(comparison.changes, visible, strict=True))
    return ModelDiff(
        old_version=str(old.data["version"]), new_version=str(new.data["version"]),
        old_effective_date=date.fromisoformat(old.data["effective_date"]),
        new_effective_date=date.fromisoformat(new.data["effective_date"]),
        changes=changes, policy=policy, renamed_ids=_renames(comparison), language=language,
        stale_translations=tuple((format_path(found.path), found.language)
                                 for found in translation_findings(new.data, translated_languages(new.data))
                                 if found.status == "stale"),
    )


def _renames(comparison: _Comparison) -> dict[str, dict[str, str]]:
    return {kind: {old_id: new_id for old_id, new_id in ids.items() if old_id != new_id}
            for kind, ids in comparison.id_map.items()}


def renamed_ids(old: Model, new: Model, policy: Policy, *,
                language: str = DEFAULT_LANGUAGE) -> dict[str, dict[str, str]]:
    """The entries matched across an id rename, by collection, as `diff_models` matches them (without
    comparing or rendering anything else)."""
    return _renames(_Comparison(old, new, policy, language))


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
    """The changes readers of the site see, as sentences."""
    wording = diff.policy.wording_in(diff.language)
    return [sentence(change, wording, quote) for change in diff.visible_changes]


def describe_changes(old: Model, new: Model, policy: Policy, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """What changed between two versions for readers of the site in `language`, in plain sentences
    in that language, quoting only its texts (the changes page and feed of that language's site)."""
    return sentences(diff_models(old, new, policy, language=language, languages=(language,)))


def _header(diff: ModelDiff) -> tuple[str, str | None]:
    wording = diff.policy.wording_in(diff.language)
    renderer = renderer_for(diff.policy, diff.language)
    versions = wording["versions"].format(
        old_version=diff.old_version, new_version=diff.new_version,
        old_date=renderer.long_date(diff.old_effective_date), new_date=renderer.long_date(diff.new_effective_date))
    warnings = []
    if diff.not_raised:
        fields = wording["not_raised_fields"]["both" if len(diff.not_raised) == 2 else diff.not_raised[0]]
        verb = wording["not_raised_verb"]["both" if len(diff.not_raised) == 2 else "one"]
        warnings.append(str(wording["not_raised"]).format(fields=fields, verb=verb))
    for language in dict.fromkeys(language for _, language in diff.stale_translations):
        places = [place for place, stale in diff.stale_translations if stale == language]
        warnings.append(str(wording["stale_translations"]).format(
            language=renderer.language_name(language),
            places=wording["list_separator"].join(f"`{place}`" for place in places)))
    return versions, "\n\n".join(" ".join(warning.split()) for warning in warnings) or None


def _by_section(diff: ModelDiff, changes: Sequence[Change],
                quote: Callable[[str], str]) -> Iterator[tuple[str, list[str]]]:
    wording = diff.policy.wording_in(diff.language)
    for section, grouped in groupby(changes, key=lambda change: change.section):
        yield wording["sections"].get(section, section), [sentence(change, wording, quote) for change in grouped]


def _compared(diff: ModelDiff, compared: tuple[str, str] | None) -> list[str]:
    if compared is None:
        return []
    wording = diff.policy.wording_in(diff.language)
    return [wording["compared"].format(old=compared[0], new=compared[1])]


def format_text(diff: ModelDiff, compared: tuple[str, str] | None = None) -> str:
    """For a terminal: what was compared (names of the old and new side), the versions, a warning
    where they were not raised, the changes readers see by section, then those no page shows."""
    wording = diff.policy.wording_in(diff.language)
    versions, warning = _header(diff)
    lines = [*_compared(diff, compared), versions]
    if warning:
        lines += ["", warning]
    if not diff.visible_changes:
        lines += ["", wording["no_change"]]
    for title, texts in _by_section(diff, diff.visible_changes, _plain):
        lines += ["", f"{title}:", *(f"  - {text}" for text in texts)]
    if diff.hidden_changes:
        lines += ["", f"{wording['not_visible']}:",
                  *(f"  - {sentence(change, wording)}" for change in diff.hidden_changes)]
    return "\n".join(lines) + "\n"


def format_markdown(diff: ModelDiff, compared: tuple[str, str] | None = None, heading_level: int = 2) -> str:
    """For a pull request's summary. Values from the model are escaped, so they cannot add markup."""
    wording = diff.policy.wording_in(diff.language)
    versions, warning = _header(diff)
    lines = [f"{'#' * heading_level} {wording['markdown_title']}", ""]
    lines += [escape(line) + "  " for line in _compared(diff, compared)]  # two spaces: a line break
    # The versions line holds only version numbers (digits and dots, by the schema) and dates.
    lines.append(versions)
    if warning:
        lines += ["", "> " + warning.replace("\n\n", "\n>\n> ")]
    if not diff.visible_changes:
        lines += ["", wording["no_change"]]
    for title, texts in _by_section(diff, diff.visible_changes, escape):
        lines += ["", f"{'#' * (heading_level + 1)} {title}", "", *(f"- {text}" for text in texts)]
    if diff.hidden_changes:
        lines += ["", f"{'#' * (heading_level + 1)} {wording['not_visible']}", "", wording["not_visible_note"], "",
                  *(f"- {sentence(change, wording, escape)}" for change in diff.hidden_changes)]
    return "\n".join(lines) + "\n"


def format_json(diff: ModelDiff, compared: tuple[str, str] | None = None) -> str:
    """For tools: the versions, the warning, and every change with its sentence, visible or not."""
    wording = diff.policy.wording_in(diff.language)
    _, warning = _header(diff)

    def described(change: Change) -> dict[str, Any]:
        return {"section": change.section, "section_title": wording["sections"].get(change.section, change.section),
                "action": change.action, "path": change.path, "field": change.field, "entry": change.entry,
                "title": change.title, "before": change.before, "after": change.after, "item": change.item,
                "sentence": sentence(change, wording)}

    names = compared or (None, None)
    report = {
        "old": {"name": names[0], "version": diff.old_version, "effective_date": diff.old_effective_date.isoformat()},
        "new": {"name": names[1], "version": diff.new_version, "effective_date": diff.new_effective_date.isoformat()},
        "not_raised": list(diff.not_raised),
        "warning": warning,
        "stale_translations": [{"path": place, "language": language} for place, language in diff.stale_translations],
        "visible": [described(change) for change in diff.visible_changes],
        "not_visible": [described(change) for change in diff.hidden_changes],
        "renamed_ids": {kind: dict(ids) for kind, ids in diff.renamed_ids.items() if ids},
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


FORMATTERS: dict[str, Callable[[ModelDiff, tuple[str, str] | None], str]] = {
    "text": format_text, "markdown": format_markdown, "json": format_json}


__all__ = ["ENTRY_KEYS", "FORMATTERS", "NOT_COMPARED", "REFERENCE_FIELDS", "Change", "ModelDiff",
           "describe_changes", "diff_models", "format_json", "format_markdown", "format_text", "label",
           "renamed_ids", "sentence", "sentences"]
