"""Editing the model never breaks the test suite.

A legal editor's valid change to data/processing.yaml is the project working as meant, so no test of
the code may depend on what the model says; the live model is held by `validate`, `check
--baseline` and the site build (the pull-request workflow and `make site`). This proves it: the
project as a fresh clone would have it (files and git history), with the model edited as an editor
would edit it (a tracker added with its site, a legal basis filled in), runs the rest of the test
suite, and all of it passes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BIN, PROJECT_ROOT

THIS_FILE = Path(__file__).name
TRACKER = """\
  - id: language-preference
    name: {en: Language preference cookie}
    provider: controller
    party: first
    category: strictly-necessary
    purpose: {en: Remembers the language you chose for the rest of your visit.}
    data_collected: {en: The language you chose.}
    lifetime: session
    strictly_necessary: true
    cookies:
      - name: lang
        kind: cookie
        path: /
        lifetime: session
    opt_out: {en: 'Delete the cookie in your browser, or close the browser.'}
"""
INTEREST = "Making our sites and products easier to use for the people who use them."


def git(repository: Path, *arguments: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *arguments],
                          cwd=repository, check=True, capture_output=True, text=True)
    return done.stdout


def clone_with_working_tree(target: Path) -> Path:
    """The project's files as they are now (committed or not, ignored ones left out), in a repository
    holding the project's history up to HEAD: what a fresh clone plus the change under test has."""
    try:
        listed = git(PROJECT_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    except (OSError, subprocess.CalledProcessError):
        if os.environ.get("CI"):
            raise
        pytest.skip("the project is not a git checkout")
    for name in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q", "-b", "main")
    git(target, "fetch", "-q", str(PROJECT_ROOT), "HEAD")
    git(target, "update-ref", "refs/heads/main", "FETCH_HEAD")
    git(target, "read-tree", "main")
    return target


def edit_as_an_editor(model: Path) -> None:
    """A new first-party tracker with its cookie, on the site that uses it, the first missing legal
    basis filled (schema version 2: a purpose's `legal_bases` is a list), and the DPO's email where
    the model still lacks it."""
    text = model.read_text(encoding="utf-8")
    text = re.sub(r"(\n  dpo:\n(?:    .*\n)*?    email: )null\b.*", r"\1dpo@example.com", text, count=1)
    assert text.count("\ntrackers:\n") == 1
    text = text.replace("\ntrackers:\n", "\ntrackers:\n" + TRACKER, 1)
    site_trackers = re.compile(r"(\nsites:\n(?:.*\n)*?    trackers:\n)")
    assert site_trackers.search(text), "the model lists no site with trackers"
    text = site_trackers.sub(r"\1      - language-preference\n", text, count=1)
    gap = re.search(r"^( +)legal_bases: null\b.*$", text, flags=re.M)
    assert gap, "no legal basis is left to fill"
    indent = gap.group(1)
    text = (text[: gap.start()] + f"{indent}legal_bases:\n{indent}  - basis: legitimate-interests\n"
            f"{indent}    legitimate_interest: {{en: {INTEREST}}}" + text[gap.end():])
    model.write_text(text, encoding="utf-8")


def test_an_editors_change_to_the_model_passes_the_whole_test_suite(tmp_path: Path) -> None:
    project = clone_with_working_tree(tmp_path / "project")
    model = project / "data" / "processing.yaml"
    before = subprocess.run([str(BIN / "privacy-statement"), "check", "--format", "json"], cwd=project,
                            capture_output=True, text=True, timeout=120)
    edit_as_an_editor(model)

    # A valid change, as the pull-request checks see it.
    validated = subprocess.run([str(BIN / "privacy-statement"), "validate"], cwd=project, capture_output=True,
                               text=True, timeout=120)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert re.fullmatch(r"data/processing\.yaml: valid \(\d+ warnings?\)", validated.stdout.splitlines()[-1])
    checked = subprocess.run([str(BIN / "privacy-statement"), "check", "--format", "json"], cwd=project,
                             capture_output=True, text=True, timeout=120)
    assert checked.stdout != before.stdout  # the edit changed what the checker finds
    assert "language-preference" in git(project, "diff", "--", "data/processing.yaml")

    # The rest of the suite, on the edited project: all of it passes.
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                           f"--ignore=tests/{THIS_FILE}", "tests"],
                          cwd=project, capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary and "error" not in summary, summary
