"""Located problems: the one way every stage reports what is wrong with an input file."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
PathPart = str | int
FieldPath = tuple[PathPart, ...]

TOP_LEVEL = "(top level)"


def format_path(path: Sequence[PathPart]) -> str:
    """`('purposes', 3, 'legal_basis')` -> `purposes[3].legal_basis`, the form editors search for."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
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

    def format(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return (
            f"{self.file}:{self.location.line}:{self.location.column}: "
            f"{format_path(self.path)}: {prefix}{self.message}"
        )

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.location.line, self.location.column, self.message)


class InputError(Exception):
    """Raised by a stage when its input cannot go further; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.sort_key)
        super().__init__("\n".join(p.format() for p in self.problems))


def suggestion(value: object, choices: Iterable[str]) -> str:
    """' Did you mean "x"?' for a near miss among `choices`, else ''."""
    if not isinstance(value, str):
        return ""
    options = sorted(set(choices))
    by_lower = {c.lower(): c for c in options}
    if value.lower() in by_lower and by_lower[value.lower()] != value:
        return f' Did you mean "{by_lower[value.lower()]}"?'
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


def quoted_list(values: Iterable[str], limit: int = 12) -> str:
    items = [f'"{v}"' for v in values]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)
