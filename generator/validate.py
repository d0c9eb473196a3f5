"""Stage 2: is the loaded document a well-formed model? The JSON Schema, then the id references.

Schema errors from jsonschema are rewritten into plain sentences for legal editors; the wording
of each comes from the schema's own `description`s where it can, so the schema stays the one
place that says what a field is.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from jsonschema.exceptions import ValidationError

from generator.load import Document
from generator.messages import Arg, Listed, Said, SchemaText, quoted, said
from generator.policy import Policy
from generator.problems import FieldPath, Problem, closest, format_path
from generator.shape import ModelData, ModelIndex


@dataclass(frozen=True)
class Model:
    """A document that passed validation, with its entries indexed by id."""

    document: Document
    index: dict[str, dict[str, dict[str, Any]]] = field(repr=False)

    @property
    def data(self) -> ModelData:
        """The data, as generator.shape describes a valid model."""
        return cast(ModelData, self.document.data)

    @property
    def by_id(self) -> ModelIndex:
        """The entries of each collection by id, typed (`index` is the same, as plain mappings)."""
        return cast(ModelIndex, self.index)


@dataclass(frozen=True)
class Validation:
    problems: list[Problem]
    model: Model | None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


# --- schema errors in plain words -------------------------------------------------------------

def _describe_value(value: Any) -> Said:
    if value is None:
        return said("value.null")
    if isinstance(value, bool):
        return said("value.bool", value=str(value).lower())
    if isinstance(value, int | float):
        return said("value.number", value=str(value)) if not (isinstance(value, float) and math.isnan(value)) \
            else said("value.nan")
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return said("value.text", text=shown)
    if isinstance(value, list):
        return said("value.list")
    return said("value.mapping")


_TYPES = {"string", "object", "array", "boolean", "integer", "number", "null"}


def _expected(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Arg:
    """What a schema accepts, as a reader would say it."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = root["$defs"][name]
        if name == "text":
            return said("expected.text")
        if ("pattern" in target or "format" in target) and target.get("description"):
            # "A period as an ISO 8601 duration: P6M is ..." -> "a period as an ISO 8601 duration (P6M is ...)"
            return SchemaText(target["description"], form=True)
        return _expected(target, root)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return Listed(tuple(_expected(branch, root) for branch in schema[combinator]), joiner="list.or")
    if "enum" in schema:
        return said("expected.one_of", choices=quoted(list(map(str, schema["enum"]))))
    if "const" in schema:
        return said("expected.const", value=str(schema["const"]))
    kind = schema.get("type")
    return said(f"type.{kind}" if isinstance(kind, str) and kind in _TYPES else "type.other")


def _suggestion(value: object, choices: Iterable[str]) -> Arg:
    """' Did you mean "x"?' for a near miss among `choices`, else ''."""
    near = closest(value, choices)
    return said("did_you_mean", name=near) if near is not None else ""


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema itself, its $ref target, or the branch of its anyOf that holds fields or items."""
    if "$ref" in schema:
        return _resolve(root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], root)
    for branch in schema.get("anyOf", ()):
        resolved = _resolve(branch, root)
        if "properties" in resolved or "items" in resolved:
            return resolved
    return schema


def _schema_at(path: FieldPath, root: Mapping[str, Any]) -> Mapping[str, Any]:
    """The (resolved) schema that applies to the value at `path`; empty where the schema says nothing."""
    schema: Mapping[str, Any] = _resolve(root, root)
    for part in path:
        if isinstance(part, int):
            schema = _resolve(schema.get("items", {}), root)
        else:
            schema = _resolve(schema.get("properties", {}).get(part, {}), root)
    return schema


def _field_description(path: FieldPath, name: str, root: Mapping[str, Any]) -> Arg:
    prop = _schema_at(path, root).get("properties", {}).get(name, {})
    text = prop.get("description")
    if not text and "$ref" in prop:
        text = root["$defs"][prop["$ref"].rsplit("/", 1)[-1]].get("description")
    return said("schema.field_description", text=SchemaText(text)) if text else ""


def _form_description(error: ValidationError, root: Mapping[str, Any]) -> Arg:
    """The description of the schema that set the rule: a $def explains its own form."""
    description = error.schema.get("description") if isinstance(error.schema, Mapping) else None
    return SchemaText(description) if description else said("schema.see_schema")


_EMPTY_TEXT = said("schema.empty_text")

_FORMAT_HINTS = {"date", "email", "uri", "regex"}


def _branch_errors(error: ValidationError) -> list[ValidationError] | None:
    """For anyOf/oneOf: the errors of the one branch that explains the mistake, if one does.

    That is the branch that got furthest into the value, among those that fit the value's type.
    None when no branch fits, or when several fit and none got further than the value itself
    (such as "sesion" for a lifetime that is a duration or "session"): then only a message
    naming every alternative is fair.
    """
    by_branch: dict[str | int, list[ValidationError]] = {}
    for sub in error.context or ():
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [
        subs for subs in by_branch.values()
        if not any(s.validator == "type" and s.absolute_path == error.absolute_path for s in subs)
    ]
    if not fitting:
        return None

    def depth(subs: list[ValidationError]) -> int:
        return max(len(s.absolute_path) for s in subs)

    best = max(fitting, key=depth)
    if len(fitting) > 1 and depth(best) == len(error.absolute_path):
        return None
    return best


def _constants(schema: Mapping[str, Any], root: Mapping[str, Any]) -> list[str]:
    """Every fixed value (enum or const) an anyOf/oneOf allows, to suggest from."""
    found: list[str] = []
    for branch in schema.get("anyOf", schema.get("oneOf", ())):
        resolved = _resolve(branch, root)
        found += [str(c) for c in resolved.get("enum", ())]
        if "const" in resolved:
            found.append(str(resolved["const"]))
    return found


def _schema_problems(document: Document, error: ValidationError,
                     root: Mapping[str, Any]) -> Iterator[tuple[str, Problem]]:
    """The plain-words problems for one jsonschema error, each with the keyword that raised it."""
    for problem in _plain_problems(document, error, root):
        yield str(error.validator), problem
    if error.validator in ("anyOf", "oneOf"):
        branch = _branch_errors(error)
        for sub in branch or ():
            yield from _schema_problems(document, sub, root)


def _plain_problems(document: Document, error: ValidationError,
                    root: Mapping[str, Any]) -> Iterator[Problem]:
    path: FieldPath = tuple(error.absolute_path)
    value: Any = error.instance
    kind = str(error.validator)
    # jsonschema sets these on every error it yields (its types allow them to be unset).
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    expected_value: Any = error.validator_value

    if kind in ("anyOf", "oneOf"):
        if _branch_errors(error) is None:  # otherwise the branch's own errors say what is wrong
            yield document.problem(path, said("schema.no_branch", expected=_expected(schema, root),
                                              found=_describe_value(value),
                                              suggestion=_suggestion(value, _constants(schema, root))))
        return
    if kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for name in sorted(set(value) - set(allowed)):
            yield document.problem(
                (*path, name),
                said("schema.unknown_field", name=name, suggestion=_suggestion(name, allowed), allowed=quoted(allowed)),
                key=True,
            )
        return
    if kind == "required":
        allowed = list(_schema_at(path, root).get("properties", {}))
        misspelt = {closest(key, allowed) for key in value if key not in allowed}
        for name in expected_value:
            # A misspelt field is reported once, as unknown with "Did you mean", not also as missing.
            if name not in value and name not in misspelt:
                yield document.problem(
                    path, said("schema.required", name=name, description=_field_description(path, name, root)))
        return
    if kind == "type":
        expected = _expected(schema, root) if "$ref" not in schema else _expected(
            {"type": expected_value}, root)
        hint: Arg = ""
        if expected_value == "string" and isinstance(value, int | float | bool):
            hint = said("hint.quote")
        if expected_value == "object" and "en" in (schema.get("properties") or {}):
            expected = said("expected.text")
            if isinstance(value, str):
                hint = said("hint.write_as", value=value if len(value) <= 40 else value[:37] + "...")
        yield document.problem(path, said("schema.expected", expected=expected, found=_describe_value(value),
                                          hint=hint))
        return
    if kind == "const" and not isinstance(expected_value, str):  # schema_version: 2
        yield document.problem(path, said("schema.expected", expected=_describe_value(expected_value),
                                          found=_describe_value(value), hint=""))
        return
    if kind in ("enum", "const"):
        choices = [str(c) for c in (expected_value if kind == "enum" else [expected_value])]
        yield document.problem(path, said("schema.not_allowed", found=_describe_value(value),
                                          suggestion=_suggestion(value, choices), allowed=quoted(choices)))
        return
    if kind == "format":
        format_hint = (said(f"format.{expected_value}") if expected_value in _FORMAT_HINTS
                       else said("format.other", name=str(expected_value)))
        yield document.problem(path, said("schema.format", found=_describe_value(value), hint=format_hint))
        return
    if kind == "pattern" and isinstance(value, str) and not value.strip():
        yield document.problem(path, _EMPTY_TEXT)
        return
    if kind == "pattern":
        yield document.problem(path, said("schema.pattern", found=_describe_value(value),
                                          form=_form_description(error, root)))
        return
    if kind == "minItems":
        count = expected_value
        yield document.problem(path, said("schema.min_items.one" if count == 1 else "schema.min_items.many",
                                          count=count))
        return
    if kind == "minLength":
        if expected_value <= 1:
            yield document.problem(path, _EMPTY_TEXT)
        else:
            yield document.problem(path, said("schema.too_short", count=expected_value))
        return
    if kind == "uniqueItems":
        yield document.problem(path, said("schema.unique"))
        return
    yield document.problem(path, said("schema.other", message=error.message))


# The root schema's keywords under which a document is valid exactly when it is an object with the
# required fields, no other field (when additionalProperties is false), and each field valid against
# its own subschema; with any other keyword at the top, the whole document is always checked.
_SECTIONED = {"$schema", "$id", "$comment", "$defs", "title", "description", "type", "required", "properties",
              "additionalProperties"}


def _valid_sections(policy: Policy) -> set[tuple[str, bytes]]:
    """Top-level fields (name and a digest of the value) found valid against the policy's schema,
    kept with the policy."""
    return policy.derived("valid-sections", set)


def _known_valid(data: Any, policy: Policy) -> bool:
    """Whether the schema finds nothing wrong with `data`, field by field, each field's value judged
    once per process (and schema): the versions of a model in its history, or the two sides of a
    diff, share most of their fields. Only validity is remembered: a document with any fault is
    checked whole by the caller, so every message is the validator's own."""
    root = policy.schema
    properties = root.get("properties", {})
    if (not isinstance(data, dict) or not set(root) <= _SECTIONED or root.get("type") != "object"
            or root.get("additionalProperties") is not False or not isinstance(properties, dict)
            or any(name not in data for name in root.get("required", ()))
            or any(name not in properties for name in data)):
        return False
    valid = _valid_sections(policy)
    validator = policy.validator
    for name, value in data.items():
        # repr, not JSON: it tells 1 from "1", 1.0 and True, and takes any key the loader allows.
        digest = hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if (name, digest) in valid:
            continue
        if not validator.evolve(schema=properties[name]).is_valid(value):
            return False
        valid.add((name, digest))
    return True


def _schema_check(document: Document, policy: Policy) -> tuple[list[Problem], list[FieldPath]]:
    """The schema's problems, and the path of every value the schema found fault with."""
    root = policy.schema
    known_valid = _known_valid(document.data, policy)
    errors = [] if known_valid else list(policy.validator.iter_errors(document.data))
    kinds_and_problems = [found for error in errors for found in _schema_problems(document, error, root)]
    # A value that breaks its pattern often breaks its format too (an email without "@"): say it once.
    pattern_paths = {problem.path for kind, problem in kinds_and_problems if kind == "pattern"}
    found: dict[tuple[Any, ...], Problem] = {}
    for kind, problem in kinds_and_problems:
        if kind == "format" and problem.path in pattern_paths:
            continue
        found.setdefault((problem.path, problem.message), problem)
    return list(found.values()), [tuple(error.absolute_path) for error in errors]


def schema_problems(document: Document, policy: Policy) -> list[Problem]:
    return _schema_check(document, policy)[0]


# --- references between entries --------------------------------------------------------------

# The collections whose entries have ids, and what refers to them: (collection, path pattern).
# A pattern walks the model: a name is a field, "*" every entry of a list.
COLLECTIONS = (
    "group_entities", "joint_controllers", "data_subjects", "data_categories", "sources", "recipients",
    "retention_policies", "purpose_groups", "purposes", "trackers", "sites", "services", "legal_references",
    "social_media_pages",
)
REFERENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("data_subjects", ("purposes", "*", "data_subjects", "*")),
    ("data_categories", ("purposes", "*", "data_categories", "*")),
    ("sources", ("purposes", "*", "sources", "*")),
    ("retention_policies", ("purposes", "*", "retention", "*")),
    ("recipients", ("purposes", "*", "recipients", "*")),
    ("purpose_groups", ("purposes", "*", "group")),
    ("recipients", ("transfers", "*", "recipient")),
    ("recipients", ("trackers", "*", "provider")),
    ("recipients", ("services", "*", "sub_processors", "*")),
    ("trackers", ("sites", "*", "trackers", "*")),
    ("services", ("roles", "processor", "services", "*")),
    ("group_entities", ("joint_controllers", "*", "group_entities", "*")),
    ("recipients", ("joint_controllers", "*", "recipients", "*")),
    ("purposes", ("joint_controllers", "*", "purposes", "*")),
    ("legal_references", ("purposes", "*", "legal_bases", "*", "law")),
    ("legal_references", ("purpose_groups", "*", "legal_bases", "*", "law")),
    ("legal_references", ("retention_policies", "*", "legal_requirement", "law")),
    ("legal_references", ("security", "standards", "*")),
    ("recipients", ("social_media_pages", "*", "provider")),
    ("joint_controllers", ("social_media_pages", "*", "joint_controller")),
)
# Sites and services each get a page named after their id. A page named "index" is its folder's own
# page (privacy/sites/index.md is served as privacy/sites/, not privacy/sites/index/), so no site or
# service may take that id.
RESERVED_IDS: dict[str, frozenset[str]] = {"sites": frozenset({"index"}), "services": frozenset({"index"})}
# Entries nothing needs to refer to: what the statement is about, or lists it on their own.
UNREFERENCED_BY_DESIGN = {"purposes", "sites", "group_entities", "joint_controllers", "legal_references",
                          "social_media_pages"}
# A first-party tracker is set by the controller itself, not by a recipient.
SELF_PROVIDER = "controller"


def walk(data: Any, pattern: tuple[str, ...], path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """Every (path, value) that `pattern` reaches in `data`; silently skips ill-formed parts."""
    if not pattern:
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for number, item in enumerate(data):
                yield from walk(item, rest, (*path, number))
    elif isinstance(data, dict) and head in data:
        yield from walk(data[head], rest, (*path, head))


def _entries(data: Mapping[str, Any], collection: str) -> Iterable[tuple[int, dict[str, Any]]]:
    items = data.get(collection)
    if isinstance(items, list):
        for number, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                yield number, item


def _where_to_refer(collection: str) -> Said:
    """Where an entry of `collection` is used, e.g. `list its id under roles.processor.services`."""
    places = [_field_name(pattern) for referred, pattern in REFERENCES if referred == collection]
    if len(places) == 1:
        return said("ref.where_one", place=places[0])
    return said("ref.where_many", places=Listed(tuple(f"`{place}`" for place in places)))


def _field_name(pattern: tuple[str, ...]) -> str:
    """`("sites", "*", "trackers", "*")` as an editor reads it: `sites[].trackers`."""
    named = pattern[:-1] if pattern[-1] == "*" else pattern
    return "".join("[]" if part == "*" else (part if number == 0 else f".{part}")
                   for number, part in enumerate(named))


def _on_the_way(path: FieldPath, pattern: tuple[str, ...]) -> bool:
    """Whether `path` is a value that `pattern` walks through or reaches."""
    return len(path) <= len(pattern) and all(
        step == part or (step == "*" and isinstance(part, int)) for part, step in zip(path, pattern, strict=False))


def reference_problems(
    document: Document, faulty_paths: Iterable[FieldPath] = ()
) -> tuple[list[Problem], dict[str, dict[str, dict[str, Any]]]]:
    """Dangling and duplicate ids, and (as warnings) entries nothing refers to.

    `faulty_paths` are values the schema found fault with: where one lies on the way to
    references, whether an entry is used cannot be told, so its collection gets no warnings.
    """
    data = document.data
    problems: list[Problem] = []
    index: dict[str, dict[str, dict[str, Any]]] = {}
    for collection in COLLECTIONS:
        seen: dict[str, int] = {}
        index[collection] = {}
        for number, item in _entries(data, collection):
            ident = item["id"]
            if ident in seen:
                first = document.locate((collection, seen[ident], "id"))
                problems.append(document.problem(
                    (collection, number, "id"),
                    said("ref.duplicate_id", id=ident, collection=collection, number=seen[ident], line=first.line)))
                continue
            seen[ident] = number
            index[collection][ident] = item
            if ident in RESERVED_IDS.get(collection, ()):
                problems.append(document.problem(
                    (collection, number, "id"), said("ref.reserved_id", id=ident, collection=collection)))

    used: dict[str, set[str]] = {c: set() for c in COLLECTIONS}
    for collection, pattern in REFERENCES:
        for path, value in walk(data, pattern):
            if not isinstance(value, str):
                continue
            used[collection].add(value)
            if value in index[collection]:
                continue
            if collection == "recipients" and pattern[0] == "trackers" and value == SELF_PROVIDER:
                continue
            known = list(index[collection])
            problems.append(document.problem(
                path, said("ref.unknown", value=value, collection=collection, suggestion=_suggestion(value, known),
                           known=quoted(known))
                if known else said("ref.no_entries", value=value, collection=collection)))

    faulty = list(faulty_paths)
    unclear = {collection for collection, pattern in REFERENCES
               if any(_on_the_way(path, pattern) for path in faulty)}
    for collection in COLLECTIONS:
        if collection in UNREFERENCED_BY_DESIGN or collection in unclear:
            continue
        for number, item in _entries(data, collection):
            if item["id"] not in used[collection] and (collection, number, "id") not in faulty:
                problems.append(document.problem(
                    (collection, number, "id"),
                    said("ref.unused", collection=collection, id=item["id"], where=_where_to_refer(collection)),
                    severity="warning"))
    return problems, index


def _version_problem(document: Document, policy: Policy) -> Problem | None:
    """A model written for another schema version: one problem saying what to do, not one per field."""
    version = document.data.get("schema_version", 1)
    current = policy.schema["properties"]["schema_version"].get("const")
    if version == current or not isinstance(version, int) or isinstance(version, bool):
        return None  # the schema itself says what is wrong with a value that is not a number
    where = ("schema_version",) if "schema_version" in document.data else ()
    if version < current:
        written = said("version.none") if not where else said("version.says", version=version)
        return document.problem(where, said("version.old", said=written, version=version, current=current,
                                            file=document.file))
    return document.problem(where, said("version.new", version=version, current=current))


def consistency_problems(document: Document, policy: Policy) -> list[Problem]:
    """What the schema cannot say: a cookie named both ways, and a site's trackers whose consent
    category the site's banner does not offer."""
    data = document.data
    problems: list[Problem] = []
    for path, cookie in walk(data, ("trackers", "*", "cookies", "*")):
        if isinstance(cookie, dict) and "name" in cookie and "pattern" in cookie:
            problems.append(document.problem((*path, "pattern"), said("consistency.cookie_both")))
    # Only entries with a text id (the schema reports any other): an id such as [a, b] is no key.
    trackers = {tracker["id"]: tracker for tracker in data.get("trackers") or []
                if isinstance(tracker, dict) and isinstance(tracker.get("id"), str)}
    # A kind the schema does not know is reported by the schema; it is no category here.
    known = set(policy.schema["$defs"]["consent_category"]["enum"])
    for number, site in _entries(data, "sites"):
        categories = site.get("consent_categories")
        if not isinstance(categories, list):
            continue
        kinds: dict[str, int] = {}
        unclear = False
        for position, category in enumerate(categories):
            kind = category.get("kind") if isinstance(category, dict) else None
            if not isinstance(kind, str) or kind not in known:
                unclear = True
                continue
            if kind in kinds:
                problems.append(document.problem(
                    ("sites", number, "consent_categories", position, "kind"),
                    said("consistency.category_twice", kind=kind, first=kinds[kind])))
            kinds.setdefault(kind, position)
        used = site.get("trackers")
        for position, ident in enumerate(used if isinstance(used, list) and not unclear else []):
            kind = trackers.get(ident, {}).get("category") if isinstance(ident, str) else None
            if isinstance(kind, str) and kind in known and kinds and kind not in kinds:
                problems.append(document.problem(
                    ("sites", number, "trackers", position),
                    said("consistency.category_missing", id=ident, kind=kind, offered=quoted(list(kinds)))))
    return problems


def validate(document: Document, policy: Policy) -> Validation:
    """All problems at once (against the policy's schema); a Model only when there is no error."""
    wrong_version = _version_problem(document, policy)
    if wrong_version is not None:
        return Validation([wrong_version], None)
    problems, faulty_paths = _schema_check(document, policy)
    reference_found, index = reference_problems(document, faulty_paths)
    problems.extend(reference_found)
    problems.extend(consistency_problems(document, policy))
    problems.sort(key=lambda p: p.sort_key)
    model = None if any(p.severity == "error" for p in problems) else Model(document, index)
    return Validation(problems, model)


__all__ = ["COLLECTIONS", "REFERENCES", "Model", "Validation", "format_path", "validate", "walk"]
