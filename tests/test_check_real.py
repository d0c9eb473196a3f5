"""The checker on two real privacy statements, modelled once by following CONTRIBUTING.md
(`tests/fixtures/real/`, sources in each file's header). This tests the CODE on fixed inputs: the
fixtures are not kept up to date with the companies' live statements, and a change of a rule that
changes what is found on them shows here, to be reviewed against the measurement in the README
("Measured on real statements"), which scores these findings against a GDPR reviewer's list of gaps.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import POLICY
from test_check import findings_for

from generator.check import count

TESTS = Path(__file__).resolve().parent
REAL = TESTS / "fixtures" / "real"

# For each statement, every finding by rule and place, and the reviewer's gap it is about (B: one of
# the reviewer's borderline items; "true": plainly true of the statement, not on the reviewer's list;
# "no": not a real gap).
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "molemmat-opalopc": [
        ("controller-postal-address", "controller.postal_address", "M-B02"),
        ("dpo-appointed", "controller.dpo.appointed", "M-B01"),
        ("vague-wording", "data_categories[0].description.en", "true"),  # "marketing etc. material"
        ("vague-wording", "data_categories[4].description.en", "true"),  # contact details "such as"
        ("special-categories-stated", "sensitive_data.processed_as_controller", "true"),
        ("vague-wording", "sources[3].description.en", "true"),  # public sources "such as" the Trade Register
        ("vague-wording", "retention_policies[3].period.starts.en", "true"),  # what makes data expire, "such as"
        ("retention-period", "retention_policies[5].period", "M-G05"),
        ("vague-wording", "purposes[1].description.en", "true"),  # security "e.g." hostile attacks
        ("vague-wording", "purposes[1].legal_bases[0].legitimate_interest.en", "true"),
        ("purpose-recipients", "purposes[5].recipients", "true"),  # the contact form's section is missing
        ("purpose-legal-basis", "purposes[5].legal_bases", "M-G01"),
        ("provision-requirement", "purposes[5].provision", "M-G02"),
        ("provision-requirement", "purposes[7].provision", "M-G05"),
        ("purpose-recipients", "purposes[7].recipients", "M-G05"),
        ("purpose-data-categories", "purposes[7].data_categories", "M-G05"),
        ("purpose-sources", "purposes[7].sources", "M-G05"),
        ("purpose-legal-basis", "purposes[7].legal_bases", "M-G05"),
        ("tracker-lifetime", "trackers[0].lifetime", "M-G04"),
        ("tracker-consent-need", "trackers[0].strictly_necessary", "M-G04"),
        ("tracker-cookies", "trackers[0].cookies", "M-G04"),
        ("vague-wording", "rights.list[2].how.en", "true"),  # erasure refused "e.g." ...
        ("vague-wording", "rights.list[2].how.en", "true"),  # ... "(e.g. the data required by the Accounting Act)"
        ("marketing-objection", "rights.list[4]", "M-G03"),
    ],
    "plausible": [
        ("dpo-appointed", "controller.dpo.appointed", "P-B01"),
        ("vague-wording", "roles.controller.en", "true"),  # controller data "such as" account details
        ("special-categories-stated", "sensitive_data.processed_as_controller", "true"),
        ("source-public", "sources[1].public", "true"),  # Google
        ("source-public", "sources[2].public", "true"),  # Gravatar
        *(("recipient-country", f"recipients[{n}].countries", "P-G03") for n in (3, 4, 5, 6)),
        ("vague-wording", "recipients[7].description.en", "P-B08"),  # Google "may share account-related data"
        ("recipient-country", "recipients[7].countries", "P-G03"),
        ("recipient-country", "recipients[8].countries", "P-G03"),
        ("vague-wording", "recipients[9].description.en", "true"),  # Anthropic "may help us draft replies"
        *(("recipient-country", f"recipients[{n}].countries", "P-G03") for n in (9, 10, 12, 13)),
        ("vague-wording", "retention_policies[0].criteria.en", "P-G06"),  # "and as necessary"
        ("retention-vague", "retention_policies[1].criteria", "P-G06, P-G07"),
        # The account's own recipients are not named; the statement names recipients of "account
        # data" by service, which this model gave to the other purposes: counted as not real.
        ("purpose-recipients", "purposes[0].recipients", "no"),
        ("provision-requirement", "purposes[1].provision", "P-B03"),
        ("purpose-legal-basis", "purposes[5].legal_bases", "P-G02"),
        ("purpose-legal-basis", "purposes[6].legal_bases", "P-G02"),
        ("purpose-legal-basis", "purposes[7].legal_bases", "P-G02"),
        ("provision-requirement", "purposes[7].provision", "true"),  # must one pass the captcha?
        ("purpose-legal-basis", "purposes[8].legal_bases", "P-G02"),
        ("purpose-legal-basis", "purposes[9].legal_bases", "P-G01"),
        ("transfers-not-stated", "transfers", "P-G03, P-G04"),
        ("tracker-data-collected", "trackers[0].data_collected", "P-B05"),
        ("tracker-lifetime", "trackers[0].lifetime", "P-B05"),
        ("tracker-cookies", "trackers[0].cookies", "P-B05"),
        ("processor-appendix-duration", "services[0].duration", "P-G12"),
        ("processor-appendix-end-of-service", "services[0].end_of_service.choices", "P-G13"),
        ("processor-appendix-audits", "services[0].audits", "P-G14"),
        ("right-complaint", "rights.list", "P-G11"),
        ("right-portability", "rights.list", "P-G09"),
        ("right-restriction", "rights.list", "P-G08"),
        ("automated-decisions", "automated_decision_making", "P-B04"),
    ],
}
# The reviewer's gaps (G items) of each statement (/work/realworld/*/reviewer-gaps.md).
GAPS = {"molemmat-opalopc": 5, "plausible": 14}


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_the_checker_finds_the_same_on_a_real_statement(slug: str, tmp_path: Path) -> None:
    findings = findings_for((REAL / f"{slug}.yaml").read_text(encoding="utf-8"), tmp_path)
    assert Counter((f.rule, f.at) for f in findings) == Counter((rule, at) for rule, at, _ in EXPECTED[slug])
    assert not any(f.acknowledged for f in findings)


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_the_readme_records_the_measurement_of_these_findings(slug: str, tmp_path: Path) -> None:
    """The README's row for the statement holds the gaps, the gaps found, the findings and the real
    ones that the list above gives."""
    expected = EXPECTED[slug]
    found = {gap.strip() for _, _, about in expected for gap in about.split(",") if "-G" in gap}
    real = sum(about != "no" for _, _, about in expected)
    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    measured = readme[readme.index("### Measured on real statements"):]
    row = next(line for line in measured.splitlines() if line.startswith(f"| `{slug}`"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    recall, precision = len(found) / GAPS[slug], real / len(expected)
    assert cells[1:7] == [str(GAPS[slug]), str(len(found)), f"{recall:.0%}", str(len(expected)), str(real),
                          f"{precision:.0%}"], row
    counts = count(findings_for((REAL / f"{slug}.yaml").read_text(encoding="utf-8"), tmp_path))
    assert counts.errors + counts.warnings == len(expected)


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_a_real_statement_with_its_gaps_renders(slug: str) -> None:
    from generator.pipeline import read_model
    from generator.render import render_site

    model = read_model(REAL / f"{slug}.yaml", POLICY).model
    pages = {page.path: page.markdown for page in render_site(model, POLICY).pages}
    assert "Not stated in this version of the statement" in pages["privacy/index.md"]
