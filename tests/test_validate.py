"""Validation on its own: the schema's errors in plain words, and the id references between entries."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from conftest import POLICY, REAL_MODEL, edited

from generator.load import load_file, load_text
from generator.problems import closest, format_path, suggestion
from generator.validate import COLLECTIONS, REFERENCES, UNREFERENCED_BY_DESIGN, Validation, validate, walk

REAL_DATA: dict[str, Any] = load_file(REAL_MODEL).data
GROUP_MODEL = REAL_MODEL.parent / "group.yaml"
# The fictional group uses every structure of the schema; the real model only some.
GROUP_DATA: dict[str, Any] = load_file(GROUP_MODEL).data


def data_with(collection: str, pattern: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The real model where it has entries in `collection` (and values where `pattern` leads), else the group's."""
    if REAL_DATA.get(collection) and (pattern is None or list(walk(REAL_DATA, pattern[:2]))):
        return REAL_DATA
    return GROUP_DATA


def validate_data(data: dict[str, Any]) -> Validation:
    """Validate `data` written out as a YAML file, so that locations are real ones."""
    return validate(load_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "model.yaml"), POLICY)


def validate_text(text: str) -> Validation:
    return validate(load_text(text, "model.yaml"), POLICY)


def lines(validation: Validation) -> list[str]:
    return [problem.format() for problem in validation.problems]


def real_text() -> str:
    return REAL_MODEL.read_text(encoding="utf-8")


# --- the real model ------------------------------------------------------------------------------

def test_real_model_is_valid_and_indexed_by_id() -> None:
    validation = validate(load_file(REAL_MODEL), POLICY)
    assert validation.problems == []
    assert validation.model is not None
    for collection in COLLECTIONS:
        ids = [entry["id"] for entry in REAL_DATA.get(collection) or []]
        assert list(validation.model.index[collection]) == ids
        for entry in REAL_DATA.get(collection) or []:
            assert validation.model.index[collection][entry["id"]] is not None
    assert validation.model.index["trackers"]["google-ads"]["provider"] == "google"


@pytest.mark.parametrize("data", [REAL_DATA, GROUP_DATA], ids=["real", "group"])
def test_every_reference_pattern_reaches_values_of_the_models(data: dict[str, Any]) -> None:
    """The patterns name real fields: in the group fixture, which uses every structure, each reaches a
    value; in the real model, each reaches a value, stops at a `null` gap or at a part it leaves out."""
    for collection, pattern in REFERENCES:
        reached = list(walk(data, pattern))
        if not reached:
            assert data is REAL_DATA, pattern
            continue
        for _, value in reached:
            assert value in {entry["id"] for entry in data[collection]} | {"controller"}


# --- every reference is checked ------------------------------------------------------------------

def with_reference(data: dict[str, Any], pattern: tuple[str, ...], value: str) -> tuple[dict[str, Any], str]:
    """A copy of `data` where the first place `pattern` reaches (made if it is a gap) holds `value`;
    returns the copy and the field path of that place."""
    data = copy.deepcopy(data)
    container: Any = data
    path: list[str | int] = []
    for step, following in zip(pattern, (*pattern[1:], None), strict=True):
        if step == "*":
            if not container:
                container.append(value if following is None else {})
            if following is None:
                container[0] = value
            path.append(0)
            container = container[0]
            continue
        if following is None:
            container[step] = value
        elif container.get(step) is None:
            container[step] = [] if following == "*" else {}
        path.append(step)
        container = container[step]
    return data, format_path(tuple(path))


@pytest.mark.parametrize(("collection", "pattern"), REFERENCES, ids=lambda item: ".".join(item)
                         if isinstance(item, tuple) else item)
def test_dangling_reference_is_an_error_with_a_suggestion(collection: str, pattern: tuple[str, ...]) -> None:
    model = data_with(collection, pattern)
    known = [entry["id"] for entry in model[collection]]
    misspelt = known[0][:-1]
    data, where = with_reference(model, pattern, misspelt)
    validation = validate_data(data)
    assert validation.model is None
    errors = [p for p in validation.errors if p.message.startswith(f'"{misspelt}"')]
    assert len(errors) == 1, lines(validation)
    assert format_path(errors[0].path) == where
    assert errors[0].message.startswith(f'"{misspelt}" is not the id of any entry in {collection}. '
                                        f'Did you mean "{known[0]}"? Known ids: ')


def test_tracker_set_by_i_centrum_itself_names_controller() -> None:
    data = copy.deepcopy(REAL_DATA)
    data["trackers"][0]["provider"] = "controller"
    data["trackers"][0]["party"] = "first"
    validation = validate_data(data)
    # LinkedIn is still a recipient of purposes, so nothing else changes.
    assert validation.problems == []


def test_controller_is_not_a_recipient_elsewhere() -> None:
    data, _ = with_reference(REAL_DATA, ("transfers", "*", "recipient"), "controller")
    assert any('"controller" is not the id of any entry in recipients' in line for line in lines(validate_data(data)))


@pytest.mark.parametrize("collection", sorted(set(COLLECTIONS) - UNREFERENCED_BY_DESIGN))
def test_entry_nothing_refers_to_is_a_warning(collection: str) -> None:
    data = copy.deepcopy(data_with(collection))
    data[collection].append({**copy.deepcopy(data[collection][0]), "id": "never-used"})
    validation = validate_data(data)
    assert validation.model is not None
    assert validation.errors == []
    [warning] = validation.warnings
    assert warning.path == (collection, len(data[collection]) - 1, "id")
    assert warning.message.startswith(f'{collection} entry "never-used" is defined but nothing refers to it; '
                                      "name its id in ")
    assert warning.message.endswith(", or remove it")


@pytest.mark.parametrize(("collection", "where"), [
    ("services", "name its id in `roles.processor.services`"),
    ("trackers", "name its id in `sites[].trackers`"),
    ("data_subjects", "name its id in `purposes[].data_subjects`"),
    ("purpose_groups", "name its id in `purposes[].group`"),
    ("recipients", "name its id in one of `purposes[].recipients`, `transfers[].recipient`, `trackers[].provider`, "
                   "`services[].sub_processors`, `joint_controllers[].recipients`, `social_media_pages[].provider`"),
])
def test_an_unused_entry_says_where_to_refer_to_it(collection: str, where: str) -> None:
    data = copy.deepcopy(data_with(collection))
    data[collection].append({**copy.deepcopy(data[collection][0]), "id": "never-used"})
    [warning] = validate_data(data).warnings
    assert warning.message == (f'{collection} entry "never-used" is defined but nothing refers to it; '
                               f"{where}, or remove it")


@pytest.mark.parametrize("collection", sorted(UNREFERENCED_BY_DESIGN))
def test_purposes_and_sites_need_no_reference(collection: str) -> None:
    data = copy.deepcopy(data_with(collection))
    data[collection].append({**copy.deepcopy(data[collection][0]), "id": "another"})
    assert validate_data(data).problems == []


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_duplicate_id_is_an_error_naming_the_first(collection: str) -> None:
    data = copy.deepcopy(data_with(collection))
    first = data[collection][0]
    data[collection].append(copy.deepcopy(first))
    document = load_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "model.yaml")
    validation = validate(document, POLICY)
    [error] = validation.errors
    assert error.path == (collection, len(data[collection]) - 1, "id")
    first_line = document.locate((collection, 0, "id")).line
    assert error.message == (f'the id "{first["id"]}" is already used by {collection}[0] (line {first_line}); '
                             "ids must be unique")


def test_no_unused_warnings_while_the_references_cannot_be_read() -> None:
    text = edited(real_text(), "purposes:\n  # The statement", "purposes: null\nremoved:\n  # The statement")
    validation = validate_text(text)
    assert validation.warnings == []
    assert [format_path(p.path) for p in validation.errors] == ["purposes", "removed"]


def test_reference_of_the_wrong_type_is_one_error() -> None:
    text = edited(real_text(), "    data_subjects: [job-seekers]\n", "    data_subjects: [7]\n")
    line = text.splitlines().index("    data_subjects: [7]") + 1  # where the editor put it
    assert lines(validate_text(text)) == [
        f"model.yaml:{line}:21: purposes[12].data_subjects[0]: expected text, found the number 7; put the value in "
        "quotes to make it text"
    ]


# --- schema errors in plain words ----------------------------------------------------------------

def test_misspelt_required_field_is_reported_once() -> None:
    text = edited(real_text(), "  legal_name: i-Centrum AB\n", "  legal_nmae: i-Centrum AB\n")
    assert lines(validate_text(text)) == [
        'model.yaml:14:3: controller.legal_nmae: unknown field "legal_nmae". Did you mean "legal_name"? Fields '
        'allowed here: "legal_name", "organisation_number", "country", "head_office", "postal_address", "email", '
        '"description", '
        '"eu_representative", "dpo".'
    ]


def test_required_field_missing_without_a_near_miss_says_what_it_is() -> None:
    text = edited(real_text(), "  legal_name: i-Centrum AB\n", "  company: i-Centrum AB\n")
    assert lines(validate_text(text)) == [
        'model.yaml:14:3: controller: the required field "legal_name" is missing (The controller\'s legal name, '
        "such as Exempel AB.)",
        'model.yaml:14:3: controller.company: unknown field "company". Fields allowed here: "legal_name", '
        '"organisation_number", "country", '
        '"head_office", "postal_address", "email", "description", "eu_representative", "dpo".',
    ]


def test_bad_email_is_one_message_not_pattern_and_format() -> None:
    text = edited(real_text(), "  email: privacy@i-centrum.se\n", "  email: privacy.i-centrum.se\n")
    assert lines(validate_text(text)) == [
        'model.yaml:19:10: controller.email: the text "privacy.i-centrum.se" does not have the expected form: An '
        "email address, such as privacy@example.com."
    ]


def test_gap_field_with_a_wrong_value_names_both_forms() -> None:
    text = edited(real_text(), "    email: null  # GAP: a DPO", "    email: dpo at i-centrum  # GAP: a DPO")
    assert lines(validate_text(text)) == [
        'model.yaml:30:12: controller.dpo.email: the text "dpo at i-centrum" does not have the expected form: An '
        "email address, such as privacy@example.com."
    ]
    text = edited(real_text(), "    email: null  # GAP: a DPO", "    email: 42  # GAP: a DPO")
    assert lines(validate_text(text)) == [
        "model.yaml:30:12: controller.dpo.email: expected an email address, such as privacy@example.com or null "
        "(for a gap), found the number 42."
    ]


def test_long_text_values_are_shortened_in_messages() -> None:
    long_text = "word " * 40
    text = edited(real_text(), '  legal_name: i-Centrum AB\n', f"  legal_name: [{long_text}]\n")
    [line] = lines(validate_text(text))
    assert line == "model.yaml:14:15: controller.legal_name: expected text, found a list"
    text = edited(real_text(), '  country: SE\n', f"  country: {long_text.strip()}\n")
    [line] = lines(validate_text(text))
    assert f'the text "{long_text[:57]}..." does not have the expected form' in line


def test_text_with_a_line_break_stays_on_one_output_line() -> None:
    text = edited(real_text(), 'version: "1.0.0"\n', 'version: "1.0\\n.0"\n')
    [line] = lines(validate_text(text))
    assert line == ('model.yaml:10:10: version: the text "1.0\\n.0" does not have the expected form: The version of '
                    "the statement, such as 1.0.0. Raise it with every change visitors can see.")
    assert "\n" not in line


def test_legal_basis_enum_suggests_and_lists_all_six() -> None:
    text = edited(real_text(), "      - basis: contract\n    retention: [necessary-for-purpose]\n    provision: null"
                               "  # GAP\n  - id: respond-to-requests\n",
                  "      - basis: legitimate interest\n    retention: [necessary-for-purpose]\n    provision: null"
                  "  # GAP\n  - id: respond-to-requests\n")
    line = text.splitlines().index("      - basis: legitimate interest") + 1
    assert lines(validate_text(text)) == [
        f'model.yaml:{line}:16: purposes[5].legal_bases[0].basis: the text "legitimate interest" is not allowed here. '
        'Did you mean "legitimate-interests"? Allowed: "consent", "contract", "legal-obligation", "vital-interests", '
        '"public-task", "legitimate-interests".'
    ]


def test_validation_splits_errors_and_warnings() -> None:
    data = copy.deepcopy(REAL_DATA)
    data["recipients"].append({**copy.deepcopy(data["recipients"][0]), "id": "spare"})
    data["version"] = "one"
    validation = validate_data(data)
    assert [p.severity for p in validation.errors] == ["error"]
    assert [p.severity for p in validation.warnings] == ["warning"]
    assert validation.model is None


# --- suggestions -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "choices", "expected"), [
    ("contrat", ["consent", "contract"], "contract"),
    ("Consent", ["consent", "contract"], "consent"),
    ("gogle", ["google", "linkedin"], "google"),
    ("amazon", ["google", "linkedin"], None),
    ("google", ["google"], None),
    (7, ["7"], None),
])
def test_closest_choice(value: object, choices: list[str], expected: str | None) -> None:
    assert closest(value, choices) == expected
    assert suggestion(value, choices) == (f' Did you mean "{expected}"?' if expected else "")


@pytest.mark.parametrize(("path", "shown"), [
    ((), "(top level)"),
    (("purposes", 3, "legal_basis"), "purposes[3].legal_basis"),
    (("controller", "legal name"), 'controller["legal name"]'),
    (("controller", "a: b"), 'controller["a\\u003a b"]'),
    (("x", "line\nbreak", 0), 'x["line\\nbreak"][0]'),
    (("recipients", 1, "<<"), "recipients[1].<<"),
])
def test_format_path(path: tuple[Any, ...], shown: str) -> None:
    assert format_path(path) == shown


def test_problem_lines_never_break() -> None:
    text = edited(real_text(), "  legal_name: i-Centrum AB\n", '  legal_name: i-Centrum AB\n  "odd\\u2028key: x": 1\n')
    [line] = lines(validate_text(text))
    assert len(line.splitlines()) == 1
    assert line.startswith('model.yaml:15:3: controller["odd\\u2028key\\u003a x"]: unknown field "odd\\u2028key: x".')
