"""The stages composed: what the CLI, the MkDocs plugin and the diff use to get a valid model."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from generator.load import PartCache, load_bytes, load_bytes_by_parts, load_file
from generator.migrate import CURRENT_VERSION, migrate_data, schema_version
from generator.policy import Policy
from generator.problems import InputError, Problem
from generator.validate import Model, validate


@dataclass(frozen=True)
class LoadedModel:
    model: Model
    warnings: list[Problem]


def read_model(path: Path, policy: Policy, display_name: str | None = None) -> LoadedModel:
    """Load and validate a model file; raise InputError with every error when it is not valid."""
    validation = validate(load_file(path, display_name or str(path)), policy)
    if validation.model is None:
        raise InputError(validation.problems)
    return LoadedModel(validation.model, validation.warnings)


def read_model_bytes(raw: bytes, display_name: str, policy: Policy, parts: PartCache | None = None) -> LoadedModel:
    """As read_model, for content that is not a file on disk: a git revision, for the version history,
    `check --baseline` and `diff --from`. A revision written for an earlier schema version is migrated
    first (`migrate_data`), as `privacy-statement migrate` would, so every published version still
    reads; its messages keep the revision's own line numbers. With `parts`, the top-level fields
    already in it are not parsed again (load_bytes_by_parts: the same Document, the same errors)."""
    document = load_bytes(raw, display_name) if parts is None else load_bytes_by_parts(raw, display_name, parts)
    if schema_version(document.data) != CURRENT_VERSION:  # at the current version: nothing to migrate, no copy
        document = replace(document, data=migrate_data(document.data))
    validation = validate(document, policy)
    if validation.model is None:
        raise InputError(validation.problems)
    return LoadedModel(validation.model, validation.warnings)
