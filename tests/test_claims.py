"""The site says only what the model says (issue 14, items 3 and 4): a sentence that denies something
comes only from a model value that says so (`none`, `false`); an empty or absent list reads "Not
stated in this version of the statement."; a section renders only from what the model holds."""

from __future__ import annotations

import html

from conftest import POLICY, PROJECT_ROOT, REAL_MODEL

from generator.pipeline import read_model_bytes
from generator.render import Renderer, render_site

COMPLETE = (PROJECT_ROOT / "tests" / "fixtures" / "complete.yaml").read_text(encoding="utf-8")
TEXTS = Renderer(POLICY).texts
NOT_STATED = TEXTS["not_stated"]
WORDS = TEXTS["statement"]


def edited(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def pages(text: str) -> dict[str, str]:
    """Every page of the model's site in English, as plain text (Markdown escapes and entities undone)."""
    site = render_site(read_model_bytes(text.encode(), "model.yaml", POLICY).model, POLICY)
    return {page.path: html.unescape(page.markdown).replace("\\", "") for page in site.pages}


def section(statement: str, anchor: str) -> str:
    """The text of the statement's section `{#anchor}` up to the next heading of its level or above."""
    start = statement.index(f"{{#{anchor}}}")
    level = statement.rfind("\n", 0, start)
    hashes = statement[level + 1:statement.index(" ", level + 1)]
    rest = statement[start:]
    ends = [rest.find(f"\n{'#' * depth} ", 1) for depth in range(1, len(hashes) + 1)]
    ends = [end for end in ends if end > 0]
    return rest[: min(ends)] if ends else rest


def without_transfers(text: str, replacement: str) -> str:
    start = text.index("\ntransfers:\n")
    end = text.index("\ncookies:\n")
    return text[:start] + f"\ntransfers: {replacement}\n" + text[end:]


def test_no_transfers_are_denied_from_an_empty_list() -> None:
    statement = pages(without_transfers(COMPLETE, "[]"))["privacy/index.md"]
    transfers = section(statement, "transfers")
    assert WORDS["no_transfers"] not in transfers
    assert NOT_STATED in transfers


def test_transfers_are_denied_only_by_none() -> None:
    # The providers of the complete model are in the US; `none` is what the model says, and check
    # then reports the missing transfers, but the sentence is the model's own claim.
    statement = pages(without_transfers(COMPLETE, "none"))["privacy/index.md"]
    assert WORDS["no_transfers"] in section(statement, "transfers")


def test_no_recipients_are_denied_from_an_empty_list() -> None:
    text = COMPLETE
    start, end = text.index("\nrecipients:\n"), text.index("\nretention_policies:\n")
    text = text[:start] + "\nrecipients: []\n" + text[end:]
    for reference in ("    recipients: [nordic-hosting, crm-cloud]\n", "    recipients: [crm-cloud]\n",
                      "    recipients: [nordic-hosting]\n"):
        text = edited(text, (reference, ""))
    assert text.count("    recipients: none\n") == 3  # the purposes whose data nobody receives
    text = text.replace("    recipients: none\n", "")
    text = without_transfers(text, "[]")
    text = edited(text, ("    sub_processors: [nordic-hosting]\n", "    sub_processors: null\n"),
                  ("    provider: web-analytics\n", "    provider: null\n"))
    statement = pages(text)["privacy/index.md"]
    recipients = section(statement, "recipients")
    assert WORDS["no_recipients"] not in recipients
    assert NOT_STATED in recipients
    # Each purpose: its recipients are not stated, never "none".
    assert WORDS["no_recipients_for_purpose"] not in statement
    # Only when every purpose says `none` does the statement deny that anyone receives data.
    for purpose in ("customer-contracts", "bookkeeping", "newsletter", "website-statistics", "recruitment",
                    "prospect-research"):
        marker = f"  - id: {purpose}\n"
        text = edited(text, (marker, marker + "    recipients: none\n"))
    statement = pages(text)["privacy/index.md"]
    assert WORDS["no_recipients"] in section(statement, "recipients")


def test_no_sensitive_data_is_denied_only_from_false() -> None:
    text = edited(COMPLETE, ("  processed_as_controller: true\n", "  processed_as_controller: null\n"))
    statement = pages(text)["privacy/index.md"]
    assert WORDS["no_sensitive_data"] not in statement
    assert WORDS["sensitive_not_stated"].format(not_stated=NOT_STATED) in statement
    text = edited(COMPLETE, ("  processed_as_controller: true\n", "  processed_as_controller: false\n"),
                  ("  statement:\n    en: We process health information only when a job applicant gives it to us to "
                   "adapt an interview.\n", ""),
                  ("  condition:\n    en: The applicant's explicit consent (GDPR Art. 9(2)(a)).\n", ""))
    assert WORDS["no_sensitive_data"] in pages(text)["privacy/index.md"]


def test_no_automated_decisions_are_denied_only_from_the_model() -> None:
    text = edited(COMPLETE, ("automated_decision_making:\n  takes_place: false\n  description:\n    en: We make no "
                             "decisions about you by automated means alone, and we do not profile you.\n",
                             "automated_decision_making: null\n"))
    decisions = section(pages(text)["privacy/index.md"], "automated-decisions")
    assert "no decisions" not in decisions
    assert NOT_STATED in decisions


def test_a_site_with_an_empty_tracker_list_claims_no_absence_of_trackers() -> None:
    text = edited(COMPLETE, ("    trackers: [session-cookie, site-statistics]\n", "    trackers: []\n"))
    site = pages(text)["privacy/sites/main-site.md"]
    assert TEXTS["site_page"]["no_trackers"] not in site
    assert NOT_STATED in site
    text = edited(COMPLETE, ("    trackers: [session-cookie, site-statistics]\n", "    trackers: none\n"))
    assert TEXTS["site_page"]["no_trackers"] in pages(text)["privacy/sites/main-site.md"]


def test_no_processor_section_without_a_processor_role() -> None:
    processor = ("  processor:\n    description:\n      en: In our hosted accounting service we process personal "
                 "data on behalf of our customers.\n    services: [hosted-accounting]\n")
    start, end = COMPLETE.index("\nservices:\n"), COMPLETE.index("\nrights:\n")
    without_services = COMPLETE[:start] + "\nservices: []\n" + COMPLETE[end:]
    text = edited(without_services, (processor, ""))
    statement = pages(text)["privacy/index.md"]
    roles = section(statement, "roles")
    assert WORDS["as_processor"] not in roles
    assert f"### {WORDS['headings']['role']} {{#roles}}" in statement
    assert WORDS["headings"]["roles"] not in statement
    assert WORDS["no_processor_role"] not in roles  # silence is not a denial either
    statement = pages(edited(without_services, (processor, "  processor: none\n")))["privacy/index.md"]
    assert WORDS["no_processor_role"] in section(statement, "roles")


def test_a_dpo_is_denied_only_from_false() -> None:
    statement = pages(edited(COMPLETE, ("    appointed: true\n", "    appointed: null\n")))["privacy/index.md"]
    assert WORDS["no_dpo"] not in statement
    statement = pages(edited(COMPLETE, ("    appointed: true\n", "    appointed: false\n")))["privacy/index.md"]
    assert WORDS["no_dpo"] in statement


def test_the_rights_at_a_glance_are_the_model_s_rights() -> None:
    """The first layer names only the rights the model lists (it named all of them before)."""
    text = edited(COMPLETE, ("    - right: portability\n", ""))
    glance = section(pages(text)["privacy/index.md"], "at-a-glance")
    assert TEXTS["rights"]["portability"]["at_a_glance"] not in glance
    assert TEXTS["rights"]["access"]["at_a_glance"] in glance
    text = edited(COMPLETE, ("    - right: objection\n", ""))
    assert WORDS["glance"]["object"] not in section(pages(text)["privacy/index.md"], "at-a-glance")


def test_the_real_models_pages_claim_nothing_from_its_gaps() -> None:
    site = render_site(read_model_bytes(REAL_MODEL.read_bytes(), "processing.yaml", POLICY).model, POLICY)
    for page in site.pages:
        text = html.unescape(page.markdown).replace("\\", "")
        for denial in (WORDS["no_transfers"], WORDS["no_recipients"], WORDS["no_processor_role"], WORDS["no_dpo"],
                       TEXTS["site_page"]["no_trackers"], TEXTS["service_page"]["no_sub_processors"]):
            assert denial not in text, (page.path, denial)

