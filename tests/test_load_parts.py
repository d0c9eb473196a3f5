"""load_text_by_parts, the version history's reading of a revision: the same Document as load_text
(every field, in the same order) or the same errors, and each top-level field's text parsed once
per cache. The cache's saving is counted (`PartCache.parsed`, `PartCache.whole`), never timed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, REAL_MODEL, edited
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_VALUES,
    Document,
    PartCache,
    load_bytes,
    load_bytes_by_parts,
    load_text,
    load_text_by_parts,
)
from generator.problems import InputError, Problem

MODEL = PROJECT_ROOT / "data" / "processing.yaml"
FIXTURES = sorted((PROJECT_ROOT / "tests" / "fixtures").rglob("*.yaml"))
MODEL_TEXT = MODEL.read_text(encoding="utf-8")
REAL_TEXT = REAL_MODEL.read_text(encoding="utf-8")


def outcome(load: object) -> Document | list[Problem]:
    """What a load gives: the Document, or the problems it raised."""
    assert callable(load)
    try:
        document = load()
    except InputError as error:
        return error.problems
    assert isinstance(document, Document)
    return document


def assert_same(text: str, cache: PartCache, file: str = "model.yaml") -> Document | list[Problem]:
    """load_text_by_parts gives what load_text gives: every field of the Document equal, and in the
    same order (the order of the data is the order the pages list things in), or the same errors."""
    whole = outcome(lambda: load_text(text, file))
    parts = outcome(lambda: load_text_by_parts(text, file, cache))
    if isinstance(whole, list) or isinstance(parts, list):
        assert parts == whole
        return whole
    assert parts.file == whole.file
    assert parts.data == whole.data
    assert repr(parts.data) == repr(whole.data)  # the order of every mapping, and True not 1
    assert list(parts.value_locations.items()) == list(whole.value_locations.items())
    assert list(parts.key_locations.items()) == list(whole.key_locations.items())
    assert list(parts.text_sources.items()) == list(whole.text_sources.items())
    assert parts == whole
    return whole


def top_level_parts(text: str) -> list[str]:
    """The text cut before each line that starts a top-level field (the first part keeps what is
    above the first field)."""
    keys = [match.start() for match in re.finditer(r"^[A-Za-z_][A-Za-z0-9_-]*:(?: |$)", text, re.MULTILINE)]
    starts = [0, *keys[1:]]
    return [text[begin:end] for begin, end in zip(starts, [*starts[1:], len(text)], strict=True)]


# --- the same Document ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [MODEL, *FIXTURES], ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_every_model_and_fixture_loads_by_parts_as_a_whole(path: Path) -> None:
    cache = PartCache()
    text = path.read_text(encoding="utf-8")
    assert_same(text, cache, str(path))
    assert_same(text, cache, str(path))  # again, every part from the cache


@pytest.mark.parametrize("text", [MODEL_TEXT, REAL_TEXT], ids=["data/processing.yaml", "model-1.0.0.yaml"])
def test_the_real_model_is_read_part_by_part(text: str) -> None:
    cache = PartCache()
    assert isinstance(assert_same(text, cache), Document)
    assert cache.whole == 0
    assert cache.parsed == len(top_level_parts(text)) > 10


def test_each_document_has_its_own_data() -> None:
    """A stage that changed one version's data would otherwise change every version sharing a part."""
    cache = PartCache()
    first = load_text_by_parts(REAL_TEXT, "a.yaml", cache)
    first.data["controller"]["legal_name"] = "changed"
    second = load_text_by_parts(REAL_TEXT, "b.yaml", cache)
    assert second.data == load_text(REAL_TEXT, "b.yaml").data


# Edited revisions, as a history holds them. One cache for all the examples, as the history keeps
# one: parts read in one example are found in the next, often at other lines.
SHARED = PartCache()
PARTS = top_level_parts(REAL_TEXT)
LINES = REAL_TEXT.split("\n")
TEXT_LINES = [number for number, line in enumerate(LINES) if re.match(r"\s+(en|sv): \S", line)]
# Lines an editor (or a bad merge) might put anywhere: most of them break the split or the file.
AWKWARD_LINES = [
    "", "# a comment", "  # an indented comment", "---", "...", "%YAML 1.2", "- item", "-", "\"quoted\": 1",
    "? key", ": value", "\tfield: 1", "&anchor field: 1", "*alias", "!!str field: 1", "{a: 1}", "[1, 2]",
    "version: 2.0.0", "extra: 1", "extra:", "extra: &a [1]", "other: *a", "extra: !!str 1", "extra: [1,",
    "extra: \"open", "extra: |", "  indented: 1", "    - item", "extra: a: b", "extra:\u202ehidden", "extra: \r",
    "extra: {a: 1, b}", "extra_2: 'it''s'",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=st.sampled_from(TEXT_LINES), words=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                                     min_size=1, max_size=12))
def test_a_changed_text_loads_as_a_whole(line: int, words: str) -> None:
    lines = list(LINES)
    lines[line] = lines[line] + " " + words.replace("\n", " ")
    assert_same("\n".join(lines), SHARED)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(at=st.integers(0, len(LINES)), inserted=st.lists(st.sampled_from(AWKWARD_LINES), min_size=1, max_size=3))
def test_lines_added_anywhere_load_as_a_whole(at: int, inserted: list[str]) -> None:
    assert_same("\n".join([*LINES[:at], *inserted, *LINES[at:]]), SHARED)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.permutations(range(len(PARTS))))
def test_top_level_fields_in_another_order_load_as_a_whole(order: list[int]) -> None:
    parts = [PARTS[number] if PARTS[number].endswith("\n") else PARTS[number] + "\n" for number in order]
    assert_same("".join(parts), SHARED)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(removed=st.sets(st.integers(0, len(PARTS) - 1), max_size=4),
       comment_at=st.integers(0, len(LINES)))
def test_fields_removed_and_a_comment_added_load_as_a_whole(removed: set[int], comment_at: int) -> None:
    text = "".join(part for number, part in enumerate(PARTS) if number not in removed)
    lines = text.split("\n")
    lines.insert(min(comment_at, len(lines)), "# a comment at column 0")
    assert_same("\n".join(lines), SHARED)


def test_a_list_written_at_column_0_is_read_by_parts() -> None:
    """PyYAML writes a field's list unindented (`purposes:` then `- id: ...` at column 0)."""
    text = "version: 1.0.0\nitems:\n- id: a\n  name: A\n-\n- id: b\nlast:\n  - 1\n"
    cache = PartCache()
    assert isinstance(assert_same(text, cache), Document)
    assert cache.whole == 0


# --- where the whole file is read ---------------------------------------------------------------------

FALLBACKS = {
    "a document marker": "---\nversion: 1\nother: 2\n",
    "a document end": "version: 1\n...\nother: 2\n",
    "a second document": "version: 1\n---\nother: 2\n",
    "a directive": "%YAML 1.2\n---\nversion: 1\n",
    "flow style at the top": "{version: 1,\n other: 2}\n",
    "a flow list at the top": "[1,\n 2]\n",
    "a list at the top": "- 1\n- 2\n",
    "carriage returns": "version: 1\r\nother: 2\r\n",
    "a lone carriage return": "version: 1\rother: 2\n",
    "a repeated field": "version: 1\nother: 2\nversion: 3\n",
    "an alias of another part": "version: &v 1\nother: *v\n",
    "an anchor and alias in one part": "version: 1\nother:\n  a: &x [1, 2]\n  b: *x\n",
    "an anchor alone": "version: &v 1\nother: 2\n",
    "an unknown alias": "version: 1\nother: *nothing\n",
    "a core tag": "version: !!str 1\nother: 2\n",
    "the non-specific tag": "version: ! 1\nother: 2\n",
    "a tagged mapping": "version: 1\nother: !!map {a: 1}\n",
    "a refused tag": "version: 1\nother: !!python/object {}\n",
    "a flow list across fields": "version: [1,\nother: 2]\n",
    "a quoted text across fields": "version: \"1\nother: 2\"\n",
    "a quoted key": "\"version\": 1\nother: 2\n",
    "an explicit key": "? version\n: 1\nother: 2\n",
    "a tab at column 0": "version: 1\n\tother: 2\n",
    "a tab after the colon": "version:\t1\nother: 2\n",
    "a tab in an indentation": "version:\n \ta: 1\nother: 2\n",
    "a refused character": "version: 1\nother: a\u202eb\n",
    "a refused character in a comment": "version: 1\n# a\u200bb\nother: 2\n",
    "an old line break": "version: 1\nother: a\u2028b\n",
    "bad indentation": "version:\n  a: 1\n b: 2\nother: 2\n",
    "a colon in a text": "version: 1\nother: a: b\n",
    "a text cut by a comma": "version: 1\nother: {a: one, two}\n",
    "an empty file": "",
    "only comments": "# nothing\n\n# here\n",
    "a scalar at the top": "just text\n",
    "a key at column 0 after a value": "version: 1\nother: 2\nthird\n",
    "a list item after a value": "version: 1\n- 2\nother: 3\n",
    "a key after a list": "- 1\nversion: 2\n",
    "an indented first line": "  version: 1\nother: 2\n",
    "a merge key": "version: 1\nother:\n  <<: {a: 1}\n",
    "a long number": f"version: 1\nother: {'9' * 200}\n",
    "a text with nothing to see": "version: 1\nother: {en: '\u2800'}\n",
    "two byte order marks": "\ufeff\ufeffversion: 1\nother: 2\n",
    "too deep": "version: 1\nother: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
}


@pytest.mark.parametrize("text", FALLBACKS.values(), ids=FALLBACKS.keys())
def test_where_the_split_is_not_plainly_safe_the_whole_file_is_read(text: str) -> None:
    cache = PartCache()
    assert_same(text, cache)
    assert cache.whole == 1


def test_a_byte_order_mark_at_the_start_is_read_by_parts() -> None:
    cache = PartCache()
    assert isinstance(assert_same("\ufeffversion: 1\nother: 2\n", cache), Document)
    assert cache.whole == 0


def _list_field(name: str, items: int) -> str:
    # A part `name:` with `items` list items counts 1 (its own mapping) + 1 (the name) + 1 (the list)
    # + items values; the whole file counts its mapping once: 1 + the rest of each part.
    return f"{name}:\n" + "- 1\n" * items


def test_the_whole_file_is_held_to_the_limit_of_values() -> None:
    """Each part below MAX_VALUES, the file at it: read by parts; one value more: the whole file's
    error (which no part would give)."""
    half = MAX_VALUES // 2
    at_limit = _list_field("a", half) + _list_field("b", MAX_VALUES - 5 - half)
    cache = PartCache(limit=4 * MAX_BYTES)
    assert isinstance(assert_same(at_limit, cache), Document)
    assert cache.whole == 0
    over = _list_field("a", half) + _list_field("b", MAX_VALUES - 4 - half)
    problems = assert_same(over, cache)
    assert isinstance(problems, list)
    assert f"more than {MAX_VALUES:,} values" in problems[0].message
    assert cache.whole == 1


def test_bytes_are_held_to_the_same_limits_as_load_bytes() -> None:
    cache = PartCache()
    for raw in (b"version: 1\nother: " + b"x" * MAX_BYTES + b"\n", b"version: 1\nother: \xff\n"):
        with pytest.raises(InputError) as whole:
            load_bytes(raw, "model.yaml")
        with pytest.raises(InputError) as parts:
            load_bytes_by_parts(raw, "model.yaml", cache)
        assert parts.value.problems == whole.value.problems
    assert cache.parsed == 0
    raw = REAL_TEXT.encode()
    assert load_bytes_by_parts(raw, "model.yaml", cache) == load_bytes(raw, "model.yaml")


# --- the cache ---------------------------------------------------------------------------------------

def test_a_second_revision_parses_only_the_part_it_changes() -> None:
    cache = PartCache()
    load_text_by_parts(REAL_TEXT, "model.yaml", cache)
    first = cache.parsed
    assert first == len(top_level_parts(REAL_TEXT))
    load_text_by_parts(REAL_TEXT, "model.yaml", cache)
    assert cache.parsed == first  # nothing new
    # One text changed: only its part is parsed.
    changed = edited(REAL_TEXT, "en: Website visitors", "en: Visitors of our websites")
    assert_same(changed, cache)
    assert cache.parsed == first + 1
    # A part grows by lines: the parts below it are found in the cache at their new lines.
    longer = edited(REAL_TEXT, "name: {en: Website visitors}", "# a note\n    name:\n      en: Website visitors")
    assert_same(longer, cache)
    assert cache.parsed == first + 2
    assert cache.whole == 0


def test_the_cache_holds_at_most_its_limit_of_characters() -> None:
    limit = len(REAL_TEXT) // 2
    cache = PartCache(limit=limit)
    changed = edited(REAL_TEXT, "en: Website visitors", "en: Visitors of our websites")
    for text in (REAL_TEXT, changed, REAL_TEXT):
        assert_same(text, cache)
        assert cache.size == sum(map(len, cache.parts)) <= limit
    # The parts used last stay: the real model's last field is found again.
    last = top_level_parts(REAL_TEXT)[-1]
    assert last in cache.parts
