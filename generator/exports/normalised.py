"""`json`: the whole model after validation, normalised; and `json-schema`, the JSON Schema of it.

Normalised means a shape a program can rely on within a schema version:

- every field the model's schema defines is present, in the schema's order, `null` where the model
  leaves it out or leaves a gap (a text keeps just the languages it has);
- every reference by id (`REFERENCES` of generator.validate) is replaced by the entry it names,
  itself normalised, with its `id` kept; `controller` as a tracker's provider and `none` stay as
  they are.

The schema of the result is derived from the model's schema by the same two rules, so it cannot
drift from it: each collection's entry becomes a `$defs` entry, a reference points at it, and every
field becomes required and nullable.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from generator.exports.common import Request, Words, json_bytes
from generator.validate import COLLECTIONS, REFERENCES, SELF_PROVIDER, Model

TEXT = "text"  # the $def of a text in each language: its languages stay as written
NULL = {"type": "null"}


def _entry_def(collection: str) -> str:
    return f"{collection}-entry"


# --- the data ------------------------------------------------------------------------------------

def _definition(schema: Mapping[str, Any], root: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name, root["$defs"][name]
    return None, schema


def _filled(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    """`value` with every field its schema defines, in the schema's order (None where absent)."""
    name, schema = _definition(schema, root)
    if name == TEXT:
        return dict(value) if isinstance(value, dict) else value
    for branch in schema.get("anyOf", ()):
        _, resolved = _definition(branch, root)
        if isinstance(value, dict) and "properties" in resolved:
            return _filled(value, branch, root)
        if isinstance(value, list) and "items" in resolved:
            return _filled(value, branch, root)
    if isinstance(value, dict) and "properties" in schema:
        return {field: _filled(value.get(field), field_schema, root)
                for field, field_schema in schema["properties"].items()}
    if isinstance(value, list) and "items" in schema:
        return [_filled(item, schema["items"], root) for item in value]
    return value


def _replaced(value: Any, steps: tuple[str, ...], swap: Callable[[str], Any]) -> Any:
    """A copy of `value` with the ids that `steps` reach swapped; containers off the path are shared."""
    if not steps:
        return swap(value) if isinstance(value, str) else value
    head, rest = steps[0], steps[1:]
    if head == "*":
        return [_replaced(item, rest, swap) for item in value] if isinstance(value, list) else value
    if isinstance(value, dict) and head in value:
        return {**value, head: _replaced(value[head], rest, swap)}
    return value


def normalised(model: Model, schema: Mapping[str, Any]) -> dict[str, Any]:
    """The model with every field present and every reference resolved (see the module's doc)."""
    data = _filled(model.data, schema, schema)
    entries = {collection: {entry["id"]: entry for entry in data[collection] or []} for collection in COLLECTIONS}
    resolved: dict[tuple[str, str], Any] = {}

    def swapper(collection: str) -> Callable[[str], Any]:
        def swap(ident: str) -> Any:
            if ident not in entries[collection]:
                return ident  # the controller as a tracker's provider
            return resolve(collection, ident)
        return swap

    def references_in(value: Any, owner: str) -> Any:
        for target, pattern in REFERENCES:
            if pattern[0] == owner:
                value = _replaced(value, pattern[2:], swapper(target))
        return value

    def resolve(collection: str, ident: str) -> Any:
        key = (collection, ident)
        if key not in resolved:
            resolved[key] = references_in(entries[collection][ident], collection)
        return resolved[key]

    result = dict(data)
    for collection in COLLECTIONS:
        if isinstance(data[collection], list):
            result[collection] = [resolve(collection, entry["id"]) for entry in data[collection]]
    for target, pattern in REFERENCES:
        if pattern[0] not in COLLECTIONS:
            result = _replaced(result, pattern, swapper(target))
    return result


def export_json(request: Request) -> bytes:
    return json_bytes(normalised(request.model, request.policy.schema))


# --- the schema ----------------------------------------------------------------------------------

def _inside(node: dict[str, Any], step: str, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of `step` (a field name, or "*" for a list's items) within `node`."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    for branch in node.get("anyOf", ()):
        resolved = defs[branch["$ref"].rsplit("/", 1)[-1]] if "$ref" in branch else branch
        if ("items" if step == "*" else "properties") in resolved:
            node = resolved
            break
    found: dict[str, Any] = node["items"] if step == "*" else node["properties"][step]
    return found


def _point_at_entries(field: dict[str, Any], collection: str, pattern: tuple[str, ...]) -> None:
    """Turn the id a reference field holds into the entry it names, in place."""
    entry = {"$ref": f"#/$defs/{_entry_def(collection)}"}
    branches = field.get("anyOf")
    if branches is None:
        description = field.get("description")
        field.clear()
        field.update(entry)
        if description:
            field["description"] = description
        return
    field["anyOf"] = [entry if branch.get("$ref") == "#/$defs/id" else branch for branch in branches]
    if pattern == ("trackers", "*", "provider"):
        field["anyOf"].insert(0, {"const": SELF_PROVIDER})


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "null" or any(branch.get("type") == "null" for branch in schema.get("anyOf", ())):
        return schema
    wrapped: dict[str, Any] = {"anyOf": [schema, dict(NULL)]}
    if "description" in schema:
        wrapped["description"] = schema["description"]
    return wrapped


def _every_field_present(node: Any) -> None:
    """Make every field of every object required, and the ones the model may leave out nullable."""
    if isinstance(node, list):
        for item in node:
            _every_field_present(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _every_field_present(value)
    properties = node.get("properties")
    if isinstance(properties, dict) and node.get("type") == "object":
        required = set(node.get("required", ()))
        for name in list(properties):
            if name not in required:
                properties[name] = _nullable(properties[name])
        node["required"] = list(properties)


def normalised_schema(schema: Mapping[str, Any], words: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema of `normalised` for models of `schema`; `words` is `exports.json_schema` of the texts."""
    root = copy.deepcopy(dict(schema))
    defs: dict[str, Any] = root["$defs"]
    text = defs.pop(TEXT)
    for collection in COLLECTIONS:
        listing = root["properties"][collection]
        entry = listing["items"]
        entry["description"] = str(words["entry"]).format(collection=collection)
        defs[_entry_def(collection)] = entry
        listing["items"] = {"$ref": f"#/$defs/{_entry_def(collection)}"}
    for collection, pattern in REFERENCES:
        field: dict[str, Any] = root
        for step in pattern:
            field = _inside(field, step, defs)
        _point_at_entries(field, collection, pattern)
    _every_field_present(root)
    defs[TEXT] = text  # a text keeps the languages it has
    root["$id"] = root["$id"].replace("processing.schema.json", "normalised.schema.json")
    root["title"] = words["title"]
    root["description"] = " ".join(str(words["description"]).split())
    return root


def export_json_schema(request: Request) -> bytes:
    # The schema speaks the model schema's language, English, whatever the language of the request.
    words = Words(request.policy, "en").exports["json_schema"]
    return json_bytes(normalised_schema(request.policy.schema, words))


__all__ = ["export_json", "export_json_schema", "normalised", "normalised_schema"]
