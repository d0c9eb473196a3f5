"""Translations of the model's texts: which are missing, which are stale, and marking them current.

Every text of the model is written in the source language (English, `en`) and may carry a
translation (`sv`). A translation records what it was translated from: `sv_from`, a short hash of
the source text as a reader sees it (its whitespace folded). When the source text changes and the
translation does not, the recorded hash no longer matches: the translation is stale. After a
translator has brought the translations up to date, `privacy-statement translations --mark-current`
writes the current hash beside each translation, editing the model file in place and leaving every
other character of it as it was.

The model's `languages` section names the languages its texts are translated into
(`languages.translations`), whether the legal team has approved each translation, and which
language prevails where a translation differs from its source. A model without it expects no
translation, and its source language prevails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

import yaml

from generator.problems import FieldPath

SOURCE_LANGUAGE = "en"
TRANSLATED = ("sv",)  # the languages a text may be translated into
LANGUAGES = (SOURCE_LANGUAGE, *TRANSLATED)  # every language a text may have, the source first
MARK_SUFFIX = "_from"
TEXT_KEYS = frozenset({*LANGUAGES, *(language + MARK_SUFFIX for language in TRANSLATED)})

Status = Literal["missing", "unmarked", "stale"]


# Hex digits written as the letters a-p: a mark is then text to every YAML reader (a hex mark such
# as 12345678 or 5e123456 would be a number to some, and a YAML 1.1 writer would leave it unquoted).
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def fingerprint(text: str) -> str:
    """The short hash a translation records of its source text: the first 32 bits of SHA-256 over
    the text as a reader sees it (so re-wrapping a line in the file does not make a translation
    stale), as 8 letters a-p, one per hex digit."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:8].translate(_LETTERS)


def mark_key(language: str) -> str:
    """The key beside a translation that records what it was translated from: `sv_from`."""
    return language + MARK_SUFFIX


def is_text_schema(properties: Mapping[str, Any]) -> bool:
    """Whether a schema object with these properties is the model's text (one string per language)."""
    return SOURCE_LANGUAGE in properties and set(properties) <= TEXT_KEYS


def is_text(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """Whether a loaded value is a text of the model: `{en: ..., sv: ..., sv_from: ...}`."""
    return (isinstance(value, Mapping) and isinstance(value.get(SOURCE_LANGUAGE), str)
            and set(value) <= TEXT_KEYS)


def in_languages(text: Mapping[str, Any]) -> dict[str, str]:
    """A text's strings by language, without the marks: what readers of each language see."""
    return {language: text[language] for language in LANGUAGES if isinstance(text.get(language), str)}


def texts(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Mapping[str, str]]]:
    """Every text of the model, with its path, in the file's order."""
    if is_text(data):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from texts(value, (*path, key))
    elif isinstance(data, list):
        for number, value in enumerate(data):
            yield from texts(value, (*path, number))


# --- the model's languages -----------------------------------------------------------------------

def translated_languages(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The languages the model says its texts are translated into (`languages.translations`)."""
    return tuple((data.get("languages") or {}).get("translations") or {})


def prevailing_language(data: Mapping[str, Any]) -> str:
    """The language whose text prevails where a translation differs from it."""
    return str((data.get("languages") or {}).get("prevailing") or SOURCE_LANGUAGE)


def approved(data: Mapping[str, Any], language: str) -> bool:
    """Whether the legal team has approved the translation into `language` (the source needs none)."""
    if language == SOURCE_LANGUAGE:
        return True
    translation = ((data.get("languages") or {}).get("translations") or {}).get(language)
    return bool(translation and translation.get("approved"))


# --- missing and stale translations --------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    path: FieldPath  # the text's path
    language: str
    status: Status


def translation_status(text: Mapping[str, str], language: str) -> Status | None:
    """Whether a text's translation into `language` is missing, has no mark, is stale, or is current (None)."""
    if not text.get(language):
        return "missing"
    mark = text.get(mark_key(language))
    if mark is None:
        return "unmarked"
    return None if mark == fingerprint(text[SOURCE_LANGUAGE]) else "stale"


def findings(data: Any, languages: tuple[str, ...]) -> list[Finding]:
    """Every text whose translation into one of `languages` is missing, unmarked or stale."""
    found = []
    for path, text in texts(data):
        for language in languages:
            status = translation_status(text, language)
            if status is not None:
                found.append(Finding(path, language, status))
    return found


# --- the texts as written in the file ------------------------------------------------------------

@dataclass(frozen=True)
class _Scalar:
    """A scalar of the file: its value and where it is written (character offsets, 0-based columns)."""

    value: str
    start: int
    end: int
    start_column: int
    end_column: int


@dataclass(frozen=True)
class _WrittenText:
    """A text as written in the file: flow style (`{en: ...}`) or block, and its keys and values."""

    flow: bool
    pairs: Mapping[str, tuple[_Scalar, _Scalar]]  # key -> (the key, its value)


@dataclass
class _Frame:
    mapping: bool
    flow: bool
    pairs: dict[str, tuple[_Scalar, _Scalar]]
    pending: _Scalar | None = None  # a mapping's key whose value is still to come
    plain: bool = True  # no value of it is a collection or an alias


def _scalar(event: yaml.ScalarEvent) -> _Scalar:
    start, end = event.start_mark, event.end_mark
    assert start is not None and end is not None  # the parser marks every event it makes
    return _Scalar(event.value, start.index, end.index, start.column, end.column)


def _written_texts(source: str) -> Iterator[_WrittenText]:
    """Each mapping of the file whose keys are all a text's, in the order the mappings end."""
    # The pure-Python parser: its marks count characters, which the edits need (libyaml's count bytes).
    stack: list[_Frame] = []
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        top = stack[-1] if stack else None
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if top is not None and top.mapping:
                top.plain, top.pending = False, None
            stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), bool(event.flow_style), {}))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            if frame.mapping and frame.plain and set(frame.pairs) <= TEXT_KEYS and SOURCE_LANGUAGE in frame.pairs:
                yield _WrittenText(frame.flow, frame.pairs)
        elif isinstance(event, yaml.ScalarEvent) and top is not None and top.mapping:
            if top.pending is None:
                top.pending = _scalar(event)
            else:
                top.pairs[top.pending.value] = (top.pending, _scalar(event))
                top.pending = None
        elif isinstance(event, yaml.AliasEvent) and top is not None and top.mapping:
            top.plain, top.pending = False, None


def _line_after(source: str, value: _Scalar) -> int:
    """Where the line after a block mapping's value starts (a block scalar ends at that line already)."""
    if value.end_column == 0:
        return value.end
    newline = source.find("\n", value.end)
    return len(source) if newline < 0 else newline + 1


@dataclass(frozen=True)
class _Edit:
    start: int  # character offsets into the file's text
    end: int
    replacement: str


def _apply_edits(source: str, edits: list[_Edit]) -> str:
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        source = source[:edit.start] + edit.replacement + source[edit.end:]
    return source


def mark_current(source: str, languages: tuple[str, ...] = TRANSLATED) -> tuple[str, int]:
    """`source` (a model file's text) with every translation into `languages` marked as translated
    from its current source text; and how many marks were added or changed."""
    edits: list[_Edit] = []
    for text in _written_texts(source):
        pairs = text.pairs
        mark = fingerprint(pairs[SOURCE_LANGUAGE][1].value)
        for language in languages:
            if language not in pairs:
                continue
            key_name = mark_key(language)
            if key_name in pairs:
                old = pairs[key_name][1]
                if old.value != mark:
                    edits.append(_Edit(old.start, old.end, f'"{mark}"'))
                continue
            key, value = pairs[language]
            if text.flow:
                edits.append(_Edit(value.end, value.end, f', {key_name}: "{mark}"'))
            else:
                at = _line_after(source, value)
                line = f'{" " * key.start_column}{key_name}: "{mark}"\n'
                if at == len(source) and not source.endswith("\n"):
                    line = "\n" + line.rstrip("\n")
                edits.append(_Edit(at, at, line))
    return _apply_edits(source, edits), len(edits)


__all__ = ["LANGUAGES", "MARK_SUFFIX", "SOURCE_LANGUAGE", "TEXT_KEYS", "TRANSLATED", "Finding", "approved", "findings",
           "fingerprint", "in_languages", "is_text", "is_text_schema", "mark_current", "mark_key",
           "prevailing_language", "texts", "translated_languages", "translation_status"]
