"""`fides`: a Fides system manifest (fideslang 3), made with fideslang's own models.

One system for the controller's own processing, with a privacy declaration per purpose and legal
basis; one per service in which we are a processor (its appendix); and one per provider of trackers
(the controller itself for first-party ones), with a declaration per tracker. The data categories,
data subjects and data uses are keys of fideslang's default taxonomy: the model's categories, data
subjects and purposes carry theirs (`fides:`), and what the model has no key for (a tracker's
consent category, a service's data) is mapped in policy/exports.yaml. A purpose without a data use
is left out, and a category or data subject without keys adds none: `check` warns about each
(`taxonomy-unmapped`).

The manifest is written as JSON, which is YAML too, so the Fides command line reads it as a
manifest file; <, > and & are written as escapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fideslang.models import PrivacyDeclaration, System, Taxonomy

from generator.exports.common import Request, Words, json_bytes, mappings
from generator.render import listed
from generator.validate import SELF_PROVIDER, Model

_DURATION = re.compile(r"^P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?$")
_DAYS = (365, 30, 7, 1)


def seconds(lifetime: str | None) -> int | None:
    """An ISO 8601 duration in seconds, a year as 365 days and a month as 30; None for a session or a gap."""
    found = _DURATION.match(lifetime or "")
    if not found:
        return None
    days = sum(int(amount) * unit for amount, unit in zip(found.groups(), _DAYS, strict=True) if amount)
    return days * 86_400


def key_of(text: str) -> str:
    """A Fides key from a name: lower-case letters and digits joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "controller"


def _keys(model: Model, collection: str, ids: object) -> list[str]:
    found: list[str] = []
    for ident in listed(ids):
        value = model.index[collection][ident].get("fides")
        for key in value if isinstance(value, list) else [value] if value else []:
            if key not in found:
                found.append(key)
    return found


def _bases(model: Model, purpose: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    group = model.index["purpose_groups"].get(purpose.get("group") or "")
    return [*listed(purpose.get("legal_bases")), *listed(group.get("legal_bases") if group else None)]


def _retention(words: Words, model: Model, ids: object) -> str | None:
    periods = []
    for ident in listed(ids):
        policy = model.index["retention_policies"][ident]
        if policy.get("period"):
            periods.append(f"{words.duration(policy['period']['duration'])} ({words.text(policy['period']['starts'])})")
        elif policy.get("criteria"):
            periods.append(words.text(policy["criteria"]))
    return words.join(periods) if periods else None


def _purpose_declarations(model: Model, words: Words, table: Mapping[str, Any]) -> list[PrivacyDeclaration]:
    declarations = []
    special = model.data["sensitive_data"].get("processed_as_controller") is True
    for purpose in model.data["purposes"]:
        use = purpose.get("fides")
        if not use:
            continue
        recipients = listed(purpose.get("recipients"))
        common: dict[str, Any] = {
            "data_categories": _keys(model, "data_categories", purpose.get("data_categories")),
            "data_use": use,
            "data_subjects": _keys(model, "data_subjects", purpose.get("data_subjects")),
            "retention_period": _retention(words, model, purpose.get("retention")),
            "processes_special_category_data": special,
            "data_shared_with_third_parties": bool(recipients),
            "third_parties": words.join(words.text(model.index["recipients"][ident]["name"]) for ident in recipients)
            if recipients else None,
        }
        bases: list[Mapping[str, Any] | None] = [*_bases(model, purpose)] or [None]
        for basis in bases:
            name = words.text(purpose["description"])
            if basis is not None and basis.get("applies_to") and len(bases) > 1:
                name = f"{name} ({words.text(basis['applies_to'])})"
            declarations.append(PrivacyDeclaration(
                name=name,
                legal_basis_for_processing=table["legal_bases"][basis["basis"]] if basis else None,
                **common))
    return declarations


def _controller_system(model: Model, words: Words, table: Mapping[str, Any]) -> System:
    data = model.data
    controller = data["controller"]
    transfers = listed(data["transfers"])
    decisions = data.get("automated_decision_making")
    mechanisms = sorted({table["transfer_mechanisms"][safeguard["kind"]]
                         for transfer in transfers for safeguard in listed(transfer["safeguards"])})
    arrangements = [words.text(arrangement["name"]) for arrangement in listed(data.get("joint_controllers"))]
    security = data.get("security") or {}
    return System(
        fides_key=key_of(controller["legal_name"]),
        name=controller["legal_name"],
        description=words.text(controller.get("description")) if controller.get("description") else None,
        system_type=table["system_types"]["controller"],
        legal_name=controller["legal_name"],
        legal_address=words.text(controller["postal_address"]) if controller.get("postal_address") else None,
        dpo=(controller.get("dpo") or {}).get("email"),
        responsibility=table["responsibility"]["controller"],
        processes_personal_data=True,
        does_international_transfers=bool(transfers),
        legal_basis_for_transfers=mechanisms,
        uses_profiling=bool(decisions and decisions["takes_place"]),
        joint_controller_info=words.join(arrangements) if arrangements else None,
        data_security_practices=words.join(words.text(measure) for measure in listed(security.get("measures")))
        if listed(security.get("measures")) else None,
        privacy_declarations=_purpose_declarations(model, words, table),
    )


def _service_systems(model: Model, words: Words, table: Mapping[str, Any]) -> list[System]:
    systems = []
    for service in model.data["services"]:
        security = listed(service.get("security_measures"))
        systems.append(System(
            fides_key=f"service-{service['id']}",
            name=words.text(service["name"]),
            description=words.text(service["description"]),
            system_type=table["system_types"]["service"],
            responsibility=table["responsibility"]["processor"],
            processes_personal_data=True,
            data_security_practices=words.join(words.text(measure) for measure in security) if security else None,
            privacy_declarations=[PrivacyDeclaration(
                name=words.text(service.get("nature_and_purpose") or service["name"]),
                data_categories=table["service_data_categories"],
                data_use=table["service_data_use"],
                data_subjects=[],
                retention_period=words.text(service["duration"]) if service.get("duration") else None,
            )],
        ))
    return systems


def _provider_systems(model: Model, words: Words, table: Mapping[str, Any]) -> list[System]:
    by_provider: dict[str, list[Mapping[str, Any]]] = {}
    for tracker in model.data["trackers"]:
        if provider := tracker.get("provider"):
            by_provider.setdefault(provider, []).append(tracker)
    systems = []
    for provider, trackers in by_provider.items():
        if provider == SELF_PROVIDER:
            name = model.data["controller"]["legal_name"]
            key, responsibility = f"{key_of(name)}-trackers", table["responsibility"]["controller"]
        else:
            recipient = model.index["recipients"][provider]
            name, key = words.text(recipient["name"]), f"provider-{provider}"
            responsibility = table["responsibility"].get(recipient.get("role") or "", [])
        kinds = {cookie["kind"] for tracker in trackers for cookie in listed(tracker.get("cookies"))}
        lifetimes = [value for tracker in trackers if (value := seconds(tracker.get("lifetime"))) is not None]
        systems.append(System(
            fides_key=key,
            name=name,
            system_type=table["system_types"]["provider"],
            responsibility=responsibility,
            processes_personal_data=True,
            uses_cookies="cookie" in kinds,
            uses_non_cookie_access=bool(kinds - {"cookie"}),
            cookie_max_age_seconds=max(lifetimes) if lifetimes else None,
            privacy_declarations=[PrivacyDeclaration(
                name=words.text(tracker["name"]),
                data_categories=table["tracker_data_categories"],
                data_use=table["tracker_data_uses"][tracker["category"]],
                data_subjects=table["tracker_data_subjects"],
                retention_period=words.duration(tracker.get("lifetime")) if tracker.get("lifetime") else None,
            ) for tracker in trackers if tracker.get("category")],
        ))
    return systems


def manifest(model: Model, words: Words, table: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest as fideslang's Taxonomy dumps it (fields fideslang leaves at their default dropped)."""
    systems = [_controller_system(model, words, table), *_service_systems(model, words, table),
               *_provider_systems(model, words, table)]
    dumped: dict[str, Any] = Taxonomy(system=systems).model_dump(mode="json", exclude_defaults=True)
    return dumped


def export_fides(request: Request) -> bytes:
    table = mappings(request.policy)["fides"]
    return json_bytes(manifest(request.model, Words(request.policy, request.language), table))


__all__ = ["export_fides", "key_of", "manifest", "seconds"]
