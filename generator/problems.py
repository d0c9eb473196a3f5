"""Located problems: the one way every stage reports what is wrong with an input file."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from generator.messages import Said, Wording, english

Severity = Literal["error", "warning"]
PathPart = str | int
FieldPath = tuple[PathPart, ...]

TOP_LEVEL = "(top level)"

# Field names as the schema has them (and the loader's "?" and "<<"). Any other name, which only a
# mistyped key can give, is shown quoted, so that a path never holds a dot, colon or line break of
# its own and `FILE:LINE:COL: PATH: MESSAGE` stays one line that tools can split.
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_<?-]+$")
# Characters that would break a message over lines (or hide in it), shown escaped instead.
# Bidirectional controls and zero-width characters too: they could make a message read differently.
_ESCAPES = {code: f"\\x{code:02x}" for code in range(32)} | {
    ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", 0x7F: "\\x7f", 0x85: "\\x85",
} | {code: f"\\u{code:04x}" for code in (0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x2028, 0x202F),
                                          *range(0x2060, 0x2070), 0xFEFF)}


def _show_name(name: str) -> str:
    return name if _PLAIN_NAME.match(name) else "[" + json.dumps(name, ensure_ascii=False).replace(":", "\\u003a") + "]"


def format_path(path: Sequence[PathPart]) -> str:
    """`('purposes', 3, 'legal_basis')` -> `purposes[3].legal_basis`, the form editors search for."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            shown = _show_name(part)
            text += f".{shown}" if text and not shown.startswith("[") else shown
    return text or TOP_LEVEL


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column, as editors and compilers show them."""

    line: int
    column: int


@dataclass(frozen=True)
class Problem:
    file: str
    location: Location
    path: FieldPath
    message: str
    severity: Severity = "error"
    # What the message was made of (its key and arguments), to say it in another language; None for
    # a message that exists only in English (git's and the version history's).
    said: Said | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, file: str, location: Location, path: FieldPath, said: Said,
           severity: Severity = "error") -> Problem:
        """A problem with the message `said`, in English."""
        return cls(file, location, path, english(said), severity, said)

    def format(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return (
            f"{self.file}:{self.location.line}:{self.location.column}: "
            f"{format_path(self.path)}: {prefix}{self.message}"
        ).translate(_ESCAPES)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.location.line, self.location.column, self.message)


def in_wording(problem: Problem, wording: Wording | None) -> Problem:
    """The problem with its message said in `wording` (None: as it is, in English)."""
    if wording is None or problem.said is None:
        return problem
    return replace(problem, message=wording.say(problem.said))


class InputError(Exception):
    """Raised by a stage when its input cannot go further; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.sort_key)
        super().__init__("\n".join(p.format() for p in self.problems))


def closest(value: object, choices: Iterable[str]) -> str | None:
    """The one of `choices` that `value` is a near miss of (differing case or a slip), if any."""
    if not isinstance(value, str):
        return None
    options = sorted(set(choices) - {value})
    by_lower = {c.lower(): c for c in options}
    if value.lower() in by_lower:
        return by_lower[value.lower()]
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(value: object, choices: Iterable[str]) -> str:
    """' Did you mean "x"?' for a near miss among `choices`, else ''."""
    near = closest(value, choices)
    return f' Did you mean "{near}"?' if near is not None else ""


def quoted_list(values: Iterable[str], limit: int = 12) -> str:
    items = [f'"{v}"' for v in values]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)
