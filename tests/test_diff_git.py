"""`privacy-statement diff --from/--to`: git revisions of the model, in a repository built in the test."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import POLICY_DIR, CliResult

FIXTURE = Path(__file__).parent / "fixtures" / "diff" / "base.yaml"
MODEL = Path("data") / "processing.yaml"
LIFETIME = ("    lifetime: P1Y\n", "    lifetime: P2Y\n")
PERIOD = ("period: {duration: P2Y, starts: {en: the end of the contract}}",
          "period: {duration: P5Y, starts: {en: the end of the contract}}")
LIFETIME_SENTENCE = "Tracker “Statistics cookie”: lifetime changed from 1 year to 2 years."
PERIOD_SENTENCE = "Retention rule “contract-years”: storage period changed from 2 years to 5 years."
NEW_VERSION = (('version: "2.0.0"', 'version: "2.1.0"'),
               ('effective_date: "2026-03-01"', 'effective_date: "2026-09-01"'))


def edited(*replacements: tuple[str, str]) -> str:
    text = FIXTURE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def git(repository: Path, *arguments: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *arguments],
                          cwd=repository, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def commit(repository: Path, text: str, message: str, path: Path = MODEL) -> str:
    """Commit `text` as the model; the first commit also adds the project's policy folder, which the
    commands find at the root of the repository holding the model."""
    if not (repository / "policy").exists():
        shutil.copytree(POLICY_DIR, repository / "policy")
    (repository / path).parent.mkdir(parents=True, exist_ok=True)
    (repository / path).write_text(text, encoding="utf-8")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", message)
    return git(repository, "rev-parse", "HEAD")


def sentences(result: CliResult) -> list[str]:
    return [line.removeprefix("  - ") for line in result.lines if line.startswith("  - ")]


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """main: the fixture model. Branch `edit` (checked out): a commit raising the version and changing a
    tracker's lifetime, and in the working tree a retention period changed but not committed."""
    repository = tmp_path / "repository"
    repository.mkdir()
    git(repository, "init", "-q", "-b", "main")
    commit(repository, edited(), "first version")
    git(repository, "checkout", "-q", "-b", "edit")
    commit(repository, edited(*NEW_VERSION, LIFETIME), "longer lifetime")
    (repository / MODEL).write_text(edited(*NEW_VERSION, LIFETIME, PERIOD), encoding="utf-8")
    return repository


def test_from_and_to_compare_two_revisions(repository: Path, cli_process: Callable[..., CliResult]) -> None:
    result = cli_process("diff", "--from", "main", "--to", "edit", cwd=repository)
    assert result.code == 0, result.stderr
    assert result.lines[0] == "Comparing data/processing.yaml@main with data/processing.yaml@edit."
    assert sentences(result) == [LIFETIME_SENTENCE]
    assert "Version 2.0.0 (in effect from 1 March 2026) → version 2.1.0 (in effect from 1 September 2026)." \
        in result.lines

    backwards = cli_process("diff", "--from", "edit", "--to", "main", cwd=repository)
    assert sentences(backwards) == ["Tracker “Statistics cookie”: lifetime changed from 2 years to 1 year."]
    assert any(line.startswith("Warning:") for line in backwards.lines)  # going back lowers the version


def test_by_default_the_branch_is_compared_with_its_merge_base_with_main(
    repository: Path, cli_process: Callable[..., CliResult]
) -> None:
    main = git(repository, "rev-parse", "main")
    git(repository, "checkout", "-q", "--", str(MODEL))  # set the uncommitted change aside for a moment
    git(repository, "checkout", "-q", "main")
    commit(repository, edited(("  email: privacy@exempel.example\n", "  email: hello@exempel.example\n")),
           "main moves on; the branch does not have this")
    git(repository, "checkout", "-q", "edit")
    (repository / MODEL).write_text(edited(*NEW_VERSION, LIFETIME, PERIOD), encoding="utf-8")

    result = cli_process("diff", cwd=repository)
    assert result.code == 0, result.stderr
    assert result.lines[0] == f"Comparing data/processing.yaml@{main[:12]} with data/processing.yaml."
    assert sentences(result) == [PERIOD_SENTENCE, LIFETIME_SENTENCE]  # committed and uncommitted, not main's


def test_from_alone_compares_with_the_working_tree(repository: Path, cli_process: Callable[..., CliResult]) -> None:
    result = cli_process("diff", "--from", "HEAD", cwd=repository)
    assert result.code == 0, result.stderr
    assert sentences(result) == [PERIOD_SENTENCE]
    # The uncommitted change kept the committed version: readers would see it unannounced.
    assert any(line.startswith("Warning:") for line in result.lines)
    assert cli_process("diff", "--from", "HEAD", "--strict", cwd=repository).code == 1


def test_on_main_or_without_main_the_working_tree_is_compared_with_head(
    tmp_path: Path, cli_process: Callable[..., CliResult]
) -> None:
    for branch in ("main", "trunk"):
        repository = tmp_path / branch
        repository.mkdir()
        git(repository, "init", "-q", "-b", branch)
        commit(repository, edited(), "first version")
        head = commit(repository, edited(*NEW_VERSION, LIFETIME), "second version")
        (repository / MODEL).write_text(edited(*NEW_VERSION, LIFETIME, PERIOD), encoding="utf-8")
        result = cli_process("diff", cwd=repository)
        assert result.code == 0, result.stderr
        shown = head[:12] if branch == "main" else "HEAD"
        assert result.lines[0] == f"Comparing data/processing.yaml@{shown} with data/processing.yaml."
        assert sentences(result) == [PERIOD_SENTENCE]


def test_file_names_the_model_elsewhere_in_the_repository(
    tmp_path: Path, cli_process: Callable[..., CliResult]
) -> None:
    repository = tmp_path / "repository"
    repository.mkdir()
    git(repository, "init", "-q", "-b", "main")
    elsewhere = Path("model") / "privacy.yaml"
    first = commit(repository, edited(), "first", elsewhere)
    commit(repository, edited(*NEW_VERSION, LIFETIME), "second", elsewhere)
    result = cli_process("diff", "--file", str(elsewhere), "--from", first, "--to", "HEAD", cwd=repository)
    assert result.code == 0, result.stderr
    assert sentences(result) == [LIFETIME_SENTENCE]
    # From a subfolder, the path is relative to it, as everywhere else on the command line.
    inside = cli_process("diff", "--file", "privacy.yaml", "--from", first, cwd=repository / "model")
    assert sentences(inside) == [LIFETIME_SENTENCE]


def test_an_invalid_revision_is_named_with_located_problems(
    repository: Path, cli_process: Callable[..., CliResult]
) -> None:
    commit(repository, edited(("      - basis: contract\n", "      - basis: contact\n")), "a typo committed")
    (repository / MODEL).write_text(edited(), encoding="utf-8")  # and mended in the working tree
    result = cli_process("diff", "--from", "HEAD", cwd=repository)
    assert result.code == 1
    assert result.problems and all(line.startswith("data/processing.yaml@HEAD:") for line in result.problems)
    assert "purposes[0].legal_bases[0].basis" in result.problems[0]
    assert result.lines[-1] == ("The old side (data/processing.yaml@HEAD) is not valid, so there is nothing to "
                                "compare: 1 error.")


@pytest.mark.parametrize(("arguments", "message"), [
    (["--from", "no-such-branch"], "git knows no revision 'no-such-branch'"),
    (["--from", "main", "--to", "v9"], "git knows no revision 'v9'"),
    (["--from=--output=stolen.txt"], "git knows no revision '--output=stolen.txt'"),
    (["--from", "main", "--file", "data/other.yaml"], "there is no data/other.yaml in revision main"),
])
def test_unknown_revisions_and_paths_are_usage_errors(
    repository: Path, cli_process: Callable[..., CliResult], arguments: list[str], message: str
) -> None:
    result = cli_process("diff", *arguments, cwd=repository)
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_outside_git_revisions_are_a_usage_error(tmp_path: Path, cli_process: Callable[..., CliResult]) -> None:
    folder = tmp_path / "not-a-repository"
    (folder / "data").mkdir(parents=True)
    (folder / MODEL).write_text(edited(), encoding="utf-8")
    result = cli_process("diff", cwd=folder)
    assert result.code == 2
    assert "is not in a git repository" in result.stderr and "privacy-statement diff OLD NEW" in result.stderr


def test_a_backdated_new_side_is_named_after_the_diff_and_fails_it(
    repository: Path, cli_process: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795564800")  # 25 November 2026: 2.1.0 is in force
    backdated = edited(('version: "2.0.0"', 'version: "2.2.0"'),
                       ('effective_date: "2026-03-01"', 'effective_date: "2026-05-01"'), LIFETIME, PERIOD)
    (repository / MODEL).write_text(backdated, encoding="utf-8")
    problem = ("data/processing.yaml:5:17: effective_date: version 2.2.0 takes effect on 2026-05-01, before "
               "version 2.1.0 (2026-09-01): dates only go forward; give version 2.2.0 an effective_date on or "
               "after 2026-09-01")
    result = cli_process("diff", cwd=repository)
    assert result.code == 1
    assert sentences(result) == [PERIOD_SENTENCE, LIFETIME_SENTENCE]  # the diff is still said
    assert result.lines[-1] == problem
    markdown = cli_process("diff", "--format", "markdown", cwd=repository)
    assert markdown.code == 1
    assert markdown.lines[-1].startswith("- **data/processing\\.yaml:5:17: effective\\_date: version 2\\.2\\.0")
    # Two files side by side: the new one is judged by its own history in the same way.
    old = repository / "old.yaml"
    old.write_text(edited(), encoding="utf-8")
    assert cli_process("diff", str(old), str(MODEL), cwd=repository).code == 1
