"""The shape of a valid model, as types: what `validate` guarantees the data of a `Model` holds.

The JSON Schema (policy/processing.schema.json) is what a model is checked against; these types say
the same for the code that reads a valid model (the checker, the renderer, the diff), so mypy knows
each field and its kinds of value instead of string keys spread over them. tests/test_shape.py holds
every TypedDict here to the schema: the same fields, the same required ones, the same kinds of value
(null where the schema allows a gap, the same closed lists). A field added to the schema is added
here too, or that test fails.

No `from __future__ import annotations` here: the test reads the annotations at run time, and
Python 3.11 tells required from not required keys only from evaluated ones.
"""

from typing import Literal, NotRequired, TypedDict

# Strings the schema gives a form of its own (`$defs`); the names say what they hold.
Id = str
Email = str
Url = str
Country = str  # an ISO 3166-1 alpha-2 code: SE, US
Duration = str  # ISO 8601: P6M
Date = str  # YYYY-MM-DD
Version = str  # 1.2.0
OrganisationNumber = str
# Where a list field says that there are none: `transfers: none`.
NoneStated = Literal["none"]

LegalBasisKind = Literal["consent", "contract", "legal-obligation", "vital-interests", "public-task",
                         "legitimate-interests"]
SafeguardKind = Literal["adequacy-decision", "eu-us-data-privacy-framework", "standard-contractual-clauses",
                        "binding-corporate-rules", "art-49-derogation"]
Derogation = Literal["explicit-consent", "contract-with-person", "contract-in-persons-interest", "public-interest",
                     "legal-claims", "vital-interests", "public-register"]
ConsentCategory = Literal["strictly-necessary", "functional", "analytics", "marketing"]
# The keys of fideslang's default taxonomy the model maps its entries to (tests/test_exports_vocabularies.py
# holds the schema's lists to fideslang's).
FidesDataCategory = Literal[
    "system", "system.authentication", "system.operations", "user", "user.account", "user.account.settings",
    "user.account.username", "user.authorization", "user.authorization.biometric",
    "user.authorization.credentials", "user.authorization.password", "user.behavior",
    "user.behavior.browsing_history", "user.behavior.media_consumption", "user.behavior.purchase_history",
    "user.behavior.search_history", "user.biometric", "user.biometric.fingerprint", "user.biometric.health",
    "user.biometric.retinal", "user.biometric.voice", "user.childrens", "user.contact",
    "user.contact.address", "user.contact.address.city", "user.contact.address.country",
    "user.contact.address.postal_code", "user.contact.address.state", "user.contact.address.street",
    "user.contact.email", "user.contact.fax_number", "user.contact.organization",
    "user.contact.phone_number", "user.contact.url", "user.content", "user.content.private",
    "user.content.public", "user.content.self_image", "user.criminal_history", "user.demographic",
    "user.demographic.age_range", "user.demographic.date_of_birth", "user.demographic.gender",
    "user.demographic.language", "user.demographic.marital_status", "user.demographic.political_opinion",
    "user.demographic.profile", "user.demographic.race_ethnicity", "user.demographic.religious_belief",
    "user.demographic.sexual_orientation", "user.device", "user.device.cookie", "user.device.cookie_id",
    "user.device.device_id", "user.device.ip_address", "user.financial", "user.financial.bank_account",
    "user.financial.credit_card", "user.government_id", "user.government_id.birth_certificate",
    "user.government_id.drivers_license_number", "user.government_id.immigration",
    "user.government_id.national_identification_number", "user.government_id.passport_number",
    "user.government_id.vehicle_registration", "user.health_and_medical", "user.health_and_medical.genetic",
    "user.health_and_medical.insurance_beneficiary_id", "user.health_and_medical.record_id",
    "user.job_title", "user.location", "user.location.imprecise", "user.location.precise", "user.name",
    "user.name.first", "user.name.last", "user.payment", "user.privacy_preferences", "user.sensor",
    "user.social", "user.telemetry", "user.unique_id", "user.unique_id.pseudonymous", "user.user_sensor",
    "user.workplace",
]
FidesDataSubject = Literal[
    "anonymous_user", "citizen_voter", "commuter", "consultant", "customer", "employee", "job_applicant",
    "next_of_kin", "passenger", "patient", "prospect", "shareholder", "supplier_vendor", "trainee",
    "visitor",
]
FidesDataUse = Literal[
    "analytics", "analytics.reporting", "analytics.reporting.ad_performance",
    "analytics.reporting.campaign_insights", "analytics.reporting.content_performance",
    "analytics.reporting.system", "analytics.reporting.system.performance", "collect", "employment",
    "employment.recruitment", "essential", "essential.fraud_detection", "essential.legal_obligation",
    "essential.service", "essential.service.authentication", "essential.service.notifications",
    "essential.service.notifications.email", "essential.service.notifications.sms",
    "essential.service.operations", "essential.service.operations.improve",
    "essential.service.operations.support", "essential.service.payment_processing",
    "essential.service.security", "essential.service.upgrades", "finance", "functional",
    "functional.service", "functional.service.improve", "functional.storage",
    "functional.storage.privacy_preferences", "marketing", "marketing.advertising",
    "marketing.advertising.first_party", "marketing.advertising.first_party.contextual",
    "marketing.advertising.first_party.targeted", "marketing.advertising.frequency_capping",
    "marketing.advertising.negative_targeting", "marketing.advertising.profiling",
    "marketing.advertising.serving", "marketing.advertising.third_party",
    "marketing.advertising.third_party.targeted", "marketing.communications",
    "marketing.communications.email", "marketing.communications.sms", "operations", "personalize",
    "personalize.content", "personalize.content.limited", "personalize.content.profiled",
    "personalize.content.profiling", "personalize.profiling", "personalize.system", "sales",
    "third_party_sharing", "third_party_sharing.legal_obligation", "train_ai_system",
]
ProvisionRequirement = Literal["statutory", "contractual", "needed-for-contract", "voluntary"]
CookieKind = Literal["cookie", "local-storage", "session-storage", "pixel"]
RecipientCategory = Literal["processor", "sub-processor", "partner", "analytics-provider", "advertising-network",
                            "social-network", "authority", "group-company", "other"]
RecipientRole = Literal["processor", "independent-controller", "joint-controller", "authority"]
RightKind = Literal["access", "rectification", "erasure", "restriction", "portability", "objection",
                    "withdraw-consent", "complaint"]
LegalReferenceKind = Literal["eu-law", "national-law", "guidance", "standard"]
# A country, or a region a recipient may process data in.
Place = Country | Literal["EEA", "worldwide"]
Lifetime = Duration | Literal["session"]


class Text(TypedDict):
    """A text for readers, one string per language, and beside a translation a short hash of the
    English text it was made from (`generator/translations.py`)."""

    en: str
    sv: NotRequired[str]
    sv_from: NotRequired[str]


Texts = list[Text]


class RetentionPeriod(TypedDict):
    duration: Duration
    starts: Text
    at_most: NotRequired[bool]


class Provision(TypedDict):
    requirement: ProvisionRequirement
    consequence: Text


class AutomatedDecisions(TypedDict):
    takes_place: bool
    description: Text


class LegalBasis(TypedDict):
    basis: LegalBasisKind
    applies_to: NotRequired[Text]
    legitimate_interest: NotRequired[Text | None]
    consent_record: NotRequired[Text]
    law: NotRequired[Id]


class Safeguard(TypedDict):
    kind: SafeguardKind
    derogation: NotRequired[Derogation]
    how_to_get_copy: NotRequired[Text]


class Cookie(TypedDict):
    name: NotRequired[str]
    pattern: NotRequired[str]
    kind: CookieKind
    domain: NotRequired[str]
    path: NotRequired[str]
    lifetime: NotRequired[Lifetime]
    description: NotRequired[Text]


class Dpo(TypedDict):
    appointed: bool | None
    role: NotRequired[Text]
    email: Email | None


class Controller(TypedDict):
    legal_name: str
    organisation_number: NotRequired[OrganisationNumber]
    country: Country
    head_office: NotRequired[Text]
    postal_address: Text | None
    email: Email | None
    description: NotRequired[Text]
    eu_representative: Literal["not-required"] | Text | None
    dpo: Dpo


class GroupEntity(TypedDict):
    id: Id
    legal_name: str
    organisation_number: NotRequired[OrganisationNumber]
    country: Country
    head_office: NotRequired[Text]
    postal_address: Text | None
    email: Email | None
    responsible_for: NotRequired[Text]


class JointController(TypedDict):
    id: Id
    name: Text
    group_entities: NotRequired[list[Id]]
    recipients: NotRequired[list[Id]]
    purposes: NotRequired[list[Id]]
    essence: Text | None
    contact_point: NotRequired[Text]


class SupervisoryAuthority(TypedDict):
    name: Text
    country: NotRequired[Country]
    lead: NotRequired[bool]
    postal_address: Text | None
    url: NotRequired[Url]
    email: NotRequired[Email]


class Statement(TypedDict, total=False):
    introduction: Text
    scope: Text
    covers: Texts
    necessity: Text
    never_sold: Text
    contact_invitation: Text
    third_party_links: Text


class ProcessorRole(TypedDict):
    description: Text | None
    services: list[Id]


class Roles(TypedDict, total=False):
    controller: Text
    processor: NoneStated | ProcessorRole


class DataSubject(TypedDict):
    id: Id
    name: Text
    description: NotRequired[Text]
    fides: NotRequired[FidesDataSubject]


class DataCategory(TypedDict):
    id: Id
    name: Text
    description: NotRequired[Text]
    fides: NotRequired[list[FidesDataCategory]]


class SensitiveData(TypedDict):
    processed_as_controller: bool | None
    statement: NotRequired[Text]
    condition: NotRequired[Text]


class Source(TypedDict):
    id: Id
    name: Text
    description: NotRequired[Text]
    from_data_subject: bool
    public: bool | None


class Recipient(TypedDict):
    id: Id
    name: Text
    description: NotRequired[Text]
    categories: NotRequired[list[RecipientCategory]]
    role: NotRequired[RecipientRole]
    established_in: NotRequired[Country]
    countries: list[Place] | None
    terms_url: NotRequired[Url]
    own_terms: NotRequired[bool | None]


class LegalRequirement(TypedDict):
    law: Id
    provision: NotRequired[Text]


class RetentionPolicy(TypedDict):
    id: Id
    applies_to: NotRequired[Text]
    period: RetentionPeriod | None
    legal_requirement: NotRequired[LegalRequirement]
    criteria: NotRequired[Text]
    deletion: NotRequired[Text]


class PurposeGroup(TypedDict):
    id: Id
    name: Text
    description: NotRequired[Text]
    legal_bases: NotRequired[list[LegalBasis]]


class Purpose(TypedDict):
    id: Id
    description: Text
    group: NotRequired[Id]
    fides: NotRequired[FidesDataUse]
    data_subjects: NotRequired[list[Id]]
    data_categories: list[Id] | None
    sources: list[Id] | None
    legal_bases: list[LegalBasis] | None
    retention: list[Id] | None
    recipients: NotRequired[NoneStated | list[Id]]
    provision: NotRequired[Provision | None]


class Transfer(TypedDict):
    recipient: Id
    country: Country
    safeguards: list[Safeguard] | None


class Cookies(TypedDict, total=False):
    explanation: Text
    browser_controls: Text
    further_reading: Url


class Tracker(TypedDict):
    id: Id
    name: Text
    provider: Id | None
    party: Literal["first", "third"] | None
    category: ConsentCategory | None
    purpose: Text | None
    data_collected: Text | None
    lifetime: Lifetime | None
    lifetime_note: NotRequired[Text]
    strictly_necessary: bool | None
    cookies: list[Cookie] | None
    opt_out: NotRequired[Text]
    opt_out_url: NotRequired[Url]
    further_reading: NotRequired[Url]


class OfferedCategory(TypedDict):
    """A consent category a site's banner offers."""

    kind: ConsentCategory
    label: Text
    description: NotRequired[Text]


class Site(TypedDict):
    id: Id
    name: Text
    url: NotRequired[Url]
    consent_settings_url: NotRequired[Url]
    consent_categories: NotRequired[list[OfferedCategory]]
    trackers: NoneStated | list[Id]


class EndOfService(TypedDict):
    choices: list[Literal["deletion", "return"]]
    description: NotRequired[Text]


class Service(TypedDict):
    id: Id
    name: Text
    description: Text
    subject_matter: Text | None
    duration: Text | None
    nature_and_purpose: Text | None
    data_types: Texts | None
    data_subject_categories: Texts | None
    sub_processors: NoneStated | list[Id] | None
    security_measures: Texts | None
    end_of_service: NotRequired[EndOfService | None]
    audits: NotRequired[Text | None]


class Right(TypedDict):
    right: RightKind
    how: NotRequired[Text]


# A field named `list`: the functional form, so the name stays free for the type.
Rights = TypedDict("Rights", {"how_to_exercise": NotRequired[Text], "list": list[Right]})  # noqa: UP013


class Security(TypedDict, total=False):
    measures: Texts
    standards: list[Id]


class LegalReference(TypedDict):
    id: Id
    name: Text
    kind: LegalReferenceKind
    citation: NotRequired[str]
    country: NotRequired[Country]
    url: NotRequired[Url]


class SocialMediaPage(TypedDict):
    id: Id
    name: Text
    url: Url
    provider: Id
    joint_controller: NotRequired[Id]
    description: NotRequired[Text]


class AcknowledgedFinding(TypedDict):
    rule: str
    at: str
    reason: str


class Translation(TypedDict):
    approved: bool


class Translations(TypedDict):
    sv: NotRequired[Translation]


class Languages(TypedDict):
    """Which language prevails, and the translations of the texts with whether each is approved."""

    prevailing: Literal["en", "sv"]
    translations: Translations


class ModelData(TypedDict):
    """A whole valid model."""

    schema_version: Literal[2]
    version: Version
    effective_date: Date
    controller: Controller
    group_entities: NotRequired[list[GroupEntity]]
    joint_controllers: NotRequired[list[JointController]]
    supervisory_authorities: list[SupervisoryAuthority]
    statement: NotRequired[Statement]
    roles: Roles
    data_subjects: list[DataSubject]
    data_categories: list[DataCategory]
    sensitive_data: SensitiveData
    sources: list[Source]
    recipients: list[Recipient]
    retention_policies: list[RetentionPolicy]
    purpose_groups: NotRequired[list[PurposeGroup]]
    purposes: list[Purpose]
    transfers: NoneStated | list[Transfer]
    cookies: NotRequired[Cookies]
    trackers: list[Tracker]
    sites: list[Site]
    services: list[Service]
    rights: Rights
    security: NotRequired[Security]
    automated_decision_making: AutomatedDecisions | None
    legal_references: NotRequired[list[LegalReference]]
    social_media_pages: NotRequired[list[SocialMediaPage]]
    languages: NotRequired[Languages]
    acknowledged_findings: NotRequired[list[AcknowledgedFinding]]


class ModelIndex(TypedDict):
    """A valid model's entries by id, for each collection whose entries have one (`Model.by_id`)."""

    group_entities: dict[Id, GroupEntity]
    joint_controllers: dict[Id, JointController]
    data_subjects: dict[Id, DataSubject]
    data_categories: dict[Id, DataCategory]
    sources: dict[Id, Source]
    recipients: dict[Id, Recipient]
    retention_policies: dict[Id, RetentionPolicy]
    purpose_groups: dict[Id, PurposeGroup]
    purposes: dict[Id, Purpose]
    trackers: dict[Id, Tracker]
    sites: dict[Id, Site]
    services: dict[Id, Service]
    legal_references: dict[Id, LegalReference]
    social_media_pages: dict[Id, SocialMediaPage]
