"""The Makefile as a person uses it: `make site` fails exactly when `mkdocs build --strict` fails and
says why in plain words, `make serve PORT=...` serves on that port, `make status` writes the README's
status section, a changed lock file reinstalls, and installing prints no deprecation.

Each runs the real `make` in a copy of the project, with this test run's virtual environment
(`VENV=...`) and make told not to reinstall it (`-o`)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from sitekit import BIN, PROJECT_ROOT, copy_project

VENV = BIN.parent
COMPLETE = PROJECT_ROOT / "tests" / "fixtures" / "complete.yaml"
BROKEN_LINK = "\nRead [the old page](missing.md) first.\n"


def make_project(target: Path, model_text: str | None = None) -> Path:
    project = copy_project(target, model_text)
    for name in ("Makefile", "pyproject.toml", "requirements.txt", "requirements-test.txt", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, project / name)
    shutil.copytree(PROJECT_ROOT / "tools", project / "tools")
    return project


def make(project: Path, *arguments: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1764000000"}
    return subprocess.run(["make", "--no-print-directory", "-o", f"{VENV}/.installed", f"VENV={VENV}", *arguments],
                          cwd=project, env=environment, capture_output=True, text=True, timeout=timeout)


def git(repository: Path, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *arguments],
                   cwd=repository, check=True, capture_output=True)


# --- make site ------------------------------------------------------------------------------------

def test_make_site_ends_saying_where_the_site_is_and_how_many_pages_it_has(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    done = make(project, "site")
    assert done.returncode == 0, done.stdout + done.stderr
    site = project / "site"
    pages = [path for path in site.rglob("*.html") if path.name != "404.html"]  # the not-found pages are not
    assert len(pages) >= 12
    assert (site / "sv" / "index.html").is_file() and (site / "en" / "index.html").is_file()
    assert done.stdout.splitlines()[-1] == (f"The site is in site/ (site/index.html): {len(pages)} pages in 2 "
                                            "languages (en, sv).")
    assert not (project / "site.tmp").exists() and not (project / "site.old").exists()


def test_make_site_fails_on_a_broken_link_as_mkdocs_strict_does_and_says_what_to_fix(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    published = project / "site"
    published.mkdir()
    (published / "index.html").write_text("the site as published before", encoding="utf-8")
    index = project / "docs" / "en" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + BROKEN_LINK, encoding="utf-8")

    strict = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "strict")],
                            cwd=project, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert strict.returncode != 0  # what CI runs fails ...
    done = make(project, "site")
    assert done.returncode != 0  # ... and so does make site
    said = done.stdout + done.stderr
    # The English site's page, named by its file (MkDocs names it only by its path in the docs folder).
    assert ('docs/en/index.md: the link "missing.md" leads to missing.md, a page the site does not have: '
            "correct the link in that file, or add the page it means.") in said
    assert ("make site: nothing was published, because of 1 warning above (the build is strict: every warning "
            "fails it, as on the pull request); site/ is as it was.") in said
    assert "Doc file" not in said  # MkDocs' own wording is said again, not repeated
    assert (published / "index.html").read_text(encoding="utf-8") == "the site as published before"
    assert not (project / "site.tmp").exists()


def test_make_site_says_which_heading_a_link_misses(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    index = project / "docs" / "sv" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nSee [your rights](privacy/index.md#no-such-heading).\n",
                     encoding="utf-8")
    done = make(project, "site")
    assert done.returncode != 0
    assert ('docs/sv/index.md: the link "privacy/index.md#no-such-heading" points to a place "#no-such-heading" that '
            "the page privacy/index does not have") in done.stderr


def test_make_site_fails_on_an_old_version_left_out_of_the_history(tmp_path: Path) -> None:
    """Issue 10's first case: an earlier version that no longer validates fails `mkdocs build --strict`
    with a warning, and so `make site`."""
    project = make_project(tmp_path / "project")
    model = project / "data" / "processing.yaml"
    today = model.read_text(encoding="utf-8")
    old = today.replace('version: "1.0.0"', 'version: "0.9.0"', 1).replace(
        'effective_date: "2026-11-25"', 'effective_date: "2026-01-01"\nformer_field: no longer in the schema', 1)
    git(project, "init", "-q", "-b", "main")
    model.write_text(old, encoding="utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "an old version")
    model.write_text(today, encoding="utf-8")
    git(project, "commit", "-q", "-am", "today's version")
    done = make(project, "site")
    assert done.returncode != 0
    # Each language's build warns; the editor reads it once.
    [warning] = [line for line in done.stderr.splitlines() if "left out of the version history" in line]
    assert warning.startswith("data/processing.yaml as of commit ")
    assert "nothing was published, because of 1 warning above" in done.stderr


def test_make_site_shows_an_invalid_model_as_located_messages(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    model = project / "data" / "processing.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace("- basis: contract\n", "- basis: contrat\n", 1),
                     encoding="utf-8")
    done = make(project, "site")
    assert done.returncode != 0
    assert re.search(r"^data/processing\.yaml:\d+:\d+: purposes\[5\]\.legal_bases\[0\]\.basis: .*\"contract\"",
                     done.stderr, re.M)
    assert "nothing was published, because of the error above" in done.stderr


# --- make serve -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_make_serve_previews_on_the_port_given(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    port = free_port()
    server = subprocess.Popen(["make", "--no-print-directory", "-o", f"{VENV}/.installed", f"VENV={VENV}", "serve",
                               f"PORT={port}"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        page = ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/privacy/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert "i-Centrum" in page, f"nothing served on port {port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert f"127.0.0.1:{port}" in output


# --- make status ----------------------------------------------------------------------------------

STATUS = re.compile(r"(<!-- status: .*? -->\n)(.*?)(<!-- /status -->)", re.S)


def status_of(readme: Path) -> str:
    found = STATUS.search(readme.read_text(encoding="utf-8"))
    assert found
    return found.group(2)


def outside_status(readme: Path) -> str:
    return STATUS.sub(r"\1\3", readme.read_text(encoding="utf-8"))


def test_make_status_writes_the_findings_and_the_model_version_into_the_readme(tmp_path: Path) -> None:
    """On the frozen real model (a fixture), not the live one: the command works, whatever the model says."""
    project = make_project(tmp_path / "project")
    readme = project / "README.md"
    around = outside_status(readme)
    readme.write_text(around, encoding="utf-8")  # an empty status section, whatever the README held
    done = make(project, "status")
    assert done.returncode == 0, done.stdout + done.stderr
    status = status_of(readme)
    assert status.startswith("`privacy-statement check` on `data/processing.yaml` **version 1.0.0** (in effect from "
                             "2026-11-25) reports **80 errors, 15 warnings, 0 acknowledged**.\n")
    rows = {line.split(" | ")[0].strip("| `"): line for line in status.splitlines() if line.startswith("| `")}
    assert rows["purpose-legal-basis"].split(" | ")[1:4] == ["error", "9", "`purposes[0-2, 4, 6, 8-11].legal_bases`"]
    assert rows["provision-requirement"].split(" | ")[1:4] == ["error", "15", "`purposes[0-14].provision`"]
    assert rows["retention-vague"].split(" | ")[1:3] == ["warning", "1"]
    assert rows["vague-wording"].split(" | ")[1:3] == ["warning", "13"]
    assert sum(int(row.split(" | ")[2]) for row in rows.values()) == 95
    assert outside_status(readme) == around
    assert done.stdout.strip().endswith("README.md: status of data/processing.yaml version 1.0.0: 80 errors, "
                                        "15 warnings, 0 acknowledged")
    assert make(project, "status").stdout.strip().endswith("(unchanged)")

    # Another model: its own version and findings, the rest of the README untouched.
    (project / "data" / "processing.yaml").write_text(COMPLETE.read_text(encoding="utf-8"), encoding="utf-8")
    done = make(project, "status")
    assert done.returncode == 0, done.stdout + done.stderr
    status = status_of(readme)
    assert "**version 2.1.0** (in effect from 2026-03-01) reports **0 errors, 0 warnings, " in status
    assert "Nothing is open" in status
    assert outside_status(readme) == around


def test_make_status_leaves_the_readme_alone_when_the_model_is_invalid(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    readme = project / "README.md"
    before = readme.read_text(encoding="utf-8")
    model = project / "data" / "processing.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace("party: third", "party: thrid", 1), encoding="utf-8")
    done = make(project, "status")
    assert done.returncode != 0
    assert 'trackers[0].party: the text "thrid" is not allowed here' in done.stdout + done.stderr
    assert "README.md was left as it was" in done.stderr
    assert readme.read_text(encoding="utf-8") == before


def test_the_readme_status_says_which_model_version_it_describes() -> None:
    """Not what it finds (that is today's model's business), only that it was written by the command."""
    status = status_of(PROJECT_ROOT / "README.md")
    assert re.match(r"`privacy-statement check` on `data/processing\.yaml` \*\*version \d+\.\d+\.\d+\*\* \(in effect "
                    r"from \d{4}-\d\d-\d\d\) reports \*\*\d+ errors, \d+ warnings, \d+ acknowledged\*\*\.", status)


# --- installing -----------------------------------------------------------------------------------

def test_a_changed_lock_file_or_pyproject_reinstalls(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("Makefile", "pyproject.toml", "requirements-test.txt"):
        shutil.copy2(PROJECT_ROOT / name, project / name)
    stamp = project / ".venv" / ".installed"
    stamp.parent.mkdir()
    stamp.touch()
    now = time.time()

    def up_to_date(lock_age: float, pyproject_age: float) -> bool:
        os.utime(project / "requirements-test.txt", (now - lock_age, now - lock_age))
        os.utime(project / "pyproject.toml", (now - pyproject_age, now - pyproject_age))
        os.utime(stamp, (now - 50, now - 50))
        done = subprocess.run(["make", "-q", ".venv/.installed"], cwd=project, capture_output=True, text=True)
        assert done.returncode in (0, 1), done.stderr
        return done.returncode == 0

    assert up_to_date(lock_age=100, pyproject_age=100)
    assert not up_to_date(lock_age=10, pyproject_age=100)  # `make lock` or a pull of a new lock
    assert not up_to_date(lock_age=100, pyproject_age=10)
    planned = subprocess.run(["make", "-n", ".venv/.installed"], cwd=project, capture_output=True, text=True).stdout
    assert "install --quiet --require-hashes --no-deps -r requirements-test.txt" in planned
    assert "pip-sync --quiet requirements-test.txt" in planned


def test_the_project_builds_with_an_spdx_license_and_no_deprecation(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, project / name)
    shutil.copytree(PROJECT_ROOT / "generator", project / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([str(BIN / "python"), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--wheel-dir", str(tmp_path / "wheels"), str(project)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "deprecat" not in (done.stdout + done.stderr).lower(), done.stderr
    [wheel] = (tmp_path / "wheels").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        headers = archive.read(metadata).decode("utf-8").split("\n\n", 1)[0].splitlines()
    assert "License-Expression: LicenseRef-Proprietary" in headers
    assert not any(header.startswith("License:") for header in headers)


@pytest.mark.parametrize("target", ["site", "test", "serve", "status", "lock", "bench"])
def test_every_documented_target_exists(target: str) -> None:
    done = subprocess.run(["make", "-n", "-o", f"{VENV}/.installed", f"VENV={VENV}", target], cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_system_packages_are_installed_by_make_and_ci_and_nothing_is_done_where_they_are() -> None:
    script = PROJECT_ROOT / "tools" / "system-packages"
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^site: .*\n\ttools/system-packages site\n", makefile, re.MULTILINE)
    assert re.search(r"^test: .*\n\ttools/system-packages test\n", makefile, re.MULTILINE)
    assert "\ntools/system-packages ci\n" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # Pango is there: this suite's PDF exports need it. So the script leaves the machine alone.
    done = subprocess.run([str(script), "site"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    wrong = subprocess.run([str(script), "everything"], capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 2
    assert "usage: tools/system-packages [site|test|ci]" in wrong.stderr
