"""The stage after check: the model's other outputs, each a pure function from a valid model (and the
policy's wording) to bytes. One module per format; this one names them and says what each needs.

A format's module is imported only when it is used, so `export --format json` never loads the PDF
engine. Every output is deterministic: the same model and policy give the same bytes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from generator.exports.cache import digest, folder_digest, kept, key
from generator.exports.common import Request
from generator.policy import Policy
from generator.render import Download, Downloads
from generator.validate import Model


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # the module under generator/exports/ whose `function` makes it
    function: str
    extension: str
    help: str
    per_site: bool = False  # made for one site (--site ID)
    per_service: bool = False  # made for one service where one is named (--service ID)
    by_language: bool = True  # whether the output depends on the language
    reads_pages: bool = False  # made from the section's rendered pages (Request.pages)

    def make(self) -> Callable[[Request], bytes]:
        maker: Callable[[Request], bytes] = getattr(importlib.import_module(self.module), self.function)
        return maker


FORMATS: dict[str, Format] = {
    fmt.name: fmt for fmt in (
        Format("json", "generator.exports.normalised", "export_json", "json",
               "the whole model, normalised: every field present, references resolved", by_language=False),
        Format("json-schema", "generator.exports.normalised", "export_json_schema", "json",
               "the JSON Schema of the json format", by_language=False),
        Format("ropa-csv", "generator.exports.records", "export_controller_record", "csv",
               "the record of processing activities (GDPR Art. 30(1)), one row per purpose"),
        Format("ropa-processor-csv", "generator.exports.records", "export_processor_record", "csv",
               "the processor's record (GDPR Art. 30(2)), one row per service"),
        Format("cookies-csv", "generator.exports.cookies", "export_cookie_list", "csv",
               "a site's cookies in the Open Cookie Database's columns", per_site=True),
        Format("dpv", "generator.exports.dpv", "export_dpv", "jsonld",
               "the record of processing as JSON-LD in the W3C Data Privacy Vocabulary 2.3", by_language=False),
        Format("consent", "generator.exports.consent", "export_consent", "js",
               "a site's consent banner: a configuration for vanilla-cookieconsent v3, with Google Consent Mode v2 "
               "signals", per_site=True),
        Format("pdf", "generator.exports.pdf", "export_pdf", "pdf",
               "the statement as a PDF document (A4), or with --service ID that service's processor appendix",
               per_service=True, reads_pages=True),
        Format("fides", "generator.exports.fides", "export_fides", "yml",
               "a Fides system manifest (fideslang 3), written as JSON"),
    )
}


def export(request: Request, name: str) -> bytes:
    """The bytes of format `name` for `request`."""
    return FORMATS[name].make()(request)


# What each section of the published site offers, by format: the file's name (with {id} for the
# site or service it is made for).
DOWNLOADS = (
    ("pdf", "privacy-statement.pdf"),
    ("ropa-csv", "record-of-processing.csv"),
    ("ropa-processor-csv", "processor-record.csv"),
    ("json", "privacy-statement.json"),
    ("json-schema", "privacy-statement.schema.json"),
    ("dpv", "privacy-statement.jsonld"),
    ("fides", "fides.yml"),
    ("cookies-csv", "cookies-{id}.csv"),
    ("consent", "consent-{id}.js"),
)
APPENDIX_DOWNLOAD = "appendix-{id}.pdf"


def site_downloads(policy: Policy, language: str) -> Downloads:
    """The downloads of a section of the site in `language`, for render_site: every format, for the
    statement, each site and each service (the processor's record only where there are services).

    Each is kept on disk (generator.exports.cache) by a digest of what it is made from: the model's
    data, the section's pages for the formats that read them (the others are not given them), the
    language, the site or service, the policy folder's files, the code and the installed packages;
    not where the project lies (no output holds a path, so another checkout uses the same files). A
    build makes again only the outputs of a version whose model or pages changed: a published
    version's mostly never."""
    labels = policy.texts_in(language)["exports"]["downloads"]["labels"]
    # Taken as the build starts, once for its Policy (near the moment the policy was read).
    policy_digest = policy.derived(("downloads", "policy-digest"), lambda: folder_digest(policy.folder))

    def offered(model: Model) -> list[Download]:
        made_from = {"model": digest(model.data), "policy": policy_digest, "language": language}

        def maker(name: str, site: str | None = None, service: str | None = None) -> Callable[..., bytes]:
            fmt = FORMATS[name]

            def make(pages: Mapping[str, str]) -> bytes:
                given = dict(pages) if fmt.reads_pages else {}
                request = Request(model, policy, language, site=site, service=service, pages=given)
                digest = key({**made_from, "format": name, "site": site, "service": service, "pages": given})
                return kept(digest, fmt.extension, lambda: export(request, name))

            return make

        found: list[Download] = []
        for name, file in DOWNLOADS:
            fmt = FORMATS[name]
            if fmt.per_site:
                found += [Download(file.format(id=site["id"]), str(labels[name]), maker(name, site=site["id"]),
                                   site=site["id"]) for site in model.data["sites"]]
            elif name != "ropa-processor-csv" or model.data["services"]:
                found.append(Download(file, str(labels[name]), maker(name)))
        found += [Download(APPENDIX_DOWNLOAD.format(id=service["id"]), str(labels["appendix"]),
                           maker("pdf", service=service["id"]), service=service["id"])
                  for service in model.data["services"]]
        return found

    return offered


__all__ = ["APPENDIX_DOWNLOAD", "DOWNLOADS", "FORMATS", "Format", "Request", "export", "site_downloads"]
