"""`dpv`: the record of processing as JSON-LD in the W3C Data Privacy Vocabulary (DPV 2.3).

One `dpv:Process` per purpose, with its controller (and joint controllers), purpose, legal bases
(`eu-gdpr:A6-1-a` ... `A6-1-f`), personal data (the model's categories, and the `pd:` concepts their
Fides keys name), data subjects, sources, recipients and processors, storage duration, and a
cross-border transfer process for each transfer of its data, with the country and the safeguards
(`eu-gdpr:A45-3`, `A46-2-b`, `A46-2-c`, `A49-1-a` ... `g`). Texts keep every language they have, as
language-tagged literals. DPV publishes no JSON-LD context, so the document carries its own.

The entries of the model get IRIs under the statement's own: a tag URI (RFC 4151) from the
controller's privacy address and the year of the version, such as
`tag:example.com,2026:privacy-statement:1.0.0#purpose-newsletter`. How the model's closed lists map
onto DPV is in policy/exports.yaml (`dpv`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from generator.exports.common import Request, json_bytes, mappings
from generator.render import listed
from generator.validate import Model

CONTEXT = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "loc": "https://w3id.org/dpv/loc#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def statement_iri(model: Model) -> str:
    """The statement's own IRI: a tag URI from the privacy address's domain (or the controller's
    name), the year the version takes effect, and the version."""
    data = model.data
    email = data["controller"].get("email")
    name = data["controller"]["legal_name"].lower()
    domain = email.rsplit("@", 1)[1] if email else re.sub(r"[^a-z0-9.-]+", "-", name)
    return f"tag:{domain},{data['effective_date'][:4]}:privacy-statement:{data['version']}"


def texts(value: object) -> list[dict[str, str]]:
    """A model text (a mapping of languages) as a language-tagged literal per language."""
    return [{"@value": text, "@language": language} for language, text in cast(Mapping[str, str], value or {}).items()]


def ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


class Graph:
    """The nodes of the document, each once, in the order they are first made."""

    def __init__(self, model: Model, table: Mapping[str, Any]) -> None:
        self.model = model
        self.table = table
        self.base = statement_iri(model)
        self.nodes: dict[str, dict[str, Any]] = {}

    def iri(self, kind: str, ident: str = "") -> str:
        return f"{self.base}#{kind}{'-' + ident if ident else ''}"

    def add(self, iri: str, node: dict[str, Any]) -> dict[str, str]:
        if iri not in self.nodes:
            self.nodes[iri] = {"@id": iri, **{key: value for key, value in node.items() if value not in (None, [])}}
        return ref(iri)

    def place(self, code: str) -> dict[str, str] | None:
        if code in self.table["regions"]:
            return ref(self.table["regions"][code])
        return ref(f"loc:{code}") if re.fullmatch(r"[A-Z]{2}", code) else None

    # --- entries ------------------------------------------------------------------------------

    def controller(self) -> dict[str, str]:
        controller = self.model.data["controller"]
        dpo = controller.get("dpo") or {}
        officer = None
        if dpo.get("appointed") and dpo.get("email"):
            officer = self.add(self.iri("dpo"), {"@type": "dpv:DataProtectionOfficer",
                                                 "dpv:hasContact": dpo["email"]})
        representative = controller.get("eu_representative")
        return self.add(self.iri("controller"), {
            "@type": "dpv:DataController",
            "dpv:hasName": controller["legal_name"],
            "dpv:hasIdentifier": controller.get("organisation_number"),
            "dpv:hasAddress": texts(controller.get("postal_address")),
            "dpv:hasContact": controller.get("email"),
            "dpv:hasCountry": self.place(controller["country"]),
            "dpv:hasDataProtectionOfficer": officer,
            "dpv:hasRepresentative": self.add(self.iri("representative"), {
                "@type": "dpv:Representative", "skos:definition": texts(representative)})
            if isinstance(representative, dict) else None,
        })

    def group_entity(self, ident: str) -> dict[str, str]:
        entity = self.model.index["group_entities"][ident]
        return self.add(self.iri("group-entity", ident), {
            "@type": "dpv:DataController", "dpv:hasName": entity["legal_name"],
            "dpv:hasIdentifier": entity.get("organisation_number"),
            "dpv:hasAddress": texts(entity.get("postal_address")),
            "dpv:hasContact": entity.get("email"), "dpv:hasCountry": self.place(entity["country"])})

    def recipient(self, ident: str) -> dict[str, str]:
        recipient = self.model.index["recipients"][ident]
        types = ["dpv:Recipient"]
        if recipient.get("role"):
            types.append(self.table["recipient_roles"][recipient["role"]])
        return self.add(self.iri("recipient", ident), {
            "@type": types, "dpv:hasName": texts(recipient["name"]),
            "skos:definition": texts(recipient.get("description")),
            "dpv:hasCountry": self.place(recipient["established_in"]) if recipient.get("established_in") else None,
            "dpv:hasLocation": [found for code in listed(recipient.get("countries")) if (found := self.place(code))],
        })

    def data_subject(self, ident: str) -> dict[str, str]:
        subject = self.model.index["data_subjects"][ident]
        mapped = self.table["data_subjects"].get(subject.get("fides") or "")
        return self.add(self.iri("data-subject", ident), {
            "@type": ["dpv:DataSubject", *([mapped] if mapped else [])],
            "skos:prefLabel": texts(subject["name"]), "skos:definition": texts(subject.get("description"))})

    def data_category(self, ident: str) -> dict[str, str]:
        category = self.model.index["data_categories"][ident]
        return self.add(self.iri("personal-data", ident), {
            "@type": "dpv:PersonalData", "skos:prefLabel": texts(category["name"]),
            "skos:definition": texts(category.get("description")),
            "skos:related": self.concepts(ident)})

    def concepts(self, category: str) -> list[dict[str, str]]:
        """The pd: concepts of a data category's Fides keys."""
        found: list[dict[str, str]] = []
        for key in listed(self.model.index["data_categories"][category].get("fides")):
            term = self.table["data_categories"].get(key)
            if term and ref(term) not in found:
                found.append(ref(term))
        return found

    def source(self, ident: str) -> dict[str, str]:
        source = self.model.index["sources"][ident]
        return self.add(self.iri("source", ident), {
            "@type": "dpv:DataSource", "skos:prefLabel": texts(source["name"]),
            "skos:definition": texts(source.get("description"))})

    def storage(self, ident: str) -> dict[str, str] | None:
        policy = self.model.index["retention_policies"][ident]
        period = policy.get("period")
        if not period and not policy.get("criteria") and not policy.get("legal_requirement"):
            return None  # a gap: the graph says nothing rather than something wrong
        duration = None
        if period:
            duration = self.add(self.iri("duration", ident), {
                "@type": "dpv:TemporalDuration",
                "rdf:value": {"@value": period["duration"], "@type": "xsd:duration"},
                "skos:scopeNote": texts(period["starts"])})
        law = policy.get("legal_requirement")
        return self.add(self.iri("storage", ident), {
            "@type": "dpv:StorageDuration", "dpv:hasDuration": duration,
            "skos:definition": texts(policy.get("criteria")) + texts(policy.get("applies_to")),
            "dct:source": texts(self.model.index["legal_references"][law["law"]]["name"]) if law else None})

    def transfer(self, number: int, transfer: Mapping[str, Any]) -> dict[str, str]:
        bases = []
        for safeguard in listed(transfer["safeguards"]):
            term = (self.table["derogations"].get(safeguard.get("derogation") or "")
                    if safeguard["kind"] == "art-49-derogation" else self.table["safeguards"].get(safeguard["kind"]))
            if term:
                bases.append(ref(term))
        return self.add(self.iri("transfer", str(number)), {
            "@type": "dpv:Process", "dpv:hasProcessing": ref("dpv:CrossBorderTransfer"),
            "dpv:hasRecipient": self.recipient(transfer["recipient"]),
            "dpv:hasThirdCountry": self.place(transfer["country"]), "dpv:hasLegalBasis": bases})

    def process(self, purpose: Mapping[str, Any]) -> dict[str, str]:
        model = self.model
        ident = purpose["id"]
        group = model.index["purpose_groups"].get(purpose.get("group") or "")
        bases = [*listed(purpose.get("legal_bases")), *listed(group.get("legal_bases") if group else None)]
        recipients = listed(purpose.get("recipients"))
        use = self.table["data_uses"].get(purpose.get("fides") or "")
        arrangements = [arrangement for arrangement in listed(model.data.get("joint_controllers"))
                        if ident in listed(arrangement.get("purposes"))]
        joint = [self.add(self.iri("joint-controllers", arrangement["id"]), {
            "@type": "dpv:JointDataControllers", "skos:prefLabel": texts(arrangement["name"]),
            "skos:definition": texts(arrangement.get("essence")),
            "dpv:hasEntity": [self.controller(),
                              *(self.group_entity(entity) for entity in listed(arrangement.get("group_entities"))),
                              *(self.recipient(other) for other in listed(arrangement.get("recipients")))]})
            for arrangement in arrangements]
        transfers = [self.transfer(number, transfer)
                     for number, transfer in enumerate(listed(model.data["transfers"]))
                     if transfer["recipient"] in recipients]
        personal_data = [self.data_category(category) for category in listed(purpose.get("data_categories"))]
        concepts = [concept for category in listed(purpose.get("data_categories"))
                    for concept in self.concepts(category)]
        legal_bases = [self.table["legal_bases"][basis["basis"]] for basis in bases]
        return self.add(self.iri("process", ident), {
            "@type": "dpv:Process",
            "dpv:hasPurpose": self.add(self.iri("purpose", ident), {
                "@type": ["dpv:Purpose", *([use] if use else [])], "skos:definition": texts(purpose["description"])}),
            "dpv:hasDataController": self.controller(),
            "dpv:hasJointDataControllers": joint,
            "dpv:hasLegalBasis": [ref(term) for term in dict.fromkeys(legal_bases)],
            "dpv:hasPersonalData": personal_data + list({concept["@id"]: concept for concept in concepts}.values()),
            "dpv:hasDataSubject": [self.data_subject(subject) for subject in listed(purpose.get("data_subjects"))],
            "dpv:hasDataSource": [self.source(source) for source in listed(purpose.get("sources"))],
            "dpv:hasRecipient": [self.recipient(recipient) for recipient in recipients],
            "dpv:hasDataProcessor": [self.recipient(recipient) for recipient in recipients
                                     if model.index["recipients"][recipient].get("role") == "processor"],
            "dpv:hasStorageCondition": [found for policy in listed(purpose.get("retention"))
                                        if (found := self.storage(policy))],
            "dpv:hasProcess": transfers,
            "dpv:hasNotice": ref(self.base),
        })


def document(model: Model, table: Mapping[str, Any]) -> dict[str, Any]:
    graph = Graph(model, table)
    graph.add(graph.base, {"@type": "dpv:PrivacyNotice", "dct:hasVersion": model.data["version"],
                           "dct:valid": {"@value": model.data["effective_date"], "@type": "xsd:date"},
                           "dct:publisher": graph.controller()})
    for purpose in model.data["purposes"]:
        graph.process(purpose)
    return {"@context": CONTEXT, "@graph": list(graph.nodes.values())}


def export_dpv(request: Request) -> bytes:
    return json_bytes(document(request.model, mappings(request.policy)["dpv"]))


__all__ = ["CONTEXT", "document", "export_dpv", "statement_iri"]
