"""What the export formats share: a language's wording for plain-text outputs, and writing tables.

The exports are plain text or data, not Markdown: a model value goes into them as it is (no Markdown
escape), and each format escapes for its own syntax (JSON's string escapes, CSV's quoting). The
wording around the values (column names, "not stated") comes from `exports` in the policy's
texts, never from Python strings.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from generator.load import load_file
from generator.policy import Policy
from generator.render import Renderer, listed, renderer_for
from generator.validate import Model

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP: CSV injection); such
# a cell is written with a leading apostrophe, which spreadsheets show as text and do not keep.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Request:
    """What one export is made from."""

    model: Model
    policy: Policy
    language: str
    site: str | None = None  # the site, for the formats made per site
    service: str | None = None  # the service, for the formats that can be made per service
    # The section's rendered pages in this language, by path within the section ("index.md",
    # "services/ID.md"), where they are at hand; the formats that need them render them otherwise.
    pages: Mapping[str, str] = field(default_factory=dict)


MAPPINGS_FILE = "exports.yaml"


def mappings(policy: Policy) -> dict[str, Any]:
    """policy/exports.yaml: how the model's closed lists map onto the other vocabularies (read once
    per policy)."""

    def read() -> dict[str, Any]:
        data: dict[str, Any] = load_file(policy.folder / MAPPINGS_FILE).data
        return data

    return policy.derived(("exports", MAPPINGS_FILE), read)


class Words:
    """One language's wording for the exports, with the renderer's dates, durations and countries."""

    def __init__(self, policy: Policy, language: str) -> None:
        self.language = language
        self.renderer: Renderer = renderer_for(policy, language)
        self.texts: Mapping[str, Any] = self.renderer.texts
        self.exports: Mapping[str, Any] = self.texts["exports"]
        self.eea = policy.eea

    @property
    def not_stated(self) -> str:
        return str(self.exports["not_stated"])

    def text(self, value: object) -> str:
        """A model text (a mapping of languages) in this language, or the first language it has;
        "not stated" for a gap."""
        return self.not_stated if value is None else self.renderer.translate(cast(Mapping[str, str], value))

    def join(self, items: Iterable[str], separator: str | None = None) -> str:
        """Items of one cell (or of a part of one, with `separator`); "not stated" when there are none."""
        found = [item for item in items if item]
        return (separator or str(self.exports["separator"])).join(found) if found else self.not_stated

    def names(self, ids: object, entries: Mapping[str, Mapping[str, Any]]) -> str:
        """The names of the entries a list of ids names; "none" for `none`, "not stated" for no list."""
        if ids == "none":
            return str(self.exports["none"])
        return self.join(self.text(entries[ident]["name"]) for ident in listed(ids))

    def duration(self, value: str | None) -> str:
        return self.not_stated if value is None else self.renderer.duration(value)

    def place(self, code: str) -> str:
        return self.renderer.country(code)

    def places(self, codes: object) -> str:
        return self.join((self.place(code) for code in listed(codes)), ", ")

    def safeguards(self, entries: object) -> str:
        """A transfer's safeguards in the order they apply, as the statement words them."""
        found = listed(entries)
        if not found:
            return self.not_stated
        texts = self.texts

        def one(entry: Mapping[str, Any]) -> str:
            mechanism = texts["transfer_mechanisms"][entry["kind"]]
            if entry.get("derogation"):
                return str(texts["safeguard_with_derogation"]).format(
                    mechanism=mechanism, derogation=texts["derogations"][entry["derogation"]])
            return str(mechanism)

        text = one(found[-1])
        for entry in reversed(found[:-1]):
            text = str(texts["safeguard_otherwise"]).format(first=one(entry), next=text)
        return text

    def controller_contact(self, model: Model) -> str:
        """The controller's name and contact details in one cell."""
        controller = model.data["controller"]
        parts = [controller["legal_name"]]
        if number := controller.get("organisation_number"):
            parts.append(number)
        address = controller.get("postal_address") or controller.get("head_office")
        if address:
            parts.append(self.text(address))
        if email := controller.get("email"):
            parts.append(email)
        return ", ".join(parts)

    def dpo(self, model: Model) -> str:
        dpo = model.data["controller"].get("dpo") or {}
        words = self.exports["ropa"]
        if dpo.get("appointed") is False:
            return str(words["dpo_not_appointed"])
        if dpo.get("appointed") and dpo.get("email"):
            return str(words["dpo_appointed"]).format(email=dpo["email"])
        return self.not_stated


def spreadsheet_cell(value: str) -> str:
    """A cell a spreadsheet shows as the text it is, never as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A CSV file (RFC 4180: comma, CRLF, quotes where needed) in UTF-8 with a byte order mark, so that
    spreadsheets read its letters right. No cell is blank: the callers write "not stated"."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def json_bytes(value: object) -> bytes:
    """JSON, indented, keys in the order given, with <, > and & written as \\u escapes so that no
    markup is found in the file even by a reader that takes it for HTML; the same value has the
    same bytes."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n").encode("utf-8")


__all__ = ["MAPPINGS_FILE", "Request", "Words", "csv_bytes", "json_bytes", "mappings", "spreadsheet_cell"]
