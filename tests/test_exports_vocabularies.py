"""The exports in other tools' vocabularies, each read back by that ecosystem's own library: the Fides
manifest by fideslang's models against its default taxonomy, the DPV document by rdflib against the
terms of the DPV 2.3 release (tests/fixtures/dpv/terms-2.3.txt)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from conftest import GROUP, POLICY, model_at
from fideslang import DEFAULT_TAXONOMY
from fideslang.models import Taxonomy
from test_exports import made

from generator.check import check
from generator.validate import Model

DPV_TERMS = Path(__file__).resolve().parent / "fixtures" / "dpv" / "terms-2.3.txt"
NAMESPACES = {
    "https://w3id.org/dpv#": "dpv",
    "https://w3id.org/dpv/pd#": "pd",
    "https://w3id.org/dpv/legal/eu/gdpr#": "eu-gdpr",
    "https://w3id.org/dpv/loc#": "loc",
}
DPV = rdflib.Namespace("https://w3id.org/dpv#")
GDPR = rdflib.Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
LOC = rdflib.Namespace("https://w3id.org/dpv/loc#")
ARTICLE_6 = {"consent": "A6-1-a", "contract": "A6-1-b", "legal-obligation": "A6-1-c", "vital-interests": "A6-1-d",
             "public-task": "A6-1-e", "legitimate-interests": "A6-1-f"}


def taxonomy_keys(kind: str) -> set[str]:
    return {entry.fides_key for entry in getattr(DEFAULT_TAXONOMY, kind)}


# --- fides -------------------------------------------------------------------------------------------

def test_the_schema_offers_exactly_fideslangs_default_taxonomy() -> None:
    defs = POLICY.schema["$defs"]
    assert set(defs["fides_data_category"]["enum"]) == taxonomy_keys("data_category")
    assert set(defs["fides_data_subject"]["enum"]) == taxonomy_keys("data_subject")
    assert set(defs["fides_data_use"]["enum"]) == taxonomy_keys("data_use")


def manifest(model: Model) -> Taxonomy:
    return Taxonomy.model_validate(json.loads(made(model, "fides")))


@pytest.mark.parametrize("which", ["group", "real"])
def test_the_fides_manifest_loads_in_fideslang_and_uses_only_its_taxonomy(which: str,
                                                                         request: pytest.FixtureRequest) -> None:
    taxonomy = manifest(request.getfixturevalue(which))
    assert taxonomy.system
    for system in taxonomy.system:
        for declaration in system.privacy_declarations:
            assert set(declaration.data_categories) <= taxonomy_keys("data_category"), system.fides_key
            assert declaration.data_use in taxonomy_keys("data_use"), system.fides_key
            assert set(declaration.data_subjects) <= taxonomy_keys("data_subject"), system.fides_key
    assert len({system.fides_key for system in taxonomy.system}) == len(taxonomy.system)


def test_the_fides_manifest_has_a_system_per_service_and_tracker_provider(group: Model) -> None:
    systems = {system.fides_key: system for system in manifest(group).system}
    assert list(systems) == ["nordexempel-ab", "service-booking-service", "service-booking-widget",
                             "nordexempel-ab-trackers", "provider-web-analytics", "provider-linkedin"]
    controller = systems["nordexempel-ab"]
    assert controller.responsibility == ["Controller"]
    declarations = [(d.name, d.data_use, d.legal_basis_for_processing)
                    for d in controller.privacy_declarations]
    # One declaration per purpose and legal basis (its own, then its group's).
    contracts = [d for d in declarations if d[0].startswith("Deliver and support")]
    assert sorted(d[2] for d in contracts) == ["Contract", "Legal obligations", "Legitimate interests"]
    assert ("Send our newsletter to people who have asked for it.", "marketing.communications.email",
            "Consent") in declarations
    newsletter = next(d for d in controller.privacy_declarations if d.data_use == "marketing.communications.email")
    assert newsletter.data_categories == ["user.name", "user.contact.email", "user.contact.phone_number",
                                          "user.job_title"]
    assert newsletter.data_subjects == ["customer", "visitor"]
    assert newsletter.data_shared_with_third_parties and newsletter.third_parties == "Example Mail Inc."
    assert controller.does_international_transfers
    assert systems["service-booking-service"].responsibility == ["Processor"]
    analytics = systems["provider-web-analytics"]
    assert [(d.name, d.data_use) for d in analytics.privacy_declarations] == [("Site statistics",
                                                                               "analytics.reporting")]
    assert analytics.cookie_max_age_seconds == 14 * 30 * 86_400 and analytics.uses_cookies


def test_an_unmapped_purpose_is_left_out_of_the_manifest_and_check_warns(tmp_path: Path) -> None:
    text = GROUP.read_text(encoding="utf-8").replace("    fides: marketing.communications.email\n", "")
    path = tmp_path / "processing.yaml"
    path.write_text(text, encoding="utf-8")
    model = model_at(path)
    uses = [d.data_use for system in manifest(model).system for d in system.privacy_declarations]
    assert "marketing.communications.email" not in uses
    findings = check(model, POLICY)
    assert [(f.rule, f.severity, f.at) for f in findings] == [("taxonomy-unmapped", "warning", "purposes[3]")]
    assert 'the purpose "newsletter" has no data use in the Fides taxonomy' in findings[0].message


def test_a_model_that_maps_nothing_gets_no_taxonomy_warning(real: Model) -> None:
    """The frozen real model was written before the Fides keys: check says nothing of them (its
    exports carry none), while a model that maps some entries is told of each it leaves out."""
    assert not any(finding.rule == "taxonomy-unmapped" for finding in check(real, POLICY))


# --- dpv ----------------------------------------------------------------------------------------------

def dpv_terms() -> set[str]:
    return {line.strip() for line in DPV_TERMS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def graph_of(model: Model) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=made(model, "dpv"), format="json-ld")
    return graph


def used_terms(graph: rdflib.Graph) -> set[str]:
    found = set()
    for triple in graph:
        for node in triple:
            if isinstance(node, rdflib.URIRef):
                for namespace, prefix in NAMESPACES.items():
                    if str(node).startswith(namespace):
                        found.add(f"{prefix}:{str(node)[len(namespace):]}")
    return found


def test_the_term_list_is_the_releases() -> None:
    terms = dpv_terms()
    assert len(terms) > 2000
    assert {"dpv:Process", "dpv:hasLegalBasis", "eu-gdpr:A6-1-f", "pd:EmailAddress", "loc:US", "loc:EEA"} <= terms
    assert "dpv:NoSuchTerm" not in terms


@pytest.mark.parametrize("which", ["group", "real"])
def test_the_dpv_document_parses_and_uses_only_dpv_2_3_terms(which: str, request: pytest.FixtureRequest) -> None:
    graph = graph_of(request.getfixturevalue(which))
    used = used_terms(graph)
    assert {"dpv:Process", "dpv:hasPurpose", "dpv:hasLegalBasis"} <= used
    assert sorted(used - dpv_terms()) == []


@pytest.mark.parametrize("which", ["group", "real"])
def test_the_dpv_document_has_a_process_per_purpose_with_its_legal_bases(which: str,
                                                                        request: pytest.FixtureRequest) -> None:
    model: Model = request.getfixturevalue(which)
    graph = graph_of(model)
    processes = [node for node in graph.subjects(rdflib.RDF.type, DPV.Process)
                 if (node, DPV.hasPurpose, None) in graph]
    assert len(processes) == len(model.data["purposes"])
    for purpose in model.data["purposes"]:
        node = next(p for p in processes if str(p).endswith(f"#process-{purpose['id']}"))
        group_bases = (model.index["purpose_groups"][purpose["group"]].get("legal_bases") or []
                       if purpose.get("group") else [])
        expected = {GDPR[ARTICLE_6[basis["basis"]]] for basis in (purpose["legal_bases"] or []) + group_bases}
        assert set(graph.objects(node, DPV.hasLegalBasis)) == expected, purpose["id"]
        assert len(list(graph.objects(node, DPV.hasDataSubject))) == len(purpose["data_subjects"])


def test_the_dpv_document_states_transfers_with_country_and_safeguards(group: Model) -> None:
    graph = graph_of(group)
    newsletter = next(s for s in graph.subjects(DPV.hasPurpose, None) if str(s).endswith("#process-newsletter"))
    transfers = list(graph.objects(newsletter, DPV.hasProcess))
    assert len(transfers) == 1
    transfer = transfers[0]
    assert (transfer, DPV.hasProcessing, DPV.CrossBorderTransfer) in graph
    assert (transfer, DPV.hasThirdCountry, LOC.US) in graph
    assert set(graph.objects(transfer, DPV.hasLegalBasis)) == {GDPR["A45-3"], GDPR["A46-2-c"]}
    linkedin = next(s for s in graph.subjects(DPV.hasPurpose, None) if str(s).endswith("#process-social-media-page"))
    transfer = next(graph.objects(linkedin, DPV.hasProcess))
    assert set(graph.objects(transfer, DPV.hasLegalBasis)) == {GDPR["A46-2-b"], GDPR["A49-1-a"]}
    # Texts keep their language, and the pd: concepts of the Fides keys are there.
    labels = set(graph.objects(None, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert rdflib.Literal("Contact details", lang="en") in labels
    assert rdflib.URIRef("https://w3id.org/dpv/pd#EmailAddress") in set(graph.objects(newsletter, DPV.hasPersonalData))
