"""The loader's and validator's messages in the report's language: `check`, `diff` and `validate` with
`--language sv` say why a model cannot be read or is not valid in Swedish (policy/texts/problems.sv.yaml,
the schema's descriptions with them), located as ever; in English every message stays as it was."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import LOCATED, POLICY, POLICY_DIR, CliResult, edited, placeholders, run_script

from generator.load import MAX_BYTES, load_bytes, load_file, load_text
from generator.messages import ENGLISH_TEMPLATES
from generator.policy import PolicyError, load_policy
from generator.problems import InputError, Problem, in_wording
from generator.render import escape
from generator.validate import validate

Cli = Callable[..., CliResult]
FIXTURES = Path(__file__).parent / "fixtures"
TEXTS = POLICY_DIR / "texts"
COMPLETE = (FIXTURES / "complete.yaml").read_text(encoding="utf-8")


def messages(language: str) -> dict[str, str]:
    return load_file(TEXTS / f"problems.{language}.yaml").data["messages"]


# --- the wording ---------------------------------------------------------------------------------

def test_the_english_messages_are_the_ones_every_problem_is_made_with() -> None:
    """The loader makes its problems before any policy is read, so generator/messages.py writes the
    English templates too: the two are the same, key for key."""
    assert messages("en") == ENGLISH_TEMPLATES


def test_every_message_has_its_swedish_with_the_same_places_and_the_same_code() -> None:
    english, swedish = messages("en"), messages("sv")
    assert sorted(set(english) - set(swedish)) == [], "messages without Swedish in texts/problems.sv.yaml"
    assert sorted(set(swedish) - set(english)) == [], "Swedish messages texts/problems.en.yaml does not have"
    for key, template in english.items():
        assert placeholders(swedish[key]) == placeholders(template), key
        # What an editor types stays as it is.
        for code in re.findall(r"`[^`]+`", template):
            if "..." not in code and "field: value" not in code and "name: value" not in code:
                assert code in swedish[key], (key, code)
    # Every sentence is translated (the pieces that are only placeholders or punctuation aside, and
    # "text", which is Swedish too).
    untranslated = sorted(key for key, template in english.items()
                          if swedish[key] == template and key != "type.string"
                          and re.search(r"[a-z]{4,}", re.sub(r"\{[^}]*\}", "", template)))
    assert untranslated == [], untranslated


def _descriptions_in_messages(schema: Mapping[str, Any]) -> Iterator[str]:
    """Every description of the schema a message can quote: a required field's own (or its $def's), the
    description beside a `pattern`, and a $def's with a pattern or format (the form a value must have)."""
    definitions = schema["$defs"]

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(node.get("required"), list) and isinstance(properties, dict):
                for name in node["required"]:
                    prop = properties.get(name, {})
                    text = prop.get("description")
                    if not text and "$ref" in prop:
                        text = definitions[prop["$ref"].rsplit("/", 1)[-1]].get("description")
                    if text:
                        yield text
            if isinstance(node.get("pattern"), str) and node.get("description"):
                yield node["description"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(schema)
    yield from (definition["description"] for definition in definitions.values()
                if ("pattern" in definition or "format" in definition) and definition.get("description"))


def test_every_description_a_message_can_quote_has_its_swedish() -> None:
    quoted = set(_descriptions_in_messages(POLICY.schema))
    assert len(quoted) > 100
    swedish = load_file(TEXTS / "problems.sv.yaml").data["descriptions"]
    missing = sorted(quoted - set(swedish))
    assert missing == [], f"descriptions of the schema without Swedish in texts/problems.sv.yaml: {missing}"
    assert sorted(set(swedish) - quoted) == [], "Swedish for descriptions the schema no longer has"
    for english, text in swedish.items():
        assert text != english, english
        for code in re.findall(r"`[^`]+`", english):
            assert code in text, (english, code)


def test_a_schema_description_changed_without_its_swedish_fails(tmp_path: Path) -> None:
    schema = json.loads(POLICY.schema_path.read_text(encoding="utf-8"))
    schema["properties"]["effective_date"]["description"] = "The day this version takes effect."
    assert "The day this version takes effect." not in load_file(TEXTS / "problems.sv.yaml").data["descriptions"]
    assert "The day this version takes effect." in set(_descriptions_in_messages(schema))


# --- every problem can be said in Swedish ---------------------------------------------------------

BROKEN = {
    "a schema error": ('effective_date: "2026-03-01"', "effective_date: banana"),
    "a syntax error": ("    trackers: [session-cookie, site-statistics]",
                       "    trackers: [session-cookie, site-statistics"),
    "an unknown field": ('effective_date: "2026-03-01"', 'efective_date: "2026-03-01"'),
    "an unknown reference": ("provider: web-analytics", "provider: web-analytic"),
}
ENGLISH = {
    "a schema error": '10:17: effective_date: the text "banana" does not have the expected form: A date written '
                      "as YYYY-MM-DD, such as 2026-01-31.",
    "a syntax error": "311:9: (top level): YAML syntax error: a list in [brackets] is not closed with ']' or its "
                      "items are not separated by commas (did not find expected ',' or ']'); it starts at line 309, "
                      "column 15",
    "an unknown field": '10:1: efective_date: unknown field "efective_date". Did you mean "effective_date"? Fields '
                        'allowed here: "schema_version", "version", "effective_date", "controller", "group_entities", '
                        '"joint_controllers", "supervisory_authorities", "statement", "roles", "data_subjects", '
                        '"data_categories", "sensitive_data" and 17 more.',
    "an unknown reference": '280:15: trackers[1].provider: "web-analytic" is not the id of any entry in recipients. '
                            'Did you mean "web-analytics"? Known ids: "nordic-hosting", "crm-cloud", "web-analytics".',
}
SWEDISH = {
    "a schema error": '10:17: effective_date: texten "banana" har inte den form som väntas: Ett datum skrivet '
                      "ÅÅÅÅ-MM-DD (YYYY-MM-DD), som 2026-01-31.",
    "a syntax error": "311:9: (top level): YAML-syntaxfel: en lista inom [hakparenteser] stängs inte med ']' eller "
                      "dess poster skiljs inte åt med kommatecken (did not find expected ',' or ']'); det börjar på "
                      "rad 309, kolumn 15",
    "an unknown field": '10:1: efective_date: okänt fält "efective_date". Menade du "effective_date"? Fält som är '
                        'tillåtna här: "schema_version", "version", "effective_date", "controller", "group_entities", '
                        '"joint_controllers", "supervisory_authorities", "statement", "roles", "data_subjects", '
                        '"data_categories", "sensitive_data" och 17 till.',
    "an unknown reference": '280:15: trackers[1].provider: "web-analytic" är inte id:t för någon post i recipients. '
                            'Menade du "web-analytics"? Kända id:n: "nordic-hosting", "crm-cloud", "web-analytics".',
}


@pytest.fixture(params=sorted(BROKEN))
def broken(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    old, new = BROKEN[request.param]
    path = tmp_path / "processing.yaml"
    path.write_text(edited(COMPLETE, old, new), encoding="utf-8")
    return request.param, path


def test_check_in_swedish_says_why_the_model_is_not_valid_in_swedish(broken: tuple[str, Path], cli: Cli) -> None:
    case, path = broken
    result = cli("check", "--language", "sv", path)
    assert result.code == 1
    assert result.lines == [f"{path}:{SWEDISH[case]}", f"{path}: ogiltig: 1 fel, 0 varningar"]
    assert LOCATED.match(result.lines[0])


def test_check_in_english_says_it_as_before(broken: tuple[str, Path], cli: Cli) -> None:
    case, path = broken
    result = cli("check", path)
    assert result.code == 1
    assert result.lines == [f"{path}:{ENGLISH[case]}", f"{path}: invalid: 1 error, 0 warnings"]


def test_check_in_swedish_as_markdown(broken: tuple[str, Path], cli: Cli) -> None:
    case, path = broken
    markdown = cli("check", "--language", "sv", "--format", "markdown", path).stdout
    line, column, rest = SWEDISH[case].split(":", 2)
    at, message = rest.strip().split(": ", 1)
    cell = message.replace("|", "\\|").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"| rad {line}, kolumn {column} | `{at}` | {cell} |" in markdown, markdown
    english = cli("check", "--format", "markdown", path).stdout
    assert f"| line {line}, column {column} | `{at}` |" in english
    assert ENGLISH[case].split(": ", 2)[2].replace("|", "\\|") in english


def test_check_as_json_in_swedish(broken: tuple[str, Path], cli: Cli) -> None:
    case, path = broken
    report = json.loads(cli("check", "--language", "sv", "--format", "json", path).stdout)
    assert [problem["message"] for problem in report["validation"]] == [SWEDISH[case].split(": ", 2)[2]]


def test_diff_in_swedish_says_why_a_side_is_not_valid_in_swedish(broken: tuple[str, Path], cli: Cli) -> None:
    case, path = broken
    old = path.with_name("old.yaml")
    old.write_text(COMPLETE, encoding="utf-8")
    result = cli("diff", "--language", "sv", old, path)
    assert result.code == 1
    assert result.lines[0] == f"{path}:{SWEDISH[case]}"
    markdown = cli("diff", "--language", "sv", "--format", "markdown", old, path).stdout
    assert f"- {escape(f'{path}:{SWEDISH[case]}')}\n" in markdown, markdown
    english = cli("diff", old, path)
    assert english.lines[0] == f"{path}:{ENGLISH[case]}"


def test_validate_in_swedish(broken: tuple[str, Path], cli: Cli) -> None:
    case, path = broken
    result = cli("validate", "--language", "sv", path)
    assert result.code == 1
    assert result.lines == [f"{path}:{SWEDISH[case]}", f"{path}: ogiltig: 1 fel, 0 varningar"]
    assert cli("validate", path).lines == [f"{path}:{ENGLISH[case]}", f"{path}: invalid: 1 error, 0 warnings"]


def test_the_installed_command_checks_in_swedish(tmp_path: Path) -> None:
    path = tmp_path / "processing.yaml"
    path.write_text(edited(COMPLETE, *BROKEN["a schema error"]), encoding="utf-8")
    result = run_script("check", "--language", "sv", path)
    assert (result.code, result.stderr) == (1, "")
    assert result.lines == [f"{path}:{SWEDISH['a schema error']}", f"{path}: ogiltig: 1 fel, 0 varningar"]


# Inputs that make (nearly) every message of the loader and the validator.
INPUTS = [
    "", "# only a comment\n", "- a list\n", "just text\n", "a: 1\na: 2\n", "a:\n\tb: 1\n", "a: [1, 2\n",
    "a: {b: 1\n", "a: 'open\n", 'a: "\\q"\n', "a: *nope\n", "a: !!python/name:os 1\n", "a: !!int x\n",
    "a: !custom [1]\n", "<<: {b: 1}\n", "? [a]\n: 1\n", "a: 1\n---\nb: 2\n", "a: b: c\n", "a:\nb\n  c: 1\n",
    "a: " + "1" * 200 + "\n", "a: {en: 'x\\u202e'}\n", "a: {en: \"\\u202e\\u200b\"}\n", "a: {en: \"\\x07\"}\n",
    "a: {en: \"\\L\"}\n", "a: {en: \"\u3164\"}\n", "a: {en: Hello, world}\n", "a: {en: x: y}\n", "a: {b, c: 1}\n",
    "a: x\u2028y\n", "a: [\n" + "[" * 70 + "\n",
]


# Edits of the complete model that make the validator's messages.
SITE = "    trackers: [session-cookie, site-statistics]"
CATEGORY = "\n      - {kind: strictly-necessary, label: {en: Needed}}"
EDITS = [
    ("schema_version: 2", "schema_version: 1"),
    ("schema_version: 2", "schema_version: 9"),
    ("id: customer-contacts", "id: [a]"),
    ('version: "2.1.0"', "version: 2.1"),
    ('effective_date: "2026-03-01"', 'effective_date: "2026-02-30"'),
    ("party: first", "party: frist"),
    ("id: website-visitors", "id: customer-contacts"),
    ("id: main-site", "id: index"),
    ("      - name: session_id\n", "      - name: session_id\n        pattern: ^s$\n"),
    (SITE, SITE + "\n    consent_categories:" + CATEGORY + CATEGORY),
    (SITE, SITE + "\n    consent_categories:" + CATEGORY),
    ("  - id: job-applicants\n", "  - id: nobody\n    name: {en: Nobody}\n  - id: job-applicants\n"),
    ('version: "2.1.0"\n', ""),
    ("    lifetime: P13M\n    lifetime_note", "    lifetime: null\n    lifetime_note"),
    ("lifetime: P1D", "lifetime: 5"),
    ("strictly_necessary: false", "strictly_necessary: {a: 1}"),
    ("party: third", "party: .nan"),
    ("strictly_necessary: true", "strictly_necessary: 3"),
    ("        path: /\n", "        path: true\n"),
    ("name: {en: Session cookie}", "name: Session cookie"),
    ("- name: _stats_id", "- name: '  '"),
    ("further_reading: https://www.imy.se", "further_reading: ftp"),
    ("services: [hosted-accounting]", "services: []"),
    ("      - en: Bank account numbers", "      - en: Names and contact details in invoices"),
    ("- pattern: ^_stats_s_[0-9a-f]+$", "- pattern: '(['"),
]


def _every_problem() -> list[Problem]:
    found: list[Problem] = []
    for text in INPUTS:
        try:
            load_text(text, "m.yaml")
        except InputError as error:
            found += error.problems
    for raw in (b"a: \xff\n", b"a: " + b"x" * MAX_BYTES):
        with pytest.raises(InputError) as raised:
            load_bytes(raw, "m.yaml")
        found += raised.value.problems
    for old, new in [*BROKEN.values(), *EDITS]:
        try:
            document = load_text(edited(COMPLETE, old, new), "m.yaml")
        except InputError as error:
            found += error.problems
            continue
        found += validate(document, POLICY).problems
    return found


def test_every_problem_is_said_in_swedish_without_english_words_of_its_own() -> None:
    wording = POLICY.problems_in("sv")
    problems = _every_problem()
    keys = {problem.said.key for problem in problems if problem.said is not None}
    assert len(keys) >= 40
    assert all(problem.said is not None for problem in problems)
    for problem in problems:
        swedish = in_wording(problem, wording)
        assert swedish.location == problem.location and swedish.path == problem.path
        assert swedish.message != problem.message, problem.message
        # The file's values, code and PyYAML's own words (in parentheses) aside, no English is left.
        words = re.sub(r'"[^"]*"|\'[^\']*\'|`[^`]*`|\((?:did|found|while|could|mapping|expected)[^)]*\)', "",
                       swedish.message)
        for english in (" the ", " is ", " not ", "expected", "Did you mean", " write ", " found ", " a "):
            assert english not in f" {words} ", (english, swedish.message)


def test_a_policy_without_swedish_messages_is_a_usage_error(tmp_path: Path, cli: Cli) -> None:
    import shutil

    folder = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, folder)
    (folder / "texts" / "problems.sv.yaml").unlink()
    path = tmp_path / "processing.yaml"
    path.write_text(edited(COMPLETE, *BROKEN["a schema error"]), encoding="utf-8")
    assert cli("check", "--policy", folder, path).code == 1  # English needs no file
    result = cli("check", "--policy", folder, "--language", "sv", path)
    assert result.code == 2
    assert "problems.sv.yaml" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(PolicyError):
        load_policy(folder).problems_in("sv")


@pytest.mark.parametrize("edit", [("  - id: session-cookie", "  - id: [session-cookie]"),
                                  ("  - id: session-cookie", "  - id: {a: 1}")])
def test_a_tracker_id_that_is_no_text_is_a_located_problem_not_a_crash(edit: tuple[str, str], cli: Cli,
                                                                        tmp_path: Path) -> None:
    """The consent categories' check looked trackers up by their ids, and a list or a mapping as an id
    stopped validation with a TypeError."""
    text = edited(COMPLETE, SITE, SITE + "\n    consent_categories:" + CATEGORY
                  + "\n      - {kind: analytics, label: {en: Stats}}")
    path = tmp_path / "processing.yaml"
    path.write_text(edited(text, *edit), encoding="utf-8")
    result = cli("validate", path)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert result.problems[0].startswith(f"{path}:260:9: trackers[0].id: expected text, found ")
