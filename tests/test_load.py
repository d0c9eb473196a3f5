"""The strict loader on its own: what values mean, where they stand, and what it refuses."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICY, REAL_MODEL, edited

from generator.load import MAX_BYTES, MAX_DEPTH, MAX_VALUES, Document, load_bytes, load_file, load_text
from generator.problems import InputError, Location


def value_of(scalar: str) -> Any:
    return load_text(f"field: {scalar}\n", "test.yaml").data["field"]


def problems_of(text: str | bytes) -> list[str]:
    """The formatted problems the loader raises for `text` (it must raise)."""
    with pytest.raises(InputError) as raised:
        if isinstance(text, bytes):
            load_bytes(text, "test.yaml")
        else:
            load_text(text, "test.yaml")
    return [problem.format() for problem in raised.value.problems]


# --- what plain values mean: YAML 1.2 core schema only ------------------------------------------

@pytest.mark.parametrize(("written", "meant"), [
    # YAML 1.1 booleans and the Norway problem stay text.
    ("no", "no"), ("NO", "NO"), ("No", "No"), ("yes", "yes"), ("on", "on"), ("off", "off"), ("y", "y"),
    ("n", "n"),
    # Dates, times and sexagesimal numbers stay text.
    ("2026-01-01", "2026-01-01"), ("2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"), ("12:30", "12:30"),
    ("190:20:30", "190:20:30"),
    # Other YAML 1.1 forms that are text in 1.2.
    ("1_000", "1_000"), ("0b101", "0b101"), ("=", "="), ("<<", "<<"),
    # The 1.2 core forms.
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("FALSE", False),
    ("~", None), ("null", None), ("NULL", None), ("", None),
    ("12", 12), ("+12", 12), ("-12", -12), ("012", 12), ("0o17", 15), ("0x1F", 31),
    ("1.5", 1.5), (".5", 0.5), ("1e3", 1000.0), ("-1.5E-2", -0.015), (".inf", math.inf), ("-.Inf", -math.inf),
    # Quoted values are text whatever they look like.
    ('"no"', "no"), ("'12'", "12"), ('"true"', "true"), ("'~'", "~"),
    # Explicit core tags, and the non-specific tag that makes text.
    ("!!str 12", "12"), ("!!str 2026-01-01", "2026-01-01"), ('!!int "12"', 12), ("!!int 0x10", 16),
    ("!!float 1", 1.0), ("!!bool true", True), ("!!null ~", None), ("! 12", "12"), ("! true", "true"),
])
def test_scalar_means_what_yaml_1_2_core_says(written: str, meant: Any) -> None:
    value = value_of(written)
    assert value == meant
    assert type(value) is type(meant)


def test_nan_is_a_number() -> None:
    assert math.isnan(value_of(".nan"))


def test_country_code_no_stays_text_in_the_real_model_shape() -> None:
    text = REAL_MODEL.read_text(encoding="utf-8")
    document = load_text(edited(text, "  country: SE\n", "  country: NO\n"), "model.yaml")
    assert document.data["controller"]["country"] == "NO"


@pytest.mark.parametrize(("written", "name"), [("null", "null"), ("~", "~"), ("true", "true"), ("1e3", "1e3"),
                                                ("0x10", "0x10"), ("12", "12"), ('"quoted"', "quoted")])
def test_field_names_are_the_text_as_written(written: str, name: str) -> None:
    assert list(load_text(f"{written}: value\n", "test.yaml").data) == [name]


# --- where values stand ------------------------------------------------------------------------

def test_locations_of_values_and_keys_are_one_based() -> None:
    document = load_text("top:\n  inner: [first, second]\n  other:\n    - a: 1\n", "test.yaml")
    assert document.value_locations[("top",)] == Location(2, 3)
    assert document.value_locations[("top", "inner")] == Location(2, 10)
    assert document.value_locations[("top", "inner", 1)] == Location(2, 18)
    assert document.value_locations[("top", "other", 0, "a")] == Location(4, 10)
    assert document.key_locations[("top", "inner")] == Location(2, 3)
    assert document.key_locations[("top", "other", 0, "a")] == Location(4, 7)


def test_locate_falls_back_to_the_closest_enclosing_value() -> None:
    document = load_text("top:\n  inner:\n    a: 1\n", "test.yaml")
    assert document.locate(("top", "inner", "missing", 3)) == Location(3, 5)
    assert document.locate(("top", "inner"), key=True) == Location(2, 3)
    assert document.locate(("nowhere",)) == Location(1, 1)


def test_real_model_locations_point_at_the_values() -> None:
    document = load_file(REAL_MODEL)
    lines = REAL_MODEL.read_text(encoding="utf-8").splitlines()
    for path in [("controller", "email"), ("purposes", 3, "legal_bases", 0, "basis"), ("trackers", 0, "lifetime"),
                 ("sites", 0, "trackers", 5)]:
        where = document.value_locations[path]
        value = document.data
        for part in path:
            value = value[part]
        assert lines[where.line - 1][where.column - 1:].startswith(str(value)), path


def test_windows_line_endings_and_a_byte_order_mark_keep_the_same_locations() -> None:
    text = REAL_MODEL.read_text(encoding="utf-8")
    unix = load_text(text, "model.yaml")
    windows = load_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"), "model.yaml")
    assert windows.data == unix.data
    assert windows.value_locations == unix.value_locations


# --- what the loader refuses, with located messages ---------------------------------------------

def test_duplicate_key_names_both_places() -> None:
    assert problems_of("a: 1\nb:\n  c: 2\n  c: 3\n") == [
        'test.yaml:4:3: b.c: duplicate key "c": it is already defined at line 3, column 3; keep only one'
    ]


def test_every_loader_problem_is_reported_at_once() -> None:
    assert problems_of("a: 1\na: 2\nb: !!python/name:os.system\nc: [*nothing]\n") == [
        'test.yaml:2:1: a: duplicate key "a": it is already defined at line 1, column 1; keep only one',
        "test.yaml:3:4: b: the tag '!!python/name:os.system' is not allowed; write a plain value without a '!' "
        "tag (quote it if it should be text)",
        "test.yaml:4:5: c[0]: the alias *nothing has no anchor &nothing before it",
    ]


def test_python_tags_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for text in (f'a: !!python/object/apply:os.system ["touch {marker}"]\n',
                 f'a: !!python/object/new:subprocess.check_call [["touch", "{marker}"]]\n'):
        assert "is not allowed" in problems_of(text)[0]
    assert not marker.exists()


@pytest.mark.parametrize(("tag", "value"), [
    ("!!set", "{a, b}"), ("!!omap", "[a: 1]"), ("!!pairs", "[a: 1]"), ("!!timestamp", "2026-01-01"),
    ("!!binary", "aGVsbG8="), ("!local", "x"), ("!local", "{a: 1}"), ("!!map", "text"), ("!!seq", "{a: 1}"),
    ("!!str", "[a]"),
])
def test_tags_outside_the_core_schema_or_on_the_wrong_kind_are_refused(tag: str, value: str) -> None:
    [problem] = problems_of(f"a: {tag} {value}\n")
    assert problem.startswith(f"test.yaml:1:4: a: the tag '{tag}' is not allowed")


def test_core_number_tags_take_the_core_forms() -> None:
    assert load_text("a: !!int 0x1F\nb: !!int \"3\"\nc: !!float 3\nd: !!float -1.5e3\ne: !!int 0o17\n",
                     "test.yaml").data == {"a": 31, "b": 3, "c": 3.0, "d": -1500.0, "e": 15}


def test_core_collection_tags_on_their_own_kind_are_fine() -> None:
    assert load_text("a: !!map {b: !!seq [1]}\n", "test.yaml").data == {"a": {"b": [1]}}


@pytest.mark.parametrize(("text", "message"), [
    ("a: !!int one\n", "test.yaml:1:4: a: 'one' is not a valid !!int value"),
    ("a: !!bool yes\n", "test.yaml:1:4: a: 'yes' is not a valid !!bool value"),
    ("a: !!float many\n", "test.yaml:1:4: a: 'many' is not a valid !!float value"),
    ("a: !!null nothing\n", "test.yaml:1:4: a: 'nothing' is not a valid !!null value"),
    # Python's int() and float() read these; YAML 1.2's core schema does not.
    ("a: !!int 1_000\n", "test.yaml:1:4: a: '1_000' is not a valid !!int value"),
    ("a: !!int 0b101\n", "test.yaml:1:4: a: '0b101' is not a valid !!int value"),
    ("a: !!float 1_0.5\n", "test.yaml:1:4: a: '1_0.5' is not a valid !!float value"),
    ("a: !!float infinity\n", "test.yaml:1:4: a: 'infinity' is not a valid !!float value"),
])
def test_core_tag_on_a_value_it_cannot_mean(text: str, message: str) -> None:
    assert problems_of(text) == [message]


@pytest.mark.parametrize("number", ["1" * 101, "0x" + "f" * 4000, "-" + "9" * 5000, "!!int " + "1" * 5000])
def test_over_long_whole_numbers_are_refused_without_a_traceback(number: str) -> None:
    [problem] = problems_of(f"version: {number}\n")
    assert problem.startswith("test.yaml:1:10: version: ")
    assert "digits" in problem or "is not a valid !!int value" in problem
    assert len(problem) < 300


def test_hundred_digit_number_is_still_a_number() -> None:
    assert value_of("1" * 100) == int("1" * 100)


def test_merge_key_is_refused() -> None:
    assert problems_of("base: &b {x: 1}\nother:\n  <<: *b\n") == [
        "test.yaml:3:3: other.<<: merge keys ('<<') are not supported; write the fields out in full"
    ]


def test_non_text_keys_are_refused() -> None:
    assert problems_of("? [a, b]\n: 1\n? {c: 1}\n: 2\n") == [
        "test.yaml:1:3: (top level): a field name must be plain text, not a list, mapping or number",
        "test.yaml:3:3: (top level): a field name must be plain text, not a list, mapping or number",
    ]
    assert problems_of("a:\n  ? {c: 1, d: 2}\n  : 2\n") == [
        "test.yaml:2:5: a: a field name must be plain text, not a list, mapping or number",
    ]


def test_values_counted_through_aliases_are_bounded() -> None:
    # Ten aliases of a 10,001-value list: little text, over 100,000 values.
    text = "a: &a [" + ", ".join(["x"] * 10_000) + "]\nb: [" + ", ".join(["*a"] * 10) + "]\n"
    [problem] = problems_of(text)
    assert f"the file expands to more than {MAX_VALUES:,} values" in problem
    assert problem.startswith("test.yaml:2:")


def test_value_limit_is_exact() -> None:
    # The top-level mapping, the key "a" and the list are three values; the items make up the rest.
    fits = MAX_VALUES - 3
    assert len(load_text("a: [" + ", ".join(["x"] * fits) + "]\n", "test.yaml").data["a"]) == fits
    [problem] = problems_of("a: [" + ", ".join(["x"] * (fits + 1)) + "]\n")
    assert "more than 100,000 values" in problem


def test_nesting_limit_is_exact() -> None:
    # The top-level mapping is the first level.
    depth = MAX_DEPTH - 1
    assert load_text("a: " + "[" * depth + "]" * depth + "\n", "test.yaml").data["a"] is not None
    column = len("a: ") + MAX_DEPTH
    assert problems_of("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n") == [
        f"test.yaml:1:{column}: a[0]: values are nested more than {MAX_DEPTH} levels deep"
    ]


@pytest.mark.parametrize("text", [
    "a: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "a: " + "{b: " * 50_000 + "1" + "}" * 50_000 + "\n",
    "a:\n" + "".join("  " * level + "- \n" for level in range(2_000)),
])
def test_deep_nesting_cannot_exhaust_recursion(text: str) -> None:
    # Caught either by the loader's own limit or, for runs of brackets, by the parser's.
    [problem] = problems_of(text)
    assert "nested more than 64 levels deep" in problem or "nested far more than 64 levels deep" in problem


def test_size_limit_is_checked_on_bytes_and_files(tmp_path: Path) -> None:
    too_big = b"# " + b"x" * MAX_BYTES + b"\n"
    [problem] = problems_of(too_big)
    assert problem == (f"test.yaml:1:1: (top level): the file is {len(too_big):,} bytes, more than the limit of "
                       f"{MAX_BYTES:,}; a privacy model should be far smaller")
    path = tmp_path / "big.yaml"
    path.write_bytes(too_big)
    with pytest.raises(InputError, match="more than the limit"):
        load_file(path)


def test_exactly_one_mebibyte_is_allowed() -> None:
    padding = MAX_BYTES - len(b"a: 1\n") - len(b"# \n")
    document = load_bytes(b"a: 1\n# " + b"x" * padding + b"\n", "test.yaml")
    assert document.data == {"a": 1}


def test_invalid_utf8_is_located_by_character() -> None:
    assert problems_of("a: å".encode() + b"\xff\n") == [
        "test.yaml:1:5: (top level): the file is not valid UTF-8 (byte 0xff here); save it as UTF-8"
    ]
    assert problems_of(b"a: 1\nb: \xc3\n")[0].startswith("test.yaml:2:4: ")


def test_latin1_file_gets_the_utf8_message() -> None:
    [problem] = problems_of("controller: Göteborg\n".encode("latin-1"))
    assert problem.startswith("test.yaml:1:14: (top level): the file is not valid UTF-8 (byte 0xf6 here)")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "--- \n...\n", "~\n", "null\n"])
def test_empty_documents_say_the_file_is_empty(text: str) -> None:
    assert problems_of(text) == [
        "test.yaml:1:1: (top level): the file is empty; it should hold the privacy model, starting with `version:`"
    ]


@pytest.mark.parametrize(("text", "kind"), [
    ("- a\n- b\n", "a list"), ("[1, 2]\n", "a list"), ("hello\n", "the single value 'hello'"),
    ("42\n", "the single value 42"), ("true\n", "the single value True"),
])
def test_top_level_must_be_a_mapping(text: str, kind: str) -> None:
    assert problems_of(text) == [
        f"test.yaml:1:1: (top level): the top level must be a mapping of fields (such as `version: ...`), but "
        f"the file holds {kind}"
    ]


def test_second_document_is_refused_where_it_starts() -> None:
    assert problems_of("a: 1\n---\nb: 2\n") == [
        "test.yaml:2:1: (top level): the file holds more than one YAML document ('---'); keep the whole model in one"
    ]


def test_every_tab_indented_line_is_reported() -> None:
    assert problems_of("a:\n\tb: 1\n  c: 2\n \td: 3\n") == [
        "test.yaml:2:1: (top level): this line is indented with a tab; YAML indentation must use spaces",
        "test.yaml:4:2: (top level): this line is indented with a tab; YAML indentation must use spaces",
    ]


def test_tabs_outside_indentation_are_fine() -> None:
    document = load_text("a:\t1\nb: 'x\ty'  # a\tcomment\nc: |\n  x\n  \ty\n", "test.yaml")
    assert document.data == {"a": 1, "b": "x\ty", "c": "x\n\ty\n"}


def test_tab_before_a_comment_or_alone_on_a_line_gets_the_tab_message() -> None:
    assert problems_of("a: 1\n\t# an indented comment\n") == [
        "test.yaml:2:1: (top level): this line is indented with a tab; YAML indentation must use spaces"
    ]
    [problem] = problems_of("a: 1\n\t\nb: 2\n")
    assert problem.startswith("test.yaml:2:1: (top level): YAML syntax error: a tab character; YAML indentation "
                              "must use spaces")


def test_tab_line_numbers_follow_yaml_line_breaks() -> None:
    # A form feed is a line break to str.splitlines but not to YAML; the tab is on YAML's line 2.
    assert problems_of("a: 1 # \x0c note\n\tb: 2\n") == [
        "test.yaml:1:8: (top level): the file cannot be read as YAML: control characters are not allowed",
        "test.yaml:2:1: (top level): this line is indented with a tab; YAML indentation must use spaces",
    ]
    assert problems_of("a: 1\r\tb: 2\r") == [
        "test.yaml:2:1: (top level): this line is indented with a tab; YAML indentation must use spaces",
    ]


@pytest.mark.parametrize(("text", "where", "fragment"), [
    ("a: [1, 2\n", "2:1", "a list in [brackets] is not closed"),
    ("a: {b: 1\n", "2:1", "a mapping in {braces} is not closed"),
    ('a: "open\n', "2:1", "the file ends inside an unfinished value"),
    ("a: b: c\n", "1:5", "a colon followed by a space where none is expected"),
    ('a: "x\\qy"\n', "1:6", "an unknown backslash escape inside double quotes"),
    ("a: 1\n b: 2\n", "2:3", "a colon followed by a space where none is expected"),
    ("a: 1\x07\n", "1:5", "the file cannot be read as YAML: control characters are not allowed"),
    ("a: @b\n", "1:4", "a value starts with a character YAML keeps for itself (@ or `); put the whole value in quotes"),
    ("a: `b`\n", "1:4", "a value starts with a character YAML keeps for itself"),
    ("a: [1,, 2]\n", "1:7", "a value is missing here"),
    ("a: [\n", "2:1", "a value is missing here"),
])
def test_syntax_errors_are_located_and_explained(text: str, where: str, fragment: str) -> None:
    [problem] = problems_of(text)
    assert problem.startswith(f"test.yaml:{where}: (top level): ")
    assert fragment in problem


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        load_file(tmp_path / "missing.yaml", "data/processing.yaml")
    assert [p.format() for p in raised.value.problems] == [
        "data/processing.yaml:1:1: (top level): cannot read the file: No such file or directory"
    ]


def test_document_of_the_real_model() -> None:
    document = load_file(REAL_MODEL, "data/processing.yaml")
    assert isinstance(document, Document)
    assert document.file == "data/processing.yaml"
    # Quoted in the file, and text either way: the schema wants strings here.
    assert isinstance(document.data["version"], str)
    assert isinstance(document.data["effective_date"], str)


# --- texts: whitespace, invisible characters, YAML 1.2 line breaks --------------------------------

def test_a_folded_text_keeps_no_trailing_newline() -> None:
    document = load_text("name:\n  en: >\n    Basic contact\n    information\n", "test.yaml")
    assert document.data == {"name": {"en": "Basic contact information"}}


@pytest.mark.parametrize(("written", "meant"), [
    ("'  Job   seekers  '", "Job seekers"),
    ('"Job\\t seekers"', "Job seekers"),
    ("|\n    Job seekers\n\n", "Job seekers"),
    ("|+\n    Job seekers\n\n", "Job seekers"),
    # Lines of a literal block and paragraphs of a folded one stay apart; only their spaces are tidied.
    ("|\n    Box 8114,  \n    104 20   Stockholm\n", "Box 8114,\n104 20 Stockholm"),
    (">\n    First paragraph\n    goes on.\n\n\n\n    Second.\n", "First paragraph goes on.\n\nSecond."),
])
def test_text_whitespace_is_normalised_at_load(written: str, meant: str) -> None:
    assert load_text(f"name:\n  en: {written}", "test.yaml").data["name"]["en"] == meant


def test_every_language_of_a_text_is_normalised_and_other_values_are_not() -> None:
    document = load_text("name: {en: ' a  b ', sv: ' c  d '}\nplain: ' x  y '\nblock: |\n  x\n", "test.yaml")
    assert document.data == {"name": {"en": "a b", "sv": "c d"}, "plain": " x  y ", "block": "x\n"}


@pytest.mark.parametrize(("character", "name"), [
    ("\u2028", "U+2028 (LINE SEPARATOR)"), ("\u2029", "U+2029 (PARAGRAPH SEPARATOR)"),
    ("\x85", "U+0085 (NEXT LINE)"),
])
def test_yaml_1_1_line_breaks_are_refused_and_later_lines_keep_their_numbers(character: str, name: str) -> None:
    # PyYAML counts these as line breaks, YAML 1.2 (and editors) do not: the tag below is on line 3.
    text = f"a:\n  en: 'one{character}two'\nb: !!python/name:os.system\n"
    assert problems_of(text) == [
        f"test.yaml:2:11: a.en: the character {name} is a line break to this tool's YAML reader but an "
        "ordinary character to YAML 1.2 and to editors, so the two would count lines differently; "
        "replace it with a space or a normal line break",
        "test.yaml:3:4: b: the tag '!!python/name:os.system' is not allowed; write a plain value without a "
        "'!' tag (quote it if it should be text)",
    ]


@pytest.mark.parametrize(("character", "kind"), [
    ("\u202a", "a bidirectional control"), ("\u202b", "a bidirectional control"),
    ("\u202c", "a bidirectional control"), ("\u202d", "a bidirectional control"),
    ("\u202e", "a bidirectional control"), ("\u2066", "a bidirectional control"),
    ("\u2067", "a bidirectional control"), ("\u2068", "a bidirectional control"),
    ("\u2069", "a bidirectional control"), ("\u200e", "a bidirectional control"),
    ("\u200f", "a bidirectional control"), ("\u061c", "a bidirectional control"),
    ("\u200b", "a zero-width character"), ("\u200c", "a zero-width character"),
    ("\u200d", "a zero-width character"), ("\u2060", "a zero-width character"),
    ("\ufeff", "a zero-width character"),
])
def test_bidirectional_controls_and_zero_width_characters_are_refused_where_they_stand(
        character: str, kind: str) -> None:
    import unicodedata

    [problem] = problems_of(f"name:\n  en: Job{character} seekers\n")
    assert problem == (
        f"test.yaml:2:10: name.en: the text holds an invisible character, U+{ord(character):04X} "
        f"({unicodedata.name(character)}), {kind} that can make a text read differently than it is "
        "stored; delete it")


def test_invisible_characters_are_found_in_every_kind_of_value_in_keys_comments_and_escapes() -> None:
    text = ("email: \"a\\u200b@example.com\"\n"          # written as an escape: located at the value
            "na\u202eme: x\n"                              # in a field name
            "# a comment that reads back\u202ewards\n"     # in a comment
            "url: https://exa\u200dmple.com\n")
    problems = problems_of(text)
    assert [problem.split(": the text holds")[0] for problem in problems] == [
        "test.yaml:1:8: email", "test.yaml:2:3: [\"na\\u202eme\"]", "test.yaml:3:28: (top level)",
        "test.yaml:4:17: url",
    ]


def test_only_a_leading_byte_order_mark_is_allowed() -> None:
    assert load_bytes("\ufeffa: 1\n".encode(), "test.yaml").data == {"a": 1}
    assert load_text("\ufeffa: 1\n", "test.yaml").data == {"a": 1}
    [problem] = problems_of("a: 1\nb: x\ufeffy\n")
    assert problem.startswith("test.yaml:2:5: b: the text holds an invisible character, U+FEFF")


def test_each_value_reports_its_first_invisible_character_and_counts_the_rest() -> None:
    [problem] = problems_of("a: x\u200by\u200bz\u202e\n")
    assert problem.startswith("test.yaml:1:5: a: the text holds an invisible character, U+200B")
    assert problem.endswith("; delete it (and the 2 other invisible characters in this value)")


def test_control_characters_written_as_escapes_are_refused() -> None:
    [problem] = problems_of('name: {en: "Job\\e[31m seekers"}\n')
    assert problem == ("test.yaml:1:12: name.en: the text holds a control character, U+001B, written as an "
                       "escape; delete it")


@pytest.mark.parametrize(("text", "where", "shown"), [
    ("name: {en: Hello, world}\n", "1:12: name.en", "{en: 'Hello, world'}"),
    ("name: {en: Job seekers, and more, sv: Hej}\n", "1:12: name.en", "{en: 'Job seekers, and more'}"),
    ("items:\n  - name: {en: Hello,\n      world}\n", "2:16: items[0].name.en", None),
    ("name: {en: Note: this}\n", "1:12: name.en", "{en: 'Note: this'}"),
    ("name: {en: Note:}\n", "1:12: name.en", None),
    ("list: [a, {en: Note: this, sv: x}]\n", "1:16: list[1].en", "{en: 'Note: this'}"),
])
def test_a_comma_or_colon_in_an_unquoted_text_in_braces_says_to_quote_the_text(
        text: str, where: str, shown: str | None) -> None:
    [problem] = problems_of(text)
    assert problem.startswith(f"test.yaml:{where}: ")
    assert "put the whole text in quotes" in problem
    if shown:
        assert f"such as {shown}" in problem


def test_a_field_in_braces_without_a_value_is_refused() -> None:
    assert problems_of("a: {b}\n") == [
        'test.yaml:1:5: a.b: "b" in {braces} has no value; write it as `name: value`, or put a text '
        "that holds a comma in quotes"
    ]
    # Explicit keys and quoted texts followed by a proper field are fine.
    assert load_text("a: {? b, en: 'x, y', c: 1}\n", "test.yaml").data == {"a": {"b": None, "en": "x, y", "c": 1}}


def test_line_breaks_and_controls_written_as_escapes_are_refused_in_texts_only() -> None:
    [problem] = problems_of('name: {en: "Job\\Lseekers"}\n')
    assert problem.startswith("test.yaml:1:12: name.en: the text holds U+2028 (LINE SEPARATOR), written as an escape")
    # Elsewhere the schema judges them, and messages show them escaped.
    assert load_text('"odd\\Lkey": "a\\x07"\n', "test.yaml").data == {"odd\u2028key": "a\x07"}


def test_a_name_written_as_a_folded_block_reads_without_a_space_before_the_comma_on_the_page() -> None:
    """Issue 14, item 10: `en: >` kept its newline, and a list of names read "You , Your employer"."""
    from generator.render import render_site
    from generator.validate import validate

    fixture = (Path(__file__).parent / "fixtures" / "complete.yaml").read_text(encoding="utf-8")
    text = edited(fixture, "    name: {en: You}\n", "    name:\n      en: >\n        You\n")
    model = validate(load_text(text, "complete.yaml"), POLICY).model
    assert model is not None
    statement = next(page.markdown for page in render_site(model, POLICY, language="en").pages
                     if page.path.endswith("privacy/index.md"))
    assert "| You, Your employer |" in statement
    assert "You , Your employer" not in statement
