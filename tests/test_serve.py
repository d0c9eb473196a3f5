"""`mkdocs serve` with an invalid model: the browser shows the located problems (escaped), and the
page turns back into the statement when the file is fixed. `mkdocs build` still fails."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import edited
from sitekit import BIN, PROJECT_ROOT, copy_project, launched_chromium, mkdocs_build

pytestmark = pytest.mark.browser

# The complete fictional model, not the real one: an editor's change to the real model must not
# break this test.
MODEL = PROJECT_ROOT / "tests" / "fixtures" / "complete.yaml"
TYPO = ("      - basis: legal-obligation\n", "      - basis: legal-obligaton\n")
# A key no model has, named so that it would be markup if the error page did not escape it.
INJECTED_KEY = '"<img src=x onerror=window.__injected=1>": 1\n'
HEADING = "The privacy statement cannot be built"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as launched:
        yield launched


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def mkdocs_serve(project: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`mkdocs serve` on a free port (as `make serve PORT=...` gives it with --dev-addr); yields its URL."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
        cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/", server
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: mkdocs serve removes its temporary site
        server.wait(timeout=30)


def open_when_up(page: Any, url: str, server: subprocess.Popen[str]) -> None:
    for _ in range(240):  # the first build takes a few seconds, more on a busy machine
        assert server.poll() is None, f"mkdocs serve ended: {server.stderr.read() if server.stderr else ''}"
        try:
            page.goto(url)
            return
        except Exception:
            page.wait_for_timeout(250)
    raise AssertionError(f"mkdocs serve did not answer at {url}")


def heading(page: Any) -> str:
    """The page's first heading, without its permalink sign."""
    text: str = page.locator("h1").first.inner_text()
    return text.removesuffix("¶").strip()


def invalid_model() -> str:
    return INJECTED_KEY + edited(MODEL.read_text(encoding="utf-8"), *TYPO)


def test_an_invalid_model_is_a_page_in_the_browser_until_the_file_is_fixed(browser: Any, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", invalid_model())
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        with mkdocs_serve(project) as (url, server):
            open_when_up(page, url + "en/privacy/", server)
            assert heading(page) == HEADING
            shown = page.locator("pre").inner_text().splitlines()
            assert len(shown) == 2, shown
            located = r"data/processing\.yaml:\d+:\d+: purposes\[1\]\.legal_bases\[0\]\.basis: .*legal-obligaton.*"
            assert re.fullmatch(located, shown[1]), shown
            # The key is shown as the text it is, not made into an element.
            assert "<img src=x onerror=window.__injected=1>" in shown[0]
            assert page.locator("article img").count() == 0
            assert page.evaluate("typeof window.__injected") == "undefined"
            # The home page says the same, and so do the pages in the other language.
            for other in ("en/", "sv/", "sv/privacy/"):
                page.goto(url + other)
                assert heading(page) == HEADING, other
            page.goto(url + "en/privacy/")

            # The editor fixes the file; the live-reload script of the open page brings the statement.
            (project / "data" / "processing.yaml").write_text(MODEL.read_text(encoding="utf-8"), encoding="utf-8")
            page.wait_for_function("document.querySelector('h1') && "
                                   "document.querySelector('h1').innerText.startsWith('Privacy statement')",
                                   timeout=90_000)
            assert "Job applicants" in page.locator("article").inner_text()

            # Broken again while reading a site's page: that page shows the problems, then recovers.
            page.goto(url + "en/privacy/sites/main-site/")
            assert heading(page) != HEADING
            (project / "data" / "processing.yaml").write_text(invalid_model(), encoding="utf-8")
            page.wait_for_function(f"document.querySelector('h1').innerText.startsWith({HEADING!r})", timeout=90_000)
            assert page.url == url + "en/privacy/sites/main-site/"
            assert dialogs == []
            assert server.poll() is None
    finally:
        context.close()


def test_mkdocs_build_still_fails_on_an_invalid_model(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", invalid_model())
    built = mkdocs_build(project, tmp_path / "site")
    assert built.returncode == 1
    assert "the privacy model is not valid, nothing was built:" in built.stderr
    assert "purposes[" in built.stderr and "legal-obligaton" in built.stderr
    assert not (tmp_path / "site" / "sv" / "privacy").exists()
