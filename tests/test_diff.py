"""`privacy-statement diff` on files: each kind of change in words, the version flag, both formats."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICY, REAL_MODEL, CliResult

from generator.diff import ENTRY_KEYS, NOT_COMPARED, describe_changes, diff_models, format_text
from generator.history import History, Version, date_versions
from generator.load import load_file
from generator.pipeline import read_model, read_model_bytes
from generator.render import CHANGES_PAGE, LANGUAGES, render_site
from generator.translations import is_text_schema

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
    assert visible_printed(result) == case["expect"]
    assert not_visible_printed(result) == case.get("not_visible", [])
    assert not any(WARNING.match(line) for line in result.lines)
    assert (NO_CHANGE in result.lines) == (not case["expect"])


def test_text_output_names_the_sides_and_versions_and_groups_by_section(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    new = write_model(raised(edit(
        base_text,
        ("    lifetime: P1Y\n", "    lifetime: P2Y\n"),
        ("      - kind: standard-contractual-clauses\n", "      - kind: binding-corporate-rules\n"),
    )), "new.yaml")
    result = cli("diff", BASE, new)
    assert result.code == 0
    assert result.stdout == (
        f"Comparing {BASE} with {new}.\n"
        "Version 2.0.0 (in effect from 1 March 2026) → version 2.1.0 (in effect from 1 September 2026).\n"
        "\n"
        "Transfers outside the EU/EEA:\n"
        "  - Transfer of data to “Analytics Inc.” in United States: Standard contractual clauses adopted by the "
        "European Commission (GDPR Art. 46(2)(c)) (a copy: “Email us for a copy of the clauses.”) removed from "
        "safeguards.\n"
        "  - Transfer of data to “Analytics Inc.” in United States: Binding corporate rules (GDPR Art. 47) (a copy: "
        "“Email us for a copy of the clauses.”) added to safeguards.\n"
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
    broken = write_model(edit(base_text, ("      - basis: contract\n", "      - basis: contact\n")), "broken.yaml")
    result = cli("diff", broken, BASE)
    assert result.code == 1
    assert result.problems == [line for line in result.lines if line.startswith(f"{broken}:")]
    assert any(line.startswith(f"{broken}:") and "purposes[0].legal_bases[0].basis" in line
               and 'Did you mean "contract"' in line for line in result.problems)
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
    assert len(items) == 1 and "purposes\\[0\\]\\.legal\\_bases\\[0\\]\\.basis" in items[0]


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
    old = read_model(BASE, POLICY).model
    new_text = raised(edit(base_text, ("    lifetime: P1Y\n", "    lifetime: P2Y\n")))
    new = read_model_bytes(new_text.encode(), "new.yaml", POLICY).model
    expected = ["Tracker “Statistics cookie”: lifetime changed from 1 year to 2 years."]
    assert describe_changes(old, new, POLICY) == expected
    assert describe_changes(old, old, POLICY) == []
    assert diff_models(old, new, POLICY).changes[0].path == "trackers[1].lifetime"

    # As the site's changes page uses it.
    history = History(date_versions([Version(new, "working tree"), Version(old, "abc")], date(2026, 10, 1)), ())
    site = render_site(new, POLICY, history=history, describe_changes=partial(describe_changes, policy=POLICY))
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
    if is_text_schema(properties):
        return found
    for name, sub in properties.items():
        child = f"{place}.{name}" if place else name
        found |= {child} | _schema_places(sub, root, child)
    return found


def test_every_field_of_the_schema_has_words_for_readers() -> None:
    wording = POLICY.wording_in("en")
    schema = POLICY.schema
    places = {place for place in _schema_places(schema, schema) if place.split(".")[0] not in NOT_COMPARED}
    # Lists of entries are named by their entries' kind and title; every other field by its label.
    labelled = places - set(ENTRY_KEYS)
    assert labelled - set(wording["fields"]) == set()
    assert set(wording["fields"]) - labelled == set(), "wording for fields the schema no longer has"
    assert set(ENTRY_KEYS) <= set(wording["entries"])
    assert {place for place in places if "." not in place} <= set(wording["sections"])


# --- the diff follows what readers see (issue 14, item 9) ---------------------------------------

NOT_VISIBLE = "Not visible on the site:"


def visible_printed(result: CliResult) -> list[str]:
    """The sentences before the part of changes no reader sees."""
    lines = result.lines[:result.lines.index(NOT_VISIBLE)] if NOT_VISIBLE in result.lines else result.lines
    return [line.removeprefix("  - ") for line in lines if line.startswith("  - ")]


def not_visible_printed(result: CliResult) -> list[str]:
    if NOT_VISIBLE not in result.lines:
        return []
    lines = result.lines[result.lines.index(NOT_VISIBLE) + 1:]
    return [line.removeprefix("  - ") for line in lines if line.startswith("  - ")]


def model_of(text: str) -> Any:
    return read_model_bytes(text.encode(), "model.yaml", POLICY).model


def pages_differ(old_text: str, new_text: str) -> bool:
    """Whether any page of the site differs (the version and date of both sides made the same)."""
    old, new = model_of(old_text), model_of(new_text)
    old_data = {**old.data, "version": new.data["version"], "effective_date": new.data["effective_date"]}
    old = read_model_bytes(json.dumps(old_data).encode(), "old.yaml", POLICY).model
    today = date.fromisoformat(new.data["effective_date"])
    return any(render_site(old, POLICY, today=today, language=language)
               != render_site(new, POLICY, today=today, language=language) for language in LANGUAGES)


def diff_of(old_text: str, new_text: str, write_model: Callable[..., Path],
            cli: Callable[..., CliResult], *options: str) -> CliResult:
    result = cli("diff", *options, write_model(old_text, "old.yaml"), write_model(new_text, "new.yaml"))
    assert result.code == 0, result.stdout + result.stderr
    return result


def test_an_empty_list_reads_as_none_not_as_nothing(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    """Only `none` says "none"; an empty list says nothing, as the appendix shows it (issue 14)."""
    old = edit(base_text, ("    sub_processors: [hosting]\n", "    sub_processors: null\n"))
    new = raised(edit(base_text, ("    sub_processors: [hosting]\n", "    sub_processors: none\n")))
    result = diff_of(old, new, write_model, cli)
    assert visible_printed(result) == ["Service “Booking service”: sub-processors changed from not stated to none: "
                                       "the service uses no sub-processors."]
    assert not any(line.rstrip().endswith(" to .") for line in result.lines)
    empty = raised(edit(base_text, ("    sub_processors: [hosting]\n", "    sub_processors: []\n")))
    assert visible_printed(diff_of(old, empty, write_model, cli)) == []


def test_an_empty_list_no_page_shows_is_no_change_for_readers(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    """A purpose with `recipients: []` where it had none: the pages say the same, so no reader sees a
    change and the version need not be raised; the change is still listed, as not visible."""
    old = edit(base_text, ("    recipients: [hosting]\n", ""))
    new = edit(base_text, ("    recipients: [hosting]\n", "    recipients: []\n"))
    assert not pages_differ(old, new)
    result = diff_of(old, new, write_model, cli, "--strict")
    assert visible_printed(result) == []
    assert NO_CHANGE in result.lines
    assert not any(WARNING.match(line) for line in result.lines)
    assert not_visible_printed(result) == [
        "Purpose “Deliver the booking service you bought.”: recipients changed from not stated to an empty list "
        "(not stated)."]


def test_reordering_purposes_is_a_change_readers_see(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    start = base_text.index("  - id: deliver-service\n")
    middle = base_text.index("  - id: website-statistics\n")
    end = base_text.index("\ntransfers:\n")
    new = base_text[:start] + base_text[middle:end].rstrip("\n") + "\n" + base_text[start:middle] + base_text[end:]
    assert pages_differ(base_text, new)
    result = diff_of(base_text, new, write_model, cli)
    assert visible_printed(result) == ["Purpose “Understand how our website is used.” moved from place 2 to place 1."]
    assert [WARNING.match(line).group(1) for line in result.lines if WARNING.match(line)] == [
        "`version` and `effective_date`"]


def test_a_duplicated_list_item_is_reported(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    new = raised(edit(base_text, ("    - en: The booking service\n",
                                  "    - en: The booking service\n    - en: The booking service\n")))
    result = diff_of(base_text, new, write_model, cli)
    assert visible_printed(result) == ["“The booking service” is now listed twice in what the statement covers "
                                       "(before: once)."]
    transfer = ("    how_to_get_copy: {en: Email us for a copy of the clauses.}\n",
                "    how_to_get_copy: {en: Email us for a copy of the clauses.}\n  - recipient: analytics\n"
                "    country: US\n    safeguards:\n      - kind: standard-contractual-clauses\n"
                "        how_to_get_copy: {en: Email us for a copy of the clauses.}\n")
    result = diff_of(base_text, raised(edit(base_text, transfer)), write_model, cli)
    assert visible_printed(result) == [
        "Transfer of data to “Analytics Inc.” in United States added (safeguards: Standard contractual clauses "
        "adopted by the European Commission (GDPR Art. 46(2)(c)) (a copy: “Email us for a copy of the clauses.”))."]


def test_renaming_a_tracker_moves_its_anchor(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    new = raised(edit(base_text, ("  - id: stats-cookie\n", "  - id: statistics-cookie\n"),
                      ("    trackers: [session-cookie, stats-cookie]\n",
                       "    trackers: [session-cookie, statistics-cookie]\n")))
    result = diff_of(base_text, new, write_model, cli)
    assert visible_printed(result) == [
        "Tracker “Statistics cookie”: page address changed from “privacy/sites/website/#stats-cookie” to "
        "“privacy/sites/website/#statistics-cookie”."]
    site = render_site(model_of(new), POLICY, today=date(2026, 9, 1))
    page = next(page for page in site.pages if page.path == "privacy/sites/website.md")
    assert "{#statistics-cookie}" in page.markdown


TWO_TRANSFERS = ("    how_to_get_copy: {en: Email us for a copy of the clauses.}\n",
                 "    how_to_get_copy: {en: Email us for a copy of the clauses.}\n  - recipient: analytics\n"
                 "    country: US\n    safeguards:\n      - kind: eu-us-data-privacy-framework\n")


def test_two_transfers_to_one_recipient_and_country_are_matched_stably(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    """Data Privacy Framework plus standard contractual clauses for the same company: each is the
    same entry on both sides, so comparing the model with itself says nothing."""
    both = edit(base_text, TWO_TRANSFERS)
    result = diff_of(both, raised(both), write_model, cli)
    assert visible_printed(result) == [] and not_visible_printed(result) == []
    assert NO_CHANGE in result.lines
    # Changing one of the two says just that.
    changed = raised(edit(both, ("      - kind: eu-us-data-privacy-framework\n",
                                 "      - kind: adequacy-decision\n")))
    result = diff_of(both, changed, write_model, cli)
    assert visible_printed(result) == [
        "Transfer of data to “Analytics Inc.” in United States: The EU-US Data Privacy Framework, an adequacy "
        "decision for certified US companies (GDPR Art. 45) removed from safeguards.",
        "Transfer of data to “Analytics Inc.” in United States: An adequacy decision of the European Commission "
        "(GDPR Art. 45) added to safeguards."]


@pytest.mark.parametrize("collection", ["sites", "services"])
def test_a_page_id_named_index_is_refused_where_it_stands(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult], collection: str
) -> None:
    """`privacy/sites/index.md` would be the folder's own page (its address privacy/sites/), not a
    page privacy/sites/index/ as every other id gives."""
    ident = {"sites": "website", "services": "booking"}[collection]
    text = base_text.replace(f"  - id: {ident}\n", "  - id: index\n", 1)
    text = text.replace("    services: [booking]\n", "    services: [index]\n") if collection == "services" else text
    path = write_model(text)
    result = cli("validate", path)
    assert result.code == 1
    line = text.splitlines().index("  - id: index") + 1
    [problem] = result.problems
    assert problem.startswith(f"{path}:{line}:9: {collection}[0].id: ")
    assert '"index"' in problem


def test_the_page_addresses_the_diff_names_are_the_pages_rendered(base_text: str) -> None:
    new_text = raised(edit(base_text, ("  - id: website\n    name: {en: Exempel website}",
                                       "  - id: exempel-website\n    name: {en: Exempel website}"),
                           ("  - id: booking\n", "  - id: bookings\n"),
                           ("    services: [booking]\n", "    services: [bookings]\n")))
    old, new = read_model(BASE, POLICY).model, model_of(new_text)
    addresses = [change for change in diff_models(old, new, POLICY).changes if change.action == "address_changed"]
    assert len(addresses) == 2
    for change in addresses:
        for model, address in ((old, change.before), (new, change.after)):
            page = address.strip("“”").removesuffix("/") + ".md"
            assert page in {page.path for page in render_site(model, POLICY, today=date(2026, 9, 1)).pages}


def test_a_translation_is_visible_only_where_its_language_is_published(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    """The site is made in English and Swedish: a Swedish text changes the Swedish pages. A site
    published in English alone shows no Swedish text, so adding one changes nothing readers see."""
    new = edit(base_text, ("  introduction: {en: This statement explains how Exempel handles personal data.}",
                           "  introduction:\n    en: This statement explains how Exempel handles personal data.\n"
                           "    sv: Den här texten förklarar hur Exempel hanterar personuppgifter."))
    assert pages_differ(base_text, new)
    result = diff_of(base_text, new, write_model, cli)
    [sentence] = visible_printed(result)
    assert sentence.startswith("The introduction changed from en: “This statement explains")
    assert "sv: “Den här texten förklarar hur Exempel hanterar personuppgifter.”" in sentence

    english_only = diff_models(model_of(base_text), model_of(new), POLICY, languages=("en",))
    assert english_only.visible_changes == () and english_only.not_raised == ()
    assert [change.field for change in english_only.hidden_changes] == ["statement.introduction"]
    assert "Den här texten" in format_text(english_only).split("Not visible on the site:\n")[1]


ACKNOWLEDGED = ("acknowledged_findings: []",
                "acknowledged_findings:\n  - rule: retention-vague\n    at: retention_policies[statistics].criteria\n"
                "    reason: The criteria are agreed with the legal team.")


def test_changes_no_reader_sees_are_listed_apart_in_every_format(
    base_text: str, write_model: Callable[..., Path], cli: Callable[..., CliResult]
) -> None:
    new = edit(base_text, ACKNOWLEDGED, ("    lifetime: P1Y\n", "    lifetime: P2Y\n"))
    lifetime = "Tracker “Statistics cookie”: lifetime changed from 1 year to 2 years."
    acknowledged = ("Acknowledged finding added: “retention-vague” at retention_policies[statistics].criteria "
                    "(reason: The criteria are agreed with the legal team.)")
    result = diff_of(base_text, new, write_model, cli)
    assert visible_printed(result) == [lifetime]
    assert not_visible_printed(result) == [acknowledged + "."]

    markdown = diff_of(base_text, new, write_model, cli, "--format", "markdown")
    part = markdown.stdout.split("### Not visible on the site\n")[1]
    assert ("- Acknowledged finding added: “retention\\-vague” at retention\\_policies\\[statistics\\]\\.criteria"
            in part)
    assert "lifetime" not in part

    report = json.loads(diff_of(base_text, new, write_model, cli, "--format", "json").stdout)
    assert [change["sentence"] for change in report["visible"]] == [lifetime]
    assert [change["sentence"] for change in report["not_visible"]] == [acknowledged + "."]
    assert report["not_visible"][0]["section"] == "acknowledged_findings"
    assert report["not_raised"] == ["version", "effective_date"]
    assert report["old"]["version"] == "2.0.0" and report["new"]["effective_date"] == "2026-03-01"

    # Alone, the acknowledgement needs no new version.
    only = diff_of(base_text, edit(base_text, ACKNOWLEDGED), write_model, cli, "--strict")
    assert NO_CHANGE in only.lines and not any(WARNING.match(line) for line in only.lines)
    assert json.loads(diff_of(base_text, edit(base_text, ACKNOWLEDGED), write_model, cli, "--format",
                              "json").stdout)["not_raised"] == []
