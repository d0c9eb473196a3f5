"""Version history: versions from the model's git history, built into the site by the real MkDocs."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sitekit import REAL_MODEL, copy_project, mkdocs_build

from generator.history import Version, build_date, date_versions, read_history
from generator.pipeline import read_model

BUILD_DAY_EPOCH = "1795564800"  # 2026-11-25T00:00:00Z
ATOM = "{http://www.w3.org/2005/Atom}"
RETENTION_GAP = "    period: null  # GAP: the statement gives no storage period for any purpose.\n"
TWO_YEARS = (RETENTION_GAP, "    period: {duration: P2Y, starts: {en: your last contact with us}}\n")
RENAMED = ("name: {en: Job seekers}", "name: {en: Job applicants}")


def edited(version: str, effective: str, *replacements: tuple[str, str]) -> str:
    text = REAL_MODEL.read_text(encoding="utf-8")
    text = re.sub(r'^version: ".*"$', f'version: "{version}"', text, count=1, flags=re.M)
    text = re.sub(r'^effective_date: ".*"$', f'effective_date: "{effective}"', text, count=1, flags=re.M)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def git(repository: Path, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *arguments],
                   cwd=repository, check=True, capture_output=True)


def commit_model(repository: Path, text: str, message: str) -> None:
    (repository / "data" / "processing.yaml").write_text(text, encoding="utf-8")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def three_versions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1.0.0 (superseded, with a later fix), 1.1.0 (in force), 2.0.0 (announced for 2027)."""
    project = copy_project(tmp_path_factory.mktemp("history"))
    git(project, "init", "-q", "-b", "main")
    commit_model(project, edited("1.0.0", "2026-01-01"), "first version")
    commit_model(project, edited("1.0.0", "2026-01-01", RENAMED), "fix a name before 1.1.0")
    commit_model(project, edited("1.1.0", "2026-06-01", RENAMED, TWO_YEARS), "state a retention period")
    commit_model(project, edited("2.0.0", "2027-03-01", RENAMED, TWO_YEARS, ("      - facebook-pixel\n", "")),
                 "announce 2.0.0: the Facebook pixel goes")
    return project


@pytest.fixture(scope="module")
def history_site(three_versions: Path) -> Path:
    site = three_versions / "site"
    result = mkdocs_build(three_versions, site, epoch=BUILD_DAY_EPOCH)
    assert result.returncode == 0, result.stderr
    return site / "en"


def article(site: Path, page: str) -> str:
    document = (site / page).read_text(encoding="utf-8")
    text = document[document.index("<article"): document.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_history_reads_one_version_per_number_with_its_last_commit(three_versions: Path) -> None:
    model_path = three_versions / "data" / "processing.yaml"
    current = read_model(model_path).model
    history = read_history(current, model_path, date(2026, 11, 25), "data/processing.yaml")
    assert [(e.version.number, e.status) for e in history.entries] == [
        ("2.0.0", "announced"), ("1.1.0", "in-force"), ("1.0.0", "superseded")]
    oldest = history.entries[-1].version.model.data
    assert oldest["data_subjects"][0]["name"]["en"] == "Job applicants"  # the fix belongs to 1.0.0
    assert history.entries[0].previous is history.entries[1].version
    assert history.entries[-1].previous is None


def test_statement_shows_the_version_in_force_and_announces_the_next(history_site: Path) -> None:
    text = article(history_site, "privacy/index.html")
    assert "Version 1.1.0, in effect from 1 June 2026." in text
    assert "Version 2.0.0 of this statement takes effect on 1 March 2027." in text
    assert "2 years from your last contact with us" in text
    document = (history_site / "privacy" / "index.html").read_text(encoding="utf-8")
    assert 'href="versions/2.0.0/"' in document and 'href="changes/#version-2-0-0"' in document


def test_every_version_stays_readable_with_its_own_content(history_site: Path) -> None:
    old = article(history_site, "privacy/versions/1.0.0/index.html")
    assert "Version 1.0.0, was in effect from 1 January 2026." in old
    assert "This version of the statement is no longer in force." in old
    assert "This is version 1.0.0 of the statement, which was in effect from 1 January 2026." in old
    assert "Job applicants" in old and "2 years from your last contact" not in old
    announced = article(history_site, "privacy/versions/2.0.0/index.html")
    assert "Version 2.0.0, takes effect on 1 March 2027." in announced
    assert "Until then, the current statement applies." in announced
    assert "This is version 2.0.0 of the statement, which takes effect on 1 March 2027." in announced
    assert "in effect from 1 June 2026" in article(history_site, "privacy/versions/1.1.0/index.html")


def test_changes_page_lists_each_version_with_status_and_date(history_site: Path) -> None:
    text = article(history_site, "privacy/changes/index.html")
    positions = [text.index(f"Version {number}") for number in ("2.0.0", "1.1.0", "1.0.0")]
    assert positions == sorted(positions)
    assert "Announced. Takes effect on 1 March 2027." in text
    assert "In force. In effect since 1 June 2026." in text
    assert "Superseded. Was in effect from 1 January 2026." in text
    assert "First published version of the statement." in text
    # What changed, in words, from the diff: the fix made under 1.0.0 is not a change of 1.1.0.
    assert ("Version 1.1.0 ¶ In force. In effect since 1 June 2026. Read version 1.1.0 Retention rule "
            "“necessary-for-purpose”: storage period changed from not stated to 2 years from "
            "“your last contact with us”. Version 1.0.0") in text
    assert "Site “i-Centrum sites”: “Facebook pixel” removed from trackers." in text


def test_atom_feed_has_an_entry_per_version(history_site: Path) -> None:
    feed = ElementTree.parse(history_site / "privacy" / "changes.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Version 2.0.0, in effect from 1 March 2027",
        "Version 1.1.0, in effect from 1 June 2026",
        "Version 1.0.0, in effect from 1 January 2026",
    ]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2027-03-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z"]
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 3
    assert entries[0].findtext(f"{ATOM}summary") == (
        "Announced. Site “i-Centrum sites”: “Facebook pixel” removed from trackers.")
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert (history_site / "privacy" / href / "index.html").is_file()


def test_a_build_outside_git_has_just_the_current_version(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = project / "site"
    assert mkdocs_build(project, site, epoch=BUILD_DAY_EPOCH).returncode == 0
    feed = ElementTree.parse(site / "en" / "privacy" / "changes.xml").getroot()
    assert len(feed.findall(f"{ATOM}entry")) == 1


def test_statuses_follow_effective_dates_and_the_build_day() -> None:
    current = read_model(REAL_MODEL).model
    only = date_versions([Version(current, "working tree")], date(2000, 1, 1))
    assert [entry.status for entry in only] == ["announced"]
    assert build_date({"SOURCE_DATE_EPOCH": BUILD_DAY_EPOCH}) == date(2026, 11, 25)
