"""`privacy-statement check --baseline REV`: every finding listed, only new ones fail. The real model
is committed to a repository built in the test; the edits are made in its working tree."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import POLICY, POLICY_DIR, CliResult, edited
from test_diff_git import MODEL, commit, git

from generator.check import Counts, Finding, count
from generator.check import check as check_model
from generator.pipeline import read_model_bytes

KNOWN = re.compile(r" \[already in main\]$")
SUMMARY = re.compile(r"^data/processing\.yaml: check: (\d+) errors, (\d+) warnings, 0 acknowledged; "
                     r"new since main: (\d+) errors?, (\d+) warnings?$")
SURVEYS_BASIS = ("    legal_bases: null  # GAP\n    retention: [necessary-for-purpose]\n    provision: null  # GAP\n"
                 "  - id: interest-profiles\n")


def new_repository(tmp_path: Path, text: str, message: str) -> Path:
    """A repository whose main has one commit: `text` as the model."""
    repository = tmp_path / "repository"
    repository.mkdir()
    git(repository, "init", "-q", "-b", "main")
    commit(repository, text, message)
    return repository


@pytest.fixture
def repository(tmp_path: Path, real_text: str) -> Path:
    return new_repository(tmp_path, real_text, "the real model")


def check(repository: Path, run: Callable[..., CliResult], *arguments: str) -> CliResult:
    return run("check", "--baseline", "main", *arguments, str(MODEL), cwd=repository)


def new_lines(result: CliResult) -> list[str]:
    return [line for line in result.lines[:-1] if not KNOWN.search(line)]


def totals(result: CliResult) -> tuple[int, ...]:
    match = SUMMARY.match(result.lines[-1])
    assert match, result.lines[-1]
    return tuple(int(number) for number in match.groups())


def write(repository: Path, text: str) -> None:
    (repository / MODEL).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def real(real_text: str) -> Counts:
    """The real model's open errors and warnings, as the tests' starting point."""
    return count(real_findings(real_text))


def test_an_unchanged_model_lists_every_finding_as_known_and_passes(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str, real: Counts
) -> None:
    result = check(repository, cli_process)
    assert result.code == 0, result.stdout + result.stderr
    assert totals(result) == (real.errors, real.warnings, 0, 0)
    assert new_lines(result) == []
    # One line per rule (its places listed), and the summary.
    assert len(result.lines) == len({f.rule for f in real_findings(real_text)}) + 1


def test_a_new_gap_fails_and_is_the_only_new_finding(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str, real: Counts
) -> None:
    write(repository, edited(real_text, "    legal_bases:\n      - basis: consent\n"
                                        "    retention: [necessary-for-purpose]\n"
                                        "    provision: null  # GAP\n  # Leads",
                             "    legal_bases: null\n    retention: [necessary-for-purpose]\n"
                             "    provision: null  # GAP\n  # Leads"))
    result = check(repository, cli_process)
    assert result.code == 1
    assert totals(result) == (real.errors + 1, real.warnings, 1, 0)
    [line] = new_lines(result)
    assert line.startswith("data/processing.yaml:")
    assert 'error purpose-legal-basis: purposes[12].legal_bases: the purpose "job-applications" has no legal ' \
           "basis" in line


def test_moved_entries_and_shifted_lines_are_still_the_same_findings(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str, real: Counts
) -> None:
    """Surveys moves to the end of the purposes and a comment pushes every line down: its gaps are
    the ones the base had, found by the purpose's id, not by its position or line."""
    start = real_text.index("  - id: surveys\n")
    end = real_text.index("  - id: interest-profiles\n")
    surveys = real_text[start:end]
    moved = real_text[:start] + real_text[end:]
    moved = edited(moved, "\ntransfers:\n", "\n" + surveys.rstrip("\n") + "\n\ntransfers:\n")
    write(repository, "# Reordered by the legal team.\n" + moved)
    assert (repository / MODEL).read_text(encoding="utf-8") != real_text

    result = check(repository, cli_process)
    assert result.code == 0, new_lines(result)
    assert totals(result) == (real.errors, real.warnings, 0, 0)
    assert any(line.startswith("data/processing.yaml:") and " error purpose-legal-basis: " in line
               and ' purposes[14].legal_bases ("surveys")' in line and KNOWN.search(line) for line in result.lines)


def test_a_second_finding_of_a_known_kind_is_new(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str
) -> None:
    """A duplicate of the surveys purpose under another id is a new gap, though surveys had the same one."""
    start = real_text.index("  - id: surveys\n")
    end = real_text.index("  - id: interest-profiles\n")
    copy = real_text[start:end].replace("  - id: surveys\n", "  - id: more-surveys\n")
    write(repository, real_text[:end] + copy + real_text[end:])
    result = check(repository, cli_process)
    assert result.code == 1
    assert {line.split(": ")[1] for line in new_lines(result)} == {
        "error purpose-legal-basis", "error provision-requirement", "error purpose-recipients"}
    assert all('"more-surveys"' in line for line in new_lines(result))


def test_closing_a_gap_passes_and_counts_one_less(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str, real: Counts
) -> None:
    write(repository, edited(real_text, SURVEYS_BASIS, SURVEYS_BASIS.replace("legal_bases: null  # GAP",
                                                                             "legal_bases: [{basis: consent}]")))
    result = check(repository, cli_process)
    assert result.code == 0, new_lines(result)
    assert totals(result) == (real.errors - 1, real.warnings, 0, 0)


def test_strict_fails_on_new_warnings_only(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str
) -> None:
    assert check(repository, cli_process, "--strict").code == 0  # the two warnings the base had do not count
    text = edited(real_text, "    retention: [necessary-for-purpose]\n    provision: null  # GAP\n\n",
                  "    retention: [short-while]\n    provision: null  # GAP\n\n")
    text = edited(text, "\npurposes:\n", "  - id: short-while\n    period: null\n    criteria:\n"
                                        "      en: As long as necessary.\n\npurposes:\n")
    write(repository, text)
    result = check(repository, cli_process)
    assert result.code == 0, result.stdout
    [line] = new_lines(result)
    assert "warning retention-vague: retention_policies[1].criteria" in line
    assert check(repository, cli_process, "--strict").code == 1


def test_json_and_markdown_say_which_findings_are_new(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str, real: Counts
) -> None:
    write(repository, edited(real_text, "    legal_bases:\n      - basis: contract\n"
                                        "    retention: [necessary-for-purpose]\n"
                                        "    provision: null  # GAP\n  - id: respond-to-requests\n",
                             "    legal_bases: null\n    retention: [necessary-for-purpose]\n"
                             "    provision: null  # GAP\n  - id: respond-to-requests\n"))
    report = json.loads(check(repository, cli_process, "--format", "json").stdout)
    assert report["baseline"] == {"revision": "main", "new_errors": 1, "new_warnings": 0, "unreadable": None}
    new = [finding for finding in report["findings"] if finding["new"]]
    assert [(finding["rule"], finding["path"]) for finding in new] == [
        ("purpose-legal-basis", "purposes[5].legal_bases")]
    known = real.errors + real.warnings
    assert sum(not finding["new"] for finding in report["findings"]) == known

    markdown = check(repository, cli_process, "--format", "markdown")
    assert markdown.code == 1
    assert (f"**{real.errors + 1} errors, {real.warnings} warnings, 0 acknowledged**; "
            "**new since main: 1 error, 0 warnings**") in markdown.stdout
    new_table = markdown.stdout.split("### New errors (1)")[1].split("<details>")[0]
    assert '"perform-services" has no legal basis' in new_table
    assert f"<details><summary>Open before this change, already in main ({known})</summary>" in markdown.stdout


def test_an_invalid_base_makes_every_finding_new(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str, real: Counts
) -> None:
    commit(repository, real_text.replace("version: \"1.0.0\"", "version: one", 1), "broken")
    git(repository, "branch", "-f", "broken")
    git(repository, "reset", "-q", "--hard", "HEAD~1")
    result = cli_process("check", "--baseline", "broken", str(MODEL), cwd=repository)
    assert result.code == 1
    assert result.lines[-1].endswith(f"new since broken: {real.errors} errors, {real.warnings} warnings (the model "
                                     "in broken is not valid, so every finding counts as new)")
    assert not any("[already in" in line for line in result.lines)


@pytest.mark.parametrize(("revision", "message"), [
    ("no-such-branch", "privacy-statement check: git knows no revision 'no-such-branch'"),
    ("--output=x", "privacy-statement check: git knows no revision '--output=x'"),
])
def test_an_unknown_revision_is_a_usage_error(
    repository: Path, cli_process: Callable[..., CliResult], revision: str, message: str
) -> None:
    result = cli_process("check", f"--baseline={revision}", str(MODEL), cwd=repository)
    assert result.code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_outside_a_repository_the_baseline_is_a_usage_error(
    tmp_path: Path, cli_process: Callable[..., CliResult], real_text: str
) -> None:
    (tmp_path / "processing.yaml").write_text(real_text, encoding="utf-8")
    result = cli_process("check", "--baseline", "main", "processing.yaml", cwd=tmp_path)
    assert result.code == 2
    assert "is not in a git repository" in result.stderr and "run the check without --baseline" in result.stderr


ACKNOWLEDGED_DPO = ("acknowledged_findings: []\n",
                    "acknowledged_findings:\n  - rule: dpo-contact\n    at: controller.dpo.email\n"
                    "    reason: The DPO is reached through the privacy address for now.\n")


def test_withdrawing_an_acknowledgement_makes_its_finding_new(
    tmp_path: Path, cli_process: Callable[..., CliResult], real_text: str
) -> None:
    repository = new_repository(tmp_path, edited(real_text, *ACKNOWLEDGED_DPO), "the DPO gap accepted")
    write(repository, real_text)
    result = check(repository, cli_process)
    assert result.code == 1
    [line] = new_lines(result)
    assert "error dpo-contact: controller.dpo.email:" in line


def test_a_renamed_entry_keeps_its_gaps_known(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str, real: Counts
) -> None:
    """The diff sees the same purpose under a new id (nothing else changed), so the check does too."""
    write(repository, edited(real_text, "  - id: surveys\n", "  - id: customer-surveys\n"))
    result = check(repository, cli_process)
    assert result.code == 0, new_lines(result)
    assert totals(result) == (real.errors, real.warnings, 0, 0)
    assert any(" error purpose-legal-basis: " in line and '("customer-surveys")' in line and KNOWN.search(line)
               for line in result.lines)


def test_a_base_without_the_model_makes_every_finding_new(
    repository: Path, cli_process: Callable[..., CliResult], real_text: str, real: Counts
) -> None:
    git(repository, "checkout", "-q", "--orphan", "empty")
    git(repository, "rm", "-q", "-r", "--cached", ".")
    (repository / "README").write_text("no model yet\n", encoding="utf-8")
    git(repository, "add", "README")
    git(repository, "-c", "user.name=E", "-c", "user.email=e@example.com", "commit", "-q", "-m", "empty")
    result = cli_process("check", "--baseline", "empty", str(MODEL), cwd=repository)
    assert result.code == 1
    assert result.lines[-1].endswith(f"new since empty: {real.errors} errors, {real.warnings} warnings (there is no "
                                     "data/processing.yaml in revision empty, so every finding counts as new)")


def test_a_repository_without_commits_has_every_finding_new(
    tmp_path: Path, cli_process: Callable[..., CliResult], real_text: str
) -> None:
    """The pre-commit hook's `--baseline HEAD` on the very first commit."""
    repository = tmp_path / "repository"
    (repository / "data").mkdir(parents=True)
    git(repository, "init", "-q", "-b", "main")
    write(repository, real_text)
    result = cli_process("check", "--baseline", "HEAD", str(MODEL), "--policy", POLICY_DIR, cwd=repository)
    assert result.code == 1
    assert result.lines[-1].endswith("(the repository has no commits yet, so every finding counts as new)")


def test_the_repository_is_the_one_holding_the_model(
    repository: Path, cli_process: Callable[..., CliResult], tmp_path: Path, real: Counts
) -> None:
    """Started from outside any repository, with the model's path: git still asks the model's own."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = cli_process("check", "--baseline", "main", str(repository / MODEL), cwd=outside)
    assert result.code == 0, result.stderr
    assert totals_of(result.lines[-1], str(repository / MODEL)) == (real.errors, real.warnings, 0, 0)


def totals_of(line: str, file: str) -> tuple[int, ...]:
    return totals(CliResult(0, line.replace(file, "data/processing.yaml", 1), ""))


# --- acknowledgements name their entry by id, never by position ------------------------------------

SURVEYS_GAP_REASON = "The legal team is deciding the basis of the surveys with the product owners."


def acknowledging(text: str, *entries: tuple[str, str]) -> str:
    block = "".join(f"  - rule: {rule}\n    at: {json.dumps(at)}\n    reason: {SURVEYS_GAP_REASON}\n"
                    for rule, at in entries)
    return edited(text, "acknowledged_findings: []\n", f"acknowledged_findings:\n{block}")


def purpose_block(text: str, ident: str) -> str:
    start = text.index(f"  - id: {ident}\n")
    return text[start:text.index("  - id: ", start + 1)]


def swapped(text: str, first: str, second: str) -> str:
    """`text` with the purposes `first` and `second` (next to each other) in the other order."""
    one, two = purpose_block(text, first), purpose_block(text, second)
    return edited(text, one + two, two + one)


def without(text: str, ident: str) -> str:
    return edited(text, purpose_block(text, ident), "")


def real_findings(text: str) -> list[Finding]:
    return check_model(read_model_bytes(text.encode(), "processing.yaml", POLICY).model, POLICY)


def legal_basis_findings(findings: list[Finding]) -> dict[str, bool]:
    """Whose missing legal basis is reported, by purpose id in the message, and whether acknowledged."""
    return {re.search(r'the purpose "([a-z-]+)"', f.message)[1]: f.acknowledged
            for f in findings if f.rule == "purpose-legal-basis"}


def test_an_acknowledgement_names_its_entry_by_id(real_text: str, real: Counts) -> None:
    findings = real_findings(acknowledging(real_text, ("purpose-legal-basis", "purposes[surveys].legal_bases")))
    acknowledged = [(f.rule, f.at, f.reason) for f in findings if f.acknowledged]
    assert acknowledged == [("purpose-legal-basis", "purposes[10].legal_bases", SURVEYS_GAP_REASON)]
    assert count(findings) == Counts(errors=real.errors - 1, warnings=real.warnings, acknowledged=1)
    # Transfers are named by their recipient, rights by the right.
    findings = real_findings(acknowledging(real_text, ("transfer-mechanism", "transfers[google].safeguards")))
    assert [f.at for f in findings if f.acknowledged] == ["transfers[1].safeguards"]


def test_removing_an_acknowledged_purpose_does_not_move_its_acknowledgement(real_text: str) -> None:
    """Surveys (purposes[10]) goes; interest-profiles, the next purpose, takes its place in the list
    but not its acknowledgement. The acknowledgement of the gone entry is itself reported."""
    text = acknowledging(real_text, ("purpose-legal-basis", "purposes[surveys].legal_bases"))
    findings = real_findings(without(text, "surveys"))
    assert legal_basis_findings(findings)["interest-profiles"] is False
    assert not any(f.acknowledged for f in findings)
    [unused] = [f for f in findings if f.rule.startswith("acknowledgement-")]
    assert (unused.rule, unused.severity, unused.at) == ("acknowledgement-unused", "warning",
                                                         "acknowledged_findings[0].at")
    assert '"surveys"' in unused.message and "purposes" in unused.message


def test_an_acknowledgement_by_position_acknowledges_nothing_and_says_what_to_write(real_text: str) -> None:
    """`purposes[10]` is whatever purpose happens to stand there: it acknowledges nothing, in place or
    after the purposes move, and the finding about it names the path to write instead."""
    text = acknowledging(real_text, ("purpose-legal-basis", "purposes[10].legal_bases"))
    for model in (text, without(text, "surveys"), swapped(text, "surveys", "interest-profiles")):
        findings = real_findings(model)
        assert not any(f.acknowledged for f in findings)
        [by_position] = [f for f in findings if f.rule.startswith("acknowledgement-")]
        assert by_position.rule == "acknowledgement-unmatched"
        assert by_position.at == "acknowledged_findings[0].at"
    assert "purposes[surveys].legal_bases" in real_findings(text)[-1].message


@pytest.mark.parametrize("at", ["purposes[surveys].legal_bases", "purposes[10].legal_bases"])
def test_swapping_two_purposes_makes_no_finding_new(
    tmp_path: Path, cli_process: Callable[..., CliResult], real_text: str, at: str, real: Counts
) -> None:
    base = acknowledging(real_text, ("purpose-legal-basis", at))
    repository = new_repository(tmp_path, base, "the surveys gap accepted")
    write(repository, swapped(base, "surveys", "interest-profiles"))
    result = check(repository, cli_process)
    assert result.code == 0, new_lines(result)
    assert new_lines(result) == []
    acknowledged = 1 if "surveys" in at else 0
    assert result.lines[-1].startswith(f"data/processing.yaml: check: {real.errors - acknowledged} errors, "
                                       f"{real.warnings + 1 - acknowledged} warnings, {acknowledged} acknowledged; ")
