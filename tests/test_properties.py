"""Random edits of the real model never make `validate` crash: it answers 0 or 1, in located lines.

Each test edits the real file the way a hurried editor might (or a broken save would) and runs the
real command on it. About 150 examples in all, so the suite stays quick.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from conftest import LOCATED, REAL_MODEL, SUMMARY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.load import load_file, load_text
from generator.problems import InputError

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
