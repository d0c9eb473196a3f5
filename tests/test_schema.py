"""The JSON Schema itself: valid Draft 2020-12, closed objects, described fields, the law's closed lists."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from conftest import LIVE_MODEL, POLICY, PROJECT_ROOT

from generator.load import load_file

SCHEMA_PATH = POLICY.schema_path

SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
SCHEMA_LINE = "# yaml-language-server: $schema=../policy/processing.schema.json"


def subschemas(schema: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema inside `schema`, with a JSON-pointer-like place for messages."""
    if not isinstance(schema, dict):
        return
    yield where, schema
    for keyword in ("properties", "$defs"):
        for name, child in schema.get(keyword, {}).items():
            yield from subschemas(child, f"{where}/{keyword}/{name}")
    for keyword in ("items", "if", "then", "else", "not"):
        if keyword in schema:
            yield from subschemas(schema[keyword], f"{where}/{keyword}")
    for keyword in ("anyOf", "oneOf", "allOf"):
        for number, child in enumerate(schema.get(keyword, [])):
            yield from subschemas(child, f"{where}/{keyword}/{number}")


def test_schema_is_valid_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert jsonschema.validators.validator_for(SCHEMA) is jsonschema.Draft202012Validator


def test_every_object_schema_is_closed() -> None:
    objects = [(where, s) for where, s in subschemas(SCHEMA) if s.get("type") == "object" or "properties" in s]
    # Schemas that only add `required` to a closed object (the if/then of a purpose) have no fields of their own.
    assert len(objects) > 25
    for where, schema in objects:
        if where.endswith(("/if", "/then")):
            continue
        assert schema.get("additionalProperties") is False, f"{where} accepts unknown fields"


def test_every_property_has_a_description() -> None:
    count = 0
    for where, schema in subschemas(SCHEMA):
        if where.endswith(("/if", "/then")):
            continue
        for name, prop in schema.get("properties", {}).items():
            count += 1
            description = prop.get("description")
            assert isinstance(description, str) and len(description.strip()) > 5, f"{where}/properties/{name}"
    assert count > 100


def test_every_definition_describes_itself() -> None:
    for name, definition in SCHEMA["$defs"].items():
        assert definition.get("description"), name


def test_every_required_field_exists() -> None:
    for where, schema in subschemas(SCHEMA):
        if "required" in schema and "properties" in schema:
            missing = set(schema["required"]) - set(schema["properties"])
            assert not missing, f"{where} requires undeclared {missing}"


def test_every_reference_resolves() -> None:
    for where, schema in subschemas(SCHEMA):
        if "$ref" in schema:
            assert schema["$ref"].startswith("#/$defs/"), where
            assert schema["$ref"].removeprefix("#/$defs/") in SCHEMA["$defs"], where


def test_legal_basis_is_exactly_the_six_bases_of_article_6_1() -> None:
    basis = SCHEMA["$defs"]["legal_basis"]["properties"]["basis"]
    assert basis["enum"] == ["consent", "contract", "legal-obligation", "vital-interests", "public-task",
                             "legitimate-interests"]
    # A purpose holds a list of them, or the explicit gap; a group of purposes a list of them.
    legal_bases = SCHEMA["properties"]["purposes"]["items"]["properties"]["legal_bases"]
    assert [branch.get("type") for branch in legal_bases["anyOf"]] == ["array", "null"]
    assert legal_bases["anyOf"][0]["items"] == {"$ref": "#/$defs/legal_basis"}
    group = SCHEMA["properties"]["purpose_groups"]["items"]["properties"]["legal_bases"]
    assert group["items"] == {"$ref": "#/$defs/legal_basis"}


def test_rights_enum_covers_the_rights_the_statement_must_name() -> None:
    right = SCHEMA["properties"]["rights"]["properties"]["list"]["items"]["properties"]["right"]
    assert set(right["enum"]) >= {"access", "rectification", "erasure", "restriction", "portability", "objection",
                                  "withdraw-consent", "complaint"}


@pytest.mark.parametrize(("definition", "good", "bad"), [
    ("email", ["privacy@i-centrum.se"], ["privacy(at)i-centrum.se", "privacy@i-centrum", "a b@c.se"]),
    ("url", ["https://www.imy.se", "https://tools.google.com/dlpage/gaoptout"],
     ["http://www.imy.se", "javascript:alert(1)", "www.imy.se", "https://a b.se"]),
    ("country", ["SE", "NO", "US"], ["se", "SWE", "S"]),
    ("duration", ["P6M", "P2Y", "P30D", "P1Y6M", "P2W"], ["P", "6M", "PT6H", "P6m", "six months"]),
    ("id", ["customer-contacts", "p6m", "a1"], ["Customer", "two--hyphens", "-lead", "trail-", "with space"]),
])
def test_formats_of_the_definitions(definition: str, good: list[str], bad: list[str]) -> None:
    validator = jsonschema.Draft202012Validator(
        {"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for value in good:
        assert validator.is_valid(value), value
    for value in bad:
        assert not validator.is_valid(value), value


def test_effective_date_is_a_real_date() -> None:
    validator = jsonschema.Draft202012Validator(
        {"$defs": SCHEMA["$defs"], **SCHEMA["properties"]["effective_date"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert validator.is_valid("2026-02-28")
    for value in ("2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", "2026-01-01T00:00:00"):
        assert not validator.is_valid(value), value


def test_text_is_one_string_per_language() -> None:
    text = SCHEMA["$defs"]["text"]
    assert text["required"] == ["en"]
    # A language, and beside a translation the mark of the English text it was made from.
    assert set(text["properties"]) == {"en", "sv", "sv_from"}
    validator = jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/text"})
    assert validator.is_valid({"en": "Text", "sv": "Text"})
    for value in ("Text", {"sv": "Text"}, {"en": ""}, {"en": "  "}, {"en": "Text", "de": "Text"}):
        assert not validator.is_valid(value), value


def test_model_starts_with_the_schema_line_and_the_path_resolves() -> None:
    first_line = LIVE_MODEL.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == SCHEMA_LINE
    target = (LIVE_MODEL.parent / first_line.split("$schema=", 1)[1]).resolve()
    assert target == SCHEMA_PATH.resolve()
    assert target.is_file()


def test_corpus_base_points_at_the_same_schema() -> None:
    base = PROJECT_ROOT / "tests" / "corpus" / "base.yaml"
    first_line = base.read_text(encoding="utf-8").splitlines()[0]
    assert (base.parent / first_line.split("$schema=", 1)[1]).resolve() == SCHEMA_PATH.resolve()


def test_real_model_passes_plain_jsonschema_too() -> None:
    """The model is valid for any Draft 2020-12 tool (an editor, check-jsonschema), not only ours."""
    data = load_file(LIVE_MODEL).data
    errors = list(jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).iter_errors(data))
    assert errors == []


def test_schema_file_is_plain_json_with_a_title() -> None:
    assert SCHEMA["title"]
    assert SCHEMA["type"] == "object"
    assert SCHEMA["additionalProperties"] is False
    assert set(SCHEMA["required"]) <= set(SCHEMA["properties"])
