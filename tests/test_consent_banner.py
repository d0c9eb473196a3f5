"""The `consent` export in the real consent banner: orestbida's vanilla-cookieconsent 3.1.0 (its built
files from the npm package, vendored in tests/vendor/vanilla-cookieconsent/ with their licence),
served from this machine to headless Chromium with the generated configuration on a test page.

The page is served as www.nordexempel.example (Chromium maps that name to 127.0.0.1), so the cookies
the fictional group's trackers set on .nordexempel.example can be set, and cleared, as on the real
site. Nothing is fetched from another host.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import GROUP, model_at
from injection import PAYLOAD, injection_model_text
from sitekit import launched_chromium, serve
from test_exports import made

from generator.exports.consent import revision

pytestmark = pytest.mark.browser

VENDOR = Path(__file__).resolve().parent / "vendor" / "vanilla-cookieconsent"
HOST = "www.nordexempel.example"
PAGE = """<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>Consent test</title>
<link rel="stylesheet" href="cookieconsent.css">
<script>
window.gtagCalls = [];
window.gtag = function () {{ window.gtagCalls.push(Array.from(arguments)); }};
// What the site's trackers would have set before the visitor chose.
for (const name of ["_stats_id", "_stats_s_3fa9", "nx_keep"]) {{
  document.cookie = name + "=1; path=/; domain=.nordexempel.example";
}}
</script>
<script src="cookieconsent.umd.js"></script>
<script type="module">
import config, {{ consentModeDefaults }} from "./consent.js";
consentModeDefaults();
// The banner hides itself from automated browsers (navigator.webdriver) unless told not to.
CookieConsent.run(Object.assign(config, {{ hideFromBots: false }}));
window.configLoaded = true;
</script>
<link rel="icon" href="data:,">
</head>
<body><main><h1>A page of the site</h1></main></body>
</html>
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium(f"--host-resolver-rules=MAP {HOST} 127.0.0.1") as launched:
        yield launched


def banner_site(folder: Path, consent: bytes, language: str = "en") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("cookieconsent.umd.js", "cookieconsent.css"):
        shutil.copy2(VENDOR / name, folder / name)
    (folder / "consent.js").write_bytes(consent)
    (folder / "index.html").write_text(PAGE.format(language=language), encoding="utf-8")
    return folder


class Visit:
    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(url)
        self.page.wait_for_function("window.configLoaded === true")
        self.page.wait_for_selector("#cc-main .cm", state="visible")

    def cookies(self) -> set[str]:
        return {part.split("=", 1)[0].strip() for part in self.page.evaluate("document.cookie").split(";") if part}

    def close(self) -> None:
        self.context.close()


def served(tmp_path: Path, consent: bytes, language: str = "en") -> Any:
    return serve(banner_site(tmp_path / "site", consent, language))


def local(url: str) -> str:
    return url.replace("127.0.0.1", HOST)


def test_the_banner_appears_and_reject_all_leaves_only_strictly_necessary_cookies(browser: Any,
                                                                                 tmp_path: Path) -> None:
    consent = made(model_at(GROUP), "consent", site="main-site")
    with served(tmp_path, consent) as url:
        visit = Visit(browser, local(url))
        page = visit.page
        assert page.locator("#cc-main .cm__title").inner_text() == "Cookies on Our website"
        assert {"_stats_id", "_stats_s_3fa9", "nx_keep"} <= visit.cookies()
        page.locator("#cc-main .cm [data-role='necessary']").click()
        page.wait_for_selector("#cc-main .cm", state="hidden")
        left = visit.cookies()
        # The statistics cookies, by name and by pattern, are gone; a cookie of no category stays.
        assert "_stats_id" not in left and "_stats_s_3fa9" not in left
        assert "nx_keep" in left
        assert page.evaluate("CookieConsent.getUserPreferences().acceptedCategories") == ["necessary"]
        assert all(not request.startswith(("https://", "http://")) or HOST in request for request in visit.requests)
        assert visit.errors == []
        visit.close()


def test_the_preferences_modal_lists_each_tracker_of_the_site(browser: Any, tmp_path: Path) -> None:
    model = model_at(GROUP)
    consent = made(model, "consent", site="main-site")
    with served(tmp_path, consent) as url:
        visit = Visit(browser, local(url))
        page = visit.page
        page.locator("#cc-main .cm [data-role='show']").click()
        page.wait_for_selector("#cc-main .pm", state="visible")
        modal = page.locator("#cc-main .pm")
        text = modal.evaluate("element => element.textContent")
        for tracker_id in model.index["sites"]["main-site"]["trackers"]:
            assert model.index["trackers"][tracker_id]["name"]["en"] in text, tracker_id
        for cookie in ("nx_language", "_stats_id", "li_sugr"):
            assert cookie in text, cookie
        for label in ("Necessary", "Preferences", "Statistics", "Marketing"):
            assert label in text
        visit.close()


def test_the_banner_speaks_the_pages_language(browser: Any, tmp_path: Path) -> None:
    consent = made(model_at(GROUP), "consent", site="main-site")
    with served(tmp_path, consent, language="sv") as url:
        visit = Visit(browser, local(url))
        assert visit.page.locator("#cc-main .cm [data-role='necessary']").inner_text() == "Avvisa alla"
        visit.close()


def test_consent_mode_signals_for_google_trackers(browser: Any, tmp_path: Path) -> None:
    """A Google tracker on the site: Consent Mode starts all denied, and accepting a category grants
    its own signals only."""
    text = GROUP.read_text(encoding="utf-8").replace("    name: {en: Example Analytics Inc.}",
                                                     "    name: {en: Google Ireland Limited}")
    path = tmp_path / "google.yaml"
    path.write_text(text, encoding="utf-8")
    consent = made(model_at(path), "consent", site="main-site")
    with served(tmp_path, consent) as url:
        visit = Visit(browser, local(url))
        page = visit.page
        calls = page.evaluate("window.gtagCalls")
        assert calls[0][:2] == ["consent", "default"]
        assert set(calls[0][2].values()) == {"denied", "granted"}
        assert calls[0][2]["analytics_storage"] == "denied" and calls[0][2]["security_storage"] == "granted"
        page.evaluate("CookieConsent.acceptCategory(['analytics'])")
        update = page.evaluate("window.gtagCalls")[-1]
        assert update[:2] == ["consent", "update"]
        assert update[2]["analytics_storage"] == "granted"
        assert update[2]["ad_storage"] == "denied"
        visit.close()
    no_google = made(model_at(GROUP), "consent", site="main-site").decode("utf-8")
    assert "const consentMode = null;" in no_google


def test_a_new_statement_version_asks_again() -> None:
    assert revision("1.0.0") < revision("1.0.1") < revision("1.1.0") < revision("2.0.0")
    assert revision("3.0") == revision("3.0.0") == 3_000_000
    consent = made(model_at(GROUP), "consent", site="main-site").decode("utf-8")
    assert '"revision": 3000000' in consent


def test_injected_markup_stays_text_in_the_banner(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(injection_model_text(), encoding="utf-8")
    consent = made(model_at(path), "consent", site="main-site")
    assert b"<" not in consent
    with served(tmp_path, consent) as url:
        visit = Visit(browser, local(url))
        page = visit.page
        assert PAYLOAD.split(" ")[0] in page.locator("#cc-main .cm__title").inner_text()
        page.locator("#cc-main .cm [data-role='show']").click()
        page.wait_for_selector("#cc-main .pm", state="visible")
        assert page.evaluate("window.__injected") is None
        assert page.locator("#cc-main script, #cc-main img, #cc-main a[href^='javascript']").count() == 0
        assert not re.search(r"javascript:", " ".join(visit.requests))
        visit.close()
