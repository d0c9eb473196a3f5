"""A valid model whose every text carries markup, script, javascript: links and template syntax."""

from __future__ import annotations

from typing import Any

import yaml
from sitekit import REAL_MODEL

# Each payload would do something visible if it were interpreted instead of shown as text.
PAYLOAD = (
    '<script>window.__injected = "script"</script> '
    '<img src="x" onerror="window.__injected = \'img\'"> '
    "[click me](javascript:window.__injected='md-link') "
    '<a href="javascript:window.__injected=\'a\'">a link</a> '
    "{{ 7 * 7 }} {% if true %}jinja{% endif %} "
    "**bold** _em_ `code` # heading | cell | {: onclick=alert(1) } ![img](x.png)"
)
MARKERS = ("window.__injected", "javascript:", "onerror", "{{ 7 * 7 }}")


def _poison(value: Any, path: tuple[Any, ...] = ()) -> Any:
    if isinstance(value, dict):
        if set(value) <= {"en", "sv"} and value:
            return {language: f"{PAYLOAD} {'.'.join(map(str, path))}" for language in value}
        return {key: _poison(item, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_poison(item, (*path, number)) for number, item in enumerate(value)]
    return value


def injection_model_text() -> str:
    from generator.load import load_file

    data = _poison(load_file(REAL_MODEL).data)
    data["controller"]["legal_name"] = PAYLOAD
    for recipient in data["recipients"]:
        recipient["name"] = {"en": PAYLOAD}
    for site in data["sites"]:
        site["name"] = {"en": PAYLOAD}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
