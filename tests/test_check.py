"""The completeness checker: every rule broken on its own in a complete fictional model, the real
model's exact findings, and acknowledgements. Models are real files on disk, read by the real
loader and validator."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from conftest import POLICY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import (
    ACKNOWLEDGEMENT_RULES,
    CatalogueError,
    Counts,
    Finding,
    acknowledgement_path,
    check,
    count,
    implemented_rules,
)
from generator.load import load_file
from generator.policy import read_catalogue
from generator.render import render_site
from generator.validate import validate

TESTS = Path(__file__).resolve().parent
COMPLETE = TESTS / "fixtures" / "complete.yaml"
# The real model, frozen for the tests (see conftest.py): its findings are the seed statement's gaps.
# Today's data/processing.yaml is not pinned here (editors close gaps in it); `make status` writes
# its findings into the README, and the pull-request check judges each change to it.
REAL_MODEL = TESTS / "fixtures" / "model-1.0.0.yaml"


def edited(text: str, *changes: tuple[str, str]) -> str:
    """`text` with each `old` (which must occur exactly once) replaced by `new`."""
    for old, new in changes:
        assert text.count(old) == 1, f"expected exactly one {old!r}, found {text.count(old)}"
        text = text.replace(old, new)
    return text


def findings_for(text: str, folder: Path) -> list[Finding]:
    """Write `text` as a model file, load and validate it (it must be valid, without warnings), check it."""
    path = folder / "processing.yaml"
    path.write_text(text, encoding="utf-8")
    validation = validate(load_file(path, str(path)), POLICY)
    assert validation.model is not None, [p.format() for p in validation.problems]
    assert validation.problems == [], [p.format() for p in validation.problems]
    return check(validation.model, POLICY)


def position(text: str, line_start: str, token: str, after: str | None = None) -> tuple[int, int]:
    """(line, column) of `token` on the first line starting with `line_start` (after the line
    starting with `after`, if given), counted by hand rather than by the loader."""
    lines = text.splitlines()
    first = 0
    if after is not None:
        first = next(number for number, line in enumerate(lines) if line.startswith(after)) + 1
    number = next(n for n in range(first, len(lines)) if lines[n].startswith(line_start))
    assert lines[number].count(token) >= 1
    return number + 1, lines[number].index(token) + 1


@pytest.fixture(scope="module")
def complete_text() -> str:
    return COMPLETE.read_text(encoding="utf-8")


def test_complete_model_has_no_findings(complete_text: str, tmp_path: Path) -> None:
    assert findings_for(complete_text, tmp_path) == []


def test_the_complete_group_model_has_no_findings(tmp_path: Path) -> None:
    """The second complete fixture, which uses every structure of schema version 2."""
    assert findings_for((TESTS / "fixtures" / "group.yaml").read_text(encoding="utf-8"), tmp_path) == []


# --- every rule, broken on its own -------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    rule: str
    severity: str
    changes: tuple[tuple[str, str], ...]
    path: str
    where: tuple[str, str] | tuple[str, str, str]  # (line_start, token[, after]) in the edited text
    says: tuple[str, ...] = ()  # words the message must hold


APPENDIX_VALUES = {
    "subject_matter": " {en: Keeping the customer's accounts.}",
    "duration": " {en: 'For as long as the customer''s subscription runs, and 30 days after it ends.'}",
    "nature_and_purpose": " {en: 'Storing, processing and backing up the customer''s accounting data.'}",
    "data_types": "\n      - en: Names and contact details in invoices\n      - en: Bank account numbers",
    "data_subject_categories": "\n      - en: The customer's own customers and suppliers\n"
                               "      - en: The customer's employees",
    "sub_processors": " [nordic-hosting]",
    "security_measures": "\n      - en: Encryption of data in transit and at rest\n"
                         "      - en: Access only for named staff, with two-factor authentication",
    "end_of_service": "\n      choices: [deletion, return]\n      description: {en: 'We return the data within 30 "
                      "days, or delete it, as the customer chooses.'}",
    "audits": " {en: 'We give the customer the information that shows we meet our obligations, and allow audits.'}",
}
REQUIRED_RIGHTS = ("access", "rectification", "erasure", "restriction", "portability", "objection", "complaint")
CRM_TRANSFER = """\
  - recipient: crm-cloud
    country: US
    safeguards:
      - kind: standard-contractual-clauses
        how_to_get_copy:
          en: Write to us to get a copy of the standard contractual clauses.
"""
CRM_SAFEGUARDS = """\
    safeguards:
      - kind: standard-contractual-clauses
        how_to_get_copy:
          en: Write to us to get a copy of the standard contractual clauses.
"""
ANALYTICS_TRANSFER = """\
  - recipient: web-analytics
    country: US
    safeguards:
      - kind: eu-us-data-privacy-framework
      - kind: standard-contractual-clauses
        how_to_get_copy:
          en: Write to us for a copy of the clauses we agreed with Example Analytics Inc.
"""
STATISTICS_COOKIES = """\
    cookies:
      - name: _stats_id
        kind: cookie
        domain: .exempel-programvara.example
        lifetime: P13M
      - pattern: ^_stats_s_[0-9a-f]+$
        kind: cookie
        domain: .exempel-programvara.example
        lifetime: P1D
"""
JOINT_CONTROLLER = """\
joint_controllers:
  - id: shared-newsletter
    name: {en: 'Our newsletter, sent together with Example CRM Inc.'}
    recipients: [crm-cloud]
    purposes: [newsletter]
    essence: null

supervisory_authorities:
"""
WITHDRAW_RIGHT = """\
    - right: withdraw-consent
      how:
        en: Withdraw your consent in the cookie banner, by the link in each newsletter, or by writing to us.
"""
STATISTICS_DESCRIPTION = "    description: {en: 'Learn which pages of our website are read, to improve it.'}"
MARKETING_STATISTICS_DESCRIPTION = ("    description: {en: 'Learn which pages of our website are read, to improve it "
                                    "and our Marketing.'}")
# The rights list starts with this item once the first one is removed: the list's own location.
RIGHTS_LIST = ("    - right: ", "-", "  list:")

BREAKS = [
    Break("controller-postal-address", "warning",
          (("  postal_address:\n    en: Exempelgatan 1, 753 00 Uppsala, Sweden\n", "  postal_address: null  # GAP\n"),),
          "controller.postal_address", ("  postal_address: null", "null"), ("Exempel Programvara AB",)),
    Break("controller-contact", "error", (("  email: integritet@exempel-programvara.example", "  email: null"),),
          "controller.email", ("  email: null", "null"), ("Exempel Programvara AB", "email: null")),
    Break("controller-eu-representative", "error", (("  country: SE\n  head_office", "  country: US\n  head_office"),),
          "controller.eu_representative", ("  eu_representative:", "not-required"), ("US", "representative")),
    Break("dpo-appointed", "warning", (("    appointed: true", "    appointed: null"),),
          "controller.dpo.appointed", ("    appointed: null", "null"), ("appointed: null",)),
    Break("dpo-contact", "error", (("    email: dpo@exempel-programvara.example", "    email: null"),),
          "controller.dpo.email", ("    email: null", "null")),
    Break("joint-controller-arrangement", "error", (("\nsupervisory_authorities:\n", "\n" + JOINT_CONTROLLER),),
          "joint_controllers[0].essence", ("    essence: null", "null"), ('"shared-newsletter"', "essence: null")),
    Break("supervisory-authority-address", "warning",
          (("    postal_address:\n      en: Box 8114, 104 20 Stockholm, Sweden\n", "    postal_address: null\n"),),
          "supervisory_authorities[0].postal_address", ("    postal_address: null", "null"), ("complaint",)),
    Break("processor-role", "warning",
          (("    description:\n      en: In our hosted accounting service we process personal data on behalf of our "
            "customers.\n", "    description: null\n"),),
          "roles.processor.description", ("    description: null", "null"), ("roles.processor",)),
    Break("purpose-legal-basis", "error",
          (("    legal_bases:\n      - basis: legal-obligation\n", "    legal_bases: null\n"),),
          "purposes[1].legal_bases", ("    legal_bases: null", "null"), ('"bookkeeping"', "public-task", "group")),
    Break("legitimate-interest", "error",
          (("        legitimate_interest:\n          en: Our interest in a website that answers the questions our "
            "visitors actually have.\n", "        legitimate_interest: null\n"),),
          "purposes[3].legal_bases[0].legitimate_interest", ("        legitimate_interest: null", "null"),
          ('"website-statistics"',)),
    Break("special-categories-stated", "warning",
          (("  processed_as_controller: true", "  processed_as_controller: null"),),
          "sensitive_data.processed_as_controller", ("  processed_as_controller: null", "null"), ("Art. 9(2)",)),
    Break("special-category-condition", "error",
          (("  condition:\n    en: The applicant's explicit consent (GDPR Art. 9(2)(a)).\n", ""),),
          "sensitive_data.condition", ("  processed_as_controller:", "processed_as_controller"), ("Art. 9(2)",)),
    Break("purpose-sources", "error",
          (("    sources: [data-subject]\n    legal_bases:\n      - basis: legal-obligation",
            "    sources: null\n    legal_bases:\n      - basis: legal-obligation"),),
          "purposes[1].sources", ("    sources: null", "null"), ('"bookkeeping"',)),
    Break("purpose-data-categories", "error",
          (("    data_categories: [contact-details]\n    sources: [company-register]",
            "    data_categories: null\n    sources: [company-register]"),),
          "purposes[5].data_categories", ("    data_categories: null", "null"), ('"prospect-research"',)),
    Break("purpose-retention", "error",
          (("    retention: [accounting-records]\n    provision:\n      requirement: statutory",
            "    retention: null\n    provision:\n      requirement: statutory"),),
          "purposes[1].retention", ("    retention: null", "null"), ('"bookkeeping"',)),
    Break("source-public", "error", (("    from_data_subject: false\n    public: true", "    from_data_subject: false\n"
                                      "    public: null"),),
          "sources[2].public", ("    public: null", "null"), ('"company-register"',)),
    Break("recipient-country", "error",
          (("    categories: [processor, sub-processor]\n    countries: [SE]",
            "    categories: [processor, sub-processor]\n    countries: null"),),
          "recipients[0].countries", ("    countries: null", "null"), ('"nordic-hosting"',)),
    Break("transfer-stated", "error", ((CRM_TRANSFER, ""),),
          "recipients[1].countries", ("    countries: [US]", "[", "  - id: crm-cloud"),
          ('"crm-cloud"', 'purposes "customer-contracts", "newsletter",', "recipient: crm-cloud")),
    Break("purpose-recipients", "error", (("    recipients: [crm-cloud]\n", ""),),
          "purposes[2].recipients", ("  - id: newsletter", "id"), ('"newsletter"', "recipients: none")),
    Break("recipient-transfer-countries", "error",
          (("    categories: [processor]\n    countries: [US]",
            "    categories: [processor]\n    countries: [US, IN]"),),
          "recipients[1].countries[1]", ("    countries: [US, IN]", "IN"), ('"crm-cloud"', "in IN", "only to US",
                                                                         "country: IN")),
    Break("transfers-not-stated", "error",
          ((CRM_TRANSFER + ANALYTICS_TRANSFER, ""), ("\ntransfers:\n", "\ntransfers: []\n"),
           ("    categories: [processor]\n    countries: [US]", "    categories: [processor]\n    countries: [SE]"),
           ("    categories: [analytics-provider]\n    countries: [US]",
            "    categories: [analytics-provider]\n    countries: [IE]")),
          "transfers", ("transfers: []", "["), ("transfers: none",)),
    Break("transfer-mechanism", "error", ((CRM_SAFEGUARDS, "    safeguards: null\n"),),
          "transfers[0].safeguards", ("    safeguards: null", "null"), ('"crm-cloud"', "binding-corporate-rules")),
    Break("transfer-copy", "error",
          (("        how_to_get_copy:\n          en: Write to us to get a copy of the standard contractual clauses.\n",
            ""),),
          "transfers[0].safeguards[0].how_to_get_copy", ("      - kind: standard-contractual-clauses", "kind"),
          ("standard-contractual-clauses", "this safeguard")),
    Break("transfer-country", "warning",
          (("\ntransfers:\n", "\ntransfers:\n  - recipient: nordic-hosting\n    country: SE\n"
                              "    safeguards:\n      - kind: adequacy-decision\n"),),
          "transfers[0].country", ("    country: SE", "SE", "  - recipient: nordic-hosting"), ('"nordic-hosting"',)),
    Break("retention-period", "error",
          (("    criteria:\n      en: >-\n        Until you withdraw your consent, and at the latest twelve months "
            "after the recruitment or\n        the newsletter you signed up for has ended.\n", ""),),
          "retention_policies[1].period", ("    period: null", "null"), ('"until-consent-withdrawn"',)),
    Break("retention-vague", "warning",
          (("      en: >-\n        Until you withdraw your consent, and at the latest twelve months after the "
            "recruitment or\n        the newsletter you signed up for has ended.\n",
            "      en: We keep your data for as long as necessary, or a Reasonable\n        Period after that.\n"),),
          "retention_policies[1].criteria", ("      en: We keep your data", "en"),
          ('"until-consent-withdrawn"', '"as long as necessary"', '"reasonable period"')),
    *(Break(f"right-{right}", "error", ((f"    - right: {right}\n", ""),), "rights.list", RIGHTS_LIST,
            (f"- right: {right}",)) for right in REQUIRED_RIGHTS),
    Break("marketing-objection", "error", ((STATISTICS_DESCRIPTION, MARKETING_STATISTICS_DESCRIPTION),),
          "rights.list[5]", ("    - right: objection", "right"), ('"website-statistics"', "`how:", "direct marketing")),
    Break("withdraw-consent", "error", ((WITHDRAW_RIGHT, ""),), "rights.list", RIGHTS_LIST,
          ('"newsletter"', '"recruitment"', '"site-statistics"', "- right: withdraw-consent")),
    Break("provision-requirement", "error",
          (("    provision:\n      requirement: statutory\n      consequence: {en: Without this data we cannot issue "
            "a lawful invoice.}\n", ""),),
          "purposes[1].provision", ("  - id: bookkeeping", "id"), ('"bookkeeping"', "needed-for-contract")),
    Break("automated-decisions", "error",
          (("automated_decision_making:\n  takes_place: false\n  description:\n    en: We make no decisions about you "
            "by automated means alone, and we do not profile you.\n", "automated_decision_making: null\n"),),
          "automated_decision_making", ("automated_decision_making: null", "null")),
    Break("tracker-provider", "error", (("    party: first", "    party: third"),),
          "trackers[0].provider", ("    provider: controller", "controller"), ('"session-cookie"',)),
    Break("tracker-party", "error", (("    provider: web-analytics\n    party: third", "    provider: web-analytics\n"
                                      "    party: null"),),
          "trackers[1].party", ("    party: null", "null"), ('"site-statistics"',)),
    Break("tracker-category", "error", (("    category: analytics", "    category: null"),),
          "trackers[1].category", ("    category: null", "null"), ('"site-statistics"', "marketing")),
    Break("tracker-purpose", "error",
          (("    purpose:\n      en: Counts visits and pages read.\n", "    purpose: null\n"),),
          "trackers[1].purpose", ("    purpose: null", "null"), ('"site-statistics"',)),
    Break("tracker-data-collected", "warning",
          (("    data_collected:\n      en: Pages visited and a shortened IP address.\n",
            "    data_collected: null\n"),),
          "trackers[1].data_collected", ("    data_collected: null", "null"), ('"site-statistics"',)),
    Break("tracker-lifetime", "error",
          (("    lifetime: P13M\n    lifetime_note", "    lifetime: null\n    lifetime_note"),),
          "trackers[1].lifetime", ("    lifetime: null", "null"), ('"site-statistics"',)),
    Break("tracker-consent-need", "error", (("    strictly_necessary: false", "    strictly_necessary: null"),),
          "trackers[1].strictly_necessary", ("    strictly_necessary: null", "null"), ('"site-statistics"',)),
    Break("tracker-cookies", "error", ((STATISTICS_COOKIES, "    cookies: null\n"),),
          "trackers[1].cookies", ("    cookies: null", "null"), ('"site-statistics"', "pattern")),
    # In a category that needs no consent: an analytics tracker marked so is tracker-category-consent's.
    Break("tracker-consent", "error", (("    strictly_necessary: false", "    strictly_necessary: true"),
                                       ("    category: analytics", "    category: functional")),
          "trackers[1].strictly_necessary", ("    strictly_necessary: true", "true", "  - id: site-statistics"),
          ('"site-statistics"', '"web-analytics"', "analytics-provider")),
    Break("tracker-category-consent", "error", (("    strictly_necessary: false", "    strictly_necessary: true"),),
          "trackers[1].strictly_necessary", ("    strictly_necessary: true", "true", "  - id: site-statistics"),
          ('"site-statistics"', "analytics", "strictly_necessary: false")),
    Break("tracker-transfer", "error", ((ANALYTICS_TRANSFER, ""),),
          "trackers[1].provider", ("    provider: web-analytics", "web-analytics"),
          ('"site-statistics"', '"web-analytics"', "US", "recipient: web-analytics")),
    Break("vague-wording", "warning",
          (("      en: Counts visits and pages read.\n",
            "      en: Counts visits and, where\n        possible, the pages read.\n"),),
          "trackers[1].purpose.en", ("      en: Counts visits", "where", "  - id: site-statistics"),
          ('"where possible"', "(\"Counts visits and, where possible, the pages read.\")")),
    Break("taxonomy-unmapped", "warning", (("    fides: [user.health_and_medical]\n", ""),),
          "data_categories[3]", ("  - id: accommodation-needs", "id"), ('"accommodation-needs"', "`fides:`")),
    *(Break(f"processor-appendix-{name.replace('_', '-')}", "error",
            ((f"    {name}:{value}\n", f"    {name}: null\n"),), f"services[0].{name}",
            (f"    {name}: null", "null"), ('"hosted-accounting"', f"`{name}: null`"))
      for name, value in APPENDIX_VALUES.items()),
]


@pytest.mark.parametrize("case", BREAKS, ids=lambda case: case.rule)
def test_breaking_one_rule_reports_that_rule_alone(case: Break, complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, *case.changes)
    findings = findings_for(text, tmp_path)
    assert [finding.rule for finding in findings] == [case.rule], [f.message for f in findings]
    finding = findings[0]
    assert finding.severity == case.severity
    assert finding.at == case.path
    line_start, token, *after = case.where
    assert (finding.location.line, finding.location.column) == position(text, line_start, token, *after)
    assert finding.source == POLICY.catalogue.rule(case.rule).source
    for words in case.says:
        assert words in finding.message
    assert not finding.acknowledged and finding.reason is None


@pytest.mark.parametrize("case", BREAKS, ids=lambda case: case.rule)
def test_a_model_breaking_a_rule_still_renders(case: Break, complete_text: str, tmp_path: Path) -> None:
    """A model with a gap is valid, so the site must build from it and show the gap, not crash."""
    path = tmp_path / "processing.yaml"
    path.write_text(edited(complete_text, *case.changes), encoding="utf-8")
    model = validate(load_file(path, str(path)), POLICY).model
    assert model is not None
    pages = {page.path: page.markdown for page in render_site(model, POLICY).pages}
    assert "privacy/index.md" in pages
    if case.rule == "tracker-transfer":
        site_page = next(markdown for path, markdown in pages.items() if "Site statistics" in markdown
                         and path.startswith("privacy/sites/"))
        assert "Yes, to United States. Safeguard: Not stated in this version of the statement" in site_page


def test_every_rule_of_the_catalogue_is_implemented_and_broken_by_a_test() -> None:
    catalogue = set(POLICY.catalogue.rules)
    assert implemented_rules() == catalogue
    # The translation rules need a model in two languages: tests/test_translations.py breaks them.
    translation_rules = {"translation-missing", "translation-stale"}
    assert {case.rule for case in BREAKS} | set(ACKNOWLEDGEMENT_RULES) | translation_rules == catalogue


def test_catalogue_rules_are_complete_and_cite_their_source() -> None:
    for rule in POLICY.catalogue.rules.values():
        assert rule.severity in ("error", "warning")
        assert rule.summary and rule.message
        if rule.id not in ACKNOWLEDGEMENT_RULES:
            assert rule.source and ("GDPR Art." in rule.source or "ePrivacy" in rule.source), rule.id
            assert rule.checklist, rule.id


def test_a_malformed_catalogue_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("vague_retention_phrases: {en: []}\nconsent_always_needed_for: []\nsafeguards_with_copy: []\n"
                     "rules:\n  - id: a-rule\n    severity: fatal\n    source: GDPR Art. 1\n    summary: s\n"
                     "    checklist: c\n    message: m\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="severity 'fatal'"):
        read_catalogue(rules, POLICY.eea)


# --- what the rules leave alone, and their other cases -----------------------------------------

def test_a_transfer_without_a_mechanism_to_a_tracker_provider_is_reported_for_the_transfer_and_the_tracker(
        complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, (ANALYTICS_TRANSFER, "  - recipient: web-analytics\n    country: US\n"
                                                      "    safeguards: null\n"))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [
        ("transfer-mechanism", "transfers[1].safeguards"), ("tracker-transfer", "trackers[1].provider")]
    line = position(text, "  - recipient: web-analytics", "-")[0]
    assert f"(transfers[1], line {line})" in findings[1].message


def test_purposes_with_data_only_from_elsewhere_need_no_provision(complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, (
        "    provision:\n      requirement: voluntary\n      consequence: {en: 'Not applicable; this data comes from a "
        "public register, not from you.'}\n", ""))
    assert findings_for(text, tmp_path) == []


def test_retention_criteria_with_a_period_are_judged_only_for_their_wording(
        complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, ("      en: Accounting records are kept for seven years, as Swedish bookkeeping law "
                                  "requires.", "      en: As long as necessary for the accounts."))
    assert [(f.rule, f.at) for f in findings_for(text, tmp_path)] == [
        ("vague-wording", "retention_policies[0].criteria.en")]


def test_vague_retention_is_found_in_every_language(complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, ("        the newsletter you signed up for has ended.\n",
                                  "        the newsletter you signed up for has ended.\n"
                                  "      sv: Vi sparar uppgifterna så länge   det behövs.\n"))
    findings = findings_for(text, tmp_path)
    assert [f.rule for f in findings] == ["retention-vague"]
    assert '"så länge det behövs"' in findings[0].message


def test_withdraw_consent_names_what_rests_on_consent(complete_text: str, tmp_path: Path) -> None:
    no_withdrawal = edited(complete_text, (WITHDRAW_RIGHT, ""))
    only_trackers = edited(no_withdrawal, ("      - basis: consent\n        consent_record:",
                                           "      - basis: contract\n        consent_record:"),
                           ("    data_categories: [contact-details, application-data, accommodation-needs]\n"
                            "    sources: [data-subject]\n    legal_bases:\n      - basis: consent",
                            "    data_categories: [contact-details, application-data, accommodation-needs]\n"
                            "    sources: [data-subject]\n    legal_bases:\n      - basis: contract"))
    findings = findings_for(only_trackers, tmp_path)
    assert [f.rule for f in findings] == ["withdraw-consent"]
    assert '"site-statistics"' in findings[0].message and "purposes" not in findings[0].message

    only_purposes = edited(no_withdrawal, ("    strictly_necessary: false", "    strictly_necessary: true"),
                           ("    category: analytics", "    category: functional"))
    by_rule = {f.rule: f for f in findings_for(only_purposes, tmp_path)}
    assert set(by_rule) == {"withdraw-consent", "tracker-consent"}
    assert '"newsletter"' in by_rule["withdraw-consent"].message
    assert "trackers" not in by_rule["withdraw-consent"].message

    nothing_on_consent = edited(only_trackers, ("    provider: web-analytics\n    party: third",
                                                "    provider: nordic-hosting\n    party: third"),
                                ("    strictly_necessary: false", "    strictly_necessary: true"),
                                ("    category: analytics", "    category: functional"))
    assert findings_for(nothing_on_consent, tmp_path) == []


def test_transfer_stated_names_the_purposes_and_services_a_recipient_serves(
        complete_text: str, tmp_path: Path) -> None:
    abroad = edited(complete_text, ("    categories: [processor, sub-processor]\n    countries: [SE]",
                                    "    categories: [processor, sub-processor]\n    countries: [SE, US]"))
    (both,) = findings_for(abroad, tmp_path)
    assert (both.rule, both.at) == ("transfer-stated", "recipients[0].countries")
    assert 'purposes "customer-contracts", "website-statistics" and as a sub-processor of the services ' \
           '"hosted-accounting"' in both.message
    only_services = edited(abroad, ("    recipients: [nordic-hosting, crm-cloud]", "    recipients: [crm-cloud]"),
                           ("    recipients: [nordic-hosting]\n", "    recipients: none\n"))
    (services,) = findings_for(only_services, tmp_path)
    assert (services.rule, services.at) == ("transfer-stated", "recipients[0].countries")
    assert 'is a sub-processor of the services "hosted-accounting"' in services.message
    assert "purposes" not in services.message


def test_a_tracker_of_a_provider_inside_the_eea_needs_no_transfer(complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, (ANALYTICS_TRANSFER, ""), ("    categories: [analytics-provider]\n    countries: [US]",
                                                           "    categories: [analytics-provider]\n"
                                                           "    countries: [IS, EEA]"))
    assert findings_for(text, tmp_path) == []


# --- acknowledgements --------------------------------------------------------------------------

def acknowledging(text: str, *entries: tuple[str, str, str]) -> str:
    block = "".join(f"  - rule: {rule}\n    at: {json.dumps(at)}\n    reason: {json.dumps(reason)}\n"
                    for rule, at, reason in entries)
    return edited(text, ("acknowledged_findings: []\n", f"acknowledged_findings:\n{block}" if block
                         else "acknowledged_findings: []\n"))


NO_DPO_EMAIL = ("    email: dpo@exempel-programvara.example", "    email: null")
REASON = "The DPO is reached through the general privacy address; agreed with legal."


def test_an_acknowledged_finding_is_listed_with_its_reason_and_does_not_count(
        complete_text: str, tmp_path: Path) -> None:
    text = acknowledging(edited(complete_text, NO_DPO_EMAIL), ("dpo-contact", "controller.dpo.email", REASON))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.acknowledged, f.reason) for f in findings] == [("dpo-contact", True, REASON)]
    assert (findings[0].location.line, findings[0].location.column) == position(text, "    email: null", "null")
    assert count(findings) == Counts(errors=0, warnings=0, acknowledged=1)


def test_an_acknowledgement_that_matches_nothing_is_reported(complete_text: str, tmp_path: Path) -> None:
    text = acknowledging(edited(complete_text, NO_DPO_EMAIL), ("dpo-contact", "controller.dpo", REASON))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.severity, f.at, f.acknowledged) for f in findings] == [
        ("dpo-contact", "error", "controller.dpo.email", False),
        ("acknowledgement-unmatched", "warning", "acknowledged_findings[0].at", False)]
    assert (findings[1].location.line, findings[1].location.column) == position(text, "    at: ", '"')
    assert "open dpo-contact findings are at controller.dpo.email" in findings[1].message
    assert findings[1].source is None


def test_an_acknowledgement_of_an_unknown_rule_is_reported_with_a_suggestion(
        complete_text: str, tmp_path: Path) -> None:
    text = acknowledging(complete_text, ("dpo-contacts", "controller.dpo.email", REASON))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.severity, f.at) for f in findings] == [
        ("acknowledgement-unknown-rule", "warning", "acknowledged_findings[0].rule")]
    assert (findings[0].location.line, findings[0].location.column) == position(text, "  - rule: ", "dpo-contacts")
    assert 'Did you mean "dpo-contact"?' in findings[0].message


def test_acknowledgements_cannot_acknowledge_themselves_or_twice(complete_text: str, tmp_path: Path) -> None:
    text = acknowledging(edited(complete_text, NO_DPO_EMAIL),
                         ("dpo-contact", "controller.dpo.email", REASON),
                         ("dpo-contact", "controller.dpo.email", REASON),
                         ("acknowledgement-unmatched", "acknowledged_findings[1].at", REASON))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at, f.acknowledged) for f in findings] == [
        ("dpo-contact", "controller.dpo.email", True),
        ("acknowledgement-unmatched", "acknowledged_findings[1].at", False),
        ("acknowledgement-unknown-rule", "acknowledged_findings[2].rule", False)]
    assert "already acknowledged by acknowledged_findings[0]" in findings[1].message
    assert "cannot be acknowledged" in findings[2].message


def test_free_text_of_an_acknowledgement_stays_on_one_line(complete_text: str, tmp_path: Path) -> None:
    text = acknowledging(complete_text, ("dpo-contact", "controller.\ndpo\x07", REASON))
    findings = findings_for(text, tmp_path)
    assert [f.rule for f in findings] == ["acknowledgement-unmatched"]
    assert '"controller. dpo\\x07"' in findings[0].message
    assert "\n" not in findings[0].message and "\x07" not in findings[0].message


# --- the real model ----------------------------------------------------------------------------

REAL_FINDINGS = {
    ("controller-postal-address", "controller.postal_address"),
    ("dpo-contact", "controller.dpo.email"),
    ("source-public", "sources[3].public"),
    ("retention-vague", "retention_policies[0].criteria"),
    *(("purpose-legal-basis", f"purposes[{n}].legal_bases") for n in (0, 1, 2, 4, 6, 8, 9, 10, 11)),
    *(("provision-requirement", f"purposes[{n}].provision") for n in range(15)),
    *(("transfer-mechanism", f"transfers[{n}].safeguards") for n in range(3)),
    *(("tracker-transfer", f"trackers[{n}].provider") for n in range(6)),
    *(("tracker-lifetime", f"trackers[{n}].lifetime") for n in range(1, 6)),
    # Seen since the model's version 2: the seed names no consent category and no cookie of any
    # tracker, and does not say whether any of them is set only with consent.
    *(("tracker-category", f"trackers[{n}].category") for n in range(6)),
    *(("tracker-cookies", f"trackers[{n}].cookies") for n in range(6)),
    *(("tracker-consent-need", f"trackers[{n}].strictly_necessary") for n in range(6)),
    *((f"processor-appendix-{name.replace('_', '-')}", f"services[0].{name}") for name in APPENDIX_VALUES),
    ("automated-decisions", "automated_decision_making"),
    # The seed does not say who receives the data of these purposes.
    *(("purpose-recipients", f"purposes[{n}].recipients") for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14)),
    # Hedges and examples in the seed's wording ("may", "such as", "for example", ...).
    *(("vague-wording", f"{path}.en") for path in (
        "data_categories[2].description", "data_categories[4].description", "data_categories[6].description",
        "sources[1].description", "sources[2].description", "sources[3].description", "sources[5].description",
        "retention_policies[0].criteria", "purposes[7].description", "cookies.explanation",
        "trackers[0].data_collected", "trackers[1].purpose")),
}
# Places with more than one finding: the Facebook pixel's data says both "such as" and "for example".
REAL_REPEATS = Counter({("vague-wording", "trackers[0].data_collected.en"): 1})
REAL_WARNINGS = {"controller-postal-address", "retention-vague", "vague-wording"}


def test_real_model_findings(tmp_path: Path) -> None:
    """The seed's real gaps. A change here is a change to the data or the rules: review it."""
    findings = findings_for(REAL_MODEL.read_text(encoding="utf-8"), tmp_path)
    assert Counter((f.rule, f.at) for f in findings) == Counter(REAL_FINDINGS) + REAL_REPEATS
    assert {f.rule for f in findings if f.severity == "warning"} == REAL_WARNINGS
    assert not any(f.acknowledged for f in findings)
    assert [f.sort_key for f in findings] == sorted(f.sort_key for f in findings)


def test_checking_is_deterministic(tmp_path: Path) -> None:
    text = REAL_MODEL.read_text(encoding="utf-8")
    assert findings_for(text, tmp_path) == findings_for(text, tmp_path)


@cache
def acknowledgement_paths() -> dict[tuple[str, str], str]:
    model = validate(load_file(REAL_MODEL), POLICY).model
    assert model is not None
    return {(f.rule, f.at): acknowledgement_path(f, model.data) for f in check(model, POLICY)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.sets(st.sampled_from(sorted(REAL_FINDINGS)), max_size=6))
def test_exactly_the_acknowledged_real_findings_are_marked(chosen: set[tuple[str, str]], tmp_path: Path) -> None:
    text = REAL_MODEL.read_text(encoding="utf-8")
    paths = acknowledgement_paths()  # entries named by id, as acknowledgements name them
    text = acknowledging(text, *((rule, paths[rule, at], f"Accepted for this test: {rule}")
                                 for rule, at in sorted(chosen)))
    findings = findings_for(text, tmp_path)
    assert {(f.rule, f.at) for f in findings} == REAL_FINDINGS
    assert {(f.rule, f.at) for f in findings if f.acknowledged} == chosen
    for finding in findings:
        assert (finding.reason == f"Accepted for this test: {finding.rule}") == finding.acknowledged
    counts = count(findings)
    assert counts.acknowledged == sum((Counter(REAL_FINDINGS) + REAL_REPEATS)[key] for key in chosen)
    assert counts.errors + counts.warnings + counts.acknowledged == len(REAL_FINDINGS) + REAL_REPEATS.total()


def test_the_readme_explains_every_rule() -> None:
    """The README's list of rules names every rule of the checker (its status section, written by
    `make status`, lists only what today's model lacks)."""
    readme = " ".join((TESTS.parent / "README.md").read_text(encoding="utf-8").split())
    rules = readme[readme.index("### The rules"):]
    for rule in POLICY.catalogue.rules:
        assert rule.removeprefix("processor-appendix").removeprefix("acknowledgement") in rules, rule


def test_a_service_without_sub_processors_says_so_with_none(complete_text: str, tmp_path: Path) -> None:
    # `none` is a statement ("none"); null and an empty list say nothing, so both are gaps.
    text = edited(complete_text, ("    sub_processors: [nordic-hosting]\n", "    sub_processors: none\n"))
    assert findings_for(text, tmp_path) == []
    for silent in ("null", "[]"):
        gap = edited(complete_text, ("    sub_processors: [nordic-hosting]\n", f"    sub_processors: {silent}\n"))
        assert [f.rule for f in findings_for(gap, tmp_path)] == ["processor-appendix-sub-processors"]


@pytest.mark.parametrize(("language", "placeholder"), [
    # ("-" and "—" alone hold no letter, digit or symbol, so the loader refuses them before any rule.)
    ("en", "N/A"), ("en", "Not stated."), ("en", "TBD"), ("en", "to be decided"), ("en", "Unknown"),
    ("sv", "Ej angivet"), ("sv", "uppgift saknas"), ("sv", "Saknas."),
])
def test_a_placeholder_text_counts_as_missing(language: str, placeholder: str, complete_text: str,
                                              tmp_path: Path) -> None:
    """No rule is satisfied by a text that only holds the place of a fact, in any language."""
    written = json.dumps(placeholder, ensure_ascii=False)
    # Every language of a text holds a placeholder: English "N/A" beside the one tried.
    texts = f"en: {written}" if language == "en" else f"en: N/A\n{{indent}}{language}: {written}"
    text = edited(complete_text, ("  postal_address:\n    en: Exempelgatan 1, 753 00 Uppsala, Sweden\n",
                                  "  postal_address:\n    " + texts.format(indent="    ") + "\n"),
                  ("        legitimate_interest:\n          en: Our interest in a website that answers the "
                   "questions our visitors actually have.\n",
                   "        legitimate_interest:\n          " + texts.format(indent="          ") + "\n"))
    assert [(f.rule, f.at) for f in findings_for(text, tmp_path)] == [
        ("controller-postal-address", "controller.postal_address"),
        ("legitimate-interest", "purposes[3].legal_bases[0].legitimate_interest")]


def test_a_real_text_beside_a_placeholder_states_the_fact(complete_text: str, tmp_path: Path) -> None:
    address = "  postal_address:\n    en: Exempelgatan 1, 753 00 Uppsala, Sweden\n"
    text = edited(complete_text, (address, address + "    sv: Saknas\n"))
    assert findings_for(text, tmp_path) == []


def test_a_tracker_that_names_no_provider_is_reported(complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, ("    provider: web-analytics\n", "    provider: null\n"))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [("tracker-provider", "trackers[1].provider")]
    assert "does not say who sets it" in findings[0].message
