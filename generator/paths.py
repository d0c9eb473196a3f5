"""Where the project's fixed parts live: the policy (schema, templates, texts) and the model."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POLICY_DIR = PROJECT_ROOT / "policy"
SCHEMA_PATH = POLICY_DIR / "processing.schema.json"
DEFAULT_MODEL = Path("data") / "processing.yaml"
