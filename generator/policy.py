"""The policy: how a statement is written, read once from the policy folder into one object.

The policy folder (`policy/` in the project) holds the JSON Schema of the model, the texts of each
language (`texts/LANG.yaml`), the wording of the diff (`texts/diff.LANG.yaml`) and of the check's
report (`texts/check.LANG.yaml`, with the rules' messages in each language but the rules' own), the
loader's and validator's messages in each language but English (`texts/problems.LANG.yaml`), the
checker's rules (`rules.yaml`), the EU/EEA countries and the page templates. `load_policy(folder)` reads them all
into a `Policy`, which each command and each build makes once and hands to the stages: validate,
check, render, diff and the history. Nothing is cached between Policy objects, so a new build
(`mkdocs serve` rebuilding after an edit) sees the edited files by making a new one.

Policy files are read with the model's own strict YAML loader (YAML 1.2 core: a key `no:` stays
the text "no", not false).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar, cast

import jsonschema
from jsonschema.protocols import Validator

from generator.load import load_file
from generator.messages import Wording
from generator.paths import SCHEMA_FILE
from generator.problems import InputError, Severity

RULES_FILE = "rules.yaml"
EEA_FILE = "eea-countries.yaml"
TEXTS_FOLDER = "texts"
TEMPLATES_FOLDER = "templates"
WORDING_PREFIX = "diff."  # texts/diff.LANG.yaml is the diff's wording, texts/LANG.yaml the pages'
REPORT_PREFIX = "check."  # texts/check.LANG.yaml is the check's report, and its rules in that language
# texts/problems.LANG.yaml: the loader's and validator's messages (read only when a report in a language
# other than English needs them: every problem carries its English message already).
PROBLEMS_PREFIX = "problems."
# The language the loader and validator make their messages in (generator.messages.ENGLISH).
PROBLEMS_LANGUAGE = "en"
# The language of the rules' messages in rules.yaml; texts/check.LANG.yaml holds them in the others.
RULES_LANGUAGE = "en"


T = TypeVar("T")


class PolicyError(Exception):
    """The policy folder is missing or one of its files cannot be read: a set-up mistake, not the model's."""


# --- the checker's rules -------------------------------------------------------------------------

class CatalogueError(PolicyError, ValueError):
    """rules.yaml does not have the shape the checker reads: a developer's mistake."""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    source: str | None
    summary: str
    checklist: str | None
    message: str
    variants: Mapping[str, str] = field(default_factory=dict)

    def text(self, variant: str | None, fields: Mapping[str, object]) -> str:
        template = self.variants[variant] if variant else self.message
        return " ".join(template.format_map(fields).split())


@dataclass(frozen=True)
class Catalogue:
    """The rules and the lists they judge by, as the policy folder defines them."""

    rules: Mapping[str, Rule]
    vague_retention_phrases: Mapping[str, tuple[str, ...]]
    consent_always_needed_for: frozenset[str]
    safeguards_with_copy: frozenset[str]
    eea: frozenset[str]
    placeholder_texts: Mapping[str, frozenset[str]] = field(default_factory=dict)
    vague_wording: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    vague_wording_not_after: Mapping[str, frozenset[str]] = field(default_factory=dict)
    vague_wording_not_before: Mapping[str, frozenset[str]] = field(default_factory=dict)
    marketing_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    direct_marketing_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    consent_categories_needing_consent: frozenset[str] = frozenset()
    consent_category_exempt: str | None = None
    # Words messages are made with, in the catalogue's language (texts/check.LANG.yaml): the last of
    # several choices ("a, b or c"), and a near id suggested.
    choices_or: str = "or"
    did_you_mean: str = ' Did you mean "{name}"?'

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def is_placeholder(self, language: str, text: str) -> bool:
        """Whether `text` only says that a fact is not stated ("Not stated", "N/A", "TBD", "-")."""
        return _placeholder_key(text) in self.placeholder_texts.get(language, ())


def _placeholder_key(text: str) -> str:
    """A text as placeholders are compared: case, spaces and a closing full stop aside."""
    return " ".join(text.casefold().split()).rstrip(".").strip()


def _phrase_lists(lists: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    return {language: tuple(phrases) for language, phrases in (lists or {}).items()}


def _rule(entry: Mapping[str, Any], file: str) -> Rule:
    try:
        rule = Rule(id=entry["id"], severity=entry["severity"], source=entry["source"],
                    summary=entry["summary"], checklist=entry["checklist"], message=entry["message"],
                    variants=dict(entry.get("variants") or {}))
    except KeyError as missing:
        raise CatalogueError(f"rule {entry.get('id')!r} in {file} has no {missing}") from None
    if rule.severity not in ("error", "warning"):
        raise CatalogueError(f"rule {rule.id!r} has severity {rule.severity!r}; use error or warning")
    return rule


def read_catalogue(rules_path: Path, eea: frozenset[str], words: Mapping[str, Any] | None = None) -> Catalogue:
    """The rules of `rules_path`, judging transfers by the EU/EEA countries `eea`; `words`: the check's
    wording in the rules' language (texts/check.en.yaml), for the words messages are made with."""
    data = _read_yaml(rules_path)
    rules: dict[str, Rule] = {}
    for entry in data["rules"]:
        rule = _rule(entry, rules_path.name)
        if rule.id in rules:
            raise CatalogueError(f"rule {rule.id!r} is defined twice in {rules_path.name}")
        rules[rule.id] = rule
    return Catalogue(
        rules=rules,
        vague_retention_phrases={language: tuple(phrases)
                                 for language, phrases in data["vague_retention_phrases"].items()},
        consent_always_needed_for=frozenset(data["consent_always_needed_for"]),
        safeguards_with_copy=frozenset(data["safeguards_with_copy"]),
        eea=eea,
        placeholder_texts={language: frozenset(_placeholder_key(text) for text in texts)
                           for language, texts in (data.get("placeholder_texts") or {}).items()},
        vague_wording=_phrase_lists(data.get("vague_wording")),
        vague_wording_not_after={language: frozenset(word.casefold() for word in words)
                                 for language, words in (data.get("vague_wording_not_after") or {}).items()},
        vague_wording_not_before={language: frozenset(word.casefold() for word in words)
                                  for language, words in (data.get("vague_wording_not_before") or {}).items()},
        marketing_words=_phrase_lists(data.get("marketing_words")),
        direct_marketing_words=_phrase_lists(data.get("direct_marketing_words")),
        consent_categories_needing_consent=frozenset(data.get("consent_categories_needing_consent") or ()),
        consent_category_exempt=data.get("consent_category_exempt"),
        choices_or=str((words or {}).get("choices_or", Catalogue.choices_or)),
        did_you_mean=str((words or {}).get("did_you_mean", Catalogue.did_you_mean)),
    )


def translated_catalogue(catalogue: Catalogue, words: Mapping[str, Any], file: str) -> Catalogue:
    """The catalogue with every rule's summary and messages, and the words messages are made with, in
    another language: `words` is that language's texts/check.LANG.yaml (named `file`), whose `rules`
    give each rule of the catalogue with the same variants."""
    translations = words.get("rules") or {}
    rules: dict[str, Rule] = {}
    for rule_id, rule in catalogue.rules.items():
        translation = translations.get(rule_id)
        if not isinstance(translation, Mapping) or "summary" not in translation or "message" not in translation:
            raise CatalogueError(f"rule {rule_id!r} has no summary and message in {file}")
        variants = dict(translation.get("variants") or {})
        if set(variants) != set(rule.variants):
            raise CatalogueError(f"rule {rule_id!r} in {file} has the variants {sorted(variants)}, "
                                 f"not those of {RULES_FILE}: {sorted(rule.variants)}")
        rules[rule_id] = replace(rule, summary=translation["summary"], message=translation["message"],
                                 variants=variants)
    unknown = sorted(set(translations) - set(catalogue.rules))
    if unknown:
        raise CatalogueError(f"{file} has messages for rules {RULES_FILE} does not have: {', '.join(unknown)}")
    return replace(catalogue, rules=rules, choices_or=str(words["choices_or"]),
                   did_you_mean=str(words["did_you_mean"]))


def read_problem_wording(path: Path) -> Wording:
    """A texts/problems.LANG.yaml: its `messages` by key, and its `descriptions`, the schema's English
    descriptions in that language."""
    data = _read_yaml(path)
    messages, descriptions = data.get("messages"), data.get("descriptions") or {}
    if not isinstance(messages, dict) or not isinstance(descriptions, dict):
        raise PolicyError(f"the policy file {path} has no mapping of `messages` (and `descriptions`)")
    return Wording({str(key): str(value) for key, value in messages.items()},
                   {str(key): str(value) for key, value in descriptions.items()})


def read_eea(path: Path) -> frozenset[str]:
    countries = _read_yaml(path)
    return frozenset(countries["eu"]) | frozenset(countries["eea_only"])


# --- the policy ----------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Policy:
    """Everything the stages read from one policy folder, read once. Two reads of the same folder
    are two policies (equal only to themselves): each build has its own."""

    folder: Path
    schema: Mapping[str, Any] = field(repr=False)
    validator: Validator = field(repr=False, compare=False)
    texts: Mapping[str, Mapping[str, Any]] = field(repr=False)  # by language: texts/LANG.yaml
    wording: Mapping[str, Mapping[str, Any]] = field(repr=False)  # by language: texts/diff.LANG.yaml
    catalogue: Catalogue = field(repr=False)  # its messages in RULES_LANGUAGE; catalogue_in gives the others
    eea: frozenset[str] = field(repr=False)
    report: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)  # texts/check.LANG.yaml
    # What the stages make from the policy and reuse while it lives (the renderer's compiled templates).
    _derived: dict[Hashable, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """What `make` makes from this policy, made once per key and kept with the policy (so it goes
        with it: the next build's Policy makes its own)."""
        if key not in self._derived:
            self._derived[key] = make()
        return cast(T, self._derived[key])

    @property
    def schema_path(self) -> Path:
        return self.folder / SCHEMA_FILE

    @property
    def templates(self) -> Path:
        return self.folder / TEMPLATES_FOLDER

    def texts_in(self, language: str) -> Mapping[str, Any]:
        """The page texts of `language`."""
        return _in_language(self.texts, language, self.folder / TEXTS_FOLDER, "")

    def wording_in(self, language: str) -> Mapping[str, Any]:
        """The diff's wording in `language`."""
        return _in_language(self.wording, language, self.folder / TEXTS_FOLDER, WORDING_PREFIX)

    def report_in(self, language: str) -> Mapping[str, Any]:
        """The check's report wording in `language`."""
        return _in_language(self.report, language, self.folder / TEXTS_FOLDER, REPORT_PREFIX)

    def catalogue_in(self, language: str) -> Catalogue:
        """The rules with their summaries and messages in `language`."""
        if language == RULES_LANGUAGE:
            return self.catalogue
        file = f"{TEXTS_FOLDER}/{REPORT_PREFIX}{language}.yaml"
        return self.derived(("catalogue", language),
                            lambda: translated_catalogue(self.catalogue, self.report_in(language), file))

    def problems_in(self, language: str) -> Wording | None:
        """The loader's and validator's messages in `language` (texts/problems.LANG.yaml, read once per
        policy); None for English, the language every problem already carries."""
        if language == PROBLEMS_LANGUAGE:
            return None
        return self.derived(("problems", language), lambda: read_problem_wording(
            self.folder / TEXTS_FOLDER / f"{PROBLEMS_PREFIX}{language}.yaml"))


def _in_language(by_language: Mapping[str, Mapping[str, Any]], language: str, folder: Path,
                 prefix: str) -> Mapping[str, Any]:
    try:
        return by_language[language]
    except KeyError:
        raise PolicyError(f"the policy has no {folder / f'{prefix}{language}.yaml'}") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise PolicyError(f"the policy has no {path}")
    try:
        data = load_file(path).data
    except InputError as error:
        raise PolicyError(f"the policy file {path} cannot be read:\n{error}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"the policy file {path} holds no mapping")
    return data


def read_schema(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise PolicyError(f"the policy has no {path}")
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise PolicyError(f"the schema {path} cannot be read: {error}") from None
    if not isinstance(schema, dict):
        raise PolicyError(f"the schema {path} holds no JSON object")
    return schema


def load_policy(folder: Path) -> Policy:
    """Read the policy folder; PolicyError, saying what is missing, when it is not a whole policy."""
    folder = folder.resolve()
    if not folder.is_dir():
        raise PolicyError(f"there is no policy folder at {folder}")
    schema = read_schema(folder / SCHEMA_FILE)
    # Not checked against the metaschema here (that takes longer than validating a model);
    # tests/test_schema.py holds the schema to Draft 2020-12.
    validator_class = jsonschema.Draft202012Validator
    validator: Validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    texts: dict[str, Mapping[str, Any]] = {}
    wording: dict[str, Mapping[str, Any]] = {}
    report: dict[str, Mapping[str, Any]] = {}
    for path in sorted((folder / TEXTS_FOLDER).glob("*.yaml")):
        name = path.name.removesuffix(".yaml")
        if name.startswith(WORDING_PREFIX):
            wording[name.removeprefix(WORDING_PREFIX)] = _read_yaml(path)
        elif name.startswith(REPORT_PREFIX):
            report[name.removeprefix(REPORT_PREFIX)] = _read_yaml(path)
        elif name.startswith(PROBLEMS_PREFIX):
            continue  # read when a report needs it (Policy.problems_in)
        else:
            texts[name] = _read_yaml(path)
    if not texts:
        raise PolicyError(f"the policy has no texts: no {folder / TEXTS_FOLDER / 'LANG.yaml'}")
    if not (folder / TEMPLATES_FOLDER).is_dir():
        raise PolicyError(f"the policy has no templates folder {folder / TEMPLATES_FOLDER}")
    eea = read_eea(folder / EEA_FILE)
    return Policy(folder=folder, schema=schema, validator=validator, texts=texts, wording=wording,
                  catalogue=read_catalogue(folder / RULES_FILE, eea, report.get(RULES_LANGUAGE)), eea=eea,
                  report=report)


__all__ = ["PROBLEMS_LANGUAGE", "RULES_LANGUAGE", "Catalogue", "CatalogueError", "Policy", "PolicyError", "Rule",
           "load_policy",
           "read_catalogue", "read_eea", "read_problem_wording", "read_schema", "translated_catalogue"]
