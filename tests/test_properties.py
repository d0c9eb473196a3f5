"""Properties over random edits: of the real model's text, `validate` never crashes (it answers 0 or
1, in located lines); of a fixture model's data, the diff reports a change readers see exactly when
a rendered page differs.

Each validate test edits the real file the way a hurried editor might (or a broken save would) and
runs the real command on it. The number of examples is bounded, so the suite stays quick.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import LOCATED, POLICY, REAL_MODEL, SUMMARY
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.diff import diff_models, sentence, sentences
from generator.load import Document, load_file, load_text
from generator.problems import InputError
from generator.render import LANGUAGES, render_site
from generator.validate import COLLECTIONS, REFERENCES, Model, validate, walk

REAL_TEXT = REAL_MODEL.read_text(encoding="utf-8")
REAL_LINES = REAL_TEXT.splitlines(keepends=True)


def _scalar_starts() -> list[tuple[int, int]]:
    """Where each plain one-line value of the real file starts, to replace one with random text."""
    document = load_file(REAL_MODEL)
    starts = set()
    for path, where in document.value_locations.items():
        value = document.data
        for part in path:
            value = value[part]
        if not isinstance(value, dict | list) and not REAL_LINES[where.line - 1][where.column - 1:].startswith(">"):
            starts.add((where.line, where.column))
    return sorted(starts)


SCALAR_STARTS = _scalar_starts()
# Characters that mean something to YAML, and some that mean nothing but are awkward.
AWKWARD = st.sampled_from([*":-[]{},#&*!|>'\"%@`?\t\n ", "\r\n", "\u00e5", "\u2028", "\ufeff", "\x00", "\x85", "null",
                           "<<", "---", "...", "~", "no", "0x", "\u00e9"])
RANDOM_TEXT = st.lists(st.one_of(AWKWARD, st.characters(codec="utf-8")), max_size=12).map("".join)

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("edits") / "processing.yaml"


def assert_validate_answers_cleanly(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["validate", str(path)], out=out)
    assert code in (0, 1)
    assert err.getvalue() == ""
    *problems, summary = out.getvalue().split("\n")[:-1]
    assert out.getvalue().endswith("\n")
    match = SUMMARY.match(summary)
    assert match and match["file"] == str(path), summary
    for line in problems:
        located = LOCATED.match(line)
        assert located, f"not a located problem: {line!r}"
        assert located["file"] == str(path)
        assert int(located["line"]) >= 1 and int(located["column"]) >= 1
    counts = re.findall(r"(\d+) (?:error|warning)", summary)
    assert sum(map(int, counts)) == len(problems)
    assert (code == 0) == summary.endswith(")")


@SETTINGS
@given(st.data())
def test_deleting_a_line(model_path: Path, data: st.DataObject) -> None:
    number = data.draw(st.integers(0, len(REAL_LINES) - 1))
    assert_validate_answers_cleanly(model_path, "".join(REAL_LINES[:number] + REAL_LINES[number + 1:]))


@SETTINGS
@given(st.data())
def test_duplicating_a_line(model_path: Path, data: st.DataObject) -> None:
    number = data.draw(st.integers(0, len(REAL_LINES) - 1))
    assert_validate_answers_cleanly(model_path, "".join(REAL_LINES[:number + 1] + REAL_LINES[number:]))


@SETTINGS
@given(st.data())
def test_swapping_two_lines(model_path: Path, data: st.DataObject) -> None:
    first = data.draw(st.integers(0, len(REAL_LINES) - 1))
    second = data.draw(st.integers(0, len(REAL_LINES) - 1))
    lines = list(REAL_LINES)
    lines[first], lines[second] = lines[second], lines[first]
    assert_validate_answers_cleanly(model_path, "".join(lines))


@SETTINGS
@given(st.data())
def test_inserting_characters_anywhere(model_path: Path, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(REAL_TEXT)))
    inserted = data.draw(RANDOM_TEXT.filter(bool))
    assert_validate_answers_cleanly(model_path, REAL_TEXT[:position] + inserted + REAL_TEXT[position:])


@SETTINGS
@given(st.data())
def test_replacing_a_value_with_random_text(model_path: Path, data: st.DataObject) -> None:
    line, column = data.draw(st.sampled_from(SCALAR_STARTS))
    lines = list(REAL_LINES)
    text = lines[line - 1]
    keep_comment = text[text.index("  #"):] if "  #" in text[column - 1:] else "\n"
    lines[line - 1] = text[:column - 1] + data.draw(RANDOM_TEXT) + keep_comment
    assert_validate_answers_cleanly(model_path, "".join(lines))


@SETTINGS
@given(st.data())
def test_truncating_at_any_byte(model_path: Path, data: st.DataObject) -> None:
    raw = REAL_TEXT.encode("utf-8")
    assert_validate_answers_cleanly(model_path, raw[:data.draw(st.integers(0, len(raw)))])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(AWKWARD, st.characters(codec="utf-8")), max_size=80).map("".join))
def test_any_text_either_loads_or_gives_located_problems(text: str) -> None:
    try:
        document = load_text(text, "any.yaml")
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert LOCATED.match(problem.format()), problem.format()
    else:
        assert isinstance(document.data, dict)


# --- the diff follows the pages (issue 14, item 9) -------------------------------------------------
#
# Random edits of a small complete model, of the kinds legal editors make: a text reworded or
# reflowed, a translation added, list items removed, repeated, swapped or all gone, an id renamed
# (with every reference to it), an optional field left out, set to null or copied from a sibling
# entry, an acknowledgement added. Both models' pages are rendered by the core renderer; the diff
# must report a change readers see exactly when some page differs.

DIFF_BASE = Path(__file__).parent / "fixtures" / "diff" / "base.yaml"
Edit = tuple[str, Callable[[dict[str, Any]], None]]


def _values(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _values(value, (*path, key))
    elif isinstance(data, list):
        for number, value in enumerate(data):
            yield from _values(value, (*path, number))


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _setting(path: tuple[Any, ...], make: Callable[[Any], Any]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        parent = _at(data, path[:-1])
        parent[path[-1]] = make(parent[path[-1]])
    return edit


def _deleting(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        del _at(data, path[:-1])[path[-1]]
    return edit


def _renaming(collection: str, number: int) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        old = data[collection][number]["id"]
        data[collection][number]["id"] = f"{old}-renamed"
        for referred, pattern in REFERENCES:
            if referred == collection:
                for path, value in list(walk(data, pattern)):
                    if value == old:
                        _at(data, path[:-1])[path[-1]] = f"{old}-renamed"
    return edit


def _copying(path: tuple[Any, ...], source: int, target: int, key: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        entries = _at(data, path)
        entries[target][key] = copy.deepcopy(entries[source][key])
    return edit


def _acknowledging(rule: str, at: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["acknowledged_findings"] = [*data.get("acknowledged_findings", []),
                                         {"rule": rule, "at": at, "reason": "Accepted for this test."}]
    return edit


def _is_text(value: Any) -> bool:
    return isinstance(value, dict) and "en" in value and set(value) <= {"en", "sv"}


def _schema_at(path: tuple[Any, ...]) -> dict[str, Any]:
    """The schema of the value at `path`, with its references and alternatives resolved (the branch
    that holds fields or items), plus whether null is allowed there and whether the field is required."""
    root = POLICY.schema

    def resolved(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = {**root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in schema.items()
                                                                            if k != "$ref"}}
        branches = [resolved(branch) for branch in schema.get("anyOf", ())]
        nullable = any(branch.get("type") == "null" for branch in branches)
        for branch in branches:
            if branch.get("type") in ("object", "array"):
                return {**branch, "nullable": nullable}
        if branches:
            return {**branches[0], "nullable": nullable}
        return {**schema, "nullable": schema.get("type") == "null"}

    schema, required = resolved(root), True
    for step in path:
        if isinstance(step, int):
            schema, required = resolved(schema.get("items", {})), True
        else:
            required = step in schema.get("required", ())
            schema = resolved(schema.get("properties", {}).get(step, {}))
    return {**schema, "required": required}


def _applying(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """An edit that does nothing where an earlier edit took away what it changes."""
    def tolerant(data: dict[str, Any]) -> None:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            edit(data)
    return tolerant


def _candidate_edits(data: dict[str, Any]) -> list[Edit]:
    """Edits of the fixture's data that the schema allows (some still break a reference)."""
    edits: list[Edit] = []
    for path, value in _values(data):
        if not path or path[0] in ("version", "effective_date"):
            continue
        schema = _schema_at(path)
        if isinstance(path[-1], str) and not schema["required"]:
            edits.append((f"leave out {path}", _deleting(path)))
        if isinstance(path[-1], str) and schema["nullable"] and value is not None:
            edits.append((f"null {path}", _setting(path, lambda _: None)))
        if _is_text(value):
            edits += [(f"reword {path}", _setting(path, lambda text: {**text, "en": text["en"] + " Reworded."})),
                      (f"reflow {path}", _setting(path, lambda text: {**text, "en": text["en"].replace(" ", "\n  ")})),
                      (f"translate {path}", _setting(path, lambda text: {**text, "sv": "Svensk text."}))]
        elif isinstance(value, list):
            named = any(isinstance(entry, dict) and "id" in entry for entry in value)
            for number in range(len(value) if len(value) > schema.get("minItems", 0) else 0):
                edits.append((f"remove {path}[{number}]", _deleting((*path, number))))
            for number in range(0 if named or schema.get("uniqueItems") else len(value)):
                edits.append((f"repeat {path}[{number}]", _setting(path, lambda items, n=number: [
                    *items[:n + 1], copy.deepcopy(items[n]), *items[n + 1:]])))
            if len(value) > 1:
                edits += [(f"swap {path}", _setting(path, lambda items: [items[1], items[0], *items[2:]])),
                          (f"reverse {path}", _setting(path, lambda items: items[::-1]))]
            if value and not schema.get("minItems"):
                edits.append((f"empty {path}", _setting(path, lambda items: [])))
            entries = [entry for entry in value if isinstance(entry, dict)]
            for source, first in enumerate(entries):
                for target, second in enumerate(entries):
                    edits += [(f"copy {path}[{source}].{key} to [{target}]", _copying(path, source, target, key))
                              for key in first if key not in second]
    for collection in COLLECTIONS:
        edits += [(f"rename {collection}[{number}]", _renaming(collection, number))
                  for number in range(len(data.get(collection) or []))]
    edits += [(f"acknowledge {rule} at {at}", _acknowledging(rule, at)) for rule, at in (
        ("retention-vague", "retention_policies[statistics].criteria"), ("dpo-contact", "controller.dpo.email"))]
    return [(name, _applying(edit)) for name, edit in edits]


def _model(data: dict[str, Any]) -> Model | None:
    return validate(Document("model.yaml", data, {}, {}), POLICY).model


EDITS = tuple(_candidate_edits(load_file(DIFF_BASE).data))


def _site(model: Model, version_of: Model) -> tuple[Any, ...]:
    """Every page and file the core renderer makes of `model`, in every language of the site, under
    `version_of`'s version and date."""
    data = {**model.data, "version": version_of.data["version"], "effective_date": version_of.data["effective_date"]}
    stamped = _model(data)
    assert stamped is not None
    pages: list[Any] = []
    for language in LANGUAGES:  # the site is made in each
        site = render_site(stamped, POLICY, today=date.fromisoformat(data["effective_date"]), language=language)
        # Titles go into HTML (navigation, <title>), where a run of whitespace shows as one space.
        pages += [(language, page.path, " ".join(page.title.split()), page.markdown) for page in site.pages]
        pages += [(language, *file) for file in site.files]
    return tuple(pages)


EDIT_NUMBERS = st.integers(min_value=0, max_value=len(EDITS) - 1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(before=st.lists(EDIT_NUMBERS, max_size=2), after=st.lists(EDIT_NUMBERS, min_size=1, max_size=3))
def test_the_diff_reports_a_visible_change_exactly_when_a_page_differs(before: list[int], after: list[int]) -> None:
    chosen_before = [EDITS[number] for number in before]
    chosen_after = [EDITS[number] for number in after]
    old_data = copy.deepcopy(load_file(DIFF_BASE).data)
    for _, edit in chosen_before:
        edit(old_data)
    new_data = copy.deepcopy(old_data)
    for _, edit in chosen_after:
        edit(new_data)
    old, new = _model(old_data), _model(copy.deepcopy(new_data))
    assume(old is not None and new is not None)
    assert old is not None and new is not None

    diff = diff_models(old, new, POLICY)
    pages_differ = _site(old, new) != _site(new, new)
    note(f"edits: {[name for name, _ in chosen_before]} then {[name for name, _ in chosen_after]}")
    note(f"visible: {sentences(diff)}")
    note(f"not visible: {[sentence(c, POLICY.wording_in('en')) for c in diff.hidden_changes]}")
    # Every change reported as visible comes with a page that differs, and every difference on a page
    # comes with a change reported as visible.
    assert bool(diff.visible_changes) == pages_differ
    if not pages_differ:
        assert diff.not_raised == ()
    for change in diff.changes:
        text = sentence(change, POLICY.wording_in("en"))
        assert text and not re.search(r" (?:to|from) \.|  |\{|\}", text), text
