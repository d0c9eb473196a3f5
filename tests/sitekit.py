"""Shared parts of the site tests: a copy of the project to build in, the real MkDocs, a local
static server and a headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LIVE_MODEL = PROJECT_ROOT / "data" / "processing.yaml"
# The real model, frozen for the tests (see conftest.py): what a project copy holds.
REAL_MODEL = PROJECT_ROOT / "tests" / "fixtures" / "model-1.0.0.yaml"
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
    # Debian's chromium wrapper fails to detect a small /dev/shm here; say it outright.
    "--disable-dev-shm-usage",
]


def copy_project(target: Path, model_text: str | None = None) -> Path:
    """The site's sources (mkdocs.yml, docs/, policy/, data/) in `target`, optionally with another model."""
    target.mkdir(parents=True, exist_ok=True)
    for config in sorted(PROJECT_ROOT.glob("mkdocs*.yml")):
        shutil.copy2(config, target / config.name)
    shutil.copytree(PROJECT_ROOT / "docs", target / "docs")
    shutil.copytree(PROJECT_ROOT / "policy", target / "policy")
    (target / "data").mkdir()
    (target / "data" / "processing.yaml").write_text(
        model_text if model_text is not None else REAL_MODEL.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def mkdocs_build(
    project: Path, site_dir: Path, *extra: str, epoch: str = "1764000000"
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site_dir), *extra],
        cwd=project, env=environment, capture_output=True, text=True, timeout=300,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def require_chromium() -> Path:
    """Debian's Chromium; a missing browser skips locally but fails under CI."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing under CI: .ci/run should have installed Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


@contextmanager
def launched_chromium(*extra_args: str) -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (skips or fails as `require_chromium`)."""
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=[*CHROMIUM_ARGS, *extra_args],
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical accessibility violations on the page, each with where it is."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
