"""`privacy-statement migrate` and `migrate_data`: a model of schema version 1 becomes version 2 with
every value and comment kept, new required facts as `null  # GAP`, and nothing changed on a second
run; the version history, `check --baseline` and `diff` read version 1 revisions from git through the
same migration."""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICY, PROJECT_ROOT, REAL_MODEL, CliResult
from test_diff_git import MODEL, commit, git

from generator.history import read_history
from generator.load import load_file, load_text
from generator.migrate import CURRENT_VERSION, migrate_data, migrate_text, schema_version
from generator.pipeline import read_model
from generator.validate import validate

V1 = PROJECT_ROOT / "tests" / "fixtures" / "v1"
V1_REAL = V1 / "processing.yaml"
V1_FIXTURES = sorted(V1.glob("*.yaml"))
Cli = Callable[..., CliResult]


def comments(text: str) -> list[str]:
    """Every comment of a YAML text, in order: whole-line ones and those after a value."""
    found = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            found.append(line.strip())
        elif " #" in line:
            found.append(line[line.index(" #"):].strip())
    return found


@pytest.mark.parametrize("fixture", V1_FIXTURES, ids=lambda path: path.name)
def test_a_version_1_model_migrates_validates_and_keeps_its_comments(fixture: Path, cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "processing.yaml"
    shutil.copy(fixture, path)
    before = fixture.read_text(encoding="utf-8")
    assert validate(load_file(path), POLICY).model is None  # version 1 no longer validates as it is

    result = cli("migrate", path)
    assert result.code == 0, result.stdout
    assert result.lines[0].startswith(f"{path}: migrated from schema version 1 to {CURRENT_VERSION}; ")
    after = path.read_text(encoding="utf-8")
    validation = validate(load_file(path), POLICY)
    assert validation.model is not None and validation.problems == [], [p.format() for p in validation.problems]
    # Every comment is still there, in the same order, and the new gaps are marked like the old ones.
    added = comments(after)
    for comment in comments(before):
        assert comment in added, comment
        added = added[added.index(comment) + 1:]
    assert all(re.search(r": null  # GAP$", line) for line in after.splitlines() if line.endswith(": null  # GAP"))
    assert after.count("# GAP") == before.count("# GAP") + 2 * len(load_file(path).data["trackers"])


@pytest.mark.parametrize("fixture", V1_FIXTURES, ids=lambda path: path.name)
def test_a_second_run_changes_nothing(fixture: Path, cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "processing.yaml"
    shutil.copy(fixture, path)
    assert cli("migrate", path).code == 0
    once = path.read_bytes()
    again = cli("migrate", path)
    assert again.code == 0
    assert again.lines == [f"{path}: already at schema version {CURRENT_VERSION}; nothing to change"]
    assert path.read_bytes() == once


@pytest.mark.parametrize("fixture", V1_FIXTURES, ids=lambda path: path.name)
def test_the_file_and_the_data_migrate_alike_and_every_value_is_kept(fixture: Path) -> None:
    data = load_file(fixture).data
    untouched = copy.deepcopy(data)
    migrated = migrate_data(data)
    assert data == untouched  # pure: the argument is left as it was
    text, version, _ = migrate_text(fixture.read_text(encoding="utf-8"))
    assert version == 1
    assert load_text(text, "migrated.yaml").data == migrated
    assert schema_version(migrated) == CURRENT_VERSION
    assert migrate_data(migrated) == migrated
    # Every value of version 1 is somewhere in version 2 (moved, not lost).
    assert _only_new_scalars(data, migrated)


def scalars(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [found for item in value.values() for found in scalars(item)]
    if isinstance(value, list):
        return [found for item in value for found in scalars(item)]
    return [value]


def _only_new_scalars(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Every scalar of the old model is in the new one; the new one adds only gaps, `none` and the version."""
    remaining = [repr(value) for value in scalars(new)]
    for value in scalars(old):
        if value is None or value == []:
            continue
        assert repr(value) in remaining, value
        remaining.remove(repr(value))
    return all(item in (repr(None), repr("none"), repr(CURRENT_VERSION)) for item in remaining)


def test_the_real_model_is_its_version_1_migrated_and_reviewed() -> None:
    """data/processing.yaml is what `migrate` made of version 1, plus the review that followed: the
    guessed `false` of whether each tracker needs consent and of whether the data suppliers are a
    public source became gaps, and the law the statement cites got its place. No other fact changed."""
    migrated = migrate_data(load_file(V1_REAL).data)
    for tracker in migrated["trackers"]:
        assert tracker["strictly_necessary"] is False
        tracker["strictly_necessary"] = None
    suppliers = next(source for source in migrated["sources"] if source["id"] == "third-party-data-suppliers")
    assert suppliers["public"] is False
    suppliers["public"] = None
    # and the one law the statement cites, which version 1 had no place for
    migrated["legal_references"] = [{"id": "gdpr", "name": {"en": "General Data Protection Regulation (GDPR)"},
                                     "kind": "eu-law"}]
    assert load_file(REAL_MODEL).data == migrated


def test_version_1_is_refused_with_the_command_that_upgrades_it(cli: Cli) -> None:
    result = cli("validate", V1_REAL)
    assert result.code == 1
    assert result.problems == [
        f"{V1_REAL}:10:1: (top level): this model has no `schema_version`: it is written for schema version 1, "
        f"and this tool reads version 2. Upgrade it with `privacy-statement migrate {V1_REAL}`, which keeps every "
        "value and comment"]


def test_a_newer_schema_version_is_refused_and_left_untouched(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "processing.yaml"
    text = REAL_MODEL.read_text(encoding="utf-8").replace("schema_version: 2\n", "schema_version: 3\n", 1)
    path.write_text(text, encoding="utf-8")
    result = cli("migrate", path)
    assert result.code == 1
    assert "schema version 3, newer than this tool's (2)" in result.stdout
    assert path.read_text(encoding="utf-8") == text
    validated = cli("validate", path)
    assert validated.problems[0].startswith(f"{path}:9:17: schema_version: this model is written for schema "
                                            "version 3")


def test_a_file_the_loader_refuses_is_reported_and_left_untouched(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "processing.yaml"
    text = V1_REAL.read_text(encoding="utf-8").replace("  country: SE\n", "  country: SE\n  country: NO\n", 1)
    path.write_text(text, encoding="utf-8")
    result = cli("migrate", path)
    assert result.code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert re.match(rf"^{re.escape(str(path))}:\d+:3: controller.country: duplicate key", result.lines[0])
    assert result.lines[-1] == f"{path}: not migrated: the file cannot be read"
    assert path.read_text(encoding="utf-8") == text


def test_acknowledgements_follow_the_fields_they_name(tmp_path: Path) -> None:
    text = V1_REAL.read_text(encoding="utf-8").replace("acknowledged_findings: []\n", (
        "acknowledged_findings:\n"
        "  - rule: transfer-mechanism\n    at: transfers[linkedin].mechanism\n    reason: Agreed with legal for now.\n"
        "  - rule: purpose-legal-basis\n    at: \"purposes[surveys].legal_basis\"\n"
        "    reason: Agreed with legal for now.\n"))
    migrated, _, _ = migrate_text(text)
    assert "    at: transfers[linkedin].safeguards\n" in migrated
    assert '    at: "purposes[surveys].legal_bases"\n' in migrated  # its quotes kept
    path = tmp_path / "processing.yaml"
    path.write_text(migrated, encoding="utf-8")
    from generator.check import check

    model = validate(load_file(path), POLICY).model
    assert model is not None
    acknowledged = {(f.rule, f.at) for f in check(model, POLICY) if f.acknowledged}
    assert acknowledged == {("transfer-mechanism", "transfers[0].safeguards"),
                            ("purpose-legal-basis", "purposes[10].legal_bases")}


def test_a_version_1_sub_processor_list_that_said_none_says_none(tmp_path: Path) -> None:
    text = (V1 / "complete.yaml").read_text(encoding="utf-8").replace(
        "    sub_processors: [nordic-hosting]\n", "    sub_processors: []\n")
    migrated, _, _ = migrate_text(text)
    assert "    sub_processors: none\n" in migrated


# --- versions in git written for schema version 1 ----------------------------------------------------

@pytest.fixture
def v1_then_v2(tmp_path: Path) -> Path:
    """main: the real model at version 1.0.0 in schema version 1, then migrated and raised to 1.1.0."""
    repository = tmp_path / "repository"
    repository.mkdir()
    git(repository, "init", "-q", "-b", "main")
    commit(repository, V1_REAL.read_text(encoding="utf-8"), "schema version 1")
    current = REAL_MODEL.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.1.0"', 1)
    current = current.replace('effective_date: "2026-11-25"', 'effective_date: "2026-12-01"', 1)
    commit(repository, current, "schema version 2")
    return repository


def test_the_history_migrates_versions_written_for_schema_version_1(v1_then_v2: Path) -> None:
    model_path = v1_then_v2 / MODEL
    history = read_history(read_model(model_path, POLICY).model, model_path, date(2026, 12, 24), "data/processing.yaml",
                           POLICY)
    assert history.skipped == ()
    assert [(entry.version.number, entry.status) for entry in history.entries] == [
        ("1.1.0", "in-force"), ("1.0.0", "superseded")]
    oldest = history.entries[-1].version.model.data
    assert oldest["schema_version"] == CURRENT_VERSION
    assert oldest["supervisory_authorities"][0]["url"] == "https://www.imy.se"


def test_check_against_a_version_1_base_reports_only_the_gaps_version_2_made_visible(
    v1_then_v2: Path, cli_process: Cli
) -> None:
    git(v1_then_v2, "branch", "base", "HEAD~1")
    result = cli_process("check", "--baseline", "base", str(MODEL), cwd=v1_then_v2)
    new = [line for line in result.lines[:-1] if not line.endswith("[already in base]")]
    rules = sorted({line.split(": ")[1].split(" ", 1)[1] for line in new})
    # The version 1 base, migrated, has every other finding, the gaps migration marked included (no
    # tracker names a cookie or a category); new are only the guesses the review turned into gaps.
    assert rules == ["source-public", "tracker-consent-need"]
    # One line per rule: the six trackers' findings on one, each place listed.
    assert len(new) == 2
    assert [line.count(" trackers[") for line in new if "tracker-consent-need" in line] == [6]


def test_diff_against_a_version_1_base_names_only_what_readers_see(v1_then_v2: Path, cli_process: Cli) -> None:
    git(v1_then_v2, "branch", "base", "HEAD~1")
    result = cli_process("diff", "--from", "base", "--to", "HEAD", "--file", str(MODEL), cwd=v1_then_v2)
    assert result.code == 0, result.stdout + result.stderr
    assert "schema" not in result.stdout
    assert "Tracker “Google Analytics”: consent changed from set only with your consent to not stated." \
        in result.stdout
