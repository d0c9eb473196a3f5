"""The model as the seed statement became it holds every fact of that statement (the seed), and no
other company's name; its gaps are marked where editors see them.

This runs on the seed's own version of the model, read from git: data/processing.yaml as committed in
SEED_COMMIT, the last commit of version 1.0.0 before editors took over: the model at schema version 2,
as `privacy-statement migrate` made it and the review that followed left it (gaps where the seed is
silent, not the guesses version 1 had to write). The tests' frozen copy of the real model
(tests/fixtures/model-1.0.0.yaml) is that same file. Today's
model is the editors' to change, so nothing here reads it: closing a gap or adding a tracker there
can never fail this test. Without that commit (a shallow clone, an export without .git) the tests
are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import PROJECT_ROOT, REAL_MODEL

from generator.load import load_text

SEED_COMMIT = "ffba760047dd5898595e3b09531edf49823a725c"
SEED_PATH = "data/processing.yaml"
# The prose statement the model replaces, kept verbatim beside the tests so the check below runs
# on every clone; the workspace's original (outside the repository) must stay the same text.
SEED = PROJECT_ROOT / "tests" / "fixtures" / "seed" / "i-centrum-privacy-statement.txt"
ORIGINAL_SEED = PROJECT_ROOT.parent / "shared" / "seed" / "i-centrum-privacy-statement.txt"


def seed_version_text() -> str:
    """data/processing.yaml as committed in SEED_COMMIT, which must be in this clone's history."""
    def git(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True)

    shown = git("show", f"{SEED_COMMIT}:{SEED_PATH}")
    in_history = shown.returncode == 0 and git("merge-base", "--is-ancestor", SEED_COMMIT, "HEAD").returncode == 0
    if not in_history:
        reason = (f"the seed's version of the model (commit {SEED_COMMIT[:12]}) is not in this clone's git history "
                  "(a shallow clone, or no .git): fetch the whole history to run the seed checks")
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return shown.stdout


RAW = seed_version_text()
DOCUMENT = load_text(RAW, SEED_PATH)
MODEL: dict[str, Any] = DOCUMENT.data


# Typographic quotes and the seed's acute accent used as an apostrophe, made plain.
_PLAIN_QUOTES = str.maketrans({"\u00b4": "'", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def plain(text: str) -> str:
    """Lower case, one space between words, plain quotes."""
    return re.sub(r"\s+", " ", text.translate(_PLAIN_QUOTES)).strip().lower()


def en(value: dict[str, str] | None) -> str:
    assert isinstance(value, dict) and isinstance(value.get("en"), str), value
    return plain(value["en"])


def entry(collection: str, ident: str) -> dict[str, Any]:
    [found] = [item for item in MODEL[collection] if item["id"] == ident]
    return found


def basis(purpose: dict[str, Any]) -> str | None:
    """The one legal basis the model gives a purpose (the seed gives at most one), or None for a gap."""
    bases = purpose["legal_bases"]
    if bases is None:
        return None
    [only] = bases
    return str(only["basis"])


def find(collection: str, field: str, *phrases: str) -> dict[str, Any]:
    """The one entry of `collection` whose `field` (a text) holds every phrase."""
    found = [item for item in MODEL[collection] if all(plain(p) in en(item.get(field)) for p in phrases)]
    assert len(found) == 1, f"{collection} with {field} holding {phrases}: {[i['id'] for i in found]}"
    return found[0]


# --- which version this is ------------------------------------------------------------------------

def test_this_is_version_1_0_0_at_schema_version_2() -> None:
    assert (MODEL["version"], MODEL["effective_date"], MODEL["schema_version"]) == ("1.0.0", "2026-11-25", 2)


def test_the_tests_frozen_real_model_is_the_seeds_version() -> None:
    """What the other tests read as the real model is this version, byte for byte."""
    assert REAL_MODEL.read_text(encoding="utf-8") == RAW


# --- the controller, the roles and the statement's general texts ------------------------------------

def test_controller_facts() -> None:
    controller = MODEL["controller"]
    assert controller["legal_name"] == "i-Centrum AB"
    assert controller["country"] == "SE"
    assert "göteborg" in en(controller["head_office"])
    assert controller["email"] == "privacy@i-centrum.se"
    description = en(controller["description"])
    for phrase in ("sweden based company", "software and services to private and public businesses in europe",
                   "general data protection regulation (gdpr)"):
        assert phrase in description


def test_data_protection_officer_is_appointed_and_described() -> None:
    dpo = MODEL["controller"]["dpo"]
    assert dpo["appointed"] is True
    assert "data protection officer (dpo)" in en(dpo["role"])
    assert "all privacy decisions" in en(dpo["role"])


def test_what_the_statement_covers() -> None:
    scope = en(MODEL["statement"]["scope"])
    covers = " / ".join(en(item) for item in MODEL["statement"]["covers"])
    for phrase in ("business processes", "websites", "domains", "mobile solutions", "cloud services",
                   "communities", "branded websites"):
        assert phrase in scope
        assert phrase in covers


def test_general_texts_of_the_seed() -> None:
    statement = MODEL["statement"]
    assert "your privacy is important for i-centrum" in en(statement["introduction"])
    assert "necessary for us to serve our customers" in en(statement["necessity"])
    assert "never sold to a third party" in en(statement["never_sold"])
    assert "your opinion is important to us" in en(statement["contact_invitation"])


def test_both_roles() -> None:
    roles = MODEL["roles"]
    assert "data controller" in en(roles["controller"])
    assert "data processor" in en(roles["processor"]["description"])
    assert "service specific appendices" in en(roles["processor"]["description"])
    assert roles["processor"]["services"] == [service["id"] for service in MODEL["services"]]
    assert roles["processor"]["services"]


# --- whose data, what data, from where ---------------------------------------------------------------

@pytest.mark.parametrize("phrase", ["job seekers", "customer contact persons", "leads and prospects",
                                    "users of our software", "website visitors"])
def test_data_subject_group(phrase: str) -> None:
    find("data_subjects", "name", phrase)


def test_customer_contacts_direct_or_through_partners() -> None:
    description = en(entry("data_subjects", "customer-contacts")["description"])
    assert "direct customers" in description
    assert "through our partners" in description


@pytest.mark.parametrize("phrases", [
    ("first name", "last name", "phone number", "title", "email address"),
    ("the company you work for",),
    ("feedback, comments and questions", "meetings, phone calls, documents and emails"),
    ("ip address", "actions you take on the site"),
    ("profile", "social networks such as facebook and linkedin"),
    ("job application",),
    ("login id",),
])
def test_data_category(phrases: tuple[str, ...]) -> None:
    find("data_categories", "description", *phrases)


def test_no_sensitive_data_as_controller() -> None:
    sensitive = MODEL["sensitive_data"]
    assert sensitive["processed_as_controller"] is False
    assert "does not collect or process sensitive personal data" in en(sensitive["statement"])


@pytest.mark.parametrize(("phrases", "from_data_subject", "public"), [
    (("directly from you",), True, False),
    (("other persons linked to our customer",), False, False),
    (("partner company",), False, False),
    (("third-party data suppliers",), False, None),  # the seed does not say whether they are public
    (("publicly available sources",), False, True),
    (("social networks",), False, True),
    (("cookies and other tracking technologies",), True, False),
])
def test_source(phrases: tuple[str, ...], from_data_subject: bool, public: bool | None) -> None:
    source = find("sources", "description", *phrases)
    assert (source["from_data_subject"], source["public"]) == (from_data_subject, public)


def test_third_party_data_suppliers_is_named() -> None:
    assert find("sources", "name", "third-party data suppliers")


# --- purposes and their legal bases ----------------------------------------------------------------

CUSTOMER_AND_USER_PURPOSES = [
    ("improve and develop the overall user experience",),
    ("webinar or event you signed up for",),
    ("inform about products and services that you have purchased",),
    ("direct sales activities", "legitimate and mutual interest"),
    ("web form you have completed",),
    ("perform services", "agreements made with you or with customers"),
    ("respond to all incoming requests", "customer support, emails, chats or phone calls"),
    ("process orders, invoicing, payments and other financial follow-up",),
    ("support users of our products and services",),
    ("disruptions to our services",),
    ("conduct surveys",),
    ("store profiles of interest",),
    ("process a job application",),
]


@pytest.mark.parametrize("phrases", CUSTOMER_AND_USER_PURPOSES, ids=lambda phrases: phrases[0])
def test_customer_and_user_purpose(phrases: tuple[str, ...]) -> None:
    purpose = find("purposes", "description", *phrases)
    if phrases[0] != "process a job application":
        assert {"customer-contacts", "software-users"} & set(purpose["data_subjects"]), purpose["id"]


def test_direct_sales_rests_on_a_legitimate_interest() -> None:
    purpose = find("purposes", "description", "direct sales")
    assert basis(purpose) == "legitimate-interests"
    assert "legitimate and mutual interest" in en(purpose["legal_bases"][0]["legitimate_interest"])


def test_leads_marketing_rests_on_recorded_consent() -> None:
    purpose = find("purposes", "description", "marketing to leads")
    assert purpose["data_subjects"] == ["leads"]
    assert basis(purpose) == "consent"
    assert "stored and documented" in en(purpose["legal_bases"][0]["consent_record"])
    assert "newsletter" in en(purpose["description"])


def test_customers_partners_and_suppliers_rest_on_contract() -> None:
    purpose = find("purposes", "description", "agreements and contracts with our customers, partners and suppliers")
    assert basis(purpose) == "contract"
    assert {"customer-contacts", "partner-supplier-contacts"} <= set(purpose["data_subjects"])


def test_job_seekers_rest_on_consent() -> None:
    purpose = find("purposes", "description", "potential i-centrum employee")
    assert basis(purpose) == "consent"
    assert purpose["data_subjects"] == ["job-seekers"]
    assert "job-application" in purpose["data_categories"]


def test_a_legal_basis_is_set_only_where_the_seed_names_one() -> None:
    """The seed names consent (leads, job seekers), contract (agreements with customers, partners and
    suppliers, which covers performing services and invoicing under them) and a legitimate and mutual
    interest (direct sales); every other purpose's basis is a gap, not a guess."""
    bases = {purpose["id"]: basis(purpose) for purpose in MODEL["purposes"] if purpose["legal_bases"]}
    assert bases == {
        "direct-sales": "legitimate-interests",
        "perform-services": "contract",
        "orders-invoicing": "contract",
        "job-applications": "consent",
        "lead-marketing": "consent",
        "agreements": "contract",
    }


def test_tracking_technologies_say_what_they_collect_and_why() -> None:
    source = find("sources", "description", "movements on i-centrum sites", "optimise your experience")
    assert source["id"] == "tracking-technologies"


def test_every_purpose_is_accounted_for() -> None:
    """Thirteen listed purposes plus leads and customers/partners/suppliers (job seekers are the thirteenth)."""
    assert len(MODEL["purposes"]) == 15


def test_legal_bases_the_seed_does_not_give_are_gaps() -> None:
    bases = {purpose["id"]: basis(purpose) for purpose in MODEL["purposes"]}
    assert set(bases.values()) <= {"consent", "contract", "legitimate-interests", None}


# --- retention, rights, security, authority ---------------------------------------------------------

def test_one_retention_rule_with_the_seed_criteria_and_no_invented_period() -> None:
    [policy] = MODEL["retention_policies"]
    assert policy["period"] is None
    criteria = en(policy["criteria"])
    assert "as long as necessary for the stated purpose" in criteria
    assert "reasonable period of time after your last interaction" in criteria
    assert "secure manner" in en(policy["deletion"])
    assert {tuple(purpose["retention"]) for purpose in MODEL["purposes"]} == {(policy["id"],)}


def test_rights_opt_out_and_complaint() -> None:
    rights = {item["right"]: item for item in MODEL["rights"]["list"]}
    assert set(rights) == {"access", "rectification", "erasure", "restriction", "portability", "objection",
                           "withdraw-consent", "complaint"}
    assert "opt out of receiving marketing communications" in en(rights["withdraw-consent"]["how"])
    assert "in the first instance, contact us" in en(rights["complaint"]["how"])


def test_security_as_the_seed_states_it() -> None:
    measures = " / ".join(en(measure) for measure in MODEL["security"]["measures"])
    assert "prevent unauthorised access or abnormal processing" in measures
    assert "securely stored" in measures


def test_the_statement_cites_the_gdpr_and_nothing_else() -> None:
    assert [(reference["id"], en(reference["name"]), reference["kind"]) for reference in MODEL["legal_references"]] \
        == [("gdpr", "general data protection regulation (gdpr)", "eu-law")]


def test_supervisory_authority_is_imy() -> None:
    [authority] = MODEL["supervisory_authorities"]
    assert "integritetsskyddsmyndigheten (imy)" in en(authority["name"])
    assert authority["url"] == "https://www.imy.se"


# --- cookies and trackers ----------------------------------------------------------------------------

TRACKERS = {
    # name phrase: (provider, phrases of its purpose)
    "linkedin insight tag": ("linkedin", ("track conversions", "retarget website visitors")),
    "google analytics": ("google", ("page views", "source and time spent")),
    "google analytics remarketing": ("google", ("advertisements about i-centrum",)),
    "google ads (formerly adwords)": ("google", ("contact form submissions", "paid search budget")),
    "google ads remarketing": ("google", ("advertisements about i-centrum",)),
    "facebook pixel": ("facebook", ("alert back to facebook",)),
}


@pytest.mark.parametrize("name", TRACKERS)
def test_tracker(name: str) -> None:
    provider, phrases = TRACKERS[name]
    [tracker] = [item for item in MODEL["trackers"] if en(item["name"]) == name]
    assert tracker["provider"] == provider
    assert tracker["party"] == "third"
    # The seed never says whether a tracker is set only with consent, nor names a cookie or a
    # consent category: gaps, not the guesses "not strictly necessary" and "marketing".
    assert tracker["strictly_necessary"] is None
    assert tracker["category"] is None
    assert tracker["cookies"] is None
    for phrase in phrases:
        assert phrase in en(tracker["purpose"])
    assert en(tracker["data_collected"])
    assert en(tracker["opt_out"])
    entry("recipients", provider)


def test_every_tracker_is_on_the_covered_sites() -> None:
    on_sites = {tracker for site in MODEL["sites"] for tracker in site["trackers"]}
    assert on_sites == {tracker["id"] for tracker in MODEL["trackers"]}
    assert len(MODEL["trackers"]) == len(TRACKERS)


def test_linkedin_cookie_lasts_a_rolling_six_months() -> None:
    [tracker] = [item for item in MODEL["trackers"] if item["provider"] == "linkedin"]
    assert tracker["lifetime"] == "P6M"
    assert "rolling six-month expiration" in en(tracker["lifetime_note"])
    assert "ip address" in en(tracker["data_collected"])
    assert "encrypted" in en(tracker["data_collected"])
    assert tracker["further_reading"] == ("https://www.linkedin.com/help/linkedin/answer/65521/"
                                          "the-linkedin-insight-tag-frequently-asked-questions")


def test_google_analytics_opt_out_link() -> None:
    opt_outs = {item["id"]: item.get("opt_out_url") for item in MODEL["trackers"] if item["provider"] == "google"}
    assert opt_outs["google-analytics"] == "https://tools.google.com/dlpage/gaoptout"
    assert "opt-out browser add-on" in en(entry("trackers", "google-analytics")["opt_out"])


def test_facebook_opt_out_is_the_privacy_settings() -> None:
    assert "privacy settings on facebook" in en(entry("trackers", "facebook-pixel")["opt_out"])


def test_cookies_in_general_with_further_reading() -> None:
    cookies = MODEL["cookies"]
    assert cookies["further_reading"] == "https://www.allaboutcookies.org"
    assert "only the server domain that sets a cookie is able to retrieve it" in en(cookies["explanation"])
    assert "refuse cookies" in en(cookies["browser_controls"])


def test_no_other_company_is_named() -> None:
    """The seed's remarketing text names Visma; the model says i-Centrum instead."""
    assert "visma" not in RAW.lower()
    for ident in ("google-analytics-remarketing", "google-ads-remarketing"):
        assert "about i-centrum" in en(entry("trackers", ident)["purpose"])


# --- gaps -------------------------------------------------------------------------------------------

def null_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [found for key, child in value.items() for found in null_paths(child, (*path, key))]
    if isinstance(value, list):
        return [found for number, child in enumerate(value) for found in null_paths(child, (*path, number))]
    return []


def test_every_null_gap_carries_a_gap_comment_on_its_line() -> None:
    lines = RAW.splitlines()
    gaps = null_paths(MODEL)
    assert len(gaps) > 20
    for path in gaps:
        line = lines[DOCUMENT.value_locations[path].line - 1]
        assert re.search(r"\bnull\s+# GAP\b", line), f"{path} at {line!r}"


def test_every_null_in_the_text_is_a_marked_gap() -> None:
    """Read as text, too: no `null`, `~` or empty value sneaks past the loader unmarked."""
    for number, line in enumerate(RAW.splitlines(), start=1):
        code = line.split(" #", 1)[0].rstrip()
        if re.search(r":\s*(null|~)$", code):
            assert "# GAP" in line, f"line {number}: {line!r}"
    assert len(re.findall(r":\s*null\s+# GAP", RAW)) == len(null_paths(MODEL))


# --- the phrases above really are the seed's ---------------------------------------------------------

@pytest.mark.skipif(not ORIGINAL_SEED.is_file(), reason="no original seed beside this clone to compare with")
def test_the_kept_seed_is_the_original() -> None:
    assert SEED.read_bytes() == ORIGINAL_SEED.read_bytes()


def test_phrases_held_against_the_model_come_from_the_seed() -> None:
    seed = plain(SEED.read_text(encoding="utf-8"))
    for phrase in ("privacy@i-centrum.se", "data protection officer (dpo)", "linkedin insight tag",
                   "google analytics remarketing", "google adwords", "facebook pixel", "rolling six-month expiration",
                   "tools.google.com/dlpage/gaoptout", "allaboutcookies.org", "webinar or event you signed up for",
                   "store profiles of interest", "legitimate and mutual interest", "never sold",
                   "stored and documented", "potential i-centrum employee", "third-party data suppliers",
                   "does not collect or process sensitive personal data", "login id",
                   "movements on i-centrum sites", "optimise your experience",
                   "including the general data protection regulation (gdpr)"):
        assert phrase in seed, phrase
    assert Path(SEED).read_text(encoding="utf-8").count("Visma") == 1
