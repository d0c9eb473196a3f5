"""The site builds, each against a peer in the same run (see bench/measure.py):

- the project's `mkdocs build --strict` of one language (Swedish) against a plain MkDocs + Material
  build of the same Markdown (what `privacy-statement build --out --language sv` writes, beside the
  hand-written docs/sv/), for the real model and for generated models of 10, 100 and 300 sites and
  services (goal: at most 1.10x), with the peak memory of both builds of the largest;
- the whole site in two languages against the Swedish site alone, for the real model (goal: within
  2.2 times);
- the whole site with its downloads (every export of every version, PDF included) against the same
  site without them, for the real model (issue 12's goal: at most 1.30x; with the downloads kept from
  the build before, and after a pull request changed the model, so that the current version's are
  made again; and, shown only, all of them made afresh), and `privacy-statement export` of each
  format of the real model as a whole process (goal: under 1 s of CPU).

The builds compared with a peer leave the downloads out (the plugin's `downloads: false`): the
exports are measured on their own.

By the median CPU-time ratio of alternating pairs, each build a whole new process. A script, not a
test.

    .venv/bin/python bench/bench_site.py [--pairs N] [--sizes 10,100,300] [--json]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import load_config

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_model import write as write_model
from measure import Row, cpu_row, limit_row, memory_row, pairs, report, series

from generator.exports.cache import CACHE_ENV

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOAL = 1.10  # our build against the plain one of the same Markdown
LANGUAGES_GOAL = 2.2  # the two-language site against one language
PLUGIN = "privacy-statement"
LANGUAGE = "sv"
EXPORTS_GOAL = 1.30  # the whole site with its downloads against the site without them
EXPORT_GOAL = 1.0  # seconds of CPU: `privacy-statement export` of one format, as a whole process
# The formats of `privacy-statement export`, and what each needs besides --format.
EXPORTS = {"json": [], "json-schema": [], "ropa-csv": [], "ropa-processor-csv": [], "dpv": [], "fides": [],
           "cookies-csv": ["--site", "i-centrum-sites"], "consent": ["--site", "i-centrum-sites"], "pdf": []}


def environment() -> dict[str, str]:
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True).stdout
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": epoch.strip() or "1764000000"}


def project_copy(target: Path, model: Path) -> Path:
    """The site's sources with another model, outside git (so the history is this one version)."""
    target.mkdir(parents=True)
    for config in ROOT.glob("mkdocs*.yml"):
        shutil.copy2(config, target / config.name)
    shutil.copytree(ROOT / "docs", target / "docs")
    shutil.copytree(ROOT / "policy", target / "policy")
    (target / "data").mkdir()
    shutil.copy2(model, target / "data" / "processing.yaml")
    return target


def one_language_config(project: Path, folder: Path) -> tuple[Path, dict[str, Any]]:
    """The project's mkdocs.yml without its other languages (the Swedish site alone, as one build of
    it makes it), with every path made absolute so that it builds from `folder`."""
    config: dict[str, Any] = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(project / config.get("docs_dir", "docs"))
    config["theme"]["custom_dir"] = str(project / config["theme"]["custom_dir"])
    plugin = config["plugins"][PLUGIN]
    plugin["model"] = str(project / plugin["model"])
    plugin["policy"] = str(project / (plugin.get("policy") or "policy"))
    plugin.pop("languages", None)
    plugin["downloads"] = False
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mkdocs.one-language.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path, config


def without_downloads(project: Path, folder: Path) -> Path:
    """The project's mkdocs.yml and mkdocs.en.yml with the plugin's `downloads: false` (the whole site
    in both languages, without the exports), their paths made absolute; returns the Swedish one."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        config: dict[str, Any] = yaml.safe_load((project / name).read_text(encoding="utf-8"))
        if "docs_dir" in config:
            config["docs_dir"] = str(project / config["docs_dir"])
        if "custom_dir" in config.get("theme", {}):
            config["theme"]["custom_dir"] = str(project / config["theme"]["custom_dir"])
        plugin = config["plugins"][PLUGIN]
        plugin["downloads"] = False
        if "model" in plugin:
            plugin["model"] = str(project / plugin["model"])
            plugin["policy"] = str(project / (plugin.get("policy") or "policy"))
        (folder / name).write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return folder / "mkdocs.yml"


def plugin_navigation(config: Path, project: Path) -> list[Any]:
    """The nav the plugin gives the site of `config` (it sets it before the build, see its
    on_pre_build), so that the plain build shows the same navigation on every page: with many sites
    and services the nav is most of each page, and MkDocs' own nav of the same folders is smaller."""
    here = Path.cwd()
    os.chdir(project)  # the plugin finds the model's git history from the working folder
    try:
        loaded = load_config(str(config))
        loaded.plugins.on_startup(command="build", dirty=False)
        loaded = loaded.plugins.on_config(loaded)
        loaded.plugins.on_pre_build(config=loaded)
        return list(loaded.nav or [])
    finally:
        os.chdir(here)


def plain_config(project: Path, one_language: dict[str, Any], folder: Path, env: dict[str, str],
                 nav: list[Any]) -> Path:
    """A plain MkDocs + Material site of the same pages: the Markdown `build --out` writes for the
    project, its hand-written docs, and the same configuration and nav without the privacy-statement
    plugin."""
    pages = folder / "pages"
    subprocess.run([str(BIN / "privacy-statement"), "build", "--language", LANGUAGE, "--out", str(pages)],
                   cwd=project, env=env, check=True, capture_output=True)
    docs = folder / "docs"
    shutil.copytree(one_language["docs_dir"], docs)
    shutil.copytree(pages, docs, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".privacy-statement-build"))
    # The pages the plugin keeps out of the nav (each archived version's own pages) are left out
    # here too, which plain MkDocs then reports only as information, as the plugin's not_in_nav does.
    validation = one_language.get("validation") or {}
    config = {**one_language, "docs_dir": str(docs), "nav": nav,
              "validation": {**validation, "nav": {**(validation.get("nav") or {}), "omitted_files": "info"}},
              "plugins": {name: options for name, options in one_language["plugins"].items() if name != PLUGIN}}
    path = folder / "mkdocs.plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def build(config: Path, site: Path) -> list[str]:
    return [str(BIN / "mkdocs"), "build", "--strict", "-f", str(config), "--site-dir", str(site)]


def measure(name: str, project: Path, work: Path, count: int, env: dict[str, str], *, memory: bool,
            languages: bool) -> list[Row]:
    one, one_language = one_language_config(project, work / "one-language")
    plain = plain_config(project, one_language, work / "plain", env, plugin_navigation(one, project))
    ours = build(one, work / "site-ours")
    a_runs, b_runs = pairs(ours, build(plain, work / "site-plain"), count, ours_cwd=project, peer_cwd=work, env=env)
    rows = [cpu_row(f"mkdocs build --strict ({LANGUAGE}), {name}, vs plain MkDocs + Material", a_runs, b_runs, GOAL,
                    f"at most {GOAL:.2f}x")]
    if memory:
        rows.append(memory_row(f"peak memory of the build, {name}, vs plain MkDocs + Material", a_runs, b_runs,
                               GOAL, f"at most {GOAL:.2f}x"))
    if languages:
        both = build(without_downloads(project, work / "both"), work / "site-both")
        a_runs, b_runs = pairs(both, ours, count, ours_cwd=project, peer_cwd=project, env=env)
        rows.append(cpu_row(f"the whole site in two languages, {name}, vs the Swedish site alone", a_runs, b_runs,
                            LANGUAGES_GOAL, f"at most {LANGUAGES_GOAL:.1f}x"))
        published = build(project / "mkdocs.yml", work / "site-published")
        a_runs, b_runs = pairs(published, both, count, ours_cwd=project, peer_cwd=project, env=env)
        rows.append(cpu_row(f"the whole site with its downloads (every export, PDF included), {name}, vs without",
                            a_runs, b_runs, EXPORTS_GOAL, f"at most {EXPORTS_GOAL:.2f}x"))
        rows.append(changed_model(name, project, work / "changed", count, env))
        # The same with no download kept from an earlier build (a fresh clone, or a changed policy or
        # code): every export made and every PDF laid out. Shown, not judged: CI keeps the downloads
        # between runs.
        cold = ["bash", "-c", f'rm -rf "${CACHE_ENV}" && exec "$0" "$@"', *published]
        a_runs, b_runs = pairs(cold, both, count, ours_cwd=project, peer_cwd=project, env=env)
        row = cpu_row(f"the same, every download made afresh (none kept from an earlier build), {name}, vs without",
                      a_runs, b_runs, EXPORTS_GOAL, "none (shown only)")
        rows.append(replace(row, met=None))
    return rows


def changed_model(name: str, project: Path, work: Path, count: int, env: dict[str, str]) -> Row:
    """The build of a pull request that changes the model, as CI runs it: the downloads of every
    earlier version kept (restored from main's build), those of the current version made again and
    its PDFs laid out again. The change is the controller's name, which every PDF shows (a pull
    request also raises the version, which every PDF shows too). In a clone of the project, with the
    model as it is in `project`, so that neither its working tree nor the run's own cache is touched."""
    clone = work / "project"
    subprocess.run(["git", "clone", "--quiet", str(project), str(clone)], check=True)
    model = clone / "data" / "processing.yaml"
    shutil.copy2(project / "data" / "processing.yaml", model)
    text = model.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    name_line = f"legal_name: {data['controller']['legal_name']}"
    if name_line not in text:
        raise SystemExit(f"bench: the model's controller name is not written as `{name_line}`")
    kept_before = work / "kept-before"
    # The build before the pull request: the controller's name as main had it (here, another).
    model.write_text(text.replace(name_line, name_line + " (main)", 1), encoding="utf-8")
    subprocess.run(build(clone / "mkdocs.yml", work / "site-before"), cwd=clone,
                   env={**env, CACHE_ENV: str(kept_before)}, check=True, capture_output=True)
    model.write_text(text, encoding="utf-8")
    changed_env = {**env, CACHE_ENV: str(work / "downloads")}
    published = build(clone / "mkdocs.yml", work / "site-changed")
    restored = ["bash", "-c", f'rm -rf "${CACHE_ENV}" && cp -a "{kept_before}" "${CACHE_ENV}" && exec "$0" "$@"',
                *published]
    both = build(without_downloads(clone, work / "both"), work / "site-both")
    a_runs, b_runs = pairs(restored, both, count, ours_cwd=clone, peer_cwd=clone, env=changed_env)
    wall = statistics.median(a.wall / b.wall for a, b in zip(a_runs, b_runs, strict=True))
    return cpu_row(f"the same, after a pull request changed the model (the current version's downloads and PDFs "
                   f"made again, the earlier versions' kept; wall-time ratio {wall:.2f}x), {name}, vs without",
                   a_runs, b_runs, EXPORTS_GOAL, f"at most {EXPORTS_GOAL:.2f}x")


def exports(count: int) -> list[Row]:
    """Each format of `privacy-statement export` of the real model, a whole process each time."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-export-") as out:
        for fmt, options in EXPORTS.items():
            command = [str(BIN / "privacy-statement"), "export", "--format", fmt, *options, "--out",
                       str(Path(out) / "file")]
            rows.append(limit_row(f"privacy-statement export --format {fmt}, the real model", series(command, count,
                                  cwd=ROOT), EXPORT_GOAL, f"under {EXPORT_GOAL:.0f} s CPU"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--sizes", default="10,100,300", help="sites and services of the generated models")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON, for bench/run.py")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",") if size]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as scratch:
        # The downloads the builds keep, in a folder of this run's own (see generator/exports/cache.py).
        env = {**environment(), CACHE_ENV: str(Path(scratch) / "downloads")}
        # The real model where it is, with its git history, as `make site` builds it.
        rows += measure("the real model", ROOT, Path(scratch) / "real", arguments.pairs, env, memory=not sizes,
                        languages=True)
        rows += exports(arguments.pairs)
        for size in sizes:
            work = Path(scratch) / f"generated-{size}"
            model = write_model(size, work / "model.yaml")
            project = project_copy(work / "project", model)
            rows += measure(f"{size} sites and services", project, work, arguments.pairs, env,
                            memory=size == max(sizes), languages=False)
    report(rows, arguments.json)


if __name__ == "__main__":
    main()
