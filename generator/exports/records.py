"""`ropa-csv` and `ropa-processor-csv`: the records of processing activities of GDPR Art. 30.

- Art. 30(1), kept as controller: one row per purpose, with the controller's, the joint
  controllers', the representative's and the DPO's contact details, the purpose, its legal bases
  (Art. 6 and Art. 9), the categories of data subjects and of personal data, the sources, the
  recipients with their countries, the transfers to third countries with their safeguards, the time
  limits for erasure and the security measures.
- Art. 30(2), kept as processor: one row per service, from the service appendices.

A gap, or a list the model leaves empty or out, is written "not stated" (the policy's wording),
never as a blank cell; `none` in the model is written as the policy's word for none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.exports.common import Request, Words, csv_bytes
from generator.render import listed
from generator.validate import Model


def _purpose_bases(model: Model, purpose: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A purpose's legal bases: its own, then those its group gives."""
    group = model.index["purpose_groups"].get(purpose.get("group") or "")
    return [*listed(purpose.get("legal_bases")), *listed(group.get("legal_bases") if group else None)]


def _basis(words: Words, model: Model, basis: Mapping[str, Any]) -> str:
    named = words.texts["legal_bases"][basis["basis"]]
    text = f"{named['name']} ({named['article']})"
    details = []
    if basis.get("applies_to"):
        details.append(words.text(basis["applies_to"]))
    if basis.get("legitimate_interest"):
        details.append(words.text(basis["legitimate_interest"]))
    if basis.get("law"):
        details.append(words.text(model.index["legal_references"][basis["law"]]["name"]))
    return f"{text}: {', '.join(details)}" if details else text


def _special_categories(words: Words, model: Model) -> str:
    sensitive = model.data["sensitive_data"]
    ropa = words.exports["ropa"]
    if sensitive.get("processed_as_controller") is False:
        return str(ropa["no_special_categories"])
    if sensitive.get("processed_as_controller"):
        condition = words.text(sensitive.get("condition"))
        return str(ropa["special_categories_processed"]).format(condition=condition)
    return words.not_stated


def _recipient(words: Words, recipient: Mapping[str, Any]) -> str:
    categories = words.join((words.texts["recipient_categories"][kind] for kind in listed(recipient.get("categories"))),
                            ", ")
    return str(words.exports["ropa"]["recipient"]).format(
        name=words.text(recipient["name"]), categories=categories, countries=words.places(recipient.get("countries")))


def _transfers(words: Words, model: Model, recipient_ids: object) -> str:
    """The transfers to third countries of the data the recipients `recipient_ids` receive."""
    if recipient_ids == "none" or model.data["transfers"] == "none":
        return str(words.exports["none"])
    ids = listed(recipient_ids)
    if not ids:
        return words.not_stated
    found = [transfer for transfer in listed(model.data["transfers"]) if transfer["recipient"] in ids]
    if found:
        return words.join(
            str(words.exports["ropa"]["transfer"]).format(
                recipient=words.text(model.index["recipients"][transfer["recipient"]]["name"]),
                country=words.place(transfer["country"]), safeguards=words.safeguards(transfer["safeguards"]))
            for transfer in found)
    # No transfer is listed for these recipients: that says there is none only where each of them
    # is known to process the data inside the EU/EEA.
    places = [place for ident in ids for place in listed(model.index["recipients"][ident].get("countries"))]
    inside = all(listed(model.index["recipients"][ident].get("countries")) for ident in ids) and all(
        place == "EEA" or place in words.eea for place in places)
    return str(words.exports["ropa"]["no_transfer_needed"]) if inside else words.not_stated


def _retention(words: Words, model: Model, policy: Mapping[str, Any]) -> str:
    """A retention rule: what it applies to, then its period, the law that sets it and its criteria."""
    ropa = words.exports["ropa"]
    details = []
    period = policy.get("period")
    if period:
        wording = ropa["retention_at_most"] if period.get("at_most") else ropa["retention_period"]
        details.append(str(wording).format(duration=words.duration(period["duration"]),
                                           starts=words.text(period["starts"])))
    requirement = policy.get("legal_requirement")
    if requirement:
        law = words.text(model.index["legal_references"][requirement["law"]]["name"])
        if requirement.get("provision"):
            law = f"{law}, {words.text(requirement['provision'])}"
        details.append(str(ropa["retention_law"]).format(law=law))
    if policy.get("criteria"):
        details.append(words.text(policy["criteria"]))
    detail = ", ".join(details) if details else words.not_stated
    return f"{words.text(policy['applies_to'])}: {detail}" if policy.get("applies_to") else detail


def _security(words: Words, model: Model) -> str:
    security = model.data.get("security") or {}
    items = [words.text(measure) for measure in listed(security.get("measures"))]
    items += [words.text(model.index["legal_references"][ident]["name"]) for ident in listed(security.get("standards"))]
    return words.join(items)


def _joint_controllers(words: Words, model: Model, purpose_id: str) -> str:
    found = []
    for arrangement in listed(model.data.get("joint_controllers")):
        if purpose_id not in listed(arrangement.get("purposes")):
            continue
        parties = [model.index["group_entities"][ident]["legal_name"]
                   for ident in listed(arrangement.get("group_entities"))]
        parties += [words.text(model.index["recipients"][ident]["name"])
                    for ident in listed(arrangement.get("recipients"))]
        contact = f", {words.text(arrangement['contact_point'])}" if arrangement.get("contact_point") else ""
        found.append(f"{words.text(arrangement['name'])}: {', '.join(parties)}{contact}")
    return words.join(found) if found else str(words.exports["none"])


def _representative(words: Words, model: Model) -> str:
    representative = model.data["controller"].get("eu_representative")
    if representative == "not-required":
        return str(words.exports["ropa"]["representative_not_required"])
    return words.text(representative)


def controller_record(model: Model, words: Words) -> bytes:
    """The record of GDPR Art. 30(1) as CSV, one row per purpose."""
    columns = words.exports["ropa"]["columns"]
    index = model.index
    controller = words.controller_contact(model)
    representative = _representative(words, model)
    dpo = words.dpo(model)
    special = _special_categories(words, model)
    security = _security(words, model)
    rows = []
    for purpose in model.data["purposes"]:
        retention = words.join(_retention(words, model, index["retention_policies"][ident])
                               for ident in listed(purpose.get("retention")))
        recipients = purpose.get("recipients")
        rows.append([
            purpose["id"],
            controller,
            _joint_controllers(words, model, purpose["id"]),
            representative,
            dpo,
            words.text(purpose["description"]),
            words.join(_basis(words, model, basis) for basis in _purpose_bases(model, purpose)),
            special,
            words.names(purpose.get("data_subjects"), index["data_subjects"]),
            words.names(purpose.get("data_categories"), index["data_categories"]),
            words.names(purpose.get("sources"), index["sources"]),
            str(words.exports["none"]) if recipients == "none" else words.join(
                _recipient(words, index["recipients"][ident]) for ident in listed(recipients)),
            _transfers(words, model, recipients),
            retention,
            security,
        ])
    return csv_bytes([str(columns[name]) for name in (
        "id", "controller", "joint_controllers", "representative", "dpo", "purpose", "legal_basis",
        "special_categories", "data_subjects", "data_categories", "sources", "recipients", "transfers",
        "retention", "security")], rows)


def _texts(words: Words, values: object) -> str:
    return words.join(words.text(value) for value in listed(values))


def processor_record(model: Model, words: Words) -> bytes:
    """The record of GDPR Art. 30(2) as CSV, one row per service in which we are a processor."""
    record = words.exports["processor_record"]
    columns = record["columns"]
    index = model.index
    processor = words.controller_contact(model)
    dpo = words.dpo(model)
    rows = []
    for service in model.data["services"]:
        processing = [words.text(service[field]) for field in ("subject_matter", "nature_and_purpose")
                      if service.get(field)]
        sub_processors = service.get("sub_processors")
        end = service.get("end_of_service")
        if end:
            outcome = words.texts["service_page"]["end_of_service"][
                end["choices"][0] if len(end["choices"]) == 1 else "both"]
            end_text = f"{outcome} {words.text(end['description'])}" if end.get("description") else str(outcome)
        else:
            end_text = words.not_stated
        rows.append([
            service["id"],
            words.text(service["name"]),
            processor,
            dpo,
            str(record["controllers"]),
            words.join(processing),
            _texts(words, service.get("data_types")),
            _texts(words, service.get("data_subject_categories")),
            str(words.exports["none"]) if sub_processors == "none" else words.join(
                _recipient(words, index["recipients"][ident]) for ident in listed(sub_processors)),
            _transfers(words, model, sub_processors),
            _texts(words, service.get("security_measures")),
            words.text(service.get("duration")),
            end_text,
        ])
    return csv_bytes([str(columns[name]) for name in (
        "id", "service", "processor", "dpo", "controllers", "processing", "data_types", "data_subjects",
        "sub_processors", "transfers", "security", "duration", "end_of_service")], rows)


def export_controller_record(request: Request) -> bytes:
    return controller_record(request.model, Words(request.policy, request.language))


def export_processor_record(request: Request) -> bytes:
    return processor_record(request.model, Words(request.policy, request.language))


__all__ = ["controller_record", "export_controller_record", "export_processor_record", "processor_record"]
