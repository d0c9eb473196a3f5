"""`cookies-csv`: a site's cookies and storage keys in the Open Cookie Database's columns.

One row per cookie, storage key or pixel of each tracker the site uses (ID, Platform, Category,
Cookie / Data Key name, Domain, Description, Retention period, Data Controller, User Privacy & GDPR
Rights Portals, Wildcard match). A tracker whose cookies the model leaves as a gap still has a row,
its name "not stated"; a site the model says uses no trackers (`none`) has none; a site whose
trackers the model does not list has one row that says so.

The ID is a UUID made from the site's, the tracker's and the cookie's ids (UUID version 5), so it
stays the same from build to build. A cookie given by a pattern is written as the database writes
one: the fixed start of its name, with Wildcard match 1 (the pattern's regular expression is
kept in the description).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from generator.exports.common import Request, Words, csv_bytes
from generator.render import listed
from generator.validate import SELF_PROVIDER, Model

# The characters that end the fixed start of a regular expression.
_SPECIAL = re.compile(r"[.\[\](){}*+?|\\$]")
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "privacy-statement:cookies")


def name_prefix(pattern: str) -> str:
    """The fixed start of a cookie-name pattern: `^_ga_.+$` -> `_ga_`; the pattern itself when it has none."""
    body = pattern.removeprefix("^")
    found = _SPECIAL.search(body)
    prefix = body[:found.start()] if found else body
    return prefix or pattern


def cookie_id(site: str, tracker: str, cookie: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"{site}/{tracker}/{cookie}"))


def _provider(words: Words, model: Model, tracker: Mapping[str, Any]) -> str:
    provider = tracker.get("provider")
    if provider is None:
        return words.not_stated
    if provider == SELF_PROVIDER:
        return str(model.data["controller"]["legal_name"])
    return words.text(model.index["recipients"][provider]["name"])


def _rows(words: Words, model: Model, site_id: str, tracker: Mapping[str, Any]) -> list[list[str]]:
    database = words.exports["cookies"]
    category = database["categories"][tracker["category"]] if tracker.get("category") else words.not_stated
    portal = tracker.get("opt_out_url") or tracker.get("further_reading") or words.not_stated
    common = [words.text(tracker["name"]), category]
    provider = _provider(words, model, tracker)
    cookies = listed(tracker.get("cookies"))
    if not cookies:
        return [[cookie_id(site_id, tracker["id"], ""), *common, words.not_stated, words.not_stated,
                 words.text(tracker.get("purpose")), words.duration(tracker.get("lifetime")), provider, portal, "0"]]
    rows = []
    for cookie in cookies:
        text = words.text(cookie.get("description") or tracker.get("purpose"))
        if cookie.get("name"):
            name, wildcard, description = cookie["name"], "0", text
        else:
            name, wildcard = name_prefix(cookie["pattern"]), "1"
            description = f"{text} ({str(words.texts['cookie_pattern']).format(pattern=cookie['pattern'])})"
        rows.append([
            cookie_id(site_id, tracker["id"], cookie.get("name") or cookie["pattern"]),
            *common,
            name,
            cookie.get("domain") or words.not_stated,
            description,
            words.duration(cookie.get("lifetime") or tracker.get("lifetime")),
            provider,
            portal,
            wildcard,
        ])
    return rows


def cookie_list(model: Model, words: Words, site_id: str) -> bytes:
    """The cookies of the site `site_id` as CSV in the Open Cookie Database's columns."""
    columns = words.exports["cookies"]["columns"]
    site = model.index["sites"][site_id]
    header = [str(columns[name]) for name in (
        "id", "platform", "category", "name", "domain", "description", "retention", "controller", "portal",
        "wildcard")]
    if site["trackers"] == "none":
        return csv_bytes(header, [])
    trackers = [model.index["trackers"][ident] for ident in listed(site["trackers"])]
    if not trackers:
        return csv_bytes(header, [[words.not_stated] * len(header)])
    return csv_bytes(header, [row for tracker in trackers for row in _rows(words, model, site_id, tracker)])


def export_cookie_list(request: Request) -> bytes:
    assert request.site is not None, "cookies-csv is made per site"
    return cookie_list(request.model, Words(request.policy, request.language), request.site)


__all__ = ["cookie_id", "cookie_list", "export_cookie_list", "name_prefix"]
