"""`privacy-statement build --out DIR` replaces only folders it may replace; old versions that no
longer validate are reported; `mkdocs serve`'s rebuilds read the policy files afresh.

Every command here runs in a copy of the project under pytest's temporary folder, never in the
repository itself: a wrong --out there would delete it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POLICY, CliResult, edited, run_script
from mkdocs.commands.build import build as mkdocs_build_in_process
from mkdocs.config import load_config
from sitekit import REAL_MODEL, copy_project, mkdocs_build
from test_history import commit_model, git
from test_history import edited as model_text

from generator.build import MARKER, MARKER_TEXT
from generator.check import check as check_model
from generator.pipeline import read_model
from generator.policy import Policy, load_policy
from generator.render import render_site
from generator.validate import validate

REFUSED_FOLDER = "choose an empty or new folder"
SKIPPED = "is left out of the version history: it does not validate against today's schema"


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` (hidden ones and .git too), with the bytes of each file."""
    return {path.relative_to(root).as_posix(): None if path.is_dir() else path.read_bytes()
            for path in sorted(root.rglob("*"))}


def files_in(folder: Path) -> dict[str, bytes]:
    return {path: content for path, content in snapshot(folder).items() if content is not None}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project that is a git repository, with a file and two folders beside the model."""
    project = copy_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the project")
    (project / "notes.txt").write_text("an editor's notes\n", encoding="utf-8")
    (project / "foreign").mkdir()
    (project / "foreign" / "index.md").write_text("someone else's page\n", encoding="utf-8")
    (project / "checkout" / ".git").mkdir(parents=True)
    (project / "checkout" / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return project


def build(project: Path, out: str | Path, *model: str | Path, cwd: Path | None = None) -> CliResult:
    return run_script("build", *model, "--out", out, cwd=cwd or project)


@pytest.mark.parametrize(("out", "why"), [
    ("", 'not writing to "" ({project}): it is the current folder or a folder above it'),
    (".", "not writing to . ({project}): it is the current folder or a folder above it"),
    ("..", "not writing to .. ({parent}): it is the current folder or a folder above it"),
    ("data", "not writing to data ({project}/data): it holds the model file data/processing.yaml"),
    ("notes.txt", "not writing to notes.txt ({project}/notes.txt): it is a file, and the build writes a folder"),
    ("notes.txt/pages", "{project}/notes.txt is a file, so no folder can be made there"),
    ("checkout", "not writing to checkout ({project}/checkout): it holds a git repository (.git)"),
    ("foreign", "foreign ({project}/foreign) is not empty and was not written by `privacy-statement build`"),
])
def test_a_folder_the_build_must_not_replace_is_refused_and_left_as_it_was(
        project: Path, out: str, why: str) -> None:
    before = snapshot(project.parent)
    result = build(project, out)
    assert result.code == 2, result
    assert result.stdout == ""
    message = why.format(project=project, parent=project.parent)
    assert result.stderr.startswith("privacy-statement: "), result.stderr
    assert message in result.stderr and REFUSED_FOLDER in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert snapshot(project.parent) == before


def test_the_folder_holding_the_model_is_refused_from_anywhere(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = snapshot(tmp_path)
    result = build(project, project, project / "data" / "processing.yaml", cwd=elsewhere)
    assert result.code == 2
    assert f"not writing to {project}: it holds the model file {project}/data/processing.yaml" in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where no folder can be made")
def test_a_folder_that_cannot_be_written_is_a_clear_error(project: Path) -> None:
    """Not a permission test: the tests may run as root, who may write anywhere but in /proc."""
    result = build(project, "/proc/privacy-statement-test")
    assert result.code == 2
    assert result.stderr.startswith("privacy-statement: could not write the pages to /proc/privacy-statement-test: "
                                    "No such file or directory")
    assert "Traceback" not in result.stderr and "nothing was changed there" in result.stderr


def test_a_symbolic_link_loop_is_refused_without_a_traceback(project: Path) -> None:
    (project / "loop").symlink_to("loop")
    result = build(project, "loop")
    assert result.code == 2
    assert result.stderr.startswith("privacy-statement: not writing to loop: it cannot be read (Symlink loop")
    assert "Traceback" not in result.stderr


def test_a_link_to_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(project)
    before = snapshot(project)
    result = build(project, tmp_path / "link", project / "data" / "processing.yaml", cwd=tmp_path)
    assert result.code == 2
    assert f"(link) ({project}): it holds the model file" in result.stderr.replace(str(tmp_path / "link"), "(link)")
    assert snapshot(project) == before


def test_the_output_folder_is_readable_as_any_new_folder(project: Path) -> None:
    """Not private to its owner (tempfile's 0700): a web server must be able to read it."""
    mask = os.umask(0)
    os.umask(mask)
    assert build(project, "pages").code == 0
    assert stat.S_IMODE((project / "pages").stat().st_mode) == 0o777 & ~mask


def test_a_new_or_empty_folder_is_written_with_the_marker(project: Path) -> None:
    (project / "empty").mkdir()
    for out in ("empty", "new/nested/pages"):
        result = build(project, out)
        assert result.code == 0, result
        assert result.lines == [f"wrote 8 pages and 20 downloads to {out}"]
        assert (project / out / MARKER).read_text(encoding="utf-8") == MARKER_TEXT
        assert (project / out / "privacy" / "index.md").is_file()
    assert files_in(project / "empty") == files_in(project / "new" / "nested" / "pages")
    # Nothing is left beside the output: no staging folder, no previous output.
    assert sorted(p.name for p in (project / "new" / "nested").iterdir()) == ["pages"]


def test_a_folder_from_an_earlier_build_is_replaced_whole(project: Path) -> None:
    assert build(project, "pages").code == 0
    first = files_in(project / "pages")
    (project / "pages" / "privacy" / "stale.md").write_text("a page the model no longer has\n", encoding="utf-8")
    (project / "pages" / "privacy" / "index.md").write_text("edited by hand\n", encoding="utf-8")
    result = build(project, "pages")
    assert result.code == 0, result
    assert files_in(project / "pages") == first  # byte for byte, marker included
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".pages")) == []


def test_a_broken_model_leaves_an_earlier_build_as_it_was(project: Path) -> None:
    assert build(project, "pages").code == 0
    before = snapshot(project / "pages")
    model = project / "data" / "processing.yaml"
    text = model.read_text(encoding="utf-8")
    model.write_text(text.replace("party: third", "party: thrid", 1), encoding="utf-8")
    assert model.read_text(encoding="utf-8") != text
    result = build(project, "pages")
    assert result.code == 1
    assert "not built: the model is not valid" in result.stdout
    assert snapshot(project / "pages") == before


# --- old versions that no longer validate ----------------------------------------------------------

@pytest.fixture(scope="module")
def broken_past(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A history whose first version, 0.9.0, does not validate today; 1.0.0 does. Returns the
    project and the short commit id of 0.9.0."""
    project = copy_project(tmp_path_factory.mktemp("broken-past"))
    git(project, "init", "-q", "-b", "main")
    old = model_text("0.9.0", "2025-01-01").replace("- basis: contract\n", "- basis: contrat\n", 1)
    commit_model(project, old, "0.9.0, in a shape today's schema rejects")
    skipped = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=project, check=True,
                             capture_output=True, text=True).stdout.strip()
    commit_model(project, model_text("1.0.0", "2026-01-01"), "1.0.0")
    return project, skipped


def test_build_warns_of_each_version_left_out_of_the_history(broken_past: tuple[Path, str],
                                                               tmp_path: Path) -> None:
    project, skipped = broken_past
    out = tmp_path / "pages"
    result = build(project, out, "data/processing.yaml")
    assert result.code == 0, result
    assert result.lines[0] == f"warning: data/processing.yaml as of commit {skipped} {SKIPPED}"
    assert result.lines[1:] == [f"wrote 8 pages and 20 downloads to {out}"]
    assert sorted(p.name for p in (out / "privacy" / "versions").iterdir()) == ["1.0.0"]


def test_mkdocs_logs_the_left_out_version_and_strict_mode_fails_on_it(broken_past: tuple[Path, str],
                                                                     tmp_path: Path) -> None:
    project, skipped = broken_past
    warning = f"WARNING -  privacy-statement: data/processing.yaml as of commit {skipped} {SKIPPED}"
    lenient = mkdocs_build(project, tmp_path / "lenient", "--no-strict")
    assert lenient.returncode == 0, lenient.stderr
    assert warning in lenient.stderr, lenient.stderr
    assert (tmp_path / "lenient" / "en" / "privacy" / "versions" / "1.0.0" / "index.html").is_file()
    assert not (tmp_path / "lenient" / "en" / "privacy" / "versions" / "0.9.0").exists()
    strict = mkdocs_build(project, tmp_path / "strict")
    assert strict.returncode == 1
    assert warning in strict.stderr and "Aborted with 1 warnings in strict mode!" in strict.stdout, strict


# --- mkdocs serve: a rebuild in the same process reads the policy afresh -----------------------------

def mkdocs_api_build(project: Path, site: Path) -> None:
    """What `mkdocs serve` does on each change: load the configuration afresh, then build."""
    mkdocs_build_in_process(load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site)))


def test_a_second_build_in_the_same_process_reads_the_edited_policy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(edited(config.read_text(encoding="utf-8"), "    model: data/processing.yaml\n",
                             "    model: data/processing.yaml\n    policy: policy\n"), encoding="utf-8")
    monkeypatch.chdir(project)
    texts = project / "policy" / "texts" / "en.yaml"
    services = Path("en", "privacy", "services")

    mkdocs_api_build(project, tmp_path / "first")
    first = "".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "first" / services).rglob("*.html")))
    assert "Not stated in this version of the statement." in first

    texts.write_text(edited(texts.read_text(encoding="utf-8"),
                            "not_stated: Not stated in this version of the statement.",
                            "not_stated: Left open by the legal team for now."), encoding="utf-8")
    mkdocs_api_build(project, tmp_path / "second")
    second = "".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "second" / services).rglob("*.html")))
    assert "Left open by the legal team for now." in second
    assert "Not stated in this version of the statement." not in second


def test_two_policies_in_one_process_each_give_their_own_wording(tmp_path: Path) -> None:
    """The policy is passed to the stages, not kept by them: renders alternating between two policy
    folders each use their own, and validation uses the schema of the policy it is given."""
    edited_policy = tmp_path / "policy"
    shutil.copytree(POLICY.folder, edited_policy)
    texts = edited_policy / "texts" / "en.yaml"
    texts.write_text(edited(texts.read_text(encoding="utf-8"),
                            "not_stated: Not stated in this version of the statement.",
                            "not_stated: Left open by the legal team for now."), encoding="utf-8")
    schema = edited_policy / "processing.schema.json"
    stricter = json.loads(schema.read_text(encoding="utf-8"))
    stricter["required"].append("sv_only")
    schema.write_text(json.dumps(stricter), encoding="utf-8")
    other = load_policy(edited_policy)
    model = read_model(REAL_MODEL, POLICY).model

    def services(policy: Policy) -> str:
        return "".join(page.markdown for page in render_site(model, policy).pages
                       if page.path.startswith("privacy/services/"))

    for _ in range(2):
        assert "Left open by the legal team for now\\." in services(other)
        assert "Not stated in this version of the statement\\." in services(POLICY)
        assert "Left open" not in services(POLICY)
    assert validate(model.document, POLICY).model is not None
    assert ["sv_only" in problem.message for problem in validate(model.document, other).errors] == [True]


def test_no_module_of_the_core_keeps_a_cache() -> None:
    """What is read from the policy lives in the Policy object only (no functools cache to forget)."""
    model = read_model(REAL_MODEL, POLICY).model
    render_site(model, POLICY)
    check_model(model, POLICY)
    caches = [f"{name}.{attribute}"
              for name, module in list(sys.modules.items()) if name.startswith("generator.")
              for attribute, value in vars(module).items() if callable(getattr(value, "cache_info", None))]
    assert caches == []
