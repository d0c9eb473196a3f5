"""Translations of the model's texts: missing and stale ones are reported, located; `translations
--mark-current` records what each was translated from; and the Swedish statement says it is a draft
until the model marks the translation approved.

The fixtures: tests/fixtures/translations/complete.yaml (every text in English and Swedish, every
translation marked current), and two made from it here: `missing` (one Swedish text taken out) and
`stale` (one English text changed after its translation was marked)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import POLICY, CliResult, edited, flattened, placeholders
from sitekit import copy_project, launched_chromium, mkdocs_build, serious_violations, serve

from generator.check import check
from generator.diff import describe_changes, diff_models, format_text
from generator.history import History, Version, date_versions
from generator.pipeline import read_model_bytes
from generator.problems import InputError
from generator.render import CHANGES_PAGE, FEED_FILE, render_site
from generator.translations import fingerprint, mark_current
from generator.validate import Model

FIXTURES = Path(__file__).parent / "fixtures"
COMPLETE = FIXTURES / "translations" / "complete.yaml"
# The text the fixtures change: the name of the first group of data subjects.
MARK = fingerprint("Customer contact persons")
WRITTEN = ("    name:\n      en: Customer contact persons\n      sv: Kontaktpersoner hos kunder\n"
           f'      sv_from: "{MARK}"\n')


@pytest.fixture(scope="module")
def complete() -> str:
    text = COMPLETE.read_text(encoding="utf-8")
    assert WRITTEN in text
    return text


@pytest.fixture(scope="module")
def missing(complete: str) -> str:
    return edited(complete, WRITTEN, "    name:\n      en: Customer contact persons\n")


@pytest.fixture(scope="module")
def stale(complete: str) -> str:
    return edited(complete, "      en: Customer contact persons\n", "      en: Contact persons at customers\n")


Found = tuple[str, str, str, int, int, str]


def findings(text: str) -> list[Found]:
    """Every finding of `check` on the model: rule, severity, path, line, column, message."""
    model = read_model_bytes(text.encode(), "model.yaml", POLICY).model
    return [(f.rule, f.severity, f.at, f.location.line, f.location.column, f.message) for f in check(model, POLICY)]


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def statement(text: str, language: str) -> str:
    """The statement page's Markdown, Markdown's backslash escapes removed."""
    model = read_model_bytes(text.encode(), "model.yaml", POLICY).model
    return render_site(model, POLICY, language=language).pages[0].markdown.replace("\\", "")


# --- the three fixtures ------------------------------------------------------------------------

def test_the_complete_fixture_gives_no_finding(complete: str) -> None:
    assert findings(complete) == []


def test_a_missing_translation_is_one_warning_located_at_the_english_text(missing: str) -> None:
    [(rule, severity, at, line, column, message)] = findings(missing)
    assert (rule, severity, at) == ("translation-missing", "warning", "data_subjects[0].name.sv")
    # Where the Swedish goes: beside the English text it is missing from.
    assert (line, column) == (line_of(missing, "      en: Customer contact persons"), 11)
    assert message.startswith("this text has no `sv` translation, so the statement in that language shows")
    assert "privacy-statement translations --mark-current" in message


def test_a_stale_translation_is_one_warning_located_at_its_mark(stale: str) -> None:
    [(rule, severity, at, line, column, message)] = findings(stale)
    assert (rule, severity, at) == ("translation-stale", "warning", "data_subjects[0].name.sv_from")
    assert (line, column) == (line_of(stale, f'      sv_from: "{MARK}"'), 16)
    assert MARK in message and fingerprint("Contact persons at customers") in message


def test_a_translation_without_a_mark_is_reported_as_unchecked(complete: str) -> None:
    text = edited(complete, f'      sv_from: "{MARK}"\n', "")
    [(rule, _, at, line, column, message)] = findings(text)
    assert (rule, at) == ("translation-stale", "data_subjects[0].name.sv")
    assert (line, column) == (line_of(text, "      sv: Kontaktpersoner hos kunder"), 11)
    assert "does not record which English text it was made from (it has no `sv_from`)" in message


def test_rewrapping_or_reindenting_a_text_keeps_its_translation_current(complete: str) -> None:
    text = edited(complete, "      en: Customer contact persons\n", "      en: >-\n        Customer contact\n"
                                                                     "        persons\n")
    assert findings(text) == []
    assert fingerprint("Keep the accounts\n  the law requires.") == fingerprint("Keep the accounts the law requires.")
    assert fingerprint("Keep the accounts the law requires.") != fingerprint("Keep the accounts the law requires")


def test_a_model_without_languages_expects_no_translation() -> None:
    text = (FIXTURES / "complete.yaml").read_text(encoding="utf-8")
    assert "\nlanguages:" not in text and "\n    sv: " not in text
    assert findings(text) == []


def test_only_the_languages_the_model_lists_are_expected(missing: str) -> None:
    """Only the languages listed under languages.translations are expected."""
    without = edited(missing, "  translations:\n    sv:\n      approved: false\n", "  translations: {}\n")
    assert findings(without) == []


# --- the marks -----------------------------------------------------------------------------------

def test_a_mark_is_eight_letters_that_every_yaml_reader_takes_for_text() -> None:
    for text in ("Text", "Customer contact persons", "Ärende", "1"):
        mark = fingerprint(text)
        assert re.fullmatch(r"[a-p]{8}", mark)
        assert yaml.safe_load(f"mark: {mark}") == {"mark": mark}  # YAML 1.1, unquoted


def test_the_schema_takes_a_mark_only_beside_its_translation() -> None:
    schema = POLICY.schema
    validator = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/text"})
    assert validator.is_valid({"en": "Text", "sv": "Text", "sv_from": "aklbmcnd"})
    for mark in ("AKLBMCND", "aklbmcn", "aklbmcndo", "0a1b2c3d", "aqlbmcnd"):
        assert not validator.is_valid({"en": "Text", "sv": "Text", "sv_from": mark}), mark
    assert not validator.is_valid({"en": "Text", "sv_from": "aklbmcnd"})


def test_a_wrong_languages_section_is_a_located_error(complete: str) -> None:
    text = edited(complete, "  prevailing: en\n", "  prevailing: fr\n")
    with pytest.raises(InputError) as raised:
        read_model_bytes(text.encode(), "model.yaml", POLICY)
    [problem] = raised.value.problems
    assert (problem.location.line, problem.location.column) == (line_of(text, "  prevailing: fr"), 15)
    assert problem.format().startswith(f"model.yaml:{line_of(text, '  prevailing: fr')}:15: languages.prevailing: ")


def test_mark_current_writes_the_marks_and_nothing_else(stale: str, tmp_path: Path,
                                                        cli: Callable[..., CliResult]) -> None:
    model = tmp_path / "processing.yaml"
    model.write_text(stale, encoding="utf-8")
    dry = cli("translations", model)
    assert (dry.code, dry.lines) == (0, [f"{model}: 1 translation to mark as current; run with --mark-current "
                                         "to write the marks"])
    assert model.read_text(encoding="utf-8") == stale
    result = cli("translations", model, "--mark-current")
    assert (result.code, result.lines) == (0, [f"{model}: marked 1 translation as current"])
    after = model.read_text(encoding="utf-8")
    assert after == stale.replace(f'sv_from: "{MARK}"', f'sv_from: "{fingerprint("Contact persons at customers")}"')
    assert findings(after) == []
    again = cli("translations", model, "--mark-current")
    assert again.lines == [f"{model}: marked 0 translations as current"]
    assert model.read_text(encoding="utf-8") == after


def test_mark_current_adds_a_mark_to_a_new_translation_in_either_style() -> None:
    source = ("a:\n  flow: {en: One, sv: Ett}\n  block:\n    en: >-\n      Two\n      lines.\n"
              "    sv: >-\n      Två\n      rader.\n  none: {en: Three}\n  list:\n    - en: Four\n      sv: Fyra\n"
              "  last:\n    en: Five\n    sv: Fem")
    marked, count = mark_current(source)
    assert count == 4
    assert marked == (f'a:\n  flow: {{en: One, sv: Ett, sv_from: "{fingerprint("One")}"}}\n  block:\n'
                      f'    en: >-\n      Two\n      lines.\n    sv: >-\n      Två\n      rader.\n'
                      f'    sv_from: "{fingerprint("Two lines.")}"\n  none: {{en: Three}}\n'
                      f'  list:\n    - en: Four\n      sv: Fyra\n      sv_from: "{fingerprint("Four")}"\n'
                      f'  last:\n    en: Five\n    sv: Fem\n    sv_from: "{fingerprint("Five")}"')
    assert yaml.safe_load(marked)["a"]["block"] == {"en": "Two lines.", "sv": "Två rader.",
                                                    "sv_from": fingerprint("Two lines.")}


def test_mark_current_refuses_an_invalid_model(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    model = tmp_path / "processing.yaml"
    broken = COMPLETE.read_text(encoding="utf-8").replace("party: first", "party: frist", 1)
    model.write_text(broken, encoding="utf-8")
    result = cli("translations", model, "--mark-current")
    assert result.code == 1
    assert result.problems and "party" in result.problems[0]
    assert result.lines[-1] == f"{model}: no translation marked: the model is not valid"
    assert model.read_text(encoding="utf-8") == broken


# --- the draft notice ------------------------------------------------------------------------------

def test_the_draft_notice_shows_until_the_translation_is_approved(complete: str) -> None:
    draft = statement(complete, "sv")
    notice = ('# Integritetspolicy\n\n!!! warning "Ett utkast till översättning"\n\n'
              "    Denna översättning av integritetspolicyn har ännu inte godkänts. Där denna text skiljer sig "
              "från den engelska texten gäller den engelska texten.\n\nVersion 2.1.0")
    assert notice in draft
    english = statement(complete, "en")
    assert "draft" not in english and "prevails" not in english

    approved = edited(complete, "      approved: false\n", "      approved: true\n")
    assert "utkast" not in statement(approved, "sv")
    assert ("# Integritetspolicy\n\nDär denna text skiljer sig från den engelska texten gäller den engelska texten.\n"
            "{: .statement-prevails }\n") in statement(approved, "sv")

    swedish_prevails = edited(approved, "  prevailing: en\n", "  prevailing: sv\n")
    assert "engelska" not in statement(swedish_prevails, "sv")
    assert ("Where this text differs from the Swedish text, the Swedish text prevails."
            in statement(swedish_prevails, "en"))


def test_a_model_without_languages_has_its_swedish_statement_marked_as_a_draft() -> None:
    """No translation is approved where the model says nothing of one, and English prevails."""
    text = (FIXTURES / "complete.yaml").read_text(encoding="utf-8")
    assert "Ett utkast till översättning" in statement(text, "sv")
    assert "draft" not in statement(text, "en")


# --- the diff, the changes page and the feed, per language ---------------------------------------

def _model(text: str, name: str) -> Model:
    return read_model_bytes(text.encode(), name, POLICY).model


def _raised(text: str) -> str:
    return edited(edited(text, 'version: "2.1.0"', 'version: "2.2.0"'),
                  'effective_date: "2026-03-01"', 'effective_date: "2026-04-01"')


SWEDISH_EDIT = ("      sv: Personer som företräder våra kunder.\n",
                "      sv: Personer som representerar våra kunder.\n")


def test_a_marking_alone_is_no_change_for_readers(stale: str) -> None:
    before, after = _model(stale, "old.yaml"), _model(mark_current(stale)[0], "new.yaml")
    assert diff_models(before, after, POLICY).changes == ()


def test_the_diff_warns_of_a_translation_gone_stale(complete: str, stale: str) -> None:
    report = format_text(diff_models(_model(complete, "old.yaml"), _model(stale, "new.yaml"), POLICY))
    assert ("Warning: the Swedish translation was not updated after its English text changed, at "
            "`data_subjects[0].name`: bring each translation in line with its English text, then run "
            "`privacy-statement translations --mark-current`.") in report
    swedish = format_text(diff_models(_model(complete, "old.yaml"), _model(stale, "new.yaml"), POLICY, language="sv"))
    assert ("Varning: den svenska översättningen har inte uppdaterats efter att den engelska texten ändrades, i "
            "`data_subjects[0].name`") in swedish
    assert "Warning: the Swedish" not in format_text(diff_models(_model(complete, "old.yaml"),
                                                                 _model(complete, "new.yaml"), POLICY))


def test_the_diff_in_swedish_speaks_swedish_and_quotes_the_swedish_texts(
        complete: str, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(complete, encoding="utf-8")
    new.write_text(_raised(edited(complete, *SWEDISH_EDIT)), encoding="utf-8")
    result = cli("diff", "--language", "sv", old, new)
    assert result.code == 0, result.stdout
    assert result.lines[:2] == [f"Jämför {old} med {new}.",
                                "Version 2.1.0 (gäller från den 1 mars 2026) → version 2.2.0 (gäller från den "
                                "1 april 2026)."]
    assert result.lines[3:] == [
        "Vems uppgifter:",
        "  - Grupp av personer ”Kontaktpersoner hos kunder”: beskrivning har ändrats från ”Personer som "
        "företräder våra kunder.” till ”Personer som representerar våra kunder.”"]
    english = cli("diff", old, new)
    # In English, a change only to the Swedish text shows each language.
    assert ("  - Group of people “Customer contact persons”: description changed from en: “People who represent our "
            "customers.”; sv: “Personer som företräder våra kunder.” to en: “People who represent our customers.”; "
            "sv: “Personer som representerar våra kunder.”") in english.lines


def test_each_languages_changes_page_and_feed_describe_only_what_its_readers_see(complete: str) -> None:
    old = _model(complete, "old.yaml")
    # The English name changes and the Swedish is brought in line with it; only the Swedish
    # description changes; and the Swedish translation is approved.
    text = edited(complete, "      en: Customer contact persons\n      sv: Kontaktpersoner hos kunder\n",
                  "      en: Contact persons at customers\n      sv: Kontaktpersoner hos kunder\n")
    text = edited(mark_current(edited(text, *SWEDISH_EDIT))[0], "      approved: false\n", "      approved: true\n")
    new = _model(_raised(text), "new.yaml")
    assert describe_changes(old, new, POLICY, "en") == [
        "Group of people “Contact persons at customers”: name changed from “Customer contact persons” to "
        "“Contact persons at customers”."]
    assert describe_changes(old, new, POLICY, "sv") == [
        "Grupp av personer ”Kontaktpersoner hos kunder”: beskrivning har ändrats från ”Personer som företräder våra "
        "kunder.” till ”Personer som representerar våra kunder.”",
        "Om den svenska översättningen är godkänd har ändrats från nej till ja."]

    history = History(date_versions([Version(new, "working tree"), Version(old, "abc")], date(2026, 10, 1)), ())
    for language, present, absent in (("sv", "representerar", "Contact persons at customers"),
                                      ("en", "Contact persons at customers", "representerar")):
        site = render_site(new, POLICY, history=history, describe_changes=partial(describe_changes, policy=POLICY),
                           language=language)
        changes = next(page for page in site.pages if page.path == CHANGES_PAGE).markdown.replace("\\", "")
        feed = dict(site.files)[FEED_FILE].decode()
        for shown in (changes, feed):
            assert present in shown and absent not in shown, language


def test_a_change_to_a_text_without_swedish_quotes_no_english_on_the_swedish_changes_page(complete: str) -> None:
    old_text = edited(complete, WRITTEN, "    name:\n      en: Customer contact persons\n")
    new_text = _raised(edited(old_text, "      en: Customer contact persons\n", "      en: Contact persons\n"))
    changes = describe_changes(_model(old_text, "old.yaml"), _model(new_text, "new.yaml"), POLICY, "sv")
    assert changes == ["Grupp av personer (ingen svensk text ännu): namn har ändrats från (ingen svensk text ännu) "
                       "till (ingen svensk text ännu)."]


# --- in the browser ------------------------------------------------------------------------------

@pytest.mark.browser
def test_the_browser_shows_the_draft_notice_on_the_swedish_statement_until_it_is_approved(
        complete: str, tmp_path: Path) -> None:
    approved = edited(complete, "      approved: false\n", "      approved: true\n")
    sites = {}
    for name, text in (("draft", complete), ("approved", approved)):
        project = copy_project(tmp_path / name, text)
        result = mkdocs_build(project, project / "site")
        assert result.returncode == 0, result.stderr
        sites[name] = project / "site"
    with launched_chromium() as browser:
        page = browser.new_page()
        with serve(sites["draft"]) as url:
            page.goto(url + "sv/privacy/")
            notice = page.locator("article .admonition.warning")
            assert notice.locator(".admonition-title").inner_text() == "Ett utkast till översättning"
            assert notice.evaluate("element => element.closest('[lang]').lang") == "sv"
            assert "Där denna text skiljer sig från den engelska texten gäller den engelska texten." in (
                notice.inner_text())
            # It stands at the top: before the version line and every section.
            assert page.locator("article > *").nth(1).get_attribute("class") == "admonition warning"
            # The Swedish texts are the model's own, read as Swedish.
            cell = page.locator("article td", has_text="Kontaktpersoner hos kunder").first
            assert cell.evaluate("element => element.closest('[lang]').lang") == "sv"
            assert serious_violations(page) == []
            page.goto(url + "en/privacy/")
            assert page.locator("article > *").nth(1).get_attribute("class") == "statement-version"
            assert page.get_by_text("draft", exact=False).count() == 0
        with serve(sites["approved"]) as url:
            page.goto(url + "sv/privacy/")
            assert page.get_by_text("utkast", exact=False).count() == 0
            assert page.locator(".statement-prevails").inner_text() == (
                "Där denna text skiljer sig från den engelska texten gäller den engelska texten.")


def test_the_diffs_wording_has_the_same_keys_and_places_in_both_languages() -> None:
    english, swedish = flattened(POLICY.wording_in("en")), flattened(POLICY.wording_in("sv"))
    assert set(swedish) == set(english)
    for key, value in english.items():
        if isinstance(value, str):
            assert placeholders(swedish[key]) == placeholders(value), key
