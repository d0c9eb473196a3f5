"""The editors' guide (CONTRIBUTING.md) shows how to add a recipient, a site, a service and a tracker,
each with a complete example. Its examples are read out of the guide and put into the frozen real
model as an editor would put them in (an entry with a new id added, one with an id the model has
replaced, a mapping's fields set), so an example that stops fitting the schema, refers to nothing,
or leaves a gap of its own fails here rather than misleading an editor."""

from __future__ import annotations

import re
import sys
import textwrap
from typing import Any

import pytest
import yaml
from conftest import POLICY, PROJECT_ROOT, REAL_MODEL

from generator.check import check
from generator.load import load_file, load_text
from generator.mkdocs_plugin import ERROR_TITLE
from generator.validate import validate

sys.path.insert(0, str(PROJECT_ROOT / "tools"))

# tools/make_site.py, what `make site` runs
from make_site import Wording

GUIDE = PROJECT_ROOT / "CONTRIBUTING.md"
# Each example, with the examples it builds on (the service's sub-processor is the recipient's example).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "Example: add a recipient": (),
    "Example: add a site": (),
    "Example: add a service": ("Example: add a recipient",),
    "Example: add a tracker": (),
}
# What each example adds to the model: (the list, the id of the new entry).
ADDED = {
    "Example: add a recipient": ("recipients", "example-helpdesk"),
    "Example: add a site": ("sites", "support-portal"),
    "Example: add a service": ("services", "hosted-helpdesk"),
    "Example: add a tracker": ("trackers", "example-chat-widget"),
}


def section(title: str, guide: str | None = None) -> str:
    text = guide if guide is not None else GUIDE.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def snippets(text: str) -> list[dict[str, Any]]:
    """The ```yaml blocks of a part of the guide, in order, read as the model is read."""
    blocks = re.findall(r"^( *)```yaml\n(.*?)^\1```$", text, flags=re.M | re.S)
    return [load_text(textwrap.dedent(block), "CONTRIBUTING.md").data for _, block in blocks]


def put_in(model: Any, snippet: Any) -> Any:
    """`snippet` put into `model` as an editor does: a mapping's fields set one by one (recursively),
    a list entry whose id the model has replaced, one with a new id (or none, as a transfer) added,
    any other value (a list of ids, a text) replaced."""
    if isinstance(model, dict) and isinstance(snippet, dict):
        return {**model, **{key: put_in(model[key], value) if key in model else value
                            for key, value in snippet.items()}}
    if isinstance(model, list) and isinstance(snippet, list) and snippet \
            and all(isinstance(entry, dict) for entry in snippet):
        entries = list(model)
        for entry in snippet:
            same = [n for n, old in enumerate(entries) if "id" in entry and old.get("id") == entry["id"]]
            if same:
                entries[same[0]] = entry
            else:
                entries.append(entry)
        return entries
    return snippet


def with_examples(*titles: str) -> dict[str, Any]:
    data = load_file(REAL_MODEL).data
    for title in titles:
        found = snippets(section(title))
        assert found, f"the guide's section {title!r} has no ```yaml example"
        for snippet in found:
            data = put_in(data, snippet)
    return data


def findings(data: dict[str, Any]) -> set[tuple[str, str, str | None]]:
    """Validates `data` as a model file; its check findings as (rule, field path, entry)."""
    validation = validate(load_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "processing.yaml"),
                          POLICY)
    assert [problem.format() for problem in validation.problems] == []
    assert validation.model is not None
    return {(finding.rule, finding.at, finding.subject) for finding in check(validation.model, POLICY)}


@pytest.mark.parametrize("title", list(EXAMPLES))
def test_each_example_of_the_guide_validates_in_the_real_model_and_opens_no_gap(title: str) -> None:
    before = findings(load_file(REAL_MODEL).data)
    data = with_examples(*EXAMPLES[title], title)
    collection, added = ADDED[title]
    assert added in [entry["id"] for entry in data[collection]]
    assert added not in [entry["id"] for entry in load_file(REAL_MODEL).data[collection]]
    assert findings(data) - before == set()


def test_all_the_examples_together_validate() -> None:
    titles = [title for example, builds_on in EXAMPLES.items() for title in (*builds_on, example)]
    findings(with_examples(*dict.fromkeys(titles)))


# --- what a failed `make site` and the `make serve` error page say ---------------------------------

def test_the_guide_quotes_make_sites_words_for_a_broken_link() -> None:
    """The broken link the guide explains is said as tools/make_site.py says MkDocs' warning again
    (tests/test_make.py runs `make site` on such a link)."""
    guide = section("When `make site` or `make serve` shows a problem")
    [quoted] = [line.strip() for line in re.findall(r"```text\n(.*?)```", guide, flags=re.S)]
    wording = Wording(PROJECT_ROOT)
    wording.building("site/en")
    said = wording.say("WARNING", "Doc file 'index.md' contains a link 'missing.md', but the target is not found "
                                  "among documentation files.")
    assert quoted == said


def test_the_guide_names_the_error_page_of_make_serve() -> None:
    assert f"**{ERROR_TITLE}**" in section("When `make site` or `make serve` shows a problem")


