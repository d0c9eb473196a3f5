"""The downloads kept on disk (generator.exports.cache): a build makes again only what changed, and
never serves an output made from other inputs. Real projects in real git repositories, real
builds; the work is counted (exports made, PDFs laid out), not replaced."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scenarios import (
    BUILD_EPOCH,
    IN_FORCE_DATE,
    LATER_DATE,
    add_site_and_service,
    base_model,
    history_project,
    versioned,
)
from sitekit import PROJECT_ROOT, copy_project

import generator.exports
from generator.exports import Request, export, site_downloads
from generator.exports.cache import CACHE_ENV, folder_digest, prune
from generator.exports.common import Request as CommonRequest
from generator.history import build_date, read_history
from generator.pipeline import read_model
from generator.policy import load_policy
from generator.render import render_site

MODEL = Path("data") / "processing.yaml"
LANGUAGE = "en"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's own cache folder (PRIVACY_STATEMENT_CACHE), empty at the start."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    return folder


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each format was made while the test runs (the calls are only counted)."""
    calls: Counter[str] = Counter()
    original = generator.exports.export

    def counted(request: CommonRequest, name: str) -> bytes:
        calls[name] += 1
        return original(request, name)

    monkeypatch.setattr(generator.exports, "export", counted)
    return calls


def downloads(project: Path) -> dict[str, bytes]:
    """Every download of every version of the project's site, by path, as a build makes them."""
    policy = load_policy(project / "policy")
    loaded = read_model(project / MODEL, policy)
    history = read_history(loaded.model, project / MODEL, build_date(), str(MODEL), policy)
    assert not history.problems
    site = render_site(loaded.model, policy, history=history, language=LANGUAGE,
                       downloads=site_downloads(policy, LANGUAGE))
    return {path: content for path, content in site.files if "/downloads/" in path}


def fresh(project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, bytes]:
    """The downloads made with an empty cache of their own: what a build without a cache publishes."""
    with monkeypatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"))
        return downloads(project)


def two_versions(target: Path, first: dict[str, Any]) -> Path:
    """A project whose model was `first` at 1.0.0 (superseded) and is now the fixture with a new site
    and service at 1.1.0 (in force)."""
    return history_project(target, [versioned(first, "1.0.0", IN_FORCE_DATE),
                                    versioned(add_site_and_service(base_model()), "1.1.0", LATER_DATE)])


def archived(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: content for path, content in files.items() if "/versions/1.0.0/" in path}


def test_a_second_build_makes_nothing_again_and_publishes_the_same_bytes(
        tmp_path: Path, cache: Path, made: Counter[str], layouts: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = two_versions(tmp_path / "project", base_model())
    first = downloads(project)
    assert archived(first) and set(made) == set(generator.exports.FORMATS)
    assert layouts
    made.clear()
    layouts.clear()
    assert downloads(project) == first
    assert made == Counter() and layouts == []
    assert fresh(project, monkeypatch, tmp_path) == first


def test_an_archived_version_with_another_text_is_made_again(
        tmp_path: Path, cache: Path, made: Counter[str], layouts: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    downloads(two_versions(tmp_path / "one", base_model()))
    other = base_model()
    other["controller"]["legal_name"] = "Another Company AB"
    project = two_versions(tmp_path / "other", other)
    made.clear()
    layouts.clear()
    built = downloads(project)
    # Every format of the archived version is made again (once each, for the statement, each site and
    # each service), and nothing built from the first project's 1.0.0 is published.
    assert made["json"] == made["ropa-csv"] == made["dpv"] == made["fides"] == 1
    assert b"Another Company AB" in archived(built)["privacy/versions/1.0.0/downloads/privacy-statement.json"]
    assert built == fresh(project, monkeypatch, tmp_path)


def non_pdf(project: Path) -> dict[str, bytes]:
    """The downloads of the project's model in force, but the PDFs (which need the section's pages)."""
    policy = load_policy(project / "policy")
    model = read_model(project / MODEL, policy).model
    return {download.name: download.make({}) for download in site_downloads(policy, LANGUAGE)(model)
            if not download.name.endswith(".pdf")}


def test_a_changed_policy_text_makes_the_downloads_again(
        tmp_path: Path, cache: Path, made: Counter[str], monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path / "project")
    before = non_pdf(project)
    assert made["ropa-csv"] == 1
    assert non_pdf(project) == before and made["ropa-csv"] == 1
    texts = project / "policy" / "texts" / "en.yaml"
    texts.write_text(texts.read_text(encoding="utf-8").replace("      id: Purpose ID\n", "      id: Purpose key\n"),
                     encoding="utf-8")
    after = non_pdf(project)
    assert made["ropa-csv"] == 2
    assert b"Purpose key" in after["record-of-processing.csv"]
    assert b"Purpose ID" in before["record-of-processing.csv"]
    with monkeypatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path / "fresh"))
        assert non_pdf(project) == after


def test_a_changed_print_stylesheet_lays_the_pdf_out_again(
        tmp_path: Path, cache: Path, layouts: list[int]) -> None:
    project = copy_project(tmp_path / "project")

    def pdf() -> bytes:
        policy = load_policy(project / "policy")
        return export(Request(read_model(project / MODEL, policy).model, policy, LANGUAGE), "pdf")

    before = pdf()
    assert pdf() == before and layouts == [1]
    stylesheet = project / "policy" / "print" / "print.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.3em; }\n",
                          encoding="utf-8")
    assert pdf() != before and layouts == [1, 1]


def test_a_checkout_elsewhere_uses_the_downloads_kept_by_another(
        tmp_path: Path, cache: Path, made: Counter[str], layouts: list[int]) -> None:
    """No output holds a path (test_exports_site), so where the project lies is not part of a key: a
    fresh clone beside the working copy builds with what the working copy's builds kept."""
    first = history_project(tmp_path / "project", [versioned(base_model(), "1.0.0", IN_FORCE_DATE)])
    before = downloads(first)
    assert layouts and made
    made.clear()
    layouts.clear()
    second = tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "clone", "--quiet", str(first), str(second)], check=True)
    assert downloads(second) == before
    assert not made and not layouts


def test_a_changed_template_makes_the_pdfs_again(
        tmp_path: Path, cache: Path, made: Counter[str], layouts: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = history_project(tmp_path / "project", [versioned(base_model(), "1.0.0", IN_FORCE_DATE)])
    before = downloads(project)
    assert downloads(project) == before
    made.clear()
    layouts.clear()
    template = project / "policy" / "templates" / "print.html.j2"
    author = '<meta name="author" content="{{ author }}">'
    template.write_text(template.read_text(encoding="utf-8").replace(author, author.replace("}}", "}} (print)")),
                        encoding="utf-8")
    after = downloads(project)
    pdfs = {path for path in before if path.endswith(".pdf")}
    assert made["pdf"] == len(pdfs) // 2 == len(layouts)  # each made once, and served in both folders
    assert {path for path in before if before[path] != after[path]} == pdfs
    assert after == fresh(project, monkeypatch, tmp_path)


def test_a_folder_rewritten_at_once_with_the_same_size_has_another_digest(tmp_path: Path) -> None:
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "texts.yaml").write_text("a: 1\n", encoding="utf-8")
    before = folder_digest(folder)
    (folder / "texts.yaml").write_text("a: 2\n", encoding="utf-8")
    assert folder_digest(folder) != before
    (folder / "texts.yaml").rename(folder / "other.yaml")
    assert folder_digest(folder) not in (before, folder_digest(tmp_path))


# Builds the non-PDF downloads of a model with the code found first on the module search path, and
# prints the formats it made and the outputs.
SCRIPT = """
import json, sys
from pathlib import Path
import generator.exports as exports
from generator.pipeline import read_model
from generator.policy import load_policy

made = []
original = exports.export
def counted(request, name):
    made.append(name)
    return original(request, name)
exports.export = counted
policy = load_policy(Path(sys.argv[1]))
model = read_model(Path(sys.argv[2]), policy).model
out = {download.name: download.make({}).decode("utf-8", "replace")
       for download in exports.site_downloads(policy, "en")(model) if not download.name.endswith(".pdf")}
print(json.dumps({"code": exports.__file__, "made": made, "out": out}))
"""


def test_changed_code_makes_the_downloads_again(tmp_path: Path, cache: Path) -> None:
    code = tmp_path / "code"
    shutil.copytree(PROJECT_ROOT / "generator", code / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    project = copy_project(tmp_path / "project")

    def run() -> dict[str, Any]:
        done = subprocess.run([sys.executable, "-c", SCRIPT, str(project / "policy"), str(project / MODEL)],
                              env={**os.environ, "PYTHONPATH": str(code)}, cwd=tmp_path, capture_output=True, text=True,
                              check=True, timeout=300)
        result: dict[str, Any] = json.loads(done.stdout)
        assert Path(result["code"]).is_relative_to(code)
        return result

    first = run()
    assert "ropa-csv" in first["made"]
    assert run()["made"] == []
    common = code / "generator" / "exports" / "common.py"
    text = common.read_text(encoding="utf-8")
    assert 'return ("\\ufeff" + out.getvalue())' in text
    common.write_text(text.replace('return ("\\ufeff" + out.getvalue())', 'return ("\\ufeff" + out.getvalue() + "x")'),
                      encoding="utf-8")
    edited = run()
    assert sorted(edited["made"]) == sorted(first["made"])
    assert edited["out"]["record-of-processing.csv"] == first["out"]["record-of-processing.csv"] + "x"


def aged(path: Path, content: bytes, days: float) -> Path:
    """`path` holding `content`, last used `days` ago."""
    path.write_bytes(content)
    then = time.time() - days * 24 * 3600
    os.utime(path, (then, then))
    return path


def test_a_process_that_used_the_cache_removes_its_files_unused_for_a_week_and_nothing_else(cache: Path) -> None:
    """Every change of the model, policy or code gives new keys, and CI hands the folder on from build
    to build: without pruning it would only grow. A real process, so that its end is real."""
    cache.mkdir(mode=0o700)
    used = aged(cache / f"{'a' * 64}.json", b'"used"', days=30)
    aged(cache / f"{'b' * 64}.pdf", b"unused", days=8)
    recent = aged(cache / f"{'c' * 64}.csv", b"recent", days=6)
    aged(cache / f".{'d' * 64}.pdf.4242", b"half", days=8)
    not_ours = [aged(cache / "notes.txt", b"mine", days=400), aged(cache / f"{'e' * 64}.JSON", b"mine", days=400)]
    script = ("from generator.exports.cache import kept\n"
              f"assert kept({'a' * 64!r}, 'json', lambda: b'made again') == b'\"used\"'\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ.copy())
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(path.name for path in cache.iterdir()) == sorted(
        path.name for path in (used, recent, *not_ours))
    assert time.time() - used.stat().st_mtime < 3600  # touched when used: not pruned for another week


def test_prune_names_what_it_removed(tmp_path: Path) -> None:
    old = aged(tmp_path / f"{'f' * 64}.jsonld", b"old", days=7.5)
    aged(tmp_path / f"{'0' * 64}.yml", b"new", days=1)
    assert prune(tmp_path) == [old.name]
    assert prune(tmp_path, now=time.time() + 7 * 24 * 3600) == [f"{'0' * 64}.yml"]
    assert prune(tmp_path / "missing") == []
