"""Stage 1: read the model file into plain data, strictly, remembering where every value stands.

The loader works on PyYAML's event stream instead of its constructors so that it, not PyYAML,
decides what a value means: only YAML 1.2 core-schema scalars (so `no`, `on`, `NO` and bare dates
stay text, as the editor's language server and check-jsonschema read them), no object-building
tags, no duplicate keys, bounded size and alias expansion, and no recursion that deep nesting
could exhaust.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.problems import FieldPath, InputError, Location, Problem, format_path

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

    def locate(self, path: FieldPath, *, key: bool = False) -> Location:
        """Where `path` is written; the closest enclosing value when it is not written at all."""
        if key and path in self.key_locations:
            return self.key_locations[path]
        for end in range(len(path), -1, -1):
            found = self.value_locations.get(path[:end])
            if found is not None:
                return found
        return Location(1, 1)

    def problem(self, path: FieldPath, message: str, *, key: bool = False,
                severity: str = "error") -> Problem:
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


def _resolve_plain(text: str) -> Any:
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


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


_SYNTAX_HINTS = (
    ("found character '\\t'", "a tab character; YAML indentation must use spaces"),
    ("found a tab character", "a tab character; YAML indentation must use spaces"),
    ("exceeded maximum nesting depth", f"values are nested far more than {MAX_DEPTH} levels deep"),
    ("mapping values are not allowed",
     "a colon followed by a space where none is expected; check that this line is indented like "
     "the fields around it, and if the text itself contains ': ', put the whole text in quotes"),
    ("could not find expected ':'",
     "a line that is not `field: value`; check the indentation of this line and the line above"),
    ("did not find expected key",
     "this line does not line up with the fields around it; check its indentation, and that "
     "every quote opened above is closed"),
    ("did not find expected ',' or ']'", "a list in [brackets] is not closed with ']' or its items "
     "are not separated by commas"),
    ("did not find expected ',' or '}'", "a mapping in {braces} is not closed with '}' or its fields "
     "are not separated by commas"),
    ("did not find expected '-' indicator",
     "a list item is not indented like the items around it"),
    ("found undefined alias", "an alias (*name) with no matching anchor (&name)"),
    ("found unexpected end of stream", "the file ends inside an unfinished value; is a quote or bracket not closed?"),
    ("found unknown escape character",
     "an unknown backslash escape inside double quotes; use single quotes or write \\\\"),
    ("while scanning a quoted scalar", "a quoted text that is never closed"),
)


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    problem = (error.problem or "").strip()
    for fragment, plain in _SYNTAX_HINTS:
        if fragment in problem or fragment in (error.context or ""):
            return f"YAML syntax error: {plain} ({problem})"
    context = f" {error.context.strip()}" if error.context else ""
    return f"YAML syntax error: {problem}{context}".strip()


def _syntax_problem(error: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    where = _location(mark) if mark else Location(1, 1)
    message = _syntax_message(error)
    if error.context_mark and error.problem_mark and error.context_mark.line != error.problem_mark.line:
        start = _location(error.context_mark)
        message += f"; it starts at line {start.line}, column {start.column}"
    return Problem(file, where, (), message)


class _Builder:
    """Turns the event stream into plain data, collecting every problem instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.value_locations: dict[FieldPath, Location] = {}
        self.key_locations: dict[FieldPath, Location] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.values = 0
        self.documents = 0

    def error(self, location: Location, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(self.file, location, path, message))

    def count(self, amount: int, location: Location, path: FieldPath) -> bool:
        self.values += amount
        if self.values > MAX_VALUES:
            self.error(location, path,
                       f"the file expands to more than {MAX_VALUES:,} values (through aliases "
                       "or sheer size); write the model out plainly, without repeated aliases")
            return False
        return True

    def scalar(self, event: yaml.ScalarEvent, path: FieldPath) -> Any:
        where = _location(event.start_mark)
        tag = event.tag
        if tag == "!":  # the non-specific tag: text, whatever it looks like (YAML 1.2, 6.9.1)
            return event.value
        try:
            if tag is None:
                return _resolve_plain(event.value) if event.implicit[0] else event.value
        except _NumberTooLong:
            self.error(where, path, f"a number of more than {MAX_NUMBER_LENGTH} digits; put it in quotes "
                                    "if it is meant as text")
            return event.value
        if tag not in _ALLOWED_TAGS or tag in (f"{_TAG}map", f"{_TAG}seq"):
            self.error(where, path,
                       f"the tag {_show_tag(tag)!r} is not allowed; write a plain value without a "
                       "'!' tag (quote it if it should be text)")
            return event.value
        try:
            return _convert_tagged(tag, event.value)
        except (ValueError, KeyError):
            shown = event.value if len(event.value) <= 60 else event.value[:57] + "..."
            self.error(where, path, f"{shown!r} is not a valid {_show_tag(tag)} value")
            return event.value

    def build(self, events: Any) -> Any:
        """Consume events; return the first document's top-level value (or None if none)."""
        # Each frame: [container, path, pending_key, start_location, seen_keys, anchor, values_before, in_key]
        stack: list[list[Any]] = []
        root: Any = None
        have_root = False
        stopped = False

        def place(value: Any, where: Location, anchor: str | None, size: int) -> None:
            nonlocal root, have_root
            if anchor:
                self.anchors[anchor] = (value, size)
            if not stack:
                if not have_root:
                    root, have_root = value, True
                return
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, list):
                container.append(value)
                return
            if frame[2] is _NO_KEY:
                key_path = (*frame[1], "?")
                if isinstance(value, (dict, list)) or not _is_key(value):
                    self.error(where, frame[1],
                               "a field name must be plain text, not a list, mapping or number")
                    frame[2] = _BAD_KEY
                    return
                name = str(value)
                key_path = (*frame[1], name)
                if name == "<<":
                    self.error(where, key_path,
                               "merge keys ('<<') are not supported; write the fields out in full")
                if name in frame[4]:
                    first = frame[4][name]
                    self.error(where, key_path,
                               f'duplicate key "{name}": it is already defined at line '
                               f"{first.line}, column {first.column}; keep only one")
                    frame[2] = _BAD_KEY
                    return
                frame[4][name] = where
                self.key_locations[key_path] = where
                frame[2] = name
                return
            if frame[2] is not _BAD_KEY:
                container[frame[2]] = value
            frame[2] = _NO_KEY

        def child_path() -> FieldPath:
            if not stack:
                return ()
            frame = stack[-1]
            if isinstance(frame[0], list):
                return (*frame[1], len(frame[0]))
            if frame[2] in (_NO_KEY, _BAD_KEY):
                return (*frame[1], "?")
            return (*frame[1], frame[2])

        def is_key_position() -> bool:
            return bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is _NO_KEY

        for event in events:
            if stopped:  # the rest of the file is not even parsed: it may be what made the loader stop
                break
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents == 2:
                    self.error(_location(event.start_mark), (),
                               "the file holds more than one YAML document ('---'); keep the "
                               "whole model in one")
                    stopped = True
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            where = _location(event.start_mark)
            in_key = is_key_position()
            path = child_path()
            if isinstance(event, yaml.ScalarEvent):
                if not self.count(1, where, path):
                    stopped = True
                    continue
                # A field name is the text as written: `null:` or `1e3:` name fields "null" and "1e3".
                plain_key = in_key and event.tag in (None, "!")
                value = event.value if plain_key else self.scalar(event, path)
                if not in_key:
                    self.value_locations[path] = where
                place(value, where, event.anchor, 1)
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.anchors:
                    self.error(where, path, f"the alias *{event.anchor} has no anchor &{event.anchor} before it")
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
                    self.error(where, path[:2], f"values are nested more than {MAX_DEPTH} levels deep")
                    stopped = True
                    continue
                expected = f"{_TAG}map" if isinstance(event, yaml.MappingStartEvent) else f"{_TAG}seq"
                if event.tag not in (None, "!", expected):
                    self.error(where, path,
                               f"the tag {_show_tag(event.tag)!r} is not allowed; write the value "
                               "without a '!' tag")
                if not in_key:
                    self.value_locations[path] = where
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                stack.append([container, path, _NO_KEY, where, {}, event.anchor, self.values, in_key])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, path, _, start, _, anchor, values_before, _ = stack.pop()
                place(container, start, anchor, self.values - values_before + 1)
        return root if have_root else _EMPTY


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NO_KEY = _Marker("<no key>")
_BAD_KEY = _Marker("<bad key>")
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
        raise InputError([Problem(
            file, Location(line, column), (),
            f"the file is not valid UTF-8 (byte 0x{raw[error.start]:02x} here); save it as UTF-8",
        )]) from None
    return text.removeprefix("\ufeff")


# The line breaks YAML counts lines by (str.splitlines also splits at form feeds and the like).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _tab_problems(text: str, file: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        # Comments too: the parser refuses a tab before a comment, with a far less clear message.
        if "\t" in indent and line.strip():
            problems.append(Problem(
                file, Location(number, indent.index("\t") + 1), (),
                "this line is indented with a tab; YAML indentation must use spaces",
            ))
    return problems


def load_text(text: str, file: str) -> Document:
    """Parse `text` (already decoded) into a Document, or raise InputError with every problem."""
    builder = _Builder(file)
    try:
        root = builder.build(yaml.parse(text, Loader=_EventLoader))
    except yaml.MarkedYAMLError as error:
        # Tabs in indentation are what the parser trips over then, and it says so far less clearly.
        # (Where it does not trip, a tab is harmless: inside a block text or between flow values.)
        cause = _tab_problems(text, file) or [_syntax_problem(error, file)]
        raise InputError([*builder.problems, *cause]) from None
    except yaml.YAMLError as error:  # reader errors: control characters and the like
        position = getattr(error, "position", None)
        where = Location(1, 1)
        if isinstance(position, int):
            lines = _LINE_BREAK.split(text[:position])
            where = Location(len(lines), len(lines[-1]) + 1)
        reason = getattr(error, "reason", None) or str(error)
        unreadable = Problem(file, where, (), f"the file cannot be read as YAML: {reason}")
        raise InputError([*builder.problems, *_tab_problems(text, file), unreadable]) from None
    if builder.problems:
        raise InputError(builder.problems)
    if root is _EMPTY or root is None:
        raise InputError([Problem(file, Location(1, 1), (),
                                  "the file is empty; it should hold the privacy model, starting "
                                  "with `version:`")])
    if not isinstance(root, dict):
        kind = "a list" if isinstance(root, list) else f"the single value {root!r}"
        raise InputError([Problem(file, builder.value_locations.get((), Location(1, 1)), (),
                                  f"the top level must be a mapping of fields (such as "
                                  f"`version: ...`), but the file holds {kind}")])
    return Document(file, root, builder.value_locations, builder.key_locations)


def load_file(path: Path, display_name: str | None = None) -> Document:
    """Read and load a model file; the display name is what messages call it."""
    name = display_name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError([Problem(name, Location(1, 1), (),
                                      f"the file is {size:,} bytes, more than the limit of "
                                      f"{MAX_BYTES:,}; a privacy model should be far smaller")])
        raw = path.read_bytes()
    except OSError as error:
        raise InputError([Problem(name, Location(1, 1), (), f"cannot read the file: {error.strerror}")]) from None
    return load_bytes(raw, name)


def load_bytes(raw: bytes, file: str) -> Document:
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(file, Location(1, 1), (),
                                  f"the file is {len(raw):,} bytes, more than the limit of "
                                  f"{MAX_BYTES:,}; a privacy model should be far smaller")])
    return load_text(_decode(raw, file), file)


__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_VALUES", "Document", "format_path", "load_bytes",
           "load_file", "load_text"]
