"""The rules that judge what the model says, not only whether it says something: recipients per
purpose, a recipient's countries against the transfers, the right to object to direct marketing,
a tracker's category against its need for consent, and hedged or vague wording located at the
phrase. `test_check.py` breaks each of them alone in the complete fictional model; these are their
other cases and what they must leave alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import POLICY
from test_check import COMPLETE, RIGHTS_LIST, edited, findings_for, position

from generator.check import find_phrases, phrase_pattern
from generator.load import load_text
from generator.problems import Location


@pytest.fixture(scope="module")
def complete_text() -> str:
    return COMPLETE.read_text(encoding="utf-8")


def rules_at(text: str, folder: Path) -> list[tuple[str, str]]:
    return [(finding.rule, finding.at) for finding in findings_for(text, folder)]


# --- recipients --------------------------------------------------------------------------------

NO_RECIPIENTS = (
    # Nothing may name a recipient once there are none: the tracker is our own, nothing leaves the
    # EU/EEA, the hosted service has no sub-processors.
    ("    provider: web-analytics\n    party: third", "    provider: controller\n    party: first"),
    ("    sub_processors: [nordic-hosting]\n", "    sub_processors: none\n"),
)


def without_recipients(text: str) -> str:
    start, end = text.index("\nrecipients:\n"), text.index("\nretention_policies:\n")
    text = text[:start] + "\nrecipients: []\n" + text[end:]
    text = text[:text.index("\ntransfers:\n")] + "\ntransfers: none\n" + text[text.index("\ncookies:\n"):]
    text = re.sub(r"\n    recipients: \[[^\]]*\]", "", text)
    return edited(text, *NO_RECIPIENTS)


def test_a_statement_naming_no_recipients_is_reported_once_at_the_recipients(
        complete_text: str, tmp_path: Path) -> None:
    text = without_recipients(complete_text)
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [("purpose-recipients", "recipients")]
    assert (findings[0].location.line, findings[0].location.column) == position(text, "recipients: []", "[")
    assert 'names no recipients at all' in findings[0].message
    assert '"customer-contracts", "newsletter", "website-statistics":' in findings[0].message
    # Where every purpose says that nobody receives its data, an empty list is what it says.
    says_none = re.sub(r"(\n    retention: \[[a-z-]+\]\n)(?!    recipients)", r"\1    recipients: none\n",
                       text.replace("    recipients: none\n", ""))
    assert findings_for(says_none, tmp_path) == []


def test_an_empty_list_of_recipients_says_nothing_but_none_does(complete_text: str, tmp_path: Path) -> None:
    empty = edited(complete_text, ("    recipients: [crm-cloud]\n", "    recipients: []\n"))
    assert rules_at(empty, tmp_path) == [("purpose-recipients", "purposes[2].recipients")]
    nobody = edited(complete_text, ("    recipients: [crm-cloud]\n", "    recipients: none\n"))
    assert findings_for(nobody, tmp_path) == []


CRM_COUNTRIES = ("    categories: [processor]\n    countries: [US]", "    categories: [processor]\n    countries: {}")
CANADA_TRANSFER = ("\ntransfers:\n", "\ntransfers:\n  - recipient: crm-cloud\n    country: CA\n"
                                     "    safeguards:\n      - kind: adequacy-decision\n")


def test_a_transfer_to_a_country_the_recipient_does_not_have_is_reported_at_the_transfer(
        complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, CANADA_TRANSFER)
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [("recipient-transfer-countries", "transfers[0].country")]
    assert (findings[0].location.line, findings[0].location.column) == position(text, "    country: CA", "CA")
    assert '"crm-cloud" in CA' in findings[0].message and "countries are US" in findings[0].message
    both = edited(text, (CRM_COUNTRIES[0], CRM_COUNTRIES[1].format("[US, CA]")))
    assert findings_for(both, tmp_path) == []


def test_countries_inside_the_eea_and_worldwide_need_no_transfer_of_their_own(
        complete_text: str, tmp_path: Path) -> None:
    inside = edited(complete_text, (CRM_COUNTRIES[0], CRM_COUNTRIES[1].format("[US, DE, EEA]")))
    assert findings_for(inside, tmp_path) == []
    worldwide = edited(complete_text, (CRM_COUNTRIES[0], CRM_COUNTRIES[1].format("[US, worldwide]")),
                       CANADA_TRANSFER)
    assert findings_for(worldwide, tmp_path) == []


def test_every_country_without_a_transfer_is_reported(complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, (CRM_COUNTRIES[0], CRM_COUNTRIES[1].format("[IN, US, BR]")))
    assert rules_at(text, tmp_path) == [("recipient-transfer-countries", "recipients[1].countries[0]"),
                                        ("recipient-transfer-countries", "recipients[1].countries[2]")]


def test_transfers_none_says_that_nothing_leaves_the_eea(complete_text: str, tmp_path: Path) -> None:
    text = complete_text[:complete_text.index("\ntransfers:\n")] + "\ntransfers: none\n" + \
        complete_text[complete_text.index("\ncookies:\n"):]
    assert {rule for rule, _ in rules_at(text, tmp_path)} == {"transfer-stated", "tracker-transfer"}


# --- the right to object to direct marketing ---------------------------------------------------

STATISTICS = "    description: {en: 'Learn which pages of our website are read, to improve it.'}"
OBJECTION = "    - right: objection\n"


def for_marketing(text: str, words: str = "to improve it and our marketing.") -> str:
    return edited(text, (STATISTICS, STATISTICS.replace("to improve it.", words)))


def test_the_right_to_object_to_marketing_is_stated_by_naming_marketing_in_how(
        complete_text: str, tmp_path: Path) -> None:
    how = OBJECTION + "      how:\n        en: Object to direct marketing at any time by writing to us.\n"
    assert findings_for(edited(for_marketing(complete_text), (OBJECTION, how)), tmp_path) == []
    vague_how = OBJECTION + "      how:\n        en: Write to us.\n"
    assert rules_at(edited(for_marketing(complete_text), (OBJECTION, vague_how)), tmp_path) == [
        ("marketing-objection", "rights.list[5]")]
    placeholder = OBJECTION + "      how:\n        en: TBD\n"
    assert rules_at(edited(for_marketing(complete_text), (OBJECTION, placeholder)), tmp_path) == [
        ("marketing-objection", "rights.list[5]")]


def test_marketing_without_the_right_to_object_names_both_gaps(complete_text: str, tmp_path: Path) -> None:
    text = edited(for_marketing(complete_text), (OBJECTION, ""))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [("marketing-objection", "rights.list"),
                                                  ("right-objection", "rights.list")]
    assert (findings[0].location.line, findings[0].location.column) == position(text, *RIGHTS_LIST)
    assert "is not among the rights" in findings[0].message and '"website-statistics"' in findings[0].message


@pytest.mark.parametrize("words", ["to improve it and our advertising.", "to choose whom we send our NEWSLETTER.",
                                   "to improve it and our direct\\n        marketing."])
def test_marketing_is_recognised_by_whole_words(words: str, complete_text: str, tmp_path: Path) -> None:
    text = for_marketing(complete_text, words)
    if "\\n" in words:
        text = edited(text, ("{en: 'Learn which pages", "\n      en: 'Learn which pages"),
                      ("direct\\n        marketing.'}", "direct\n        marketing.'"))
    assert rules_at(text, tmp_path) == [("marketing-objection", "rights.list[5]")]


@pytest.mark.parametrize("words", ["to improve it and our supermarketing.", "to improve our marketplace."])
def test_words_that_only_contain_a_marketing_word_do_not_count(words: str, complete_text: str,
                                                                tmp_path: Path) -> None:
    assert findings_for(for_marketing(complete_text, words), tmp_path) == []


def test_marketing_is_judged_in_each_language_and_in_the_legitimate_interest(
        complete_text: str, tmp_path: Path) -> None:
    swedish = edited(complete_text, (STATISTICS, STATISTICS[:-1] + ", sv: 'För vår marknadsföring.'}"))
    assert rules_at(swedish, tmp_path) == [("marketing-objection", "rights.list[5]")]
    english_word_in_swedish = edited(complete_text, (STATISTICS, STATISTICS[:-1] + ", sv: 'Marketing.'}"))
    assert findings_for(english_word_in_swedish, tmp_path) == []
    interest = edited(complete_text, ("actually have.\n", "actually have, and in our marketing.\n"))
    assert rules_at(interest, tmp_path) == [("marketing-objection", "rights.list[5]")]


def test_marketing_on_consent_is_left_to_the_withdrawal_of_consent(complete_text: str, tmp_path: Path) -> None:
    # The newsletter is marketing, but on consent: the right to withdraw it is what applies.
    text = edited(complete_text, ("    description: {en: Send our newsletter to people who have asked for it.}",
                                  "    description: {en: Send our marketing newsletter to people who asked for it.}"))
    assert findings_for(text, tmp_path) == []


# --- a tracker's category and consent ----------------------------------------------------------

def test_a_strictly_necessary_tracker_marked_as_needing_consent_is_reported(
        complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, ("    lifetime: session\n    strictly_necessary: true",
                                  "    lifetime: session\n    strictly_necessary: false"))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [("tracker-category-consent", "trackers[0].strictly_necessary")]
    assert (findings[0].location.line, findings[0].location.column) == position(
        text, "    strictly_necessary: false", "false")
    assert '"session-cookie" is in the category strictly-necessary' in findings[0].message


@pytest.mark.parametrize("category", ["marketing", "analytics"])
def test_marketing_and_analytics_trackers_always_need_consent(category: str, complete_text: str,
                                                              tmp_path: Path) -> None:
    # A provider that is no analytics or advertising company: the category alone decides.
    text = edited(complete_text, ("    provider: web-analytics\n", "    provider: nordic-hosting\n"),
                  ("    category: analytics", f"    category: {category}"),
                  ("    strictly_necessary: false", "    strictly_necessary: true"))
    assert rules_at(text, tmp_path) == [("tracker-category-consent", "trackers[1].strictly_necessary")]
    functional = edited(text, (f"    category: {category}", "    category: functional"))
    assert findings_for(functional, tmp_path) == []


# --- hedged and vague wording ------------------------------------------------------------------

PURPOSE = "      en: Counts visits and pages read.\n"


def with_purpose(text: str, purpose: str) -> str:
    return edited(text, (PURPOSE, purpose))


def test_every_hedge_is_reported_where_it_stands(complete_text: str, tmp_path: Path) -> None:
    text = with_purpose(complete_text, "      en: >-\n        Counts visits. We MAY count pages read, and\n"
                                       "        we may also count, for\n        example, clicks.\n")
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.severity, f.at) for f in findings] == [
        ("vague-wording", "warning", "trackers[1].purpose.en")] * 3
    assert [(f.location.line, f.location.column) for f in findings] == [
        position(text, "        Counts visits. We MAY", "MAY"), position(text, "        we may also", "may"),
        position(text, "        we may also", "for")]
    assert ['"MAY"' in findings[0].message, '"may"' in findings[1].message, '"for example"' in findings[2].message] \
        == [True, True, True]
    assert "(\"...MAY count pages read, and we may also count, for example,...\")" in findings[1].message


@pytest.mark.parametrize("purpose", [
    "Counts visits; the mayor's office may not.",  # "may" once, as a word; "mayor" is another word
    "Counts visits. Maybe. Mayhem. Dismay. May",
])
def test_only_whole_words_are_hedges(purpose: str, complete_text: str, tmp_path: Path) -> None:
    text = with_purpose(complete_text, f"      en: \"{purpose}\"\n")
    findings = findings_for(text, tmp_path)
    assert [f.message.split('"')[1] for f in findings] == (["may"] if "mayor" in purpose else ["May"])


def test_a_hedge_granted_to_the_reader_is_not_one(complete_text: str, tmp_path: Path) -> None:
    text = with_purpose(complete_text, "      en: You may refuse it; you  may also\n        delete it.\n"
                                       "      sv: Du kan vägra den, och ni kan radera den.\n")
    assert findings_for(text, tmp_path) == []


def test_a_hedge_granted_with_the_verb_first_is_not_one_but_we_may_is(complete_text: str, tmp_path: Path) -> None:
    text = with_purpose(complete_text, "      en: If you object, you may complain.\n"
                                       "      sv: Om du invänder kan du klaga, och sedan kan vi\n        radera den.\n")
    findings = findings_for(text, tmp_path)
    assert [(f.at, f.message.split('"')[1]) for f in findings] == [("trackers[1].purpose.sv", "kan")]
    assert [(f.location.line, f.location.column) for f in findings] == [
        position(text, "      sv: Om du", "kan vi")]


def test_hedges_are_matched_per_language(complete_text: str, tmp_path: Path) -> None:
    text = with_purpose(complete_text, "      en: Counts visits (kan, såsom) and pages read.\n"
                                       "      sv: Räknar besök och kan räkna\n        lästa sidor, till\n"
                                       "        exempel may.\n")
    findings = findings_for(text, tmp_path)
    assert [(f.at, f.message.split('"')[1]) for f in findings] == [("trackers[1].purpose.sv", "kan"),
                                                                   ("trackers[1].purpose.sv", "till exempel")]
    assert [(f.location.line, f.location.column) for f in findings] == [
        position(text, "      sv: Räknar", "kan"), position(text, "        lästa sidor, till", "till")]


def test_overlapping_phrases_are_reported_once_by_the_longest(complete_text: str, tmp_path: Path) -> None:
    text = with_purpose(complete_text, "      en: Counts visits for as long as necessary.\n")
    findings = findings_for(text, tmp_path)
    assert [f.message.split('"')[1] for f in findings] == ["as long as necessary"]


def test_vague_retention_criteria_are_reported_by_the_retention_rule_only(
        complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, (
        "        Until you withdraw your consent, and at the latest twelve months after the recruitment or\n"
        "        the newsletter you signed up for has ended.\n",
        "        As long as necessary, and we may keep it a reasonable period longer.\n"))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [("retention-vague", "retention_policies[1].criteria"),
                                                  ("vague-wording", "retention_policies[1].criteria.en")]
    assert '"may"' in findings[1].message
    # With a period, the criteria are no longer the retention rule's business, but still vague.
    with_period = edited(text, ("    period: null\n", "    period:\n      duration: P1Y\n"
                                                   "      starts: {en: the end of the recruitment}\n"))
    assert [f.message.split('"')[1] for f in findings_for(with_period, tmp_path)] == [
        "As long as necessary", "may", "a reasonable period"]


def test_a_hedge_the_file_does_not_show_as_written_is_located_at_its_text(
        complete_text: str, tmp_path: Path) -> None:
    # An escape changes what the file shows, so the phrase is located at the start of the text.
    text = with_purpose(complete_text, '      en: "Counts visits; we \\x6day count pages."\n')
    findings = findings_for(text, tmp_path)
    assert [f.message.split('"')[1] for f in findings] == ["may"]
    assert (findings[0].location.line, findings[0].location.column) == position(text, '      en: "Counts', '"')


def test_texts_reached_through_an_alias_are_located_at_the_alias(complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, ("      en: Counts visits and pages read.\n",
                                  "      en: &hedge We may count visits.\n"),
                  ("      en: Pages visited and a shortened IP address.\n", "      en: *hedge\n"))
    findings = findings_for(text, tmp_path)
    assert [f.at for f in findings] == ["trackers[1].purpose.en", "trackers[1].data_collected.en"]
    assert [(f.location.line, f.location.column) for f in findings] == [
        position(text, "      en: &hedge", "may"), position(text, "      en: *hedge", "*")]


def test_every_phrase_of_the_catalogue_is_found_in_its_own_language() -> None:
    catalogue = POLICY.catalogue
    assert set(catalogue.vague_wording) == {"en", "sv"}
    for language, phrases in catalogue.vague_wording.items():
        for phrase in phrases:
            text = f"Vi och we: {phrase.upper()}, then more."
            assert [match.phrase for match in find_phrases(text, phrases)] == [phrase], (language, phrase)
    for required in ("may", "such as", "for example", "including but not limited to", "as long as necessary",
                     "for the period necessary", "a reasonable period"):
        assert required in catalogue.vague_wording["en"]
    for required in ("kan", "till exempel", "såsom", "bland annat"):
        assert required in catalogue.vague_wording["sv"]


def test_a_phrase_is_located_across_line_breaks_in_every_style_of_text() -> None:
    source = ("a: may be\nb: 'it''s a\n  such as x'\nc: >-\n  x. Such\n    as y\nd: |\n  z\n  such   as\n"
              "e: plain but\n  such\n  as it is\n")
    document = load_text(source, "x.yaml")
    pattern = phrase_pattern("such as")
    assert document.locate_in_text(("b",), pattern, 0) == Location(3, 3)
    assert document.locate_in_text(("c",), pattern, 0) == Location(5, 6)
    assert document.locate_in_text(("d",), pattern, 0) == Location(9, 3)
    assert document.locate_in_text(("e",), pattern, 0) == Location(11, 3)
    assert document.locate_in_text(("a",), phrase_pattern("may"), 0) == Location(1, 4)
    assert document.locate_in_text(("a",), pattern, 0) is None
    assert document.locate_in_text(("b",), pattern, 1) is None


# --- what happens to a processor's data when the service ends ----------------------------------

END_CHOICES = "      choices: [deletion, return]\n"


@pytest.mark.parametrize(("choices", "missing"), [("[deletion]", "return"), ("[return]", "deletion")])
def test_the_customer_chooses_between_return_and_deletion(choices: str, missing: str, complete_text: str,
                                                          tmp_path: Path) -> None:
    text = edited(complete_text, (END_CHOICES, f"      choices: {choices}\n"))
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [("processor-appendix-end-of-service",
                                                   "services[0].end_of_service.choices")]
    assert (findings[0].location.line, findings[0].location.column) == position(text, "      choices: ", "[")
    assert f"does not let the customer choose {missing}" in findings[0].message


def test_an_appendix_written_before_the_last_two_facts_existed_lacks_them(complete_text: str, tmp_path: Path) -> None:
    start = complete_text.index("    end_of_service:\n")
    end = complete_text.index("\nrights:\n")
    text = complete_text[:start] + complete_text[end + 1:]
    findings = findings_for(text, tmp_path)
    assert [(f.rule, f.at) for f in findings] == [("processor-appendix-audits", "services[0].audits"),
                                                  ("processor-appendix-end-of-service", "services[0].end_of_service")]
    where = position(text, "  - id: hosted-accounting", "id")
    assert {(f.location.line, f.location.column) for f in findings} == {where}


@pytest.mark.parametrize(("choices", "sentence"), [
    ("[deletion, return]", "When the service ends, the Customer chooses whether the data is returned or deleted."),
    ("[deletion]", "When the service ends, the data is deleted."),
])
def test_the_appendix_says_what_happens_when_the_service_ends(choices: str, sentence: str, complete_text: str,
                                                               tmp_path: Path) -> None:
    from generator.load import load_file
    from generator.render import render_site
    from generator.validate import validate

    path = tmp_path / "processing.yaml"
    path.write_text(edited(complete_text, (END_CHOICES, f"      choices: {choices}\n")), encoding="utf-8")
    model = validate(load_file(path), POLICY).model
    assert model is not None
    page = next(page.markdown for page in render_site(model, POLICY).pages
                if page.path.startswith("privacy/services/")).replace("\\", "")  # Markdown escapes aside
    assert f"## When the service ends\n\n{sentence} We return the data within 30 days" in page
    assert "## Information and audits\n\nWe give the customer the information" in page
