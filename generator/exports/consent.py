"""`consent`: a site's consent banner, as a configuration for orestbida's vanilla-cookieconsent v3.

An ES module (`MODULE`) whose default export is the banner's configuration:
the site's consent categories (strictly necessary always on), each with its trackers as services
and the cookies to clear (`autoClear`) when consent is refused or withdrawn, and a preferences
modal with a table of each category's cookies; in every language of the policy (a model text the
language has no translation for is shown in the one it has), with `revision` made from the
statement's version, so a new version asks again. For the site's Google trackers it carries the
matching Google Consent Mode v2 signals: all denied by default, each category granting its own.

The banner shows its texts as HTML, so every text is HTML-escaped; the configuration is written as
JSON with <, > and & escaped, so nothing in the model can end the module's code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from generator.exports.common import Request, Words, json_bytes, mappings
from generator.policy import Policy
from generator.render import listed
from generator.translations import LANGUAGES
from generator.validate import SELF_PROVIDER, Model

# The module around the configuration: code, not wording; @CONFIG@ and @CONSENT_MODE@ become JSON.
MODULE = """\
// The configuration of the consent banner (orestbida's vanilla-cookieconsent v3) for one site, made
// by `privacy-statement export --format consent` from the privacy statement's model; do not edit.
//
//   import config, { consentModeDefaults } from "./consent.js";
//   consentModeDefaults();  // before Google's tags load: every Consent Mode signal denied
//   CookieConsent.run(config);
//
// Every text is HTML-escaped, as the banner shows texts as HTML. Cookies whose names vary are
// cleared by their pattern.
const config = @CONFIG@;
const consentMode = @CONSENT_MODE@;

for (const category of Object.values(config.categories)) {
  for (const cookie of (category.autoClear && category.autoClear.cookies) || []) {
    if (cookie.pattern) {
      cookie.name = new RegExp(cookie.pattern);
      delete cookie.pattern;
    }
  }
}

// Google Consent Mode v2: the signals the visitor's accepted categories grant.
function consentModeSignals(categories) {
  const signals = Object.assign({}, consentMode.default);
  for (const category of categories) {
    for (const signal of consentMode.categories[category] || []) {
      signals[signal] = "granted";
    }
  }
  return signals;
}

function consentModeDefaults() {
  if (consentMode && typeof window.gtag === "function") {
    window.gtag("consent", "default", consentMode.default);
  }
}

if (consentMode) {
  const update = ({ cookie }) => {
    if (typeof window.gtag === "function") {
      window.gtag("consent", "update", consentModeSignals(cookie.categories));
    }
  };
  config.onConsent = update;
  config.onChange = update;
}

export { consentMode, consentModeDefaults, consentModeSignals };
export default config;
"""
# A part of a version number is at most this large, so that the revision grows with the version.
_PART = 1000


def revision(version: str) -> int:
    """The banner's revision for a statement version: 1.2.3 -> 1002003 (a greater version, a greater number)."""
    parts = [int(part) for part in version.split(".")] + [0, 0]
    major, minor, patch = parts[:3]
    return (major * _PART + min(minor, _PART - 1)) * _PART + min(patch, _PART - 1)


def _escaped(text: str) -> str:
    return html.escape(text, quote=True)


def _is_google(model: Model, tracker: Mapping[str, Any], table: Mapping[str, Any]) -> bool:
    provider = tracker.get("provider")
    names: list[str] = []
    if provider and provider != SELF_PROVIDER:
        names = list(model.index["recipients"][provider]["name"].values())
    if any(re.search(rf"\b{re.escape(word)}\b", name) for word in table["google_names"] for name in names):
        return True
    domains = [str(cookie.get("domain") or "").lstrip(".") for cookie in listed(tracker.get("cookies"))]
    return any(domain == google or domain.endswith("." + google) for google in table["google_domains"]
               for domain in domains)


class Banner:
    def __init__(self, model: Model, site_id: str, policy: Policy) -> None:
        self.model = model
        self.site = model.index["sites"][site_id]
        self.trackers = [model.index["trackers"][ident] for ident in listed(self.site["trackers"])]
        tables = mappings(policy)
        self.keys: Mapping[str, str] = tables["consent"]["categories"]
        self.mode: Mapping[str, Any] = tables["consent_mode"]
        self.policy = policy

    def kinds(self) -> list[str]:
        """The site's consent categories: those it offers, else those of its trackers; strictly
        necessary always first."""
        offered = [category["kind"] for category in listed(self.site.get("consent_categories"))]
        used = [tracker["category"] for tracker in self.trackers if tracker.get("category")]
        kinds = list(dict.fromkeys(offered or used))
        order = list(self.keys)
        return sorted(dict.fromkeys(["strictly-necessary", *kinds]), key=order.index)

    def label(self, words: Words, kind: str) -> str:
        for category in listed(self.site.get("consent_categories")):
            if category["kind"] == kind:
                return words.text(category["label"])
        return str(words.texts["consent_categories"][kind])

    def description(self, words: Words, kind: str) -> str | None:
        for category in listed(self.site.get("consent_categories")):
            if category["kind"] == kind and category.get("description"):
                return words.text(category["description"])
        return None

    def rows(self, words: Words, trackers: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
        rows = []
        for tracker in trackers:
            cookies = listed(tracker.get("cookies"))
            purpose = words.text(tracker.get("purpose"))
            if not cookies:
                rows.append({"name": _escaped(f"{words.text(tracker['name'])}: {words.not_stated}"),
                             "domain": _escaped(words.not_stated),
                             "lifetime": _escaped(words.duration(tracker.get("lifetime"))),
                             "description": _escaped(purpose)})
            for cookie in cookies:
                name = cookie.get("name") or str(words.texts["cookie_pattern"]).format(pattern=cookie.get("pattern"))
                rows.append({
                    "name": _escaped(name),
                    "domain": _escaped(cookie.get("domain") or words.not_stated),
                    "lifetime": _escaped(words.duration(cookie.get("lifetime") or tracker.get("lifetime"))),
                    "description": _escaped(words.text(cookie["description"]) if cookie.get("description")
                                            else f"{words.text(tracker['name'])}: {purpose}"),
                })
        return rows

    def translation(self, words: Words) -> dict[str, Any]:
        wording = words.exports["consent"]
        columns = {key: _escaped(str(value)) for key, value in wording["columns"].items()}
        sections: list[dict[str, Any]] = [{"title": _escaped(str(wording["intro_title"])),
                                           "description": _escaped(" ".join(str(wording["intro"]).split()))}]
        for kind in self.kinds():
            trackers = [tracker for tracker in self.trackers if tracker.get("category") == kind]
            section: dict[str, Any] = {
                "title": _escaped(self.label(words, kind)),
                "description": _escaped(self.description(words, kind) or str(words.texts["consent_categories"][kind])),
                "linkedCategory": self.keys[kind],
            }
            if trackers:
                section["cookieTable"] = {"headers": columns, "body": self.rows(words, trackers)}
            sections.append(section)
        unplaced = [tracker for tracker in self.trackers if not tracker.get("category")]
        if unplaced:
            sections.append({"title": _escaped(str(wording["uncategorised"])),
                             "description": _escaped(" ".join(str(wording["uncategorised_description"]).split())),
                             "cookieTable": {"headers": columns, "body": self.rows(words, unplaced)}})
        return {
            "consentModal": {
                "title": _escaped(str(wording["title"]).format(site=words.text(self.site["name"]))),
                "description": _escaped(" ".join(str(wording["description"]).split())),
                "acceptAllBtn": _escaped(str(wording["accept_all"])),
                "acceptNecessaryBtn": _escaped(str(wording["reject_all"])),
                "showPreferencesBtn": _escaped(str(wording["preferences"])),
            },
            "preferencesModal": {
                "title": _escaped(str(wording["preferences_title"])),
                "acceptAllBtn": _escaped(str(wording["accept_all"])),
                "acceptNecessaryBtn": _escaped(str(wording["reject_all"])),
                "savePreferencesBtn": _escaped(str(wording["save"])),
                "closeIconLabel": _escaped(str(wording["close"])),
                "sections": sections,
            },
        }

    def categories(self, words: Words) -> dict[str, Any]:
        categories: dict[str, Any] = {}
        for kind in self.kinds():
            trackers = [tracker for tracker in self.trackers if tracker.get("category") == kind]
            category: dict[str, Any] = {}
            if kind == "strictly-necessary":
                category.update(enabled=True, readOnly=True)
            if trackers:
                category["services"] = {tracker["id"]: {"label": _escaped(words.text(tracker["name"]))}
                                        for tracker in trackers}
            cookies = [self.clear(cookie) for tracker in trackers for cookie in listed(tracker.get("cookies"))
                       if cookie["kind"] == "cookie"]
            if cookies and kind != "strictly-necessary":
                category["autoClear"] = {"cookies": cookies}
            categories[self.keys[kind]] = category
        return categories

    @staticmethod
    def clear(cookie: Mapping[str, Any]) -> dict[str, str]:
        found = {"name": cookie["name"]} if cookie.get("name") else {"pattern": cookie["pattern"]}
        if cookie.get("path"):
            found["path"] = cookie["path"]
        if cookie.get("domain"):
            found["domain"] = cookie["domain"]
        return found

    def consent_mode(self) -> dict[str, Any] | None:
        google = [tracker for tracker in self.trackers if _is_google(self.model, tracker, self.mode)]
        if not google:
            return None
        granted = self.mode["granted_by"]
        kinds = self.kinds()
        return {
            "default": {signal: "granted" if signal in granted["strictly-necessary"] else "denied"
                        for signal in self.mode["signals"]},
            "categories": {self.keys[kind]: list(granted[kind]) for kind in kinds if kind != "strictly-necessary"},
            "trackers": [tracker["id"] for tracker in google],
        }

    def config(self, language: str) -> dict[str, Any]:
        translations = {code: self.translation(Words(self.policy, code)) for code in LANGUAGES}
        return {
            "revision": revision(self.model.data["version"]),
            "categories": self.categories(Words(self.policy, language)),
            "language": {"default": language, "autoDetect": "document", "translations": translations},
        }


def consent_module(model: Model, site_id: str, policy: Policy, language: str) -> bytes:
    banner = Banner(model, site_id, policy)
    config = json_bytes(banner.config(language)).decode("utf-8").rstrip("\n")
    consent_mode = json_bytes(banner.consent_mode()).decode("utf-8").rstrip("\n")
    return MODULE.replace("@CONSENT_MODE@", consent_mode).replace("@CONFIG@", config).encode("utf-8")


def export_consent(request: Request) -> bytes:
    assert request.site is not None, "consent is made per site"
    return consent_module(request.model, request.site, request.policy, request.language)


__all__ = ["consent_module", "export_consent", "revision"]
