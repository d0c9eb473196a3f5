"""generator/shape.py says what the schema says: every TypedDict has the fields of its place in the
schema, the same ones required, and each field the same kinds of value (text, a closed list, null
for a gap, a list of what, a mapping of what)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest
from conftest import POLICY

from generator import shape
from generator.validate import COLLECTIONS

SCHEMA = POLICY.schema
Node = Mapping[str, Any]


def _branches(node: Node) -> Iterator[Node]:
    """The alternatives a schema node allows, each without $ref or anyOf; an enum as one const each."""
    if "$ref" in node:
        yield from _branches(SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]])
    elif "anyOf" in node:
        for branch in node["anyOf"]:
            yield from _branches(branch)
    elif "enum" in node:
        yield from ({"const": value} for value in node["enum"])
    else:
        yield node


def _members(annotation: Any) -> Iterator[Any]:
    """The alternatives of a type: a union's members, a Literal as one Literal per value."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for member in get_args(annotation):
            yield from _members(member)
    elif origin is Literal:
        yield from (Literal[value] for value in get_args(annotation))
    else:
        yield annotation


def _kind_of_branch(node: Node) -> tuple[str, Any]:
    if "const" in node:
        return ("const", node["const"])
    return (str(node["type"]), None)


def _kind_of_member(member: Any) -> tuple[str, Any]:
    if get_origin(member) is Literal:
        return ("const", get_args(member)[0])
    if get_origin(member) is list:
        return ("array", None)
    if typing.is_typeddict(member):
        return ("object", None)
    kinds = {type(None): "null", bool: "boolean", int: "integer", str: "string"}
    assert member in kinds, f"{member!r} is not a type the schema has"
    return (kinds[member], None)


def compare(annotation: Any, node: Node, where: str) -> None:
    branches = list(_branches(node))
    members = list(_members(annotation))
    wanted = sorted(map(_kind_of_branch, branches), key=repr)
    declared = sorted(map(_kind_of_member, members), key=repr)
    assert declared == wanted, f"{where}: shape.py says {declared}, the schema {wanted}"
    for branch in branches:
        kind = _kind_of_branch(branch)[0]
        member = next(member for member in members if _kind_of_member(member)[0] == kind)
        if kind == "array":
            compare(get_args(member)[0], branch["items"], f"{where}[]")
        elif kind == "object":
            compare_fields(member, branch, where)


def compare_fields(typed: Any, node: Node, where: str) -> None:
    hints = get_type_hints(typed)
    properties = node.get("properties", {})
    assert sorted(hints) == sorted(properties), f"{where}: {typed.__name__} has other fields than the schema"
    required = set(node.get("required", ()))
    assert typed.__required_keys__ == required, (
        f"{where}: {typed.__name__} requires {sorted(typed.__required_keys__)}, the schema {sorted(required)}")
    for name, annotation in hints.items():
        compare(annotation, properties[name], f"{where}.{name}")


def test_the_model_type_is_the_schema() -> None:
    compare_fields(shape.ModelData, SCHEMA, "model")


def test_every_typed_dict_of_the_module_is_part_of_the_model() -> None:
    """No TypedDict is left over when the schema drops a structure."""
    reached: set[str] = set()

    def walk(annotation: Any) -> None:
        for member in _members(annotation):
            if get_origin(member) is list:
                walk(get_args(member)[0])
            elif typing.is_typeddict(member) and member.__name__ not in reached:
                reached.add(member.__name__)
                for hint in get_type_hints(member).values():
                    walk(hint)

    walk(shape.ModelData)
    reached.add("ModelIndex")
    defined = {name for name, value in vars(shape).items() if typing.is_typeddict(value)}
    assert defined - reached == set()


def test_the_index_type_has_every_collection_with_its_entries_type() -> None:
    """`Model.by_id`: each collection validate indexes, by id, with the type of its entries in ModelData."""
    entries = {name: get_args(_list_of(hint))[0] for name, hint in get_type_hints(shape.ModelData).items()
               if _list_of(hint) is not None}
    indexed = get_type_hints(shape.ModelIndex)
    assert list(indexed) == list(COLLECTIONS)
    for collection, hint in indexed.items():
        assert hint == dict[str, entries[collection]], collection
    assert shape.ModelIndex.__required_keys__ == set(COLLECTIONS)  # validate indexes every one, empty or not


def _list_of(annotation: Any) -> Any:
    """The list type among a field's alternatives, if it has one."""
    return next((member for member in _members(annotation) if get_origin(member) is list), None)


@pytest.mark.parametrize("edit", ["field added", "field made optional", "gap allowed", "choice added"])
def test_the_comparison_sees_a_schema_that_moved_on(edit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    schema = copy.deepcopy(dict(SCHEMA))
    tracker = schema["properties"]["trackers"]["items"]
    if edit == "field added":
        tracker["properties"]["vendor_url"] = {"$ref": "#/$defs/url"}
    elif edit == "field made optional":
        tracker["required"].remove("provider")
    elif edit == "gap allowed":
        schema["properties"]["sites"]["items"]["properties"]["name"] = {
            "anyOf": [{"$ref": "#/$defs/text"}, {"type": "null"}]}
    else:
        schema["$defs"]["consent_category"]["enum"].append("preferences")
    monkeypatch.setitem(globals(), "SCHEMA", schema)
    with pytest.raises(AssertionError):
        compare_fields(shape.ModelData, schema, "model")
