"""Stage 1: read the model file into plain data, strictly, remembering where every value stands.

The loader works on PyYAML's event stream instead of its constructors so that it, not PyYAML,
decides what a value means: only YAML 1.2 core-schema scalars (so `no`, `on`, `NO` and bare dates
stay text, as the editor's language server and check-jsonschema read them), no object-building
tags, no duplicate keys, bounded size and alias expansion, and no recursion that deep nesting
could exhaust.

It also refuses what would make the file read differently than it is stored: characters PyYAML
takes for line breaks but YAML 1.2 (and so the editor) does not, bidirectional controls and
zero-width characters, each located where it stands. Every text (a mapping of languages, such as
`{en: ...}`) has its whitespace tidied and must hold something a reader can see.
"""

from __future__ import annotations

import marshal
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from generator.messages import Arg, Said, said
from generator.problems import FieldPath, InputError, Location, Problem, format_path
from generator.translations import TEXT_KEYS

MAX_BYTES = 1024 * 1024
MAX_VALUES = 100_000
MAX_DEPTH = 64
# Longer whole numbers are refused: Python will not turn an integer of more than 4,300 digits into
# text, so such a value would break every message that shows it.
MAX_NUMBER_LENGTH = 100

# Only the event parser of this loader is used; its constructors and resolver never run.
_EventLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Document:
    """The loaded file: plain data plus where each value and each key came from."""

    file: str
    data: dict[str, Any]
    value_locations: dict[FieldPath, Location] = field(repr=False)
    key_locations: dict[FieldPath, Location] = field(repr=False)
    # Each text value as written in the file (quotes, line breaks and indentation included), with
    # where it starts and its YAML style, so that a place inside a text can be located too.
    text_sources: dict[FieldPath, tuple[Location, str, str | None]] = field(default_factory=dict, repr=False)

    def locate(self, path: FieldPath, *, key: bool = False) -> Location:
        """Where `path` is written; the closest enclosing value when it is not written at all."""
        if key and path in self.key_locations:
            return self.key_locations[path]
        for end in range(len(path), -1, -1):
            found = self.value_locations.get(path[:end])
            if found is not None:
                return found
        return Location(1, 1)

    def locate_in_text(self, path: FieldPath, pattern: re.Pattern[str], occurrence: int) -> Location | None:
        """Where the `occurrence`-th (from 0) match of `pattern` in the text at `path` is written.

        The pattern is searched in the text as written, where a line break and the next line's
        indentation read as one space; None when that cannot be told apart from the value (an
        escape or a comment changes the matches, or the value came through an alias)."""
        found = self.text_sources.get(path)
        if found is None:
            return None
        start, source, style = found
        value = get_path(self.data, path)
        if not isinstance(value, str):
            return None
        offset = 0
        if style in ("|", ">"):  # a block text starts on the line after its indicator (and comment)
            offset = source.find("\n") + 1
            if offset == 0:
                return None
        written = list(pattern.finditer(source, offset))
        if len(written) != len(pattern.findall(value)) or not 0 <= occurrence < len(written):
            return None
        at = written[occurrence].start()
        breaks = list(_LINE_BREAK.finditer(source, 0, at))
        if not breaks:
            return Location(start.line, start.column + at)
        return Location(start.line + len(breaks), at - breaks[-1].end() + 1)

    def problem(self, path: FieldPath, message: str | Said, *, key: bool = False,
                severity: str = "error") -> Problem:
        """A problem at `path`: its message said (a key and arguments, see generator.messages), or, for
        what only English tells (git's own words), a text."""
        if isinstance(message, Said):
            return Problem.of(self.file, self.locate(path, key=key), path, message, severity)  # type: ignore[arg-type]
        return Problem(self.file, self.locate(path, key=key), path, message, severity)  # type: ignore[arg-type]


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), nothing from 1.1.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")}


class _NumberTooLong(ValueError):
    pass


def _check_number_length(text: str) -> None:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _NumberTooLong(text)


# Every value above but a text starts with one of these (and the empty null): a plain scalar that
# starts otherwise is a text, found without trying each pattern (most values of a model are texts).
_NOT_TEXT_FIRST = frozenset("~nNtTfF-+.0123456789")


def _resolve_plain(text: str) -> Any:
    if text and text[0] not in _NOT_TEXT_FIRST:
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text) or _OCT.match(text) or _HEX.match(text):
        _check_number_length(text)
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def _convert_tagged(tag: str, text: str) -> Any:
    """The value of an explicitly tagged core scalar, such as `!!str 2026-01-01` or `!!int "3"`."""
    name = tag[len(_TAG):]
    if name == "int":
        _check_number_length(text)
    converters: dict[str, Callable[[str], Any]] = {
        "str": str,
        "int": _core_int,
        "float": _core_float,
        "bool": lambda t: _BOOL[t],
        "null": lambda t: None if _NULL.match(t) else _raise(ValueError()),
    }
    return converters[name](text)


def _core_int(text: str) -> int:
    # Python's int() would also take 1_000 and 0b101, which YAML 1.2 does not.
    if not (_INT.match(text) or _OCT.match(text) or _HEX.match(text)):
        raise ValueError(text)
    value: int = _resolve_plain(text)
    return value


def _core_float(text: str) -> float:
    # Python's float() would also take 1_0.5, "infinity" and "nan", which YAML 1.2 does not.
    if not (_FLOAT.match(text) or _INF.match(text) or _NAN.match(text)):
        raise ValueError(text)
    return float(_resolve_plain(text))


def _raise(error: Exception) -> Any:
    raise error


def _location(mark: Any) -> Location:
    return Location(mark.line + 1, mark.column + 1)


def _start(event: yaml.Event) -> int:
    """Where an event starts in the text (the parser marks every event it makes)."""
    assert event.start_mark is not None
    return event.start_mark.index


def _end(event: yaml.Event) -> int:
    """Where an event ends in the text."""
    assert event.end_mark is not None
    return event.end_mark.index


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


_SYNTAX_HINTS: tuple[tuple[str, Said], ...] = (
    ("found character '\\t'", said("syntax.tab")),
    ("found a tab character", said("syntax.tab")),
    ("exceeded maximum nesting depth", said("syntax.depth", depth=MAX_DEPTH)),
    ("mapping values are not allowed", said("syntax.colon")),
    ("could not find expected ':'", said("syntax.expected_colon")),
    ("did not find expected key", said("syntax.expected_key")),
    ("did not find expected ',' or ']'", said("syntax.bracket")),
    ("did not find expected ',' or '}'", said("syntax.brace")),
    ("did not find expected '-' indicator", said("syntax.dash")),
    ("found undefined alias", said("syntax.alias")),
    ("found unexpected end of stream", said("syntax.end")),
    ("found unknown escape character", said("syntax.escape")),
    ("while scanning a quoted scalar", said("syntax.quote")),
    ("found character that cannot start any token", said("syntax.reserved")),
    ("did not find expected node content", said("syntax.missing_value")),
)


def _syntax_message(error: yaml.MarkedYAMLError) -> Said:
    problem = (error.problem or "").strip()
    for fragment, plain in _SYNTAX_HINTS:
        if fragment in problem or fragment in (error.context or ""):
            return said("load.syntax_hint", hint=plain, problem=problem)
    context = f" {error.context.strip()}" if error.context else ""
    # PyYAML's own words, in English.
    written = f"{problem}{context}".rstrip()
    return said("load.syntax", problem=written) if written else said("load.syntax_bare")


def _syntax_problem(error: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    where = _location(mark) if mark else Location(1, 1)
    message = _syntax_message(error)
    if error.context_mark and error.problem_mark and error.context_mark.line != error.problem_mark.line:
        start = _location(error.context_mark)
        message = said("load.syntax_starts", message=message, line=start.line, column=start.column)
    return Problem.of(file, where, (), message)


# --- characters that make the file read differently than it is stored ------------------------------

# PyYAML (YAML 1.1) breaks lines at these; YAML 1.2, and so the editor's language server, does not.
_OLD_LINE_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Every character refused wherever it stands: the above, invisible operators and deprecated format
# characters (U+2061-U+206F), the Mongolian vowel separator (once a zero-width space) and the tag
# characters (U+E0000-U+E007F), which spell out text that no reader sees.
_REFUSED = re.compile("[\x85\u2028\u2029\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
                      "\U000e0000-\U000e007f]")
# The same without the line breaks: what no value may hold, even written as an escape ("\u202e").
_INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\U000e0000-\U000e007f]")
# What a text may not hold written as an escape either: control characters ("\e", "\x07"; the
# reader refuses them as written) and the line breaks above ("\L").
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _describe_character(character: str) -> str:
    code = ord(character)
    name = _OLD_LINE_BREAKS.get(character) or unicodedata.name(character, "")
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def _character_message(character: str, more: int, *, escaped: bool = False) -> Said:
    """What is wrong with a refused character, and how many more (`more`) the value holds."""
    shown = _describe_character(character)
    message: Said
    if character in _OLD_LINE_BREAKS:
        message = said("char.old_break", character=shown)
    else:
        written: Arg = said("char.escaped") if escaped else ""
        if character in _BIDI_CONTROLS:
            kind = said("char.bidi")
        elif character in _ZERO_WIDTH:
            kind = said("char.zero_width")
        else:
            kind = said("char.formatting")
        message = said("char.invisible", character=shown, written=written, kind=kind)
    if more <= 0:
        return message
    return said("char.with_more", message=message,
                more=said("char.more.one" if more == 1 else "char.more.many", count=more))


# --- texts -----------------------------------------------------------------------------------------

# The keys a text may have: the properties of the schema's `$defs/text` (its languages, and beside a
# translation the mark of what it was translated from). The loader reads no policy file (it reads
# them), so they are written in generator.translations; tests/test_policy.py holds the two equal.
TEXT_LANGUAGES = TEXT_KEYS


def text_languages() -> frozenset[str]:
    """The keys a text may have (`en`, `sv`, `sv_from`): a mapping of only these keys is a text."""
    return TEXT_LANGUAGES


_SPACE_RUN = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """A text as readers see it: no space at either end or at the ends of its lines, each run of
    spaces one space, at most one empty line between paragraphs. A one-line text (what every text
    written on one line, in quotes or as a folded block, is) becomes one line with single spaces;
    the lines of a literal block (`|`), such as an address, stay lines."""
    lines = [_SPACE_RUN.sub(" ", line).strip(" ") for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines).strip("\n")) if len(lines) > 1 else lines[0]


# Blank-looking characters Unicode counts as letters or symbols (fillers, the blank braille pattern)
# and invisible marks (variation selectors, the combining grapheme joiner).
_BLANK_LOOKING = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
                            "\U000e0100-\U000e01ef]")


def is_visible(character: str) -> bool:
    """A letter, digit, mark or symbol that shows on the page (not a space, control or format
    character, and not one of the blank-looking letters and marks)."""
    return unicodedata.category(character)[0] in "LNMS" and not _BLANK_LOOKING.match(character)


@dataclass
class _Frame:
    """A mapping or list being built."""

    container: Any
    path: FieldPath
    start: Location
    anchor: str | None
    values_before: int
    flow: bool
    key: Any  # the pending field name of a mapping, or one of the markers below (_NO_KEY, ...)
    seen: dict[str, Location] = field(default_factory=dict)
    last_plain: _Scalar | None = None  # the last value of this mapping, if it is a plain scalar
    last_was_cut: bool = False  # whether the last field name was the rest of a text a comma cut short
    cuts: list[list[Any]] = field(default_factory=list)  # [a text a comma cut short, where it ends]


class _Scalar(NamedTuple):
    """Where a scalar stands, for messages about it."""

    path: FieldPath
    location: Location
    start: int  # character offsets in the text
    end: int
    is_key: bool
    plain: bool
    in_flow_mapping: bool


class _Builder:
    """Turns the event stream into plain data, collecting every problem instead of stopping."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.problems: list[Problem] = []
        self.value_locations: dict[FieldPath, Location] = {}
        self.text_sources: dict[FieldPath, tuple[Location, str, str | None]] = {}
        self.key_locations: dict[FieldPath, Location] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.values = 0
        self.documents = 0
        # Whether any value carries an explicit tag (`!!str`, `!`): load_text_by_parts then reads the
        # whole file at once, keeping its split to the plainest files.
        self.tagged = False
        self.scalars: list[_Scalar] = []

    def error(self, location: Location, path: FieldPath, message: Said) -> None:
        self.problems.append(Problem.of(self.file, location, path, message))

    def count(self, amount: int, location: Location, path: FieldPath) -> bool:
        self.values += amount
        if self.values > MAX_VALUES:
            self.error(location, path, said("load.too_many_values", limit=MAX_VALUES))
            return False
        return True

    def scalar(self, event: yaml.ScalarEvent, path: FieldPath) -> Any:
        tag = event.tag
        if tag == "!":  # the non-specific tag: text, whatever it looks like (YAML 1.2, 6.9.1)
            return event.value
        where = _location(event.start_mark)
        try:
            if tag is None:
                return _resolve_plain(event.value) if event.implicit[0] else event.value
        except _NumberTooLong:
            self.error(where, path, said("load.number_too_long", limit=MAX_NUMBER_LENGTH))
            return event.value
        if tag not in _ALLOWED_TAGS or tag in (f"{_TAG}map", f"{_TAG}seq"):
            self.error(where, path, said("load.tag_value", tag=repr(_show_tag(tag))))
            return event.value
        try:
            return _convert_tagged(tag, event.value)
        except (ValueError, KeyError):
            shown = event.value if len(event.value) <= 60 else event.value[:57] + "..."
            self.error(where, path, said("load.tag_invalid", value=repr(shown), tag=_show_tag(tag)))
            return event.value

    def check_escapes(self, event: yaml.ScalarEvent, where: Location, path: FieldPath) -> None:
        """Invisible characters written as escapes in double quotes (`"\\u202e"`)."""
        if not _INVISIBLE.search(event.value):
            return
        refused = _INVISIBLE.findall(event.value)
        if not _INVISIBLE.search(self.text, _start(event), _end(event)):
            self.error(where, path, _character_message(refused[0], len(refused) - 1, escaped=True))

    def has_colon(self, event: yaml.ScalarEvent) -> bool:
        """Whether a field name in {braces} is followed by ':' (or is an explicit `? key`)."""
        index = _end(event)
        while index < len(self.text):
            character = self.text[index]
            if character == "#" and self.text[index - 1] in " \t\r\n":
                while index < len(self.text) and self.text[index] not in "\r\n":
                    index += 1
            elif character in " \t\r\n":
                index += 1
            else:
                break
        if self.text.startswith(":", index):
            return True
        index = _start(event) - 1
        while index >= 0 and self.text[index] in " \t\r\n":
            index -= 1
        return index >= 0 and self.text[index] == "?"

    def missing_colon(self, frame: _Frame, event: yaml.ScalarEvent, where: Location, name: str) -> None:
        """A field name in {braces} with no ':': most often the rest of a text a comma cut short."""
        if frame.cuts and frame.last_was_cut:
            frame.cuts[-1][1] = _end(event)  # one more piece of the same text
        elif frame.last_plain is not None:
            frame.cuts.append([frame.last_plain, _end(event)])
        else:
            self.error(where, (*frame.path, name), said("load.brace_no_value", name=name))

    def report_cuts(self, frame: _Frame) -> None:
        for text, end in frame.cuts:
            whole = self.text[text.start:end]
            self.error(text.location, text.path, said("load.comma_cut", text=self.text[text.start:text.end],
                                                      example=_quoted_example(text, whole)))

    def quote_hint(self, error: yaml.MarkedYAMLError) -> Problem | None:
        """For the parser's complaint about a colon in an unquoted text in {braces}: a message that
        says to quote the text, located at the text."""
        if not self.scalars or error.problem_mark is None:
            return None
        last, problem = self.scalars[-1], error.problem or ""
        at = error.problem_mark.index
        if not last.in_flow_mapping or not self.text.startswith(":", at):
            return None
        if "did not find expected ',' or '}'" in problem and not last.is_key and last.plain:
            text = last
        elif "found unexpected ':'" in problem and last.is_key and error.context_mark is not None:
            start = error.context_mark.index
            text = _Scalar(last.path, _location(error.context_mark), start, at, False, True, True)
        else:
            return None
        if _LINE_BREAK.search(self.text, text.start, at):
            return None  # a text running on to a line with a field on it: more likely a '}' left out
        rest = re.match(r"[^,}\r\n]*", self.text[at:])
        whole = self.text[text.start:at + (rest.end() if rest else 0)].rstrip()
        return Problem.of(self.file, text.location, text.path,
                          said("load.colon_in_braces", example=_quoted_example(text, whole)))

    def tidy_text(self, frame: _Frame) -> None:
        """A mapping of languages is a text: tidy its whitespace, and require something visible."""
        container = frame.container
        if not container or not set(container) <= text_languages():
            return
        for language, text in container.items():
            if not isinstance(text, str):
                continue
            container[language] = tidy = normalise_text(text)
            path = (*frame.path, language)
            where = self.value_locations.get(path, frame.start)
            unwanted = _NOT_IN_TEXT.search(tidy)
            if unwanted:
                character = unwanted.group()
                if character in _OLD_LINE_BREAKS:
                    self.error(where, path, said("text.escaped_break", character=_describe_character(character)))
                else:
                    self.error(where, path, said("text.control", code=ord(character)))
            elif tidy and not _INVISIBLE.search(tidy) and not any(map(is_visible, tidy)):
                shown = ", ".join(_describe_character(c) if not c.isprintable() or c.isspace() else f'"{c}"'
                                  for c in dict.fromkeys(tidy.replace(" ", "")))
                self.error(where, path, said("text.invisible_only", shown=shown or said("text.spaces")))

    def build(self, events: Any) -> Any:
        """Consume events; return the first document's top-level value (or None if none)."""
        stack: list[_Frame] = []
        root: Any = None
        have_root = False
        stopped = False

        def place(value: Any, where: Location, anchor: str | None, size: int, plain: _Scalar | None = None,
                  no_colon: bool = False) -> None:
            nonlocal root, have_root
            if anchor:
                self.anchors[anchor] = (value, size)
            if not stack:
                if not have_root:
                    root, have_root = value, True
                return
            frame = stack[-1]
            container = frame.container
            if isinstance(container, list):
                container.append(value)
                return
            if frame.key is _NO_KEY:
                key_path = (*frame.path, "?")
                if isinstance(value, (dict, list)) or not _is_key(value):
                    self.error(where, frame.path, said("load.key_not_text"))
                    frame.key = _BAD_KEY
                    return
                name = str(value)
                key_path = (*frame.path, name)
                if no_colon:
                    frame.key = _CUT_KEY
                    return
                if name == "<<":
                    self.error(where, key_path, said("load.merge_key"))
                if name in frame.seen:
                    first = frame.seen[name]
                    self.error(where, key_path,
                               said("load.duplicate_key", name=name, line=first.line, column=first.column))
                    frame.key = _BAD_KEY
                    return
                frame.seen[name] = where
                self.key_locations[key_path] = where
                frame.key = name
                return
            if frame.key not in (_BAD_KEY, _CUT_KEY):
                container[frame.key] = value
            frame.last_was_cut = frame.key is _CUT_KEY
            frame.last_plain = plain
            frame.key = _NO_KEY

        for event in events:
            if stopped:  # the rest of the file is not even parsed: it may be what made the loader stop
                break
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents == 2:
                    self.error(_location(event.start_mark), (), said("load.many_documents"))
                    stopped = True
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            mark = event.start_mark
            where = Location(mark.line + 1, mark.column + 1)
            path: FieldPath
            # Where the value goes: the path it gets, and whether it is a field name (written out
            # here, not in helper functions: this runs for every value of the file).
            if not stack:
                in_key, path = False, ()
            else:
                top = stack[-1]
                if isinstance(top.container, list):
                    in_key, path = False, (*top.path, len(top.container))
                else:
                    in_key = top.key is _NO_KEY
                    path = (*top.path, "?") if top.key in (_NO_KEY, _BAD_KEY, _CUT_KEY) else (*top.path, top.key)
            if isinstance(event, yaml.ScalarEvent):
                if not self.count(1, where, path):
                    stopped = True
                    continue
                # A field name is the text as written: `null:` or `1e3:` name fields "null" and "1e3".
                if event.tag is not None:
                    self.tagged = True
                plain_key = in_key and event.tag in (None, "!")
                value = event.value if plain_key else self.scalar(event, path)
                in_flow_mapping = bool(stack) and stack[-1].flow and isinstance(stack[-1].container, dict)
                at = (*path[:-1], event.value) if in_key else path
                scalar = _Scalar(at, where, _start(event), _end(event), in_key,
                                 event.tag is None and event.implicit[0] and not event.style and event.value != "",
                                 in_flow_mapping)
                self.scalars.append(scalar)
                self.check_escapes(event, where, at)
                no_colon = False
                if in_key and in_flow_mapping and not self.has_colon(event):
                    no_colon = True
                    self.missing_colon(stack[-1], event, where, str(event.value))
                if not in_key:
                    self.value_locations[path] = where
                    if isinstance(value, str) and value:
                        self.text_sources[path] = (where, self.text[_start(event):_end(event)],
                                                   event.style)
                place(value, where, event.anchor, 1, scalar if scalar.plain else None, no_colon)
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.anchors:
                    self.error(where, path, said("load.alias_no_anchor", name=str(event.anchor)))
                    place(None, where, None, 1)
                    continue
                value, size = self.anchors[event.anchor]
                if not self.count(size, where, path):
                    stopped = True
                    continue
                if not in_key:
                    self.value_locations[path] = where
                place(value, where, None, size)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if not self.count(1, where, path):
                    stopped = True
                    continue
                if len(stack) >= MAX_DEPTH:
                    self.error(where, path[:2], said("load.too_deep", depth=MAX_DEPTH))
                    stopped = True
                    continue
                if event.tag is not None:
                    self.tagged = True
                expected = f"{_TAG}map" if isinstance(event, yaml.MappingStartEvent) else f"{_TAG}seq"
                if event.tag not in (None, "!", expected):
                    self.error(where, path, said("load.tag_collection", tag=repr(_show_tag(event.tag))))
                if not in_key:
                    self.value_locations[path] = where
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                # {a, b} is a set to YAML, refused above by its tag when written `!!set {a, b}`.
                flow = bool(event.flow_style) and event.tag in (None, "!", expected)
                stack.append(_Frame(container, path, where, event.anchor, self.values, flow, key=_NO_KEY))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frame = stack.pop()
                if isinstance(frame.container, dict):
                    self.report_cuts(frame)
                    self.tidy_text(frame)
                place(frame.container, frame.start, frame.anchor, self.values - frame.values_before + 1)
        return root if have_root else _EMPTY


def _quoted_example(text: _Scalar, whole: str) -> Arg:
    """`, such as {en: 'Hello, world'}` for a text of one short line, else nothing."""
    if "\n" in whole or "\r" in whole or len(whole) > 80 or not text.path or not isinstance(text.path[-1], str):
        return ""
    quoted = "'" + whole.replace("'", "''") + "'"
    return said("load.example", field=text.path[-1], quoted=quoted)


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NO_KEY = _Marker("<no key>")
_BAD_KEY = _Marker("<bad key>")
_CUT_KEY = _Marker("<the rest of a text a comma cut short>")
_EMPTY = _Marker("<empty>")


def _is_key(value: Any) -> bool:
    return isinstance(value, str) or value is None or isinstance(value, bool | int | float)


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise InputError([Problem.of(file, Location(line, column), (),
                                     said("load.not_utf8", byte=raw[error.start]))]) from None
    return text.removeprefix("\ufeff")


# The line breaks YAML 1.2 counts lines by (str.splitlines also splits at form feeds and the like,
# PyYAML at NEL, U+2028 and U+2029, which the loader refuses).
_LINE_BREAK = re.compile("\r\n|[\r\n]")
# Before parsing, the breaks only PyYAML counts become a character PyYAML reads as YAML 1.2 reads
# them (part of a value or comment), so every location the parser gives is YAML 1.2's.
_OLD_LINE_BREAK = re.compile("[\x85\u2028\u2029]")


def _tab_problems(text: str, file: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        # Comments too: the parser refuses a tab before a comment, with a far less clear message.
        if "\t" in indent and line.strip():
            problems.append(Problem.of(file, Location(number, indent.index("\t") + 1), (), said("load.tab")))
    return problems


class _Lines:
    """Offsets in a text to 1-based lines and columns, as YAML 1.2 counts them."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]

    def location(self, index: int) -> Location:
        line = bisect_right(self.starts, index)
        return Location(line, index - self.starts[line - 1] + 1)


def _refused_problems(text: str, file: str, scalars: list[_Scalar]) -> list[Problem]:
    """Each refused character in the file, one problem per value (or per line outside values)."""
    found = [match.start() for match in _REFUSED.finditer(text)]
    if not found:
        return []
    lines = _Lines(text)
    starts = [scalar.start for scalar in scalars]
    groups: dict[tuple[str, int], list[int]] = {}
    for index in found:
        number = bisect_right(starts, index) - 1
        if number >= 0 and scalars[number].start <= index < scalars[number].end:
            groups.setdefault(("value", number), []).append(index)
        else:
            groups.setdefault(("line", lines.location(index).line), []).append(index)
    return [
        Problem.of(file, lines.location(indexes[0]), scalars[number].path if kind == "value" else (),
                _character_message(text[indexes[0]], len(indexes) - 1))
        for (kind, number), indexes in groups.items()
    ]


def load_text(text: str, file: str) -> Document:
    """Parse `text` (already decoded) into a Document, or raise InputError with every problem."""
    return _load(text, file)[0]


def _load(text: str, file: str) -> tuple[Document, _Builder]:
    """load_text, with the builder that read the text (what load_text_by_parts asks of a part)."""
    text = text.removeprefix("\ufeff")  # a byte order mark, at the start only
    parsed = _OLD_LINE_BREAK.sub("\ufffd", text)
    builder = _Builder(file, parsed)
    try:
        root = builder.build(yaml.parse(parsed, Loader=_EventLoader))
    except yaml.MarkedYAMLError as error:
        # Tabs in indentation are what the parser trips over then, and it says so far less clearly.
        # (Where it does not trip, a tab is harmless: inside a block text or between flow values.)
        cause = _tab_problems(text, file) or [builder.quote_hint(error) or _syntax_problem(error, file)]
        raise InputError([*builder.problems, *cause, *_refused_problems(text, file, builder.scalars)]) from None
    except yaml.YAMLError as error:  # reader errors: control characters and the like
        position = getattr(error, "position", None)
        where = _Lines(text).location(position) if isinstance(position, int) else Location(1, 1)
        reason = getattr(error, "reason", None) or str(error)
        unreadable = Problem.of(file, where, (), said("load.unreadable", reason=reason))  # PyYAML's words
        raise InputError([*builder.problems, *_tab_problems(text, file), unreadable,
                          *_refused_problems(text, file, builder.scalars)]) from None
    refused = _refused_problems(text, file, builder.scalars)
    if builder.problems or refused:
        raise InputError([*builder.problems, *refused])
    if root is _EMPTY or root is None:
        raise InputError([Problem.of(file, Location(1, 1), (), said("load.empty"))])
    if not isinstance(root, dict):
        kind = said("load.a_list") if isinstance(root, list) else said("load.single_value", value=repr(root))
        raise InputError([Problem.of(file, builder.value_locations.get((), Location(1, 1)), (),
                                     said("load.not_mapping", kind=kind))])
    return Document(file, root, builder.value_locations, builder.key_locations, builder.text_sources), builder


def get_path(data: Any, path: FieldPath) -> Any:
    """The value at `path` in loaded data; None where there is none."""
    node = data
    for step in path:
        if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            node = node[step]
        elif isinstance(step, str) and isinstance(node, dict):
            node = node.get(step)
        else:
            return None
    return node


def load_file(path: Path, display_name: str | None = None) -> Document:
    """Read and load a model file; the display name is what messages call it."""
    name = display_name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError([Problem.of(name, Location(1, 1), (), said("load.too_big", size=size, limit=MAX_BYTES))])
        raw = path.read_bytes()
    except OSError as error:
        raise InputError([Problem.of(name, Location(1, 1), (),
                                     said("load.cannot_read", reason=str(error.strerror)))]) from None
    return load_bytes(raw, name)


def load_bytes(raw: bytes, file: str) -> Document:
    if len(raw) > MAX_BYTES:
        raise InputError([Problem.of(file, Location(1, 1), (), said("load.too_big", size=len(raw), limit=MAX_BYTES))])
    return load_text(_decode(raw, file), file)


# --- reading a file part by part (the version history) -----------------------------------------------
#
# The revisions of a model in git differ in a part or two each: a history of 200 versions read whole
# parsed the same fields 200 times. load_text_by_parts splits the file at its top-level fields, loads
# each field's lines with load_text (every rule above applies to every character of them), keeps what
# it loaded by the field's exact text, and puts the fields together as load_text would have read them.
# Whenever the split is not plainly the same reading as the whole file's, the whole file is read.

# A line that starts a top-level field: a plain name at column 0, a colon, then a space or the end of
# the line. Anything else at column 0 but a comment, an empty line or a list item ('---', '...', '%',
# a quoted or `? ` key, '{', '[', a tab, an anchor, an alias, a tag) and the whole file is read at once.
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: |$)")
# Each line whose first character is not a space, a '#' or its line break, and that is not a list
# item: `- ` at column 0 is an item of the field above (PyYAML writes a field's list so, unindented),
# read with that field's lines (where it is not, that part is an error, and the whole file is read).
# Searched for in the text after a line break, the line's text in group 1 (a pattern that starts
# with the line break is searched for several times faster than one starting with ^).
_AT_COLUMN_0 = re.compile(r"\n(?!- |-\n|-$)([^ #\n][^\n]*)")


@dataclass
class _Part:
    """A top-level field loaded on its own: its value and locations as they stand `at` lines below
    the part's own first line (moved, in place, to where the latest file using it has it)."""

    value: bytes  # marshalled, so that every Document gets its own copy, as from load_text
    values: int  # what _Builder.count counted: the value, its field name and the part's own mapping
    at: int
    root: Location  # where the part's own mapping starts (the file's, when it is the first part)
    value_locations: dict[FieldPath, Location]  # without the part's own mapping
    key_locations: dict[FieldPath, Location]
    text_sources: dict[FieldPath, tuple[Location, str, str | None]]

    def move(self, at: int) -> None:
        if at == self.at:
            return
        by = at - self.at
        self.root = Location(self.root.line + by, self.root.column)
        self.value_locations = {path: Location(where.line + by, where.column)
                                for path, where in self.value_locations.items()}
        self.key_locations = {path: Location(where.line + by, where.column)
                              for path, where in self.key_locations.items()}
        self.text_sources = {path: (Location(where.line + by, where.column), source, style)
                             for path, (where, source, style) in self.text_sources.items()}
        self.at = at


class PartCache:
    """The top-level fields load_text_by_parts has loaded, by their exact text (None for a field that
    does not load on its own). Bounded: once the texts held pass `limit` characters, the fields used
    least recently are dropped. A field held takes some 16 times its text in memory (its value,
    locations and text; measured on data/processing.yaml), so the default, two model files of the
    largest size loaded, holds at most some 35 MB; the history of the real model, a field or two
    changed a version, fits hundreds of versions in it."""

    def __init__(self, limit: int = 2 * MAX_BYTES) -> None:
        self.limit = limit
        self.parts: dict[str, _Part | None] = {}
        self.size = 0  # characters of the texts held
        self.parsed = 0  # fields loaded so far (what the cache saves is counted by this, not timed)
        self.whole = 0  # files read whole, with load_text

    def part(self, source: str, name: str, file: str) -> _Part | None:
        if source in self.parts:
            found = self.parts.pop(source)  # put back below, as the most recently used
        else:
            found = _load_part(source, name, file)
            self.parsed += 1
            self.size += len(source)
        self.parts[source] = found
        while self.size > self.limit and self.parts:
            oldest = next(iter(self.parts))
            del self.parts[oldest]
            self.size -= len(oldest)
        return found


def _load_part(source: str, name: str, file: str) -> _Part | None:
    try:
        document, builder = _load(source, file)
    except InputError:
        return None  # the whole file is read then: its errors are those of the whole
    # An alias could stand for a value of another part (and anchors make one value several); a
    # tag, any at all, keeps the file to the whole reading as well.
    if builder.anchors or builder.tagged or list(document.data) != [name]:
        return None
    value_locations = dict(document.value_locations)
    root = value_locations.pop(())
    return _Part(marshal.dumps(document.data[name]), builder.values, 0, root, value_locations,
                 document.key_locations, document.text_sources)


def _split(text: str) -> list[tuple[str, int, str]] | None:
    """Each top-level field of the file: its name, the line it starts at (from 0) and its text, up
    to the next field's line (the first also holds the comments and empty lines above it). None when
    the file does not plainly split there."""
    if "\r" in text:  # a line break the split would not see; rare enough to read whole
        return None
    starts: list[tuple[str, int]] = []
    for found in _AT_COLUMN_0.finditer("\n" + text):  # the first line too
        key = _TOP_KEY.match(found.group(1))
        if key is None:
            return None
        starts.append((key.group(1), found.start()))  # where the line starts in `text`
    if not starts or len({name for name, _ in starts}) != len(starts):
        return None  # an empty file, or a repeated field: the whole file's error says which
    parts = []
    line = begin = 0
    for number, (name, _) in enumerate(starts):
        end = starts[number + 1][1] if number + 1 < len(starts) else len(text)
        source = text[begin:end]
        parts.append((name, line, source))
        line += source.count("\n")
        begin = end
    return parts


def load_text_by_parts(text: str, file: str, cache: PartCache) -> Document:
    """As load_text, reading only the top-level fields `cache` does not hold yet (for the revisions of
    the version history, which share most of their fields): the same Document, or the same errors."""
    split = _split(text.removeprefix("\ufeff"))  # as load_text, which is given `text` as it is
    parts = []
    for name, at, source in split or ():
        part = cache.part(source, name, file)
        if part is None:
            break
        parts.append((name, at, part))
    # The whole file is held to the loader's limits: its values are counted as load_text counts them
    # (its own mapping once, each part's value and field name); the depth of a value, and so
    # MAX_DEPTH, is the same in its part as in the file.
    if split is None or len(parts) < len(split) or 1 + sum(part.values - 1 for _, _, part in parts) > MAX_VALUES:
        cache.whole += 1
        return load_text(text, file)
    data: dict[str, Any] = {}
    value_locations: dict[FieldPath, Location] = {}
    key_locations: dict[FieldPath, Location] = {}
    text_sources: dict[FieldPath, tuple[Location, str, str | None]] = {}
    for name, at, part in parts:
        part.move(at)
        if not value_locations:  # the file's mapping starts where its first part's does
            value_locations[()] = part.root
        data[name] = marshal.loads(part.value)
        value_locations.update(part.value_locations)
        key_locations.update(part.key_locations)
        text_sources.update(part.text_sources)
    return Document(file, data, value_locations, key_locations, text_sources)


def load_bytes_by_parts(raw: bytes, file: str, cache: PartCache) -> Document:
    """As load_bytes, by parts (see load_text_by_parts)."""
    if len(raw) > MAX_BYTES:
        return load_bytes(raw, file)  # which refuses it
    return load_text_by_parts(_decode(raw, file), file, cache)


__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_VALUES", "Document", "PartCache", "format_path", "get_path",
           "is_visible", "load_bytes", "load_bytes_by_parts", "load_file", "load_text", "load_text_by_parts",
           "normalise_text", "text_languages"]
