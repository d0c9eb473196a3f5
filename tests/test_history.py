"""Version history: versions from the model's git history, built into the site by the real MkDocs."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import POLICY, POLICY_DIR
from sitekit import BIN, REAL_MODEL, copy_project, mkdocs_build

from generator.history import Version, build_date, date_versions, read_history
from generator.pipeline import read_model
from generator.policy import Policy, load_policy
from generator.timeline import Header, read_header

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
    current = read_model(model_path, POLICY).model
    history = read_history(current, model_path, date(2026, 11, 25), "data/processing.yaml", POLICY)
    assert [(e.version.number, e.status) for e in history.entries] == [
        ("2.0.0", "announced"), ("1.1.0", "in-force"), ("1.0.0", "superseded")]
    oldest = history.entries[-1].version.model.data
    assert oldest["data_subjects"][0]["name"]["en"] == "Job applicants"  # the fix belongs to 1.0.0
    assert history.entries[0].previous is history.entries[1].version
    assert history.entries[-1].previous is None


def test_a_changed_schema_judges_every_revision_again(three_versions: Path, tmp_path: Path) -> None:
    """Validated revisions are kept per schema: under `mkdocs serve` the policy can change between
    builds, and each build must judge the archived versions by the schema it has."""
    stricter_folder = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, stricter_folder)
    schema_file = stricter_folder / "processing.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["version"] = {"allOf": [{"$ref": "#/$defs/version"}, {"not": {"const": "1.0.0"}}]}
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    stricter = load_policy(stricter_folder)
    model_path = three_versions / "data" / "processing.yaml"
    current = read_model(model_path, POLICY).model

    def versions(policy: Policy) -> list[str]:
        history = read_history(current, model_path, date(2026, 11, 25), "data/processing.yaml", policy)
        return [entry.version.number for entry in history.entries]

    assert versions(POLICY) == ["2.0.0", "1.1.0", "1.0.0"]
    assert versions(stricter) == ["2.0.0", "1.1.0"]
    assert versions(POLICY) == ["2.0.0", "1.1.0", "1.0.0"]


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
    current = read_model(REAL_MODEL, POLICY).model
    only = date_versions([Version(current, "working tree")], date(2000, 1, 1))
    assert [entry.status for entry in only] == ["announced"]
    assert build_date({"SOURCE_DATE_EPOCH": BUILD_DAY_EPOCH}) == date(2026, 11, 25)


# --- the model's past as git holds it: moves, shallow clones, reverts, broken commits, dates ------
# These use the small fixture model, not the live one, so an editor's change to data/processing.yaml
# cannot break them.

SMALL = Path(__file__).parent / "fixtures" / "diff" / "base.yaml"
MODEL = Path("data") / "processing.yaml"
TYPO = ("      - basis: contract\n", "      - basis: contact\n")
LONGER = ("    lifetime: P1Y\n", "    lifetime: P2Y\n")
FIVE_YEARS = ("period: {duration: P2Y, starts: {en: the end of the contract}}",
              "period: {duration: P5Y, starts: {en: the end of the contract}}")


def small(version: str, effective: str, *replacements: tuple[str, str]) -> str:
    text = SMALL.read_text(encoding="utf-8")
    text = re.sub(r'^version: ".*"$', f'version: "{version}"', text, count=1, flags=re.M)
    text = re.sub(r'^effective_date: ".*"$', f'effective_date: "{effective}"', text, count=1, flags=re.M)
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def epoch(day: str) -> str:
    """SOURCE_DATE_EPOCH for midnight (UTC) of `day`."""
    return str(int(datetime.fromisoformat(f"{day}T00:00:00+00:00").timestamp()))


def git_at(repository: Path, when: str, *arguments: str) -> str:
    """git with both commit dates set to noon (UTC) of the day `when`."""
    stamp = f"{when}T12:00:00+00:00"
    environment = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    done = subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *arguments],
                          cwd=repository, check=True, capture_output=True, text=True, env=environment)
    return done.stdout.strip()


def commit_on(repository: Path, when: str, text: str, message: str, path: Path = MODEL) -> str:
    """Commit `text` as the model on the day `when`; returns the commit id."""
    (repository / path).parent.mkdir(parents=True, exist_ok=True)
    (repository / path).write_text(text, encoding="utf-8")
    git_at(repository, when, "add", "-A")
    git_at(repository, when, "commit", "-q", "-m", message)
    return git_at(repository, when, "rev-parse", "HEAD")


def small_project(tmp_path: Path, model: Path = MODEL) -> Path:
    project = copy_project(tmp_path / "project", SMALL.read_text(encoding="utf-8"))
    if model != MODEL:
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            f"model: {MODEL.as_posix()}", f"model: {model.as_posix()}"), encoding="utf-8")
    git_at(project, "2025-12-01", "init", "-q", "-b", "main")
    return project


def run_cli(project: Path, day: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": epoch(day)}
    return subprocess.run([str(BIN / "privacy-statement"), *arguments], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=120)


def versions_built(site: Path) -> list[str]:
    return sorted(path.name for path in (site / "privacy" / "versions").iterdir())


def feed_summaries(site: Path) -> dict[str, str]:
    feed = ElementTree.parse(site / "privacy" / "changes.xml").getroot()
    return {entry.findtext(f"{ATOM}id").rsplit(":", 1)[1]: entry.findtext(f"{ATOM}summary")
            for entry in feed.findall(f"{ATOM}entry")}


def test_a_moved_model_file_keeps_every_archived_version(tmp_path: Path) -> None:
    moved = Path("model") / "processing.yaml"
    project = small_project(tmp_path, moved)
    commit_on(project, "2025-12-01", small("1.0.0", "2026-01-01"), "1.0.0")
    commit_on(project, "2026-05-01", small("1.1.0", "2026-06-01", LONGER), "1.1.0")
    (project / "model").mkdir()
    git_at(project, "2026-07-01", "mv", MODEL.as_posix(), moved.as_posix())
    git_at(project, "2026-07-01", "commit", "-q", "-m", "the model moves")
    commit_on(project, "2026-08-01", small("2.0.0", "2026-09-01", LONGER, FIVE_YEARS), "2.0.0", moved)

    site = tmp_path / "site"
    built = mkdocs_build(project, site, epoch=epoch("2026-11-25"))
    assert built.returncode == 0, built.stderr
    assert versions_built(site / "en") == ["1.0.0", "1.1.0", "2.0.0"]
    out = run_cli(project, "2026-11-25", "build", moved.as_posix(), "--out", str(tmp_path / "pages"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert versions_built(tmp_path / "pages") == ["1.0.0", "1.1.0", "2.0.0"]


def test_a_shallow_clone_is_a_build_error_that_says_to_fetch_the_history(tmp_path: Path) -> None:
    origin = small_project(tmp_path)
    commit_on(origin, "2025-12-01", small("1.0.0", "2026-01-01"), "1.0.0")
    commit_on(origin, "2026-05-01", small("1.1.0", "2026-06-01", LONGER), "1.1.0")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", origin.resolve().as_uri(), str(clone))

    built = mkdocs_build(clone, tmp_path / "site", epoch=epoch("2026-11-25"))
    assert built.returncode == 1
    for output in (built.stderr,
                   run_cli(clone, "2026-11-25", "build", "--out", str(tmp_path / "pages")).stdout):
        assert "shallow" in output and "fetch-depth: 0" in output and "git fetch --unshallow" in output, output
    out = run_cli(clone, "2026-11-25", "build", "--out", str(tmp_path / "pages"))
    assert out.returncode == 1 and not (tmp_path / "pages").exists()
    validated = run_cli(clone, "2026-11-25", "validate")
    assert validated.returncode == 1
    assert "git fetch --unshallow" in validated.stdout

    git(clone, "fetch", "-q", "--unshallow")
    assert mkdocs_build(clone, tmp_path / "site", epoch=epoch("2026-11-25")).returncode == 0
    assert versions_built(tmp_path / "site" / "en") == ["1.0.0", "1.1.0"]


@pytest.fixture(scope="module")
def withdrawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1.0.0 in force; 1.1.0 announced for 1 March 2027, then reverted on 20 November 2026."""
    project = small_project(tmp_path_factory.mktemp("withdrawn"))
    commit_on(project, "2025-12-01", small("1.0.0", "2026-01-01"), "1.0.0")
    commit_on(project, "2026-11-01", small("1.1.0", "2027-03-01", LONGER), "announce 1.1.0")
    git_at(project, "2026-11-20", "revert", "--no-edit", "HEAD")
    return project


@pytest.mark.parametrize("day", ["2026-11-25", "2027-04-01"])
def test_a_reverted_announced_version_is_withdrawn_and_the_current_one_stays_in_force(
        withdrawn: Path, tmp_path: Path, day: str) -> None:
    site = tmp_path / "site"
    built = mkdocs_build(withdrawn, site, epoch=epoch(day))
    assert built.returncode == 0, built.stderr
    site = site / "en"
    statement = article(site, "privacy/index.html")
    assert "Version 1.0.0, in effect from 1 January 2026." in statement
    assert "1.1.0" not in statement and "1 March 2027" not in statement
    page = article(site, "privacy/versions/1.1.0/index.html")
    assert "Version 1.1.0, withdrawn." in page
    assert "was withdrawn on 20 November 2026, before it took effect" in page
    changes = article(site, "privacy/changes/index.html")
    assert "Withdrawn. Was announced to take effect on 1 March 2027; withdrawn on 20 November 2026." in changes
    assert "In force. In effect since 1 January 2026." in changes
    summaries = feed_summaries(site)
    assert summaries["1.1.0"].startswith("Withdrawn. ")
    assert summaries["1.0.0"].startswith("In force. ")


def test_going_back_on_a_version_in_force_needs_a_new_version(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    commit_on(project, "2025-12-01", small("1.0.0", "2026-01-01"), "1.0.0")
    commit_on(project, "2026-05-20", small("1.1.0", "2026-06-01", LONGER), "1.1.0")
    git_at(project, "2026-09-01", "revert", "--no-edit", "HEAD")

    message = ("version: version 1.0.0 goes back on version 1.1.0, in force since 2026-06-01: "
               "a version in force cannot be taken back; give the model a new version, greater than 1.1.0")
    validated = run_cli(project, "2026-11-25", "validate")
    assert validated.returncode == 1
    assert f"data/processing.yaml:4:10: {message}" in validated.stdout.splitlines()
    built = mkdocs_build(project, tmp_path / "site", epoch=epoch("2026-11-25"))
    assert built.returncode == 1 and message in built.stderr, built.stderr
    out = run_cli(project, "2026-11-25", "build", "--out", str(tmp_path / "pages"))
    assert out.returncode == 1 and message in out.stdout, out.stdout

    commit_on(project, "2026-11-26", small("1.2.0", "2026-12-01"), "1.2.0: back to the shorter lifetime")
    site = tmp_path / "site"
    built = mkdocs_build(project, site, epoch=epoch("2026-12-05"))
    assert built.returncode == 0, built.stderr
    site = site / "en"
    assert "Version 1.2.0, in effect from 1 December 2026." in article(site, "privacy/index.html")
    assert versions_built(site) == ["1.0.0", "1.1.0", "1.2.0"]


def test_a_broken_commit_fixed_by_the_next_one_is_not_reported(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    commit_on(project, "2025-12-01", small("1.0.0", "2026-01-01"), "1.0.0")
    commit_on(project, "2026-05-01", small("1.1.0", "2026-06-01", LONGER, TYPO), "1.1.0 with a typo")
    commit_on(project, "2026-05-02", small("1.1.0", "2026-06-01", LONGER), "fix the typo")
    out = run_cli(project, "2026-11-25", "build", "--out", str(tmp_path / "pages"))
    wrote = f"wrote 11 pages and 30 downloads to {tmp_path / 'pages'}"
    assert out.returncode == 0 and out.stdout.splitlines() == [wrote], out
    assert mkdocs_build(project, tmp_path / "site", epoch=epoch("2026-11-25")).returncode == 0

    # A version whose every commit is broken is still reported, by its newest commit.
    broken = commit_on(project, "2026-06-01", small("1.2.0", "2026-07-01", LONGER, TYPO), "1.2.0, broken")
    commit_on(project, "2026-06-02", small("1.3.0", "2026-07-01", LONGER), "1.3.0")
    out = run_cli(project, "2026-11-25", "build", "--out", str(tmp_path / "pages"))
    assert out.returncode == 0
    assert [line for line in out.stdout.splitlines() if line.startswith("warning:")] == [
        f"warning: data/processing.yaml as of commit {broken[:12]} is left out of the version history: "
        "it does not validate against today's schema"]
    assert versions_built(tmp_path / "pages") == ["1.0.0", "1.1.0", "1.3.0"]


@pytest.fixture
def announced(tmp_path: Path) -> Path:
    """1.0.0 in force since 1 January 2026; 1.1.0 announced for 1 March 2027."""
    project = small_project(tmp_path)
    commit_on(project, "2025-12-01", small("1.0.0", "2026-01-01"), "1.0.0")
    commit_on(project, "2026-11-01", small("1.1.0", "2027-03-01", LONGER), "announce 1.1.0")
    return project


def test_a_backdated_version_is_an_error_of_validate_diff_and_the_build(announced: Path, tmp_path: Path) -> None:
    (announced / MODEL).write_text(small("1.2.0", "2027-01-01", LONGER, FIVE_YEARS), encoding="utf-8")
    message = ("effective_date: version 1.2.0 takes effect on 2027-01-01, before version 1.1.0 (2027-03-01): "
               "dates only go forward; give version 1.2.0 an effective_date on or after 2027-03-01")
    validated = run_cli(announced, "2026-11-25", "validate")
    assert validated.returncode == 1
    assert f"data/processing.yaml:5:17: {message}" in validated.stdout.splitlines(), validated.stdout
    compared = run_cli(announced, "2026-11-25", "diff")
    assert compared.returncode == 1 and f"data/processing.yaml:5:17: {message}" in compared.stdout, compared
    out = run_cli(announced, "2026-11-25", "build", "--out", str(tmp_path / "pages"))
    assert out.returncode == 1 and message in out.stdout and not (tmp_path / "pages").exists()
    built = mkdocs_build(announced, tmp_path / "site", epoch=epoch("2026-11-25"))
    assert built.returncode == 1 and message in built.stderr


def test_a_lower_version_number_is_an_error(announced: Path) -> None:
    (announced / MODEL).write_text(small("1.0.5", "2027-03-01", LONGER), encoding="utf-8")
    validated = run_cli(announced, "2026-11-25", "validate")
    assert validated.returncode == 1
    assert ("data/processing.yaml:4:10: version: version 1.0.5 is not greater than version 1.1.0, the last "
            "published version: give the model a version greater than 1.1.0") in validated.stdout.splitlines()


def test_validate_and_diff_say_a_lower_version_number_in_swedish(announced: Path) -> None:
    (announced / MODEL).write_text(small("1.0.5", "2027-03-01", LONGER), encoding="utf-8")
    message = ("data/processing.yaml:4:10: version: version 1.0.5 är inte högre än version 1.1.0, den senast "
               "publicerade versionen: ge modellen en version som är högre än 1.1.0")
    validated = run_cli(announced, "2026-11-25", "validate", "--language", "sv")
    assert validated.returncode == 1
    assert validated.stdout.splitlines() == [message, "data/processing.yaml: ogiltig: 1 fel, 0 varningar"]
    compared = run_cli(announced, "2026-11-25", "diff", "--language", "sv")
    assert compared.returncode == 1 and message in compared.stdout.splitlines(), compared.stdout


def test_a_fix_under_the_same_version_and_date_is_allowed(announced: Path, tmp_path: Path) -> None:
    (announced / MODEL).write_text(small("1.1.0", "2027-03-01", LONGER, FIVE_YEARS), encoding="utf-8")
    assert run_cli(announced, "2026-11-25", "validate").returncode == 0
    assert run_cli(announced, "2026-11-25", "diff").returncode == 0
    out = run_cli(announced, "2026-11-25", "build", "--out", str(tmp_path / "pages"))
    assert out.returncode == 0, out.stdout
    assert versions_built(tmp_path / "pages") == ["1.0.0", "1.1.0"]


def test_git_runs_a_fixed_number_of_times_whatever_the_number_of_commits(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    for number in range(30):
        commit_on(project, "2026-01-01", small(f"1.{number}.0", "2026-01-01"), f"1.{number}.0")
    calls = tmp_path / "calls.log"
    shim = tmp_path / "bin" / "git"
    shim.parent.mkdir()
    real = shutil.which("git")
    shim.write_text(f'#!/bin/sh\necho "$1" >> {calls}\nexec {real} "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    environment = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
                   "SOURCE_DATE_EPOCH": epoch("2026-11-25")}
    done = subprocess.run([str(BIN / "privacy-statement"), "build", "--out", str(tmp_path / "pages")],
                          cwd=project, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(versions_built(tmp_path / "pages")) == 30
    assert len(calls.read_text(encoding="utf-8").split()) <= 4, calls.read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "number", "effective"), [
    ('version: "1.2.0"\neffective_date: "2026-06-01"\npurposes: [', "1.2.0", date(2026, 6, 1)),  # broken below
    ('controller:\n  version: "9.9.9"\neffective_date: "2026-06-01"\nversion: "1.0"\n', "1.0", date(2026, 6, 1)),
    ('notes: |\n  version: "9.9.9"\nversion: "1.0.0"\n', "1.0.0", None),
    ('version: [1]\neffective_date: "2026-02-30"\n', None, None),
    ('- version: "1.0.0"\n', None, None),
    ('version: "1.0.0\n', None, None),  # broken before the value ends
])
def test_a_revision_says_its_version_and_date_without_being_loaded_whole(
        text: str, number: str | None, effective: date | None) -> None:
    assert read_header(text.encode()) == Header(number, effective)


def test_a_commit_broken_above_its_version_is_reported_only_when_nothing_mended_it(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    commit_on(project, "2025-12-01", small("1.0.0", "2026-01-01"), "1.0.0")
    # Two branches raised the version, and the merge was committed with git's conflict markers in it.
    conflicted = small("1.1.0", "2026-06-01", LONGER).replace(
        'version: "1.1.0"\n', '<<<<<<< HEAD\nversion: "1.1.0"\n=======\nversion: "1.0.1"\n>>>>>>> other\n')
    commit_on(project, "2026-05-01", conflicted, "merge, with the conflict left in")
    commit_on(project, "2026-05-02", small("1.1.0", "2026-06-01", LONGER), "mend the merge")
    out = run_cli(project, "2026-11-25", "build", "--out", str(tmp_path / "pages"))
    assert out.returncode == 0 and not [line for line in out.stdout.splitlines() if line.startswith("warning:")]
    assert versions_built(tmp_path / "pages") == ["1.0.0", "1.1.0"]

    # Broken again, and the next commit (1.2.0) is no better: nothing carries on what either said.
    lost = commit_on(project, "2026-06-01", conflicted.replace("1.1.0", "1.2.0"), "another conflict")
    typo = commit_on(project, "2026-06-02", small("1.2.0", "2026-07-01", LONGER, TYPO), "1.2.0, broken")
    commit_on(project, "2026-06-03", small("1.3.0", "2026-07-01", LONGER), "1.3.0")
    out = run_cli(project, "2026-11-25", "build", "--out", str(tmp_path / "pages"))
    assert [line for line in out.stdout.splitlines() if line.startswith("warning:")] == [
        f"warning: data/processing.yaml as of commit {commit[:12]} is left out of the version history: "
        "it does not validate against today's schema" for commit in (typo, lost)]
