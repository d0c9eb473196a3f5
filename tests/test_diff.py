"""`privacy-statement diff` on files: each kind of change in words, the version flag, both formats."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REAL_MODEL, CliResult

from generator.diff import ENTRY_KEYS, NOT_COMPARED, describe_changes, diff_models, load_wording
from generator.history import History, Version, date_versions
from generator.load import load_file
from generator.paths import POLICY_DIR
from generator.pipeline import read_model, read_model_bytes
from generator.render import CHANGES_PAGE, render_site
from generator.validate import load_schema

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
BASE = FIXTURES / "base.yaml"
CASES = load_file(FIXTURES / "cases.yaml").data["cases"]
BASE_VERSION = ('version: "2.0.0"', 'effective_date: "2026-03-01"')
RAISED_VERSION = ('version: "2.1.0"', 'effective_date: "2026-09-01"')
NO_CHANGE = "No change for readers of the statement."
WARNING = re.compile(r"^Warning: this changes what readers of the statement see, but (.+) (?:was|were) not raised\.")


def edit(text: str, *replacements: tuple[str, str] | list[str]) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, f"expected {old!r} once in the model"
        text = text.replace(old, new)
    return text


def raised(text: str) -> str:
    return edit(text, *zip(BASE_VERSION, RAISED_VERSION, strict=True))


def sentences_printed(result: CliResult) -> list[str]:
    return [line.removeprefix("  - ") for line in result.lines if line.startswith("  - ")]


@pytest.fixture
def base_text() -> str:
    return BASE.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_each_kind_of_change_gives_its_sentences(
    case: dict[str, Any], base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    new = write_model(raised(edit(base_text, *case["replace"])), "new.yaml")
    result = cli("diff", BASE, new)
    assert result.code == 0, result.stdout + result.stderr
    assert sentences_printed(result) == case["expect"]
    assert not any(WARNING.match(line) for line in result.lines)
    assert (NO_CHANGE in result.lines) == (not case["expect"])


def test_text_output_names_the_sides_and_versions_and_groups_by_section(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    new = write_model(raised(edit(
        base_text,
        ("    lifetime: P1Y\n", "    lifetime: P2Y\n"),
        ("    mechanism: standard-contractual-clauses\n", "    mechanism: binding-corporate-rules\n"),
    )), "new.yaml")
    result = cli("diff", BASE, new)
    assert result.code == 0
    assert result.stdout == (
        f"Comparing {BASE} with {new}.\n"
        "Version 2.0.0 (in effect from 1 March 2026) → version 2.1.0 (in effect from 1 September 2026).\n"
        "\n"
        "Transfers outside the EU/EEA:\n"
        "  - Transfer of data to “Analytics Inc.” in United States: safeguard changed from Standard contractual "
        "clauses adopted by the European Commission (GDPR Art. 46(2)(c)) to Binding corporate rules (GDPR Art. 47).\n"
        "\n"
        "Cookies and trackers:\n"
        "  - Tracker “Statistics cookie”: lifetime changed from 1 year to 2 years.\n"
    )


def test_identical_models_give_no_change(cli: Callable[..., CliResult]) -> None:
    result = cli("diff", REAL_MODEL, REAL_MODEL)
    assert result.code == 0
    assert result.lines[-1] == NO_CHANGE
    assert sentences_printed(result) == []
    assert not any(WARNING.match(line) for line in result.lines)


def test_a_change_without_a_new_version_and_date_is_flagged(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    lifetime = ("    lifetime: P1Y\n", "    lifetime: P2Y\n")
    unchanged = write_model(edit(base_text, lifetime), "unchanged.yaml")
    result = cli("diff", BASE, unchanged)
    assert result.code == 0  # a warning, not a failure, unless --strict
    warnings = [WARNING.match(line) for line in result.lines if WARNING.match(line)]
    assert [w.group(1) for w in warnings] == ["`version` and `effective_date`"]
    assert sentences_printed(result) == ["Tracker “Statistics cookie”: lifetime changed from 1 year to 2 years."]
    assert cli("diff", "--strict", BASE, unchanged).code == 1

    only_version = write_model(edit(base_text, lifetime, (BASE_VERSION[0], RAISED_VERSION[0])), "version.yaml")
    result = cli("diff", "--strict", BASE, only_version)
    assert result.code == 1
    assert [WARNING.match(line).group(1) for line in result.lines if WARNING.match(line)] == ["`effective_date`"]

    # An older date is not a raised one either.
    older = write_model(edit(base_text, lifetime, (BASE_VERSION[0], RAISED_VERSION[0]),
                             (BASE_VERSION[1], 'effective_date: "2025-12-31"')), "older.yaml")
    assert cli("diff", "--strict", BASE, older).code == 1

    both = write_model(raised(edit(base_text, lifetime)), "both.yaml")
    result = cli("diff", "--strict", BASE, both)
    assert result.code == 0
    assert not any(WARNING.match(line) for line in result.lines)


def test_raising_the_version_alone_is_no_change_for_readers(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    result = cli("diff", "--strict", BASE, write_model(raised(base_text), "new.yaml"))
    assert result.code == 0
    assert result.lines[-1] == NO_CHANGE


def test_markdown_for_a_pull_request_summary(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    new = write_model(edit(base_text, ("    lifetime: P1Y\n", "    lifetime: P2Y\n")), "new.yaml")
    result = cli("diff", "--format", "markdown", BASE, new)
    assert result.code == 0
    assert result.lines[0] == "## What changes for readers of the statement"
    assert "### Cookies and trackers" in result.lines
    assert "- Tracker “Statistics cookie”: lifetime changed from 1 year to 2 years." in result.lines
    warning = [line for line in result.lines if line.startswith("> Warning:")]
    assert len(warning) == 1 and "`version` and `effective_date` were not raised" in warning[0]


def test_markdown_escapes_what_the_model_says(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    hostile = "<img src=x onerror=alert(1)> [click](https://evil.example) **bold** `code`"
    new = write_model(raised(edit(base_text, ("name: {en: Statistics cookie}", f"name: {{en: '{hostile}'}}"))),
                      "new.yaml")
    result = cli("diff", "--format", "markdown", BASE, new)
    assert result.code == 0
    changed = [line for line in result.lines if line.startswith("- Tracker")]
    assert len(changed) == 1
    assert "<img" not in changed[0] and "](" not in changed[0] and "**bold**" not in changed[0]
    assert "`code`" not in changed[0]
    assert "&lt;img src&#61;x onerror&#61;alert\\(1\\)&gt;" in changed[0]
    # The plain text for a terminal shows the name as written.
    assert hostile in cli("diff", BASE, new).stdout


def test_an_invalid_side_is_named_with_its_located_problems(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    broken = write_model(edit(base_text, ("    legal_basis: contract\n", "    legal_basis: contact\n")), "broken.yaml")
    result = cli("diff", broken, BASE)
    assert result.code == 1
    assert result.problems == [line for line in result.lines if line.startswith(f"{broken}:")]
    assert any(line.startswith(f"{broken}:") and "purposes[0].legal_basis" in line and 'Did you mean "contract"' in line
               for line in result.problems)
    assert result.lines[-1] == f"The old side ({broken}) is not valid, so there is nothing to compare: 1 error."

    both = cli("diff", broken, broken)
    assert both.code == 1
    assert [line for line in both.lines if " is not valid" in line] == [
        f"The old side ({broken}) is not valid, so there is nothing to compare: 1 error.",
        f"The new side ({broken}) is not valid, so there is nothing to compare: 1 error.",
    ]

    markdown = cli("diff", "--format", "markdown", BASE, broken)
    assert markdown.code == 1
    assert markdown.lines[0].startswith("**The new side (")
    items = [line for line in markdown.lines if line.startswith("- ")]
    assert len(items) == 1 and "purposes\\[0\\]\\.legal\\_basis" in items[0]


@pytest.mark.parametrize("arguments", [
    ["diff", str(BASE)],
    ["diff", str(BASE), "no-such-file.yaml"],
    ["diff", "--from", "HEAD", str(BASE), str(BASE)],
    ["diff", "--file", "data/processing.yaml", str(BASE), str(BASE)],
    ["diff", "--format", "html", str(BASE), str(BASE)],
])
def test_usage_errors_exit_2_with_a_message(arguments: list[str], cli: Callable[..., CliResult]) -> None:
    result = cli(*arguments)
    assert result.code == 2
    assert result.stderr.startswith("privacy-statement diff: ")
    assert "Traceback" not in result.stderr


def test_the_real_model_in_words(real_text: str, write_model: Callable[..., Path],
                                 cli_process: Callable[..., CliResult]) -> None:
    """The installed command on the real model, with a gap filled as a legal editor would."""
    filled = edit(
        real_text,
        ('version: "1.0.0"', 'version: "1.1.0"'),
        ('effective_date: "2026-11-25"', 'effective_date: "2027-01-01"'),
        ("    period: null  # GAP: the statement gives no storage period for any purpose.\n",
         "    period: {duration: P2Y, starts: {en: your last contact with us}}\n"),
    )
    result = cli_process("diff", REAL_MODEL, write_model(filled))
    assert result.code == 0, result.stderr
    assert sentences_printed(result) == [
        "Retention rule “necessary-for-purpose”: storage period changed from not stated to "
        "2 years from “your last contact with us”."]
    assert "Version 1.0.0 (in effect from 25 November 2026) → version 1.1.0 (in effect from 1 January 2027)." \
        in result.lines


def test_describe_changes_gives_the_history_the_same_sentences(base_text: str) -> None:
    old = read_model(BASE).model
    new_text = raised(edit(base_text, ("    lifetime: P1Y\n", "    lifetime: P2Y\n")))
    new = read_model_bytes(new_text.encode(), "new.yaml").model
    expected = ["Tracker “Statistics cookie”: lifetime changed from 1 year to 2 years."]
    assert describe_changes(old, new) == expected
    assert describe_changes(old, old) == []
    assert diff_models(old, new).changes[0].path == "trackers[1].lifetime"

    # As the site's changes page uses it.
    history = History(date_versions([Version(new, "working tree"), Version(old, "abc")], date(2026, 10, 1)), ())
    site = render_site(new, history=history, describe_changes=describe_changes)
    changes_page = next(page for page in site.pages if page.path == CHANGES_PAGE)
    assert "Tracker “Statistics cookie”: lifetime changed from 1 year to 2 years\\." in changes_page.markdown


def _schema_places(schema: dict[str, Any], root: dict[str, Any], place: str = "") -> set[str]:
    """Every field of the model by its place (list entries without numbers)."""
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    found: set[str] = set()
    for branch in schema.get("anyOf", ()):
        found |= _schema_places(branch, root, place)
    if "items" in schema:
        found |= _schema_places(schema["items"], root, place)
    properties = schema.get("properties", {})
    if set(properties) <= {"en", "sv"}:
        return found
    for name, sub in properties.items():
        child = f"{place}.{name}" if place else name
        found |= {child} | _schema_places(sub, root, child)
    return found


def test_every_field_of_the_schema_has_words_for_readers() -> None:
    wording = load_wording(POLICY_DIR, "en")
    schema = load_schema()
    places = {place for place in _schema_places(schema, schema) if place.split(".")[0] not in NOT_COMPARED}
    # Lists of entries are named by their entries' kind and title; every other field by its label.
    labelled = places - set(ENTRY_KEYS)
    assert labelled - set(wording["fields"]) == set()
    assert set(wording["fields"]) - labelled == set(), "wording for fields the schema no longer has"
    assert set(ENTRY_KEYS) <= set(wording["entries"])
    assert {place for place in places if "." not in place} <= set(wording["sections"])
