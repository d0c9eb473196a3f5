"""The fictional group (tests/fixtures/group.yaml), which uses every structure of schema version 2,
built by the real MkDocs with --strict in both languages: every new structure is on the pages, in
plain language, and `check` finds nothing missing."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import POLICY
from sitekit import PROJECT_ROOT, copy_project, mkdocs_build

from generator.check import check
from generator.pipeline import read_model
from generator.render import Renderer

GROUP = PROJECT_ROOT / "tests" / "fixtures" / "group.yaml"
TEXTS = Renderer(POLICY).texts


@pytest.fixture(scope="module")
def group_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("group"), GROUP.read_text(encoding="utf-8"))
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def text_of(site: Path, page: str) -> str:
    document = (site / page).read_text(encoding="utf-8")
    article = document[document.index("<article"): document.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def test_the_group_model_is_complete() -> None:
    assert check(read_model(GROUP, POLICY).model, POLICY) == []


def test_both_languages_build(group_site: Path) -> None:
    for language in ("en", "sv"):
        for page in ("privacy/index.html", "privacy/sites/main-site/index.html",
                     "privacy/services/booking-widget/index.html"):
            assert (group_site / language / page).is_file(), (language, page)


@pytest.mark.parametrize("fact", [
    # group companies, organisation numbers, joint controllers and their arrangement
    "Nordexempel Oy", "1234567-8", "559999-0001", "Customers, users and job applicants in Finland.",
    "Together with: Nordexempel Oy", "Nordexempel AB runs the customer register for both companies",
    "Where to turn: Write to privacy@nordexempel.example",
    # several supervisory authorities, the lead one marked
    "The Office of the Data Protection Ombudsman (Finland), P.O. Box 800, 00531 Helsinki, Finland",
    TEXTS["statement"]["lead_authority"],
    # several legal bases, scoped, with a law, and for a group of purposes
    "Contract (GDPR Art. 6(1)(b)), for customers who are sole traders",
    "Legal obligation (GDPR Art. 6(1)(c)), for keeping the accounts, under Swedish Accounting Act",
    "(as for all purposes of the group “Our customers and their contact persons”)",
    # several retention rules: a period, an upper bound, a law, criteria
    "7 years from the end of the financial year the record belongs to, as required by Swedish Accounting Act "
    "(chapter 7, section 2)",
    "Up to 24 months from the end of the customer's last contract with us",
    "Until you unsubscribe from the newsletter, which you can do in every issue.",
    # recipients: role, established in, countries or regions, terms, own terms; a purpose sharing with none
    "Example Mail Inc. (United States)", "Ireland, United States", "the EU/EEA",
    TEXTS["recipient_roles"]["joint-controller"], TEXTS["own_terms"], TEXTS["terms_link"],
    TEXTS["statement"]["no_recipients_for_purpose"],
    # ordered safeguards, an Art. 49 derogation, how to get a copy
    "(GDPR Art. 45); where that does not apply: Standard contractual clauses adopted by the European Commission",
    "your explicit consent (GDPR Art. 49(1)(a))",
    "Write to us for a copy of the clauses we agreed with Example Support Pvt Ltd.",
    # laws and standards, security standards, other websites and social media pages
    "Swedish Data Protection Act", "SFS 2018:218", "ISO/IEC 27001:2022",
    "We follow these standards: ISO/IEC 27001 (information security management).",
    "When you follow such a link, that company's own privacy statement applies.",
    "Our LinkedIn page on the platform of LinkedIn Ireland Unlimited Company.",
    TEXTS["statement"]["social_joint"],
    # sensitive data: the model's own words, with its `false`
    "No company of the group collects or processes special categories of personal data about you.",
])
def test_the_statement_shows_every_new_structure(fact: str, group_site: Path) -> None:
    assert fact in text_of(group_site, "en/privacy/index.html")


def test_the_statement_links_what_the_model_links(group_site: Path) -> None:
    document = (group_site / "en" / "privacy" / "index.html").read_text(encoding="utf-8")
    for href in ("https://mail-service.example/dpa", "https://nordexempel.example/cookie-settings",
                 "https://www.linkedin.com/company/nordexempel-example", "https://tietosuoja.fi",
                 "#joint-linkedin-page-insights", "#group-companies"):
        assert f'href="{href}"' in document, href


def test_a_site_page_shows_its_categories_and_every_cookie(group_site: Path) -> None:
    text = text_of(group_site, "en/privacy/sites/main-site/index.html")
    for fact in ("Preferences", "Statistics", "Counting visits so that we can improve the website.",
                 "_stats_id", ".nordexempel.example", "Names matching ^_stats_s_[0-9a-f]+$",
                 TEXTS["cookie_kinds"]["local-storage"], TEXTS["cookie_kinds"]["session-storage"],
                 TEXTS["cookie_kinds"]["pixel"], "px.ads.linkedin.com", "14 months", "1 day",
                 "Yes, to United States", "where that does not apply", "explicit consent"):
        assert fact in text, fact
    document = (group_site / "en" / "privacy" / "sites" / "main-site" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://nordexempel.example/cookie-settings"' in document
    assert TEXTS["site_page"]["no_trackers"] in text_of(group_site, "en/privacy/sites/status-page/index.html")


def test_the_appendices_show_sub_processors_with_their_countries_or_none(group_site: Path) -> None:
    service = text_of(group_site, "en/privacy/services/booking-service/index.html")
    assert "Example Mail Inc. (United States) Ireland, United States" in service
    widget = text_of(group_site, "en/privacy/services/booking-widget/index.html")
    assert TEXTS["service_page"]["no_sub_processors"] in widget


def test_the_swedish_statement_says_the_same_in_swedish(group_site: Path) -> None:
    swedish = Renderer(POLICY, language="sv").texts
    text = text_of(group_site, "sv/privacy/index.html")
    headings = swedish["statement"]["headings"]
    for fact in (headings["group_companies"], headings["joint_controllers"], swedish["statement"]["lead_authority"],
                 swedish["recipient_roles"]["joint-controller"],
                 "; där den inte gäller: ", swedish["derogations"]["explicit-consent"],
                 swedish["statement"]["headings"]["legal_references"], "Högst 24 månader från"):
        assert fact in text, fact
