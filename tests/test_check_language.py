"""`privacy-statement check --language sv`: the report in Swedish, every rule's summary and message
from policy/texts/check.sv.yaml, held to the English rules of policy/rules.yaml."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import LOCATED, POLICY, POLICY_DIR, CliResult, edited, flattened, placeholders

from generator.load import load_file
from generator.policy import CatalogueError, load_policy

FIXTURES = Path(__file__).parent / "fixtures"
TEXTS = POLICY_DIR / "texts"


def test_every_rule_has_its_swedish_summary_and_messages_with_the_same_places() -> None:
    english = POLICY.catalogue
    swedish = POLICY.catalogue_in("sv")
    assert set(swedish.rules) == set(english.rules)
    for rule_id, rule in english.rules.items():
        translated = swedish.rules[rule_id]
        assert (translated.severity, translated.source, translated.checklist) == (
            rule.severity, rule.source, rule.checklist)
        assert translated.summary != rule.summary and translated.message != rule.message, rule_id
        assert placeholders(translated.message) == placeholders(rule.message), rule_id
        assert set(translated.variants) == set(rule.variants), rule_id
        for variant, message in rule.variants.items():
            assert placeholders(translated.variants[variant]) == placeholders(message), (rule_id, variant)
        # What an editor types stays as it is: every `code` of the English message is in the Swedish one.
        for code in re.findall(r"`[^`]+`", rule.message):
            assert code in translated.message, (rule_id, code)
    rules_file = set(load_file(TEXTS / "check.sv.yaml").data["rules"])
    assert rules_file == set(english.rules), "texts/check.sv.yaml has rules that rules.yaml does not"


def test_the_report_wording_has_the_same_keys_in_both_languages() -> None:
    english = load_file(TEXTS / "check.en.yaml").data
    swedish = load_file(TEXTS / "check.sv.yaml").data
    assert "rules" not in english  # the English messages are rules.yaml's own
    english_texts = flattened(english)
    swedish_texts = flattened({key: value for key, value in swedish.items() if key != "rules"})
    assert set(english_texts) == set(swedish_texts)
    for key, value in english_texts.items():
        if isinstance(value, str):
            assert placeholders(swedish_texts[key]) == placeholders(value), key


def test_a_rule_without_its_translation_stops_the_catalogue(tmp_path: Path) -> None:
    folder = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, folder)
    swedish = folder / "texts" / "check.sv.yaml"
    swedish.write_text(edited(swedish.read_text(encoding="utf-8"), "  right-access:\n", "  right-of-access:\n"),
                       encoding="utf-8")
    policy = load_policy(folder)
    assert policy.catalogue_in("en").rule("right-access").summary == "The right of access is stated."
    with pytest.raises(CatalogueError, match=r"rule 'right-access' has no summary and message in texts/check\.sv"):
        policy.catalogue_in("sv")


@pytest.fixture
def missing_translation(tmp_path: Path) -> Path:
    """The translated fixture with one Swedish text taken out, and one tracker without a lifetime."""
    text = (FIXTURES / "translations" / "complete.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(\n    name:\n      en: Customer contact persons\n)      sv: [^\n]*\n      sv_from: [^\n]*\n",
                  r"\1", text, count=1)
    path = tmp_path / "processing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_in_swedish_reports_in_swedish(missing_translation: Path, cli: Callable[..., CliResult]) -> None:
    result = cli("check", "--language", "sv", missing_translation)
    assert result.code == 0, result.stdout
    [finding, summary] = result.lines
    located = LOCATED.match(finding)
    assert located and located["path"] == "warning translation-missing"  # LOCATED reads up to the first ": "
    assert finding.endswith(
        "data_subjects[0].name.sv: denna text har ingen översättning till `sv`, så integritetspolicyn på det språket "
        "visar den engelska texten: lägg till `sv:` bredvid `en:`, översatt från engelskan (utan att lägga till "
        "något), och kör sedan `privacy-statement translations --mark-current` (GDPR Art. 12(1))")
    assert summary == f"{missing_translation}: check: 0 fel, 1 varning, 0 godtagna"
    english = cli("check", missing_translation)
    assert english.lines[-1] == f"{missing_translation}: check: 0 errors, 1 warning, 0 acknowledged"
    assert "this text has no `sv` translation" in english.lines[0]


def test_check_in_swedish_groups_and_words_every_part_of_its_report(
        tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    text = (FIXTURES / "complete.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\n    legal_bases:\n      - basis: [a-z-]+\n(?:        [^\n]*\n)*", "\n    legal_bases: null\n",
                  text)
    text = edited(text, "acknowledged_findings: []",
                  "acknowledged_findings:\n  - rule: purpose-legal-bases\n    at: purposes[bookkeeping].legal_bases\n"
                  "    reason: Agreed with the legal team.")
    path = tmp_path / "processing.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("check", "--language", "sv", path)
    grouped = next(line for line in result.lines if " purpose-legal-basis: " in line)
    assert re.search(r": error purpose-legal-basis: \d+ ställen: Varje ändamål har en rättslig grund, egen eller "
                     r"sin grupps \(GDPR Art\. 13\(1\)\(c\), 14\(1\)\(c\), 6\(1\)\): ", grouped), grouped
    unknown = next(line for line in result.lines if "acknowledgement-unknown-rule" in line)
    assert unknown.endswith('kontrollen har ingen regel "purpose-legal-bases", så detta godtagande godtar ingenting; '
                            'använd ett regel-id som check skriver ut det. Menade du "purpose-legal-basis"?')
    assert re.fullmatch(rf"{re.escape(str(path))}: check: \d+ fel, 1 varning, 0 godtagna", result.lines[-1])

    one = cli("check", "--language", "sv", "--format", "json", path)
    report = json.loads(one.stdout)
    basis = next(finding for finding in report["findings"] if finding["rule"] == "purpose-legal-basis")
    assert ("var och en något av consent, contract, legal-obligation, vital-interests, public-task eller "
            "legitimate-interests") in basis["message"]

    markdown = cli("check", "--language", "sv", "--format", "markdown", path).stdout
    assert markdown.startswith(f"## Kontroll av integritetspolicyn: `{path}`\n\n**")
    assert "### Fel (" in markdown and "### Varningar (1)" in markdown
    assert "| Var | Regel | Vad som ska läggas till | Rättskälla |" in markdown
    assert "| rad " in markdown and "Error" not in markdown


def test_check_in_swedish_of_an_invalid_model(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    text = (FIXTURES / "complete.yaml").read_text(encoding="utf-8").replace("party: first", "party: frist", 1)
    path = tmp_path / "processing.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("check", "--language", "sv", path)
    assert result.code == 1
    assert result.lines[-1] == f"{path}: ogiltig: 1 fel, 0 varningar"
    markdown = cli("check", "--language", "sv", "--format", "markdown", path).stdout
    assert "Modellen är inte giltig, så fullständighetsreglerna kördes inte. Rätta först detta:" in markdown
    assert "| Var | Fält | Problem |" in markdown


def test_check_refuses_a_language_it_has_no_wording_for(cli: Callable[..., CliResult]) -> None:
    result = cli("check", "--language", "de", FIXTURES / "complete.yaml")
    assert result.code == 2
    assert "invalid choice: 'de'" in result.stderr
