"""`privacy-statement check` as editors and tools use it: text, JSON and Markdown reports, exit
codes, acknowledgements and models that do not validate. Through `main()` and the installed script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import POLICY, CliResult, edited, run_script

from generator.check import Finding, check
from generator.load import load_file
from generator.validate import validate

TESTS = Path(__file__).resolve().parent
PROJECT_ROOT = TESTS.parent
COMPLETE = TESTS / "fixtures" / "complete.yaml"
# The real model, frozen for the tests (see conftest.py; today's is the editors').
REAL_MODEL = TESTS / "fixtures" / "model-1.0.0.yaml"

Cli = Callable[..., CliResult]  # the conftest `cli` fixture: privacy-statement ARGS in this process
FINDING = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning) "
                     r"(?P<rule>[a-z0-9]+(?:-[a-z0-9]+)*): (?P<path>[^ :]+): (?P<message>.+?)"
                     r"(?: \((?P<source>[^()]*(?:\([^()]*\)[^()]*)*)\))?(?: \[acknowledged: (?P<reason>.+)\])?$")
SUMMARY = re.compile(r"^(?P<file>.+): check: (?P<errors>\d+) errors?, (?P<warnings>\d+) warnings?, "
                     r"(?P<acknowledged>\d+) acknowledged(?: \(and (?P<validation>\d+) validation warnings?\))?$")


def model_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "processing.yaml"
    path.write_text(text, encoding="utf-8")
    return path




@pytest.fixture(scope="module")
def complete_text() -> str:
    return COMPLETE.read_text(encoding="utf-8")


NO_POSTAL_ADDRESS = ("  postal_address:\n    en: Exempelgatan 1, 753 00 Uppsala, Sweden\n", "  postal_address: null\n")
NO_DPO_EMAIL = ("    email: dpo@exempel-programvara.example", "    email: null")


def acknowledging(text: str, rule: str, at: str, reason: str) -> str:
    return edited(text, "acknowledged_findings: []\n",
                  f"acknowledged_findings:\n  - rule: {rule}\n    at: {at}\n    reason: {json.dumps(reason)}\n")


def test_a_complete_model_passes_with_only_the_summary(cli: Cli, complete_text: str, tmp_path: Path) -> None:
    path = model_file(tmp_path, complete_text)
    result = cli("check", "--strict", path)
    assert result.code == 0
    assert result.lines == [f"{path}: check: 0 errors, 0 warnings, 0 acknowledged"]


GROUP = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning) "
                   r"(?P<rule>[a-z0-9]+(?:-[a-z0-9]+)*): (?P<count>\d+) places: (?P<rest>.+)$")
PLACE = re.compile(r'^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+) (?P<path>[^ ;]+)(?: \("(?P<subject>[^"]*)"\))?$')


def places(file: str, rest: str) -> tuple[str, list[re.Match[str]]]:
    """A grouped line's words before its places, and each place parsed."""
    head, _, listed = rest.partition(f": {file}:")
    found = [PLACE.match(place) for place in f"{file}:{listed}".split("; ")]
    assert all(found), listed
    return head, [match for match in found if match]


def test_the_real_model_lists_every_finding_of_the_stage_located_with_its_source(tmp_path: Path) -> None:
    """The installed script, run as an editor would, in the project folder on the default model: a
    rule found once is one finding a line, a rule found in several places one line with every place.
    The project folder is a copy (policy/ and the frozen real model as data/processing.yaml)."""
    shutil.copytree(PROJECT_ROOT / "policy", tmp_path / "policy")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "processing.yaml").write_text(REAL_MODEL.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_script("check", cwd=tmp_path)
    assert result.code == 1, result.stderr
    *finding_lines, summary = result.lines
    expected = check(validate(load_file(REAL_MODEL, "data/processing.yaml"), POLICY).model, POLICY)  # type: ignore[arg-type]
    by_rule: dict[str, list[Finding]] = {}
    for finding in expected:
        by_rule.setdefault(finding.rule, []).append(finding)
    assert [FINDING.match(line) or GROUP.match(line) for line in finding_lines], finding_lines
    assert [(GROUP.match(line) or FINDING.match(line))["rule"] for line in finding_lines] == list(by_rule)  # type: ignore[index]
    catalogue = POLICY.catalogue
    for line, (rule, group) in zip(finding_lines, by_rule.items(), strict=True):
        first = group[0]
        if len(group) == 1:
            m = FINDING.match(line)
            assert m, line
            assert (m["file"], int(m["line"]), int(m["column"]), m["severity"], m["rule"], m["path"], m["message"],
                    m["source"]) == ("data/processing.yaml", first.location.line, first.location.column,
                                     first.severity, rule, first.at, first.message, first.source)
            continue
        m = GROUP.match(line)
        assert m, line
        assert (m["file"], int(m["line"]), int(m["column"]), m["severity"], int(m["count"])) == (
            "data/processing.yaml", first.location.line, first.location.column, first.severity, len(group))
        head, parsed = places("data/processing.yaml", m["rest"])
        assert head == f"{catalogue.rule(rule).summary.rstrip('.')} ({first.source})"
        assert [(p["file"], int(p["line"]), int(p["column"]), p["path"], p["subject"]) for p in parsed] == [
            ("data/processing.yaml", f.location.line, f.location.column, f.at, f.subject) for f in group]
    assert any(m and m["rule"] == "provision-requirement" and int(m["count"]) > 1
               for m in map(GROUP.match, finding_lines))
    totals = SUMMARY.match(summary)
    assert totals and totals["file"] == "data/processing.yaml"
    assert int(totals["errors"]) == sum(f.severity == "error" for f in expected) > 0
    assert int(totals["warnings"]) == sum(f.severity == "warning" for f in expected) > 0
    assert totals["acknowledged"] == "0"
    assert any(line.startswith("data/processing.yaml:") and " error dpo-contact: controller.dpo.email: " in line
               and line.endswith("(GDPR Art. 13(1)(b), 14(1)(b))") for line in finding_lines)


def test_warnings_fail_only_with_strict(cli: Cli, complete_text: str, tmp_path: Path) -> None:
    path = model_file(tmp_path, edited(complete_text, *NO_POSTAL_ADDRESS))
    relaxed = cli("check", path)
    assert relaxed.code == 0
    assert len(relaxed.lines) == 2
    assert FINDING.match(relaxed.lines[0])["rule"] == "controller-postal-address"  # type: ignore[index]
    assert relaxed.lines[1] == f"{path}: check: 0 errors, 1 warning, 0 acknowledged"
    strict = cli("check", "--strict", path)
    assert strict.code == 1 and strict.lines == relaxed.lines


def test_an_error_fails_and_an_acknowledged_one_does_not(cli: Cli, complete_text: str, tmp_path: Path) -> None:
    broken = edited(complete_text, *NO_DPO_EMAIL)
    failing = cli("check", model_file(tmp_path, broken))
    assert failing.code == 1
    assert failing.lines[-1].endswith(": check: 1 error, 0 warnings, 0 acknowledged")

    reason = "Reached through the general address;\nagreed with legal | 2026."
    path = model_file(tmp_path, acknowledging(broken, "dpo-contact", "controller.dpo.email", reason))
    accepted = cli("check", "--strict", path)
    assert accepted.code == 0
    assert len(accepted.lines) == 2  # the reason's line break does not break the report's lines
    match = FINDING.match(accepted.lines[0])
    assert match and match["rule"] == "dpo-contact" and match["severity"] == "error"
    assert match["reason"] == "Reached through the general address; agreed with legal | 2026."
    assert accepted.lines[1] == f"{path}: check: 0 errors, 0 warnings, 1 acknowledged"


def test_a_model_that_does_not_validate_is_reported_as_validate_reports_it(
        cli: Cli, complete_text: str, tmp_path: Path) -> None:
    path = model_file(tmp_path, edited(complete_text, "      - basis: legal-obligation", "      - basis: law"))
    checked = cli("check", path)
    validated = cli("validate", path)
    assert checked.code == validated.code == 1
    assert checked.stdout == validated.stdout
    assert "purposes[1].legal_bases[0].basis" in checked.stdout and "check:" not in checked.stdout


def test_validation_warnings_are_shown_and_fail_with_strict(cli: Cli, complete_text: str, tmp_path: Path) -> None:
    unused = ("  - id: unused-category\n    name: {en: Unused}\n    description: {en: Nothing uses it.}\n"
              "    fides: [user]\n")
    path = model_file(tmp_path, edited(complete_text, "\nsensitive_data:\n", f"{unused}\nsensitive_data:\n"))
    result = cli("check", path)
    assert result.code == 0
    assert len(result.lines) == 2
    assert "data_categories[4].id: warning: " in result.lines[0] and "unused-category" in result.lines[0]
    assert result.lines[1] == f"{path}: check: 0 errors, 0 warnings, 0 acknowledged (and 1 validation warning)"
    assert cli("check", "--strict", path).code == 1


def test_a_rule_found_in_several_places_is_one_line_and_json_keeps_every_finding(
        cli: Cli, complete_text: str, tmp_path: Path) -> None:
    text = edited(complete_text, "    lifetime: P13M\n    lifetime_note", "    lifetime: null\n    lifetime_note")
    text = edited(text, "    lifetime: session\n    strictly_necessary", "    lifetime: null\n    strictly_necessary")
    text = edited(text, "      en: Counts visits and pages read.\n",
                  "      en: Counts visits and may count\n        pages read, such as the prices.\n")
    text = edited(text, *NO_DPO_EMAIL)
    path = model_file(tmp_path, acknowledging(text, "dpo-contact", "controller.dpo.email", "Agreed with legal."))
    result = cli("check", path)
    lines = text.splitlines()
    where = {token: (number + 1, line.index(token) + 1) for number, line in enumerate(lines)
             for token in ("may count", "such as") if token in line}
    sessions, statistics = [n for n, line in enumerate(lines, start=1) if line == "    lifetime: null"]
    assert len(result.lines) == 4
    acknowledged, lifetimes, hedges = (next(line for line in result.lines if key in line)
                                       for key in (" dpo-contact: ", " tracker-lifetime: ", " vague-wording: "))
    assert FINDING.match(acknowledged)["reason"] == "Agreed with legal."  # type: ignore[index]
    assert lifetimes == (
        f"{path}:{sessions}:15: error tracker-lifetime: 2 places: Every tracker states how long it lasts "
        f"(ePrivacy Directive Art. 5(3); LEK (2022:482) ch. 9 s. 28): "
        f'{path}:{sessions}:15 trackers[0].lifetime ("session-cookie"); '
        f'{path}:{statistics}:15 trackers[1].lifetime ("site-statistics")')
    (may_line, may_column), (such_line, such_column) = where["may count"], where["such as"]
    assert hedges == (
        f"{path}:{may_line}:{may_column}: warning vague-wording: 2 places: Texts say what is done, without hedges "
        f"or mere examples (GDPR Art. 12(1), 13; WP260 rev.01 paras. 12-13): "
        f'{path}:{may_line}:{may_column} trackers[1].purpose.en ("may"); '
        f'{path}:{such_line}:{such_column} trackers[1].purpose.en ("such as")')
    assert result.lines[-1] == f"{path}: check: 2 errors, 2 warnings, 1 acknowledged"
    report = json.loads(cli("check", "--format", "json", path).stdout)
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in report["findings"]] == sorted([
        ("dpo-contact", "controller.dpo.email", lines.index("    email: null") + 1, 12),
        ("tracker-lifetime", "trackers[0].lifetime", sessions, 15),
        ("tracker-lifetime", "trackers[1].lifetime", statistics, 15),
        ("vague-wording", "trackers[1].purpose.en", may_line, may_column),
        ("vague-wording", "trackers[1].purpose.en", such_line, such_column)], key=lambda f: (f[2], f[3]))


# --- JSON --------------------------------------------------------------------------------------

FINDING_KEYS = ["rule", "severity", "source", "path", "line", "column", "message", "acknowledged", "reason"]


def test_json_report_has_stable_keys_and_every_finding(cli: Cli, complete_text: str, tmp_path: Path) -> None:
    text = acknowledging(edited(edited(complete_text, *NO_DPO_EMAIL), *NO_POSTAL_ADDRESS),
                         "dpo-contact", "controller.dpo.email", "Agreed with legal on 1 March.")
    path = model_file(tmp_path, text)
    result = cli("check", "--format", "json", path)
    assert result.code == 0
    report = json.loads(result.stdout)
    assert list(report) == ["file", "valid", "validation", "findings", "summary"]
    assert report["file"] == str(path) and report["valid"] is True and report["validation"] == []
    assert report["summary"] == {"errors": 0, "warnings": 1, "acknowledged": 1, "validation_errors": 0,
                                 "validation_warnings": 0}
    assert [list(finding) for finding in report["findings"]] == [FINDING_KEYS, FINDING_KEYS]
    postal, dpo = report["findings"]
    assert (postal["rule"], postal["severity"], postal["path"], postal["acknowledged"], postal["reason"]) == (
        "controller-postal-address", "warning", "controller.postal_address", False, None)
    assert (dpo["rule"], dpo["severity"], dpo["path"], dpo["acknowledged"], dpo["reason"]) == (
        "dpo-contact", "error", "controller.dpo.email", True, "Agreed with legal on 1 March.")
    assert dpo["source"] == "GDPR Art. 13(1)(b), 14(1)(b)"
    assert (dpo["line"], dpo["column"]) == (text.splitlines().index("    email: null") + 1, 12)
    assert cli("check", "--format", "json", "--strict", path).code == 1


def test_json_report_of_an_invalid_model(cli: Cli, complete_text: str, tmp_path: Path) -> None:
    path = model_file(tmp_path, edited(complete_text, "      - basis: legal-obligation", "      - basis: law"))
    result = cli("check", "--format", "json", path)
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["findings"] == []
    assert [(p["severity"], p["path"]) for p in report["validation"]] == [
        ("error", "purposes[1].legal_bases[0].basis")]
    assert report["summary"]["validation_errors"] == 1


# --- Markdown ----------------------------------------------------------------------------------

def test_markdown_report_groups_by_severity_with_the_article(cli: Cli, complete_text: str, tmp_path: Path) -> None:
    text = edited(edited(complete_text, *NO_DPO_EMAIL), *NO_POSTAL_ADDRESS)
    text = edited(text, "    lifetime: P13M\n    lifetime_note", "    lifetime: null\n    lifetime_note")
    text = acknowledging(text, "tracker-lifetime", "trackers[site-statistics].lifetime",
                         "Set by the provider | varies <b>.")
    path = model_file(tmp_path, text)
    result = cli("check", "--format", "markdown", path)
    assert result.code == 1
    lines = result.lines
    assert lines[0] == f"## Privacy statement check: `{path}`"
    assert "**1 error, 1 warning, 1 acknowledged**" in lines
    sections = [line for line in lines if line.startswith("### ")]
    assert sections == ["### Errors (1)", "### Warnings (1)", "### Acknowledged (1)"]

    def rows(title: str) -> list[str]:
        """The table rows under a heading: after the blank line, the table head and its separator."""
        start = lines.index(title) + 4
        end = next((n for n in range(start, len(lines)) if not lines[n].startswith("| ")), len(lines))
        return lines[start:end]

    (error,) = rows("### Errors (1)")
    assert "`dpo-contact`" in error and "GDPR Art. 13(1)(b), 14(1)(b)" in error and "`controller.dpo.email`" in error
    (warning,) = rows("### Warnings (1)")
    assert "`controller-postal-address`" in warning
    (acknowledged,) = rows("### Acknowledged (1)")
    assert "Set by the provider \\| varies &lt;b&gt;." in acknowledged
    assert acknowledged.count(" | ") == 4  # five cells: the reason's own bar is escaped


def test_markdown_report_of_a_complete_and_of_an_invalid_model(cli: Cli, complete_text: str, tmp_path: Path) -> None:
    complete = cli("check", "--format", "markdown", COMPLETE)
    assert complete.code == 0
    assert "Nothing to report" in complete.stdout and "###" not in complete.stdout
    path = model_file(tmp_path, edited(complete_text, "      - basis: legal-obligation", "      - basis: law"))
    invalid = cli("check", "--format", "markdown", path)
    assert invalid.code == 1
    assert "not valid" in invalid.stdout and "`purposes[1].legal_bases[0].basis`" in invalid.stdout


# --- use of the command ------------------------------------------------------------------------

def test_usage_errors_exit_2_without_a_traceback(cli: Cli, tmp_path: Path) -> None:
    missing = cli("check", tmp_path / "nothing.yaml")
    assert missing.code == 2 and "no model file" in missing.stderr and missing.stdout == ""
    wrong_format = cli("check", "--format", "xml", COMPLETE)
    assert wrong_format.code == 2 and "invalid choice: 'xml'" in wrong_format.stderr
    assert "Traceback" not in missing.stderr + wrong_format.stderr


def test_check_is_listed_in_the_help_and_runs_as_a_module() -> None:
    assert " check " in run_script("--help").stdout
    done = subprocess.run([sys.executable, "-m", "generator", "check", str(COMPLETE)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.endswith("check: 0 errors, 0 warnings, 0 acknowledged\n")


@pytest.mark.parametrize("form", ["text", "json", "markdown"])
def test_reports_are_byte_identical_run_to_run(form: str) -> None:
    first, second = run_script("check", "--format", form), run_script("check", "--format", form)
    assert first.stdout == second.stdout and first.stdout
