"""Stage 3: what the statement fails to say that the GDPR requires, judged from a valid model.

Every rule is a function from the model to findings. What a rule is called, how severe it is, its
legal source and the words an editor reads come from `policy/rules.yaml`; this module only decides
when a rule applies and where in the file the fix goes. Findings the legal team has accepted, in
the model's `acknowledged_findings`, stay in the result, marked acknowledged with their reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from generator.load import get_path
from generator.policy import RULES_LANGUAGE, Catalogue, CatalogueError, Policy, Rule
from generator.problems import FieldPath, Location, Severity, closest, format_path, quoted_list
from generator.shape import (
    Controller,
    DataCategory,
    DataSubject,
    GroupEntity,
    LegalBasis,
    NoneStated,
    Purpose,
    PurposeGroup,
    Recipient,
    RetentionPolicy,
    Text,
    Transfer,
)
from generator.translations import (
    SOURCE_LANGUAGE,
    fingerprint,
    in_languages,
    is_text,
    mark_key,
    translated_languages,
)
from generator.translations import findings as translation_findings
from generator.validate import Model

T = TypeVar("T")

# The provider of a first-party tracker that the controller sets itself (see validate.SELF_PROVIDER).
SELF_PROVIDER = "controller"
# What a model writes where the statement says there are none (`transfers: none`).
NONE = "none"
# Regions a recipient may process data in besides countries; the EU and the EEA are inside the EEA.
INSIDE_EEA_REGIONS = frozenset({"EU", "EEA"})
# The region of a recipient that processes data anywhere: any transfer country is one of its countries.
WORLDWIDE = "worldwide"
# The rights of GDPR Art. 13(2)(b) and (d) every statement lists, each with its own rule.
REQUIRED_RIGHTS = ("access", "rectification", "erasure", "restriction", "portability", "objection", "complaint")
# The fields of a processor appendix that GDPR Art. 28(3) requires; rule ids follow the field names.
# The last two may be left out of a model written before they existed: a missing one is a gap too.
APPENDIX_FIELDS = ("subject_matter", "duration", "nature_and_purpose", "data_types", "data_subject_categories",
                   "sub_processors", "security_measures", "end_of_service", "audits")
# Rules about acknowledgements themselves: they run after matching and cannot be acknowledged.
ACKNOWLEDGEMENT_RULES = ("acknowledgement-unmatched", "acknowledgement-unknown-rule", "acknowledgement-unused")
# The fields of a message that name what a finding is about (its `subject`), the first one given.
SUBJECT_FIELDS = ("phrase", "purpose", "tracker", "recipient", "policy", "service", "source", "arrangement",
                  "entity")
# The field that names a list entry, so a finding keeps its identity when entries are reordered.
NAMING_FIELDS = ("id", "recipient", "right")


def _phrase_body(phrase: str) -> str:
    return r"\s+".join(re.escape(word) for word in phrase.split())


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase as whole words, case-insensitively, with any run of whitespace between its words.
    (No cache of its own: `re` keeps the patterns it compiled, by their text.)"""
    return re.compile(rf"(?<!\w){_phrase_body(phrase)}(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class PhraseMatch:
    phrase: str
    start: int
    end: int
    occurrence: int  # how many matches of the same phrase come before this one in the text


_WORD_BEFORE = re.compile(r"(\w+)\W*$")
_WORD_AFTER = re.compile(r"\W*(\w+)")


@dataclass(frozen=True)
class Phrases:
    """Phrases compiled into one pattern, the longest first (so that of two starting at the same word
    the longer one matches), each its own group; `ordered`: the phrases in the groups' order. Made
    once for the texts a check reads with the same phrases."""

    pattern: re.Pattern[str] | None
    ordered: tuple[str, ...]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> Phrases:
        ordered = tuple(sorted(dict.fromkeys(phrases), key=lambda phrase: -len(phrase.split())))
        if not ordered:
            return cls(None, ())
        body = "|".join(f"({_phrase_body(phrase)})" for phrase in ordered)
        return cls(re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE), ordered)

    def find(self, text: str, not_after: frozenset[str] = frozenset(),
             not_before: frozenset[str] = frozenset()) -> list[PhraseMatch]:
        """Where `text` uses any of the phrases, as whole words, in order; of overlapping matches the
        one that starts first (then the longest) is kept, and a match right after a word of
        `not_after`, or right before a word of `not_before`, is left out."""
        if self.pattern is None:
            return []
        kept: list[PhraseMatch] = []
        for match in self.pattern.finditer(text):
            before = _WORD_BEFORE.search(text, 0, match.start())
            if before and before.group(1).casefold() in not_after:
                continue
            after = _WORD_AFTER.match(text, match.end())
            if after and after.group(1).casefold() in not_before:
                continue
            phrase = self.ordered[(match.lastindex or 1) - 1]
            occurrence = sum(1 for earlier in phrase_pattern(phrase).finditer(text) if earlier.start() < match.start())
            kept.append(PhraseMatch(phrase, match.start(), match.end(), occurrence))
        return kept


def find_phrases(text: str, phrases: Sequence[str] | Phrases, not_after: frozenset[str] = frozenset()
                 ) -> list[PhraseMatch]:
    """Where `text` uses any of `phrases` (see Phrases.find)."""
    return (phrases if isinstance(phrases, Phrases) else Phrases.of(phrases)).find(text, not_after)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    source: str | None
    message: str
    path: FieldPath
    location: Location
    acknowledged: bool = False
    reason: str | None = None
    # What the finding is about, in a word or two: the entry's id or the phrase ("surveys", "may").
    subject: str | None = None

    @property
    def at(self) -> str:
        """The field path as editors write it in `acknowledged_findings`."""
        return format_path(self.path)

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.location.line, self.location.column, self.rule, self.at)


class _Context:
    """What every rule needs: the model, the policy's catalogue and schema, and a way to make a
    located finding."""

    def __init__(self, model: Model, policy: Policy, language: str = RULES_LANGUAGE) -> None:
        self.model = model
        self.data = model.data
        self.catalogue = policy.catalogue_in(language)
        self.schema = policy.schema

    def choices(self, *path: str) -> str:
        """The values the schema allows at `path`, as a message lists them: "a, b or c"."""
        values = _enum(self.schema, *path)
        return ", ".join(values[:-1]) + f" {self.catalogue.choices_or} " + values[-1]

    def finding(self, rule_id: str, path: FieldPath, variant: str | None = None, **fields: object) -> Finding:
        rule = self.catalogue.rule(rule_id)
        subject = next((str(fields[name]) for name in SUBJECT_FIELDS if isinstance(fields.get(name), str)), None)
        return Finding(rule.id, rule.severity, rule.source, rule.text(variant, fields), path,
                       self.model.document.locate(path), subject=subject)

    def finding_at(self, rule_id: str, path: FieldPath, location: Location | None, variant: str | None = None,
                   **fields: object) -> Finding:
        """A finding located at `location` inside the value at `path` (at the value where it is None)."""
        finding = self.finding(rule_id, path, variant, **fields)
        return finding if location is None else replace(finding, location=location)

    def outside_eea(self, country: str) -> bool:
        return country not in INSIDE_EEA_REGIONS and country not in self.catalogue.eea

    def entries(self, items: list[T] | NoneStated | None) -> Iterator[tuple[int, T]]:
        """The entries of a list field of the model, numbered; none for `none`, a gap or an absent field."""
        yield from enumerate(items if isinstance(items, list) else [])

    def missing(self, value: object) -> bool:
        """Whether a fact is not stated: a gap (null), an empty list, or only placeholder texts such as
        "Not stated", "N/A", "TBD" or "-" (the lists are in policy/rules.yaml), in every language."""
        if value is None:
            return True
        if isinstance(value, str):
            return not value.strip()
        if isinstance(value, list):
            return all(self.missing(item) for item in value)
        if is_text(value):
            return all(not text.strip() or self.catalogue.is_placeholder(language, text)
                       for language, text in in_languages(value).items())
        return False


def listed(value: list[T] | str | None) -> list[T]:
    """The entries of a list field; none for `none`, a gap or an absent field."""
    return value if isinstance(value, list) else []


Check = Callable[[_Context], Iterable[Finding]]
CHECKS: dict[str, Check] = {}


def checks(*rule_ids: str) -> Callable[[Check], Check]:
    """Register a function as the check for `rule_ids` (the findings it may produce)."""

    def register(function: Check) -> Check:
        for rule_id in rule_ids:
            CHECKS[rule_id] = function
        return function

    return register


def _enum(schema: Mapping[str, Any], *path: str) -> list[str]:
    """The values the schema allows at `path` (a property with an enum, or an anyOf holding one)."""
    node: Mapping[str, Any] = schema
    for part in path:
        node = node[part]
    for branch in [node, *node.get("anyOf", ())]:
        if "enum" in branch:
            return list(branch["enum"])
    raise KeyError(path)


def _quoted(ids: Sequence[str]) -> str:
    """Every id, quoted: a message that says "and 3 more" would not tell the editor which."""
    return quoted_list(ids, limit=max(len(ids), 1))


# --- who is responsible ------------------------------------------------------------------------

def _entities(context: _Context) -> Iterator[tuple[FieldPath, Controller | GroupEntity]]:
    """The controller and every group company that is a controller under the statement."""
    yield ("controller",), context.data["controller"]
    for number, entity in enumerate(context.data.get("group_entities", [])):
        yield ("group_entities", number), entity


@checks("controller-postal-address", "controller-contact", "controller-eu-representative", "dpo-appointed",
        "dpo-contact")
def controller_identity(context: _Context) -> Iterator[Finding]:
    for path, entity in _entities(context):
        name = entity["legal_name"]
        if context.missing(entity["postal_address"]):
            yield context.finding("controller-postal-address", (*path, "postal_address"), entity=name)
        if context.missing(entity["email"]):
            yield context.finding("controller-contact", (*path, "email"), entity=name)
    controller = context.data["controller"]
    representative = controller["eu_representative"]
    if context.outside_eea(controller["country"]) and (representative == "not-required"
                                                       or context.missing(representative)):
        yield context.finding("controller-eu-representative", ("controller", "eu_representative"),
                              None if representative == "not-required" else "not-stated",
                              country=controller["country"])
    dpo = controller["dpo"]
    if dpo["appointed"] is None:
        yield context.finding("dpo-appointed", ("controller", "dpo", "appointed"))
    elif dpo["appointed"] and context.missing(dpo["email"]):
        yield context.finding("dpo-contact", ("controller", "dpo", "email"))


@checks("joint-controller-arrangement")
def joint_controllers(context: _Context) -> Iterator[Finding]:
    for number, arrangement in context.entries(context.data.get("joint_controllers")):
        if context.missing(arrangement["essence"]):
            yield context.finding("joint-controller-arrangement", ("joint_controllers", number, "essence"),
                                  arrangement=arrangement["id"])


@checks("supervisory-authority-address")
def supervisory_authorities(context: _Context) -> Iterator[Finding]:
    for number, authority in context.entries(context.data["supervisory_authorities"]):
        if context.missing(authority["postal_address"]):
            yield context.finding("supervisory-authority-address",
                                  ("supervisory_authorities", number, "postal_address"))


@checks("processor-role")
def processor_role(context: _Context) -> Iterator[Finding]:
    processor = context.data["roles"].get("processor")
    if isinstance(processor, Mapping) and context.missing(processor["description"]):
        yield context.finding("processor-role", ("roles", "processor", "description"))


# --- purposes and legal bases ------------------------------------------------------------------

def legal_bases_of(context: _Context, purpose: Purpose) -> list[LegalBasis]:
    """A purpose's legal bases: its own, and those of the group it belongs to."""
    group = context.model.by_id["purpose_groups"].get(purpose.get("group") or "")
    return [*listed(purpose["legal_bases"]), *listed(group.get("legal_bases") if group else None)]


@checks("purpose-legal-basis", "legitimate-interest")
def legal_bases(context: _Context) -> Iterator[Finding]:
    choices = context.choices("$defs", "legal_basis", "properties", "basis")
    for number, purpose in context.entries(context.data["purposes"]):
        if not legal_bases_of(context, purpose):
            yield context.finding("purpose-legal-basis", ("purposes", number, "legal_bases"),
                                  purpose=purpose["id"], choices=choices)
    with_bases: list[tuple[str, int, Purpose | PurposeGroup]] = [
        *(("purposes", number, purpose) for number, purpose in context.entries(context.data["purposes"])),
        *(("purpose_groups", number, group) for number, group in context.entries(context.data.get("purpose_groups")))]
    for collection, number, entry in with_bases:
        for position, basis in context.entries(entry.get("legal_bases")):
            if basis["basis"] == "legitimate-interests" and context.missing(basis.get("legitimate_interest")):
                yield context.finding("legitimate-interest",
                                      (collection, number, "legal_bases", position, "legitimate_interest"),
                                      "group" if collection == "purpose_groups" else None, purpose=entry["id"])


@checks("special-categories-stated", "special-category-condition")
def special_categories(context: _Context) -> Iterator[Finding]:
    sensitive = context.data["sensitive_data"]
    if sensitive["processed_as_controller"] is None:
        yield context.finding("special-categories-stated", ("sensitive_data", "processed_as_controller"))
    elif sensitive["processed_as_controller"] and context.missing(sensitive.get("condition")):
        yield context.finding("special-category-condition", ("sensitive_data", "condition"))


def _from_person(context: _Context, purpose: Purpose) -> bool:
    """Whether some data of the purpose may come from the person: a source says so, or none is stated."""
    sources = context.model.by_id["sources"]
    return purpose["sources"] is None or any(sources[source]["from_data_subject"] for source in purpose["sources"])


def _from_elsewhere(context: _Context, purpose: Purpose) -> bool:
    sources = context.model.by_id["sources"]
    return purpose["sources"] is None or any(not sources[source]["from_data_subject"]
                                             for source in purpose["sources"])


@checks("purpose-sources", "purpose-data-categories", "purpose-retention")
def purpose_facts(context: _Context) -> Iterator[Finding]:
    for number, purpose in context.entries(context.data["purposes"]):
        path = ("purposes", number)
        if context.missing(purpose["sources"]):
            yield context.finding("purpose-sources", (*path, "sources"), purpose=purpose["id"])
        if context.missing(purpose["data_categories"]) and _from_elsewhere(context, purpose):
            yield context.finding("purpose-data-categories", (*path, "data_categories"), purpose=purpose["id"])
        if context.missing(purpose["retention"]):
            yield context.finding("purpose-retention", (*path, "retention"), purpose=purpose["id"])


@checks("source-public")
def source_public(context: _Context) -> Iterator[Finding]:
    for number, source in context.entries(context.data["sources"]):
        if not source["from_data_subject"] and source["public"] is None:
            yield context.finding("source-public", ("sources", number, "public"), source=source["id"])


@checks("taxonomy-unmapped")
def taxonomy_unmapped(context: _Context) -> Iterator[Finding]:
    data = context.data
    entries: list[tuple[str, int, DataCategory | DataSubject | Purpose]] = [
        *(("data_categories", number, entry) for number, entry in context.entries(data["data_categories"])),
        *(("data_subjects", number, entry) for number, entry in context.entries(data["data_subjects"])),
        *(("purposes", number, entry) for number, entry in context.entries(data["purposes"]))]
    if all(entry.get("fides") is None for _, _, entry in entries):
        return  # the model maps nothing to the taxonomy: its exports carry no taxonomy keys at all
    for collection, number, entry in entries:
        if entry.get("fides") is None:
            variant = None if collection == "data_categories" else collection
            yield context.finding("taxonomy-unmapped", (collection, number), variant=variant, entry=entry["id"])


@checks("provision-requirement")
def provision(context: _Context) -> Iterator[Finding]:
    choices = context.choices("$defs", "provision", "properties", "requirement")
    for number, purpose in context.entries(context.data["purposes"]):
        # Art. 13(2)(e) is about data the person gives; Art. 14 has no such duty.
        if _from_person(context, purpose) and context.missing(purpose.get("provision")):
            yield context.finding("provision-requirement", ("purposes", number, "provision"),
                                  purpose=purpose["id"], choices=choices)


@checks("automated-decisions")
def automated_decisions(context: _Context) -> Iterator[Finding]:
    if context.data["automated_decision_making"] is None:
        yield context.finding("automated-decisions", ("automated_decision_making",))


# --- recipients and transfers ------------------------------------------------------------------

def _site_trackers(context: _Context) -> set[str]:
    return {tracker for _, site in context.entries(context.data["sites"]) for tracker in listed(site["trackers"])}


def _transfers_by_recipient(context: _Context) -> dict[str, list[tuple[int, Transfer]]]:
    found: dict[str, list[tuple[int, Transfer]]] = {}
    for number, transfer in context.entries(context.data["transfers"]):
        found.setdefault(transfer["recipient"], []).append((number, transfer))
    return found


def _outside(context: _Context, recipient: Recipient) -> list[str]:
    """The countries or regions outside the EU/EEA a recipient processes data in ("worldwide" is one)."""
    return [place for place in listed(recipient["countries"]) if context.outside_eea(place)]


@checks("recipient-country")
def recipient_countries(context: _Context) -> Iterator[Finding]:
    for number, recipient in context.entries(context.data["recipients"]):
        if context.missing(recipient["countries"]):
            yield context.finding("recipient-country", ("recipients", number, "countries"), recipient=recipient["id"])


@checks("purpose-recipients")
def purpose_recipients(context: _Context) -> Iterator[Finding]:
    """Purposes that do not say who receives their data (`none` says nobody does)."""
    silent = [(number, purpose) for number, purpose in context.entries(context.data["purposes"])
              if purpose.get("recipients") != NONE and context.missing(purpose.get("recipients"))]
    if silent and not listed(context.data.get("recipients")):
        yield context.finding("purpose-recipients", ("recipients",), "none-at-all",
                              purposes=_quoted([purpose["id"] for _, purpose in silent]))
        return
    for number, purpose in silent:
        yield context.finding("purpose-recipients", ("purposes", number, "recipients"), purpose=purpose["id"])


@checks("transfers-not-stated")
def transfers_not_stated(context: _Context) -> Iterator[Finding]:
    if context.data["transfers"] == []:
        yield context.finding("transfers-not-stated", ("transfers",))


@checks("recipient-transfer-countries")
def recipient_transfer_countries(context: _Context) -> Iterator[Finding]:
    """A recipient's countries outside the EU/EEA and the transfers to it name the same countries.

    A recipient with no transfer at all is left to `transfer-stated` and `tracker-transfer`, a
    recipient whose countries are not stated to `recipient-country`, and a transfer to a country
    inside the EU/EEA to `transfer-country`; a recipient that processes data "worldwide" may be
    sent data anywhere."""
    transfers = _transfers_by_recipient(context)
    for number, recipient in context.entries(context.data["recipients"]):
        countries = listed(recipient["countries"])
        to_recipient = {transfer["country"] for _, transfer in transfers.get(recipient["id"], [])}
        if not to_recipient or WORLDWIDE in countries:
            continue
        for position, place in enumerate(countries):
            if context.outside_eea(place) and place not in to_recipient:
                yield context.finding("recipient-transfer-countries", ("recipients", number, "countries", position),
                                      recipient=recipient["id"], country=place,
                                      transfer_countries=", ".join(sorted(to_recipient)))
    recipients = context.model.by_id["recipients"]
    for number, transfer in context.entries(context.data["transfers"]):
        receiving = recipients.get(transfer["recipient"])
        countries = listed(receiving["countries"] if receiving else None)
        if (countries and WORLDWIDE not in countries and transfer["country"] not in countries
                and context.outside_eea(transfer["country"])):
            yield context.finding("recipient-transfer-countries", ("transfers", number, "country"),
                                  "not-a-recipient-country", recipient=transfer["recipient"],
                                  country=transfer["country"], countries=", ".join(countries))


@checks("transfer-stated")
def transfers_stated(context: _Context) -> Iterator[Finding]:
    """Recipients outside the EU/EEA that get data for a purpose or as a sub-processor.

    Tracker providers are left to `tracker-transfer`, which names each tracker: one missing entry
    is then reported once per tracker, not once more for the recipient.
    """
    tracker_providers = {tracker["provider"] for _, tracker in context.entries(context.data["trackers"])}
    transfers = _transfers_by_recipient(context)
    for number, recipient in context.entries(context.data["recipients"]):
        ident = recipient["id"]
        outside = _outside(context, recipient)
        if ident in tracker_providers or ident in transfers or not outside:
            continue
        purposes = [purpose["id"] for _, purpose in context.entries(context.data["purposes"])
                    if ident in listed(purpose.get("recipients"))]
        services = [service["id"] for _, service in context.entries(context.data["services"])
                    if ident in listed(service["sub_processors"])]
        if purposes or services:
            variant = ("purposes-and-sub-processor" if purposes and services else "sub-processor" if services
                       else None)
            yield context.finding("transfer-stated", ("recipients", number, "countries"), variant, recipient=ident,
                                  country=outside[0], purposes=_quoted(purposes), services=_quoted(services))


@checks("transfer-mechanism", "transfer-copy", "transfer-country")
def transfer_details(context: _Context) -> Iterator[Finding]:
    choices = context.choices("$defs", "safeguard", "properties", "kind")
    for number, transfer in context.entries(context.data["transfers"]):
        fields = {"recipient": transfer["recipient"], "country": transfer["country"]}
        if not context.outside_eea(transfer["country"]):
            yield context.finding("transfer-country", ("transfers", number, "country"), **fields)
        if context.missing(transfer["safeguards"]):
            yield context.finding("transfer-mechanism", ("transfers", number, "safeguards"), choices=choices, **fields)
            continue
        for position, safeguard in context.entries(transfer["safeguards"]):
            if (safeguard["kind"] in context.catalogue.safeguards_with_copy
                    and context.missing(safeguard.get("how_to_get_copy"))):
                yield context.finding("transfer-copy", ("transfers", number, "safeguards", position,
                                                        "how_to_get_copy"), mechanism=safeguard["kind"], **fields)


# --- retention -----------------------------------------------------------------------------------

def vague_phrases(text: Text | Mapping[str, str], phrases: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The vague phrases each language's text uses (as whole words), in the catalogue's order."""
    found: list[str] = []
    for language, words in in_languages(text).items():
        used = {match.phrase for match in find_phrases(words, phrases.get(language, ()))}
        found.extend(phrase for phrase in phrases.get(language, ()) if phrase in used and phrase not in found)
    return found


def _criteria_without_period(context: _Context) -> Iterator[tuple[int, RetentionPolicy]]:
    """Retention rules that rest on their criteria alone: no period and no law that sets one."""
    for number, policy in context.entries(context.data["retention_policies"]):
        if policy["period"] is None and not policy.get("legal_requirement"):
            yield number, policy


@checks("retention-period", "retention-vague")
def retention(context: _Context) -> Iterator[Finding]:
    for number, policy in _criteria_without_period(context):
        # The purposes whose data the rule keeps: the finding is theirs too.
        purposes = [purpose["id"] for _, purpose in context.entries(context.data["purposes"])
                    if policy["id"] in listed(purpose["retention"])]
        fields = {"policy": policy["id"], "purposes": _quoted(purposes)}
        variant = None if purposes else "unused"
        if context.missing(policy.get("criteria")):
            yield context.finding("retention-period", ("retention_policies", number, "period"), variant, **fields)
            continue
        found = vague_phrases(policy["criteria"], context.catalogue.vague_retention_phrases)
        if found:
            yield context.finding("retention-vague", ("retention_policies", number, "criteria"), variant,
                                  phrases=_quoted(found), **fields)


# --- clear and plain language --------------------------------------------------------------------

def texts_of(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str, str]]:
    """Every text of the model, one per language: (its path, the language, the text)."""
    if isinstance(data, dict):  # loaded data: plain dicts and lists
        if is_text(data):
            for language, text in in_languages(data).items():
                yield (*path, language), language, text
            return
        for key, value in data.items():
            yield from texts_of(value, (*path, key))
    elif isinstance(data, list):
        for number, value in enumerate(data):
            yield from texts_of(value, (*path, number))


def _excerpt(text: str, start: int, end: int, around: int = 30) -> str:
    """The words around text[start:end], on one line, with "..." where the text goes on."""
    before = text[max(0, start - around):start]
    after = text[end:end + around]
    if start > around:
        before = "..." + before[before.find(" ") + 1:] if " " in before else "..." + before
    if end + around < len(text):
        after = after[:after.rfind(" ")] + "..." if " " in after else after + "..."
    return one_line(before + text[start:end] + after).replace('"', "'")


@checks("vague-wording")
def vague_wording(context: _Context) -> Iterator[Finding]:
    catalogue = context.catalogue
    retention = {language: Phrases.of(phrases) for language, phrases in catalogue.vague_retention_phrases.items()}
    vague = {language: Phrases.of(phrases) for language, phrases in catalogue.vague_wording.items()}
    nothing = Phrases.of(())
    # Phrases that `retention-vague` already reports for a retention rule are not reported twice.
    reported: dict[FieldPath, list[tuple[int, int]]] = {}
    for number, policy in _criteria_without_period(context):
        criteria = policy.get("criteria")
        if is_text(criteria):
            for language, text in in_languages(criteria).items():
                reported[("retention_policies", number, "criteria", language)] = [
                    (match.start, match.end)
                    for match in retention.get(language, nothing).find(text)]
    for path, language, text in texts_of(context.data):
        not_after = catalogue.vague_wording_not_after.get(language, frozenset())
        not_before = catalogue.vague_wording_not_before.get(language, frozenset())
        for match in vague.get(language, nothing).find(text, not_after, not_before):
            if any(match.start < end and start < match.end for start, end in reported.get(path, ())):
                continue
            where = context.model.document.locate_in_text(path, phrase_pattern(match.phrase), match.occurrence)
            yield context.finding_at("vague-wording", path, where, phrase=one_line(text[match.start:match.end]),
                                     excerpt=_excerpt(text, match.start, match.end))


@checks("translation-missing", "translation-stale")
def translations(context: _Context) -> Iterator[Finding]:
    """Each text's translation into each language of `languages.translations`: there, and made from
    the English text as it is now. A missing one is located at the English text it is missing beside."""
    for found in translation_findings(context.data, translated_languages(context.data)):
        text = get_path(context.data, found.path)
        language, mark = found.language, mark_key(found.language)
        if found.status == "missing":
            yield context.finding_at("translation-missing", (*found.path, language),
                                     context.model.document.locate((*found.path, SOURCE_LANGUAGE)), language=language)
        elif found.status == "unmarked":
            yield context.finding("translation-stale", (*found.path, language), "unmarked", language=language,
                                  mark=mark)
        else:
            yield context.finding("translation-stale", (*found.path, mark), language=language,
                                  recorded=text[mark], current=fingerprint(text[SOURCE_LANGUAGE]))


# --- rights --------------------------------------------------------------------------------------

@checks(*(f"right-{right}" for right in REQUIRED_RIGHTS), "withdraw-consent")
def rights(context: _Context) -> Iterator[Finding]:
    stated = {entry["right"] for entry in context.data["rights"]["list"]}
    where = ("rights", "list")
    for right in REQUIRED_RIGHTS:
        if right not in stated:
            yield context.finding(f"right-{right}", where)
    if "withdraw-consent" in stated:
        return
    purposes = [purpose["id"] for _, purpose in context.entries(context.data["purposes"])
                if any(basis["basis"] == "consent" for basis in legal_bases_of(context, purpose))]
    used = _site_trackers(context)
    trackers = [tracker["id"] for _, tracker in context.entries(context.data["trackers"])
                if tracker["strictly_necessary"] is False and tracker["id"] in used]
    if purposes or trackers:
        variant = ("purposes-and-trackers" if purposes and trackers else "trackers" if trackers else None)
        yield context.finding("withdraw-consent", where, variant, purposes=_quoted(purposes),
                              trackers=_quoted(trackers))


def _uses(text: object, phrases: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether a text uses any of the phrases of its language, as whole words."""
    return isinstance(text, Mapping) and any(
        isinstance(words, str) and find_phrases(words, phrases.get(language, ())) for language, words in text.items())


@checks("marketing-objection")
def marketing_objection(context: _Context) -> Iterator[Finding]:
    """Marketing on legitimate interests: the right to object to it is stated, with how to use it."""
    words = context.catalogue.marketing_words
    marketing: list[str] = []
    for _, purpose in context.entries(context.data["purposes"]):
        interests = [basis for basis in legal_bases_of(context, purpose) if basis["basis"] == "legitimate-interests"]
        if interests and any(_uses(text, words) for text in
                             (purpose["description"], *(basis.get("legitimate_interest") for basis in interests))):
            marketing.append(purpose["id"])
    if not marketing:
        return
    rights_list = context.data["rights"]["list"]
    objection = next((number for number, entry in enumerate(rights_list) if entry["right"] == "objection"), None)
    if objection is None:
        yield context.finding("marketing-objection", ("rights", "list"), "not-listed", purposes=_quoted(marketing))
    elif not _uses(rights_list[objection].get("how"), context.catalogue.direct_marketing_words):
        yield context.finding("marketing-objection", ("rights", "list", objection), purposes=_quoted(marketing))


# --- cookies and trackers ------------------------------------------------------------------------

TRACKER_FACTS = (  # (field, rule) of what a tracker must state
    ("party", "tracker-party"), ("category", "tracker-category"), ("purpose", "tracker-purpose"),
    ("data_collected", "tracker-data-collected"), ("lifetime", "tracker-lifetime"),
    ("strictly_necessary", "tracker-consent-need"), ("cookies", "tracker-cookies"),
)


@checks("tracker-provider", "tracker-consent", "tracker-category-consent", "tracker-transfer",
        *(rule for _, rule in TRACKER_FACTS))
def trackers(context: _Context) -> Iterator[Finding]:
    recipients = context.model.by_id["recipients"]
    transfers = _transfers_by_recipient(context)
    always_consent = context.catalogue.consent_always_needed_for
    needing_consent = context.catalogue.consent_categories_needing_consent
    for number, tracker in context.entries(context.data["trackers"]):
        path = ("trackers", number)
        name = tracker["id"]
        if tracker["provider"] is None:
            yield context.finding("tracker-provider", (*path, "provider"), "not-stated", tracker=name)
        elif tracker["provider"] == SELF_PROVIDER and tracker["party"] == "third":
            yield context.finding("tracker-provider", (*path, "provider"), tracker=name)
        for field_name, rule in TRACKER_FACTS:
            if context.missing(tracker.get(field_name)):
                yield context.finding(rule, (*path, field_name), tracker=name)
        category = tracker["category"]
        if category in needing_consent and tracker["strictly_necessary"] is True:
            yield context.finding("tracker-category-consent", (*path, "strictly_necessary"), tracker=name,
                                  category=category)
        elif category == context.catalogue.consent_category_exempt and tracker["strictly_necessary"] is False:
            yield context.finding("tracker-category-consent", (*path, "strictly_necessary"), "necessary-needs-consent",
                                  tracker=name)
        provider = recipients.get(tracker["provider"] or "")  # None for the controller's own trackers
        if provider is None:
            continue
        kinds = [kind for kind in provider.get("categories") or () if kind in always_consent]
        # A tracker whose category already needs consent is reported by tracker-category-consent.
        if tracker["strictly_necessary"] and kinds and category not in needing_consent:
            yield context.finding("tracker-consent", (*path, "strictly_necessary"), tracker=name,
                                  provider=provider["id"], category=kinds[0])
        outside = _outside(context, provider)
        if not outside:
            continue
        to_provider = transfers.get(provider["id"], [])
        fields = {"tracker": name, "provider": provider["id"], "country": outside[0]}
        if not to_provider:
            yield context.finding("tracker-transfer", (*path, "provider"), **fields)
        elif all(context.missing(transfer["safeguards"]) for _, transfer in to_provider):
            transfer_path = ("transfers", to_provider[0][0])
            line = context.model.document.locate(transfer_path).line
            yield context.finding("tracker-transfer", (*path, "provider"), "no-mechanism",
                                  transfer=format_path(transfer_path), line=line, **fields)


# --- processor appendices ------------------------------------------------------------------------

# What a customer must be able to choose between when the service ends (GDPR Art. 28(3)(g)).
END_OF_SERVICE_CHOICES = frozenset({"deletion", "return"})


@checks(*(f"processor-appendix-{name.replace('_', '-')}" for name in APPENDIX_FIELDS))
def processor_appendices(context: _Context) -> Iterator[Finding]:
    for number, service in context.entries(context.data["services"]):
        for name in APPENDIX_FIELDS:
            if service.get(name) != NONE and context.missing(service.get(name)):
                yield context.finding(f"processor-appendix-{name.replace('_', '-')}", ("services", number, name),
                                      service=service["id"])
        end = service.get("end_of_service")
        missing = sorted(END_OF_SERVICE_CHOICES - set(end["choices"])) if isinstance(end, Mapping) else []
        if missing:
            yield context.finding("processor-appendix-end-of-service",
                                  ("services", number, "end_of_service", "choices"), "no-choice",
                                  service=service["id"], missing=missing[0])


# --- acknowledgements ----------------------------------------------------------------------------

# One step of a field path as editors write it: `.name` (or `name` first) or `[entry]`.
_PATH_STEP = re.compile(r"(?:^|\.)([^.\[\]]+)|\[([^\[\]]+)\]")


def _path_steps(text: str) -> list[tuple[str, bool]] | None:
    """`purposes[surveys].legal_basis` as [("purposes", False), ("surveys", True), ("legal_basis", False)];
    None when the text is not a field path."""
    steps: list[tuple[str, bool]] = []
    position = 0
    for match in _PATH_STEP.finditer(text):
        if match.start() != position:
            return None
        position = match.end()
        name, entry = match.groups()
        steps.append((entry, True) if entry is not None else (name, False))
    return steps if steps and position == len(text) else None


def _entry_name(entry: Any) -> str | None:
    """What names a list entry: its id (a transfer's recipient, a right's right)."""
    if isinstance(entry, Mapping):
        return next((entry[key] for key in NAMING_FIELDS if isinstance(entry.get(key), str)), None)
    return None


Steps = tuple[str | int, ...]  # field names, "[name]" for a named list entry, numbers for plain list items


@dataclass(frozen=True)
class _Target:
    """What an acknowledgement's `at` names: the finding's steps, or why it names none."""

    steps: Steps | None = None
    by_position: str | None = None  # the path naming by id the entry now at the position written
    gone: tuple[str, str] | None = None  # (the list, the entry) when the model has no such entry


def _target(at: str, data: Mapping[str, Any]) -> _Target:
    """The steps of the finding `at` names, as `finding_key` makes them. Never a list position where
    the entries have names: a position is whichever entry happens to stand there."""
    parsed = _path_steps(at)
    if parsed is None:
        return _Target()
    node: Any = data
    steps: list[str | int] = []
    for number, (step, is_entry) in enumerate(parsed):
        if not is_entry:
            steps.append(step)
            node = node.get(step) if isinstance(node, Mapping) else None
            continue
        if not isinstance(node, list):
            return _Target()
        named = [entry for entry in node if _entry_name(entry) == step]
        position = int(step) if step.isdigit() and int(step) < len(node) else None
        if named:
            steps.append(f"[{step}]")
            node = named[0]
        elif position is not None and _entry_name(node[position]) is None:
            steps.append(position)  # a list of plain values: its positions are all there is
            node = node[position]
        elif position is not None:
            rest = [f"[{name}]" if is_entry else name for name, is_entry in parsed[number + 1:]]
            return _Target(by_position=written_path((*steps, f"[{_entry_name(node[position])}]", *rest)))
        else:
            return _Target(gone=(written_path(tuple(steps)), step))
    return _Target(steps=tuple(steps))


def written_path(steps: Steps) -> str:
    """Steps as editors write a path: `purposes[surveys].legal_basis`."""
    text = ""
    for step in steps:
        if isinstance(step, int):
            text += f"[{step}]"
        elif step.startswith("["):
            text += step
        else:
            text += f".{step}" if text else step
    return text


def acknowledgement_path(finding: Finding, data: Mapping[str, Any]) -> str:
    """The path an acknowledgement of `finding` gives in `at`: the finding's path with each list entry
    named by its id (`purposes[surveys].legal_basis`, not `purposes[10].legal_basis`)."""
    return written_path(finding_key(finding, data)[1])


def _acknowledge(context: _Context, findings: list[Finding]) -> list[Finding]:
    """Mark the findings the model acknowledges; report acknowledgements that match nothing.

    An acknowledgement names a finding by rule and path, each list entry in the path by its id, so
    it stays with its entry when entries are added, removed or moved; one that names an entry by its
    position, or an entry the model no longer has, acknowledges nothing and is reported."""
    rules = context.catalogue.rules
    open_by_key: dict[tuple[str, Steps], list[int]] = {}
    for index, finding in enumerate(findings):
        open_by_key.setdefault((finding.rule, finding_key(finding, context.data)[1]), []).append(index)
    result = list(findings)
    claimed: dict[tuple[str, Steps], str] = {}
    extra: list[Finding] = []
    for number, entry in context.entries(context.data.get("acknowledged_findings")):
        path = ("acknowledged_findings", number)
        shown = {"rule": entry["rule"], "at": _one_line_quoted(entry["at"])}
        target = _target(entry["at"], context.data)
        key = (entry["rule"], target.steps or ())
        if entry["rule"] in ACKNOWLEDGEMENT_RULES:
            extra.append(context.finding("acknowledgement-unknown-rule", (*path, "rule"), "not-acknowledgeable",
                                         **shown))
        elif entry["rule"] not in rules:
            known = [rule for rule in rules if rule not in ACKNOWLEDGEMENT_RULES]
            extra.append(context.finding("acknowledgement-unknown-rule", (*path, "rule"),
                                         suggestion=_suggestion(context.catalogue, entry["rule"], known), **shown))
        elif target.gone is not None:
            where, name = target.gone
            extra.append(context.finding("acknowledgement-unused", (*path, "at"), list=where,
                                         entry=one_line(name), **shown))
        elif target.by_position is not None:
            extra.append(context.finding("acknowledgement-unmatched", (*path, "at"), "by-position",
                                         instead=target.by_position, **shown))
        elif target.steps is not None and key in claimed:
            extra.append(context.finding("acknowledgement-unmatched", (*path, "at"), "duplicate",
                                         first=claimed[key], **shown))
        elif target.steps is not None and key in open_by_key:
            claimed[key] = format_path(path)
            for index in open_by_key[key]:
                result[index] = _with_acknowledgement(result[index], entry["reason"])
        else:
            same_rule = sorted({acknowledgement_path(finding, context.data) for finding in findings
                                if finding.rule == entry["rule"]})
            extra.append(context.finding("acknowledgement-unmatched", (*path, "at"),
                                         "elsewhere" if same_rule else None, paths=", ".join(same_rule), **shown))
    return result + extra


def _suggestion(catalogue: Catalogue, value: str, choices: Sequence[str]) -> str:
    """' Did you mean "x"?' (in the catalogue's language) for a near miss among `choices`, else ''."""
    near = closest(value, choices)
    return catalogue.did_you_mean.format(name=near) if near is not None else ""


def _with_acknowledgement(finding: Finding, reason: str) -> Finding:
    return replace(finding, acknowledged=True, reason=reason)


def _one_line_quoted(text: str) -> str:
    """Free text from the model inside a message: quoted, on one line, control characters shown."""
    return '"' + one_line(text).replace('"', '\\"') + '"'


def one_line(text: str) -> str:
    """`text` as a single line: runs of whitespace (line breaks included) become one space and
    other control characters are shown escaped, so one finding stays one line of output."""
    return "".join(
        f"\\x{ord(character):02x}" if ord(character) < 32 or 127 <= ord(character) < 160 else character
        for character in " ".join(text.split()))


# --- the stage -----------------------------------------------------------------------------------

def check(model: Model, policy: Policy, language: str = RULES_LANGUAGE) -> list[Finding]:
    """Every finding for `model` by the policy's rules, acknowledged ones marked, ordered by place in
    the file, then rule; their messages in `language`."""
    context = _Context(model, policy, language)
    findings: list[Finding] = []
    for function in dict.fromkeys(CHECKS.values()):
        findings.extend(function(context))
    return sorted(_acknowledge(context, findings), key=lambda finding: finding.sort_key)


def implemented_rules() -> set[str]:
    """The rule ids this module can report: its checks' and the acknowledgement rules."""
    return set(CHECKS) | set(ACKNOWLEDGEMENT_RULES)


@dataclass(frozen=True)
class Counts:
    errors: int
    warnings: int
    acknowledged: int


def count(findings: Iterable[Finding]) -> Counts:
    """Open errors and warnings (acknowledged findings count only as acknowledged)."""
    listed = list(findings)
    open_findings = [finding for finding in listed if not finding.acknowledged]
    return Counts(errors=sum(finding.severity == "error" for finding in open_findings),
                  warnings=sum(finding.severity == "warning" for finding in open_findings),
                  acknowledged=len(listed) - len(open_findings))


# --- comparing with an earlier version of the model ----------------------------------------------

FindingKey = tuple[str, Steps, bool]
# The collection whose ids a naming field holds, when it is not the list the entry is in.
NAMED_COLLECTION = {"recipient": "recipients"}


def finding_key(finding: Finding, data: Mapping[str, Any],
                renamed_ids: Mapping[str, Mapping[str, str]] | None = None) -> FindingKey:
    """What a finding is about, independent of line numbers and of the order of list entries: its
    rule, its field path with each list position replaced by the entry's id where it has one (with
    `renamed_ids`, by collection, putting an earlier model's ids in today's names), and whether it
    is acknowledged."""
    renamed_ids = renamed_ids or {}
    node: Any = data
    steps: list[str | int] = []
    for step in finding.path:
        if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            node = node[step]
            field_name = next((key for key in NAMING_FIELDS
                               if isinstance(node, Mapping) and isinstance(node.get(key), str)), None)
            if field_name is None:
                steps.append(step)
                continue
            collection = NAMED_COLLECTION.get(field_name, str(steps[-1]) if steps else "")
            name = node[field_name]
            steps.append(f"[{renamed_ids.get(collection, {}).get(name, name)}]")
        else:
            steps.append(step)
            node = node.get(step) if isinstance(node, Mapping) else None
    return finding.rule, tuple(steps), finding.acknowledged


def new_since(findings: Sequence[Finding], data: Mapping[str, Any],
              base_findings: Sequence[Finding], base_data: Mapping[str, Any],
              renamed_ids: Mapping[str, Mapping[str, str]] | None = None) -> list[bool]:
    """For each finding, whether it is new: not among the base version's findings (whose ids
    `renamed_ids` maps to today's). Findings are counted, so a second finding of the same kind
    where the base had one is new; an acknowledgement withdrawn makes its finding new."""
    remaining = Counter(finding_key(finding, base_data, renamed_ids) for finding in base_findings)
    flags: list[bool] = []
    for finding in findings:
        key = finding_key(finding, data)
        flags.append(remaining[key] == 0)
        if remaining[key]:
            remaining[key] -= 1
    return flags


__all__ = [
    "CHECKS",
    "Catalogue",
    "CatalogueError",
    "Counts",
    "Finding",
    "Phrases",
    "Rule",
    "acknowledgement_path",
    "check",
    "count",
    "find_phrases",
    "finding_key",
    "implemented_rules",
    "new_since",
    "one_line",
    "phrase_pattern",
    "texts_of",
    "vague_phrases",
    "written_path",
]
