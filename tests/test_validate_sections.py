"""The schema check judges each top-level field of a model once per process: a field already found
valid is not checked again (the versions of a model in its history share most of their fields).
Remembering may never hide a fault: whatever the process validated before, a model has schema
problems exactly when the validator finds an error in it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import POLICY

from generator.load import load_file
from generator.problems import FieldPath
from generator.validate import schema_problems, validate

FIXTURES = Path(__file__).parent / "fixtures"


def leaves(value: Any, path: FieldPath = ()) -> Iterator[FieldPath]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from leaves(item, (*path, number))
    else:
        yield path


def broken(value: Any) -> Any:
    """A value of another kind: what a typo or a misplaced line gives."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, str):
        return 12345
    if isinstance(value, int | float):
        return str(value)
    return ["a list"]


def replaced(data: dict[str, Any], path: FieldPath, value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(data)
    target: Any = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copied


@pytest.fixture(scope="module")
def plain() -> jsonschema.Draft202012Validator:
    """The schema's validator with nothing remembered, as check-jsonschema would run it."""
    return jsonschema.Draft202012Validator(POLICY.schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("fixture", ["complete.yaml", "diff/base.yaml"])
def test_a_remembered_field_never_hides_a_fault(fixture: str, plain: jsonschema.Draft202012Validator) -> None:
    document = load_file(FIXTURES / fixture)
    assert validate(document, POLICY).model is not None  # every field of the valid model is now remembered
    paths = list(leaves(document.data))
    for path in paths[:: max(1, len(paths) // 120)]:
        data = replaced(document.data, path, broken(value_at(document.data, path)))
        changed = type(document)(document.file, data, document.value_locations, document.key_locations)
        errors = list(plain.iter_errors(data))
        problems = schema_problems(changed, POLICY)
        assert bool(problems) == bool(errors), (path, problems, [error.message for error in errors])
    # An unknown field, and a missing one, are judged at the top, never remembered.
    extra = type(document)(document.file, {**document.data, "extra": 1}, document.value_locations,
                           document.key_locations)
    assert schema_problems(extra, POLICY)
    missing = {key: value for key, value in document.data.items() if key != "controller"}
    assert schema_problems(type(document)(document.file, missing, document.value_locations, document.key_locations),
                           POLICY)
    assert schema_problems(document, POLICY) == []


def value_at(data: Any, path: FieldPath) -> Any:
    for step in path:
        data = data[step]
    return data


def test_the_same_text_and_number_are_told_apart(plain: jsonschema.Draft202012Validator) -> None:
    document = load_file(FIXTURES / "diff" / "base.yaml")
    assert schema_problems(document, POLICY) == []
    as_number = replaced(document.data, ("version",), 2)  # remembered "2.0.0" must not vouch for it
    problems = schema_problems(type(document)(document.file, as_number, document.value_locations,
                                              document.key_locations), POLICY)
    assert [problem.path for problem in problems] == [("version",)]
