"""Upgrade a model written for an earlier schema version to the current one.

`migrate_data` is a pure function from a loaded model (plain data, as the loader gives it) to the
same model in the current shape; the history reader uses it on versions read from git. `migrate_text`
does the same to the text of a model file, keeping every comment and the layout (ruamel.yaml's
round trip), for `privacy-statement migrate`. Both run the same steps, so a file and its data migrate
alike. Nothing is invented: every value is kept (moved to its new place), a v1 gap stays a gap, and
a fact the new schema requires that the old one had no place for appears as `null` with a `# GAP`
comment, for `privacy-statement check` to report.

Version 1 -> 2 (issue 9):
- `schema_version: 2` at the top;
- `supervisory_authority` -> `supervisory_authorities`, a list holding it;
- a purpose's `legal_basis` (with `legitimate_interest` and `consent_record`) -> `legal_bases`, a list
  of one entry; `retention: ID` -> `retention: [ID]`;
- a recipient's `country` -> `countries: [COUNTRY]`;
- a transfer's `mechanism` (with `how_to_get_copy`) -> `safeguards`, a list of one entry;
- `sub_processors: []` and a site's `trackers: []` said "none" in version 1 -> `none`;
- every tracker gets `category: null` and `cookies: null`, marked GAP;
- `acknowledged_findings` paths follow the fields they name.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard

if TYPE_CHECKING:
    from ruamel.yaml import YAML

CURRENT_VERSION = 2
GAP_COMMENT = "GAP"


class MigrationError(ValueError):
    """The model cannot be migrated: it is for a schema version this tool does not know."""


def schema_version(data: object) -> int | None:
    """The schema version a loaded model is written for: 1 when it names none; None when unreadable."""
    if not isinstance(data, dict):
        return None
    version = data.get("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        return None
    return version


# --- editing mappings in place, keeping key order and comments -----------------------------------
# ruamel.yaml is imported only where a file is migrated: the history, `check --baseline` and `diff`
# migrate plain data and need not load it.

class _Commented(Protocol):
    """What this module uses of ruamel.yaml's round-trip mappings and lists (CommentedMap, CommentedSeq)."""

    ca: Any

    def insert(self, position: int, key: Any, value: Any) -> None: ...

    def yaml_add_eol_comment(self, comment: str, key: Any, column: int | None = None) -> None: ...

    def __iter__(self) -> Iterator[Any]: ...


def _commented(value: object) -> TypeGuard[_Commented]:
    """Whether `value` is ruamel.yaml's round-trip mapping or list, which carries its comments."""
    return hasattr(value, "ca")

def _comment(mapping: MutableMapping[str, Any], key: str) -> Any:
    return mapping.ca.items.pop(key, None) if _commented(mapping) else None


def _put(mapping: MutableMapping[str, Any], position: int, key: str, value: Any, comment: Any = None) -> None:
    """Set `key` at `position` (counted in keys), with a comment taken from another key, if any."""
    if _commented(mapping):
        mapping.insert(position, key, value)
        if comment is not None:
            mapping.ca.items[key] = comment
        return
    items = list(mapping.items())
    items.insert(position, (key, value))
    mapping.clear()
    mapping.update(items)


def _pop(mapping: MutableMapping[str, Any], key: str) -> tuple[int, Any, Any]:
    """Remove `key`: its position, value and comment."""
    position = list(mapping).index(key)
    comment = _comment(mapping, key)
    return position, mapping.pop(key), comment


def _rename(mapping: MutableMapping[str, Any], old: str, new: str,
            convert: Callable[[Any], Any] = lambda value: value) -> None:
    if old not in mapping or new in mapping:
        return
    position, value, comment = _pop(mapping, old)
    _put(mapping, position, new, convert(value), comment)


def _add_gap(mapping: MutableMapping[str, Any], key: str, after: tuple[str, ...]) -> bool:
    """Add `key: null  # GAP` after the first of `after` present (else at the end); False if it is there."""
    if key in mapping:
        return False
    position = len(mapping)
    for name in after:
        if name in mapping:
            position = list(mapping).index(name) + 1
            break
    _put(mapping, position, key, None)
    if _commented(mapping):
        mapping.yaml_add_eol_comment(f"# {GAP_COMMENT}", key, column=0)
    return True


def _put_block(mapping: MutableMapping[str, Any], position: int, key: str, value: Any, comment: Any) -> None:
    """As _put, for a value written as a block (a list of mappings): the key's comment, which holds
    what stood after its old one-line value (an end-of-line comment, blank lines), goes after the block."""
    last = value[-1] if isinstance(value, list) and value else None
    if _commented(last) and last and comment is not None:
        final = list(last)[-1]
        if final not in last.ca.items:
            last.ca.items[final] = comment
            comment = None
    _put(mapping, position, key, value, comment)


def _new_map(like: object, items: list[tuple[str, Any]]) -> dict[str, Any]:
    made: dict[str, Any] = {}
    if _commented(like):
        from ruamel.yaml.comments import CommentedMap

        made = CommentedMap()
    for key, value in items:
        made[key] = value
    return made


def _new_list(like: object, items: list[Any], flow: bool = False) -> list[Any]:
    if _commented(like):
        from ruamel.yaml.comments import CommentedSeq

        made = CommentedSeq(items)
        if flow:
            made.fa.set_flow_style()
        return made
    return list(items)


def _list_of(data: object, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _mappings(data: object, key: str) -> list[MutableMapping[str, Any]]:
    return [item for item in _list_of(data, key) if isinstance(item, dict)]


# --- version 1 -> 2 --------------------------------------------------------------------------------

# An entry in a path is named by its id (`purposes[surveys]`) or, in older files, its position.
_ENTRY = r"\[([^\[\]]+)\]"
_ACKNOWLEDGED_PATHS = (
    (re.compile(rf"^purposes{_ENTRY}\.legal_basis$"), r"purposes[\1].legal_bases"),
    (re.compile(rf"^purposes{_ENTRY}\.(legitimate_interest|consent_record)$"), r"purposes[\1].legal_bases[0].\2"),
    (re.compile(rf"^transfers{_ENTRY}\.mechanism$"), r"transfers[\1].safeguards"),
    (re.compile(rf"^transfers{_ENTRY}\.how_to_get_copy$"), r"transfers[\1].safeguards[0].how_to_get_copy"),
    (re.compile(rf"^recipients{_ENTRY}\.country$"), r"recipients[\1].countries"),
    (re.compile(r"^supervisory_authority(?=\.|$)"), r"supervisory_authorities[0]"),
)


def _upgrade_1_to_2(data: MutableMapping[str, Any]) -> int:
    """Change a version 1 model into version 2 in place; the number of gaps added."""
    gaps = 0
    _put(data, 0, "schema_version", CURRENT_VERSION)

    if "supervisory_authority" in data and "supervisory_authorities" not in data:
        position, authority, comment = _pop(data, "supervisory_authority")
        _put_block(data, position, "supervisory_authorities", _new_list(data, [authority]), comment)

    for purpose in _mappings(data, "purposes"):
        if "legal_basis" in purpose and "legal_bases" not in purpose:
            position, basis, comment = _pop(purpose, "legal_basis")
            if basis is None:
                _put(purpose, position, "legal_bases", None, comment)
            else:
                entry: list[tuple[str, Any]] = [("basis", basis)]
                moved_comments = []
                for name in ("legitimate_interest", "consent_record"):
                    if name in purpose:
                        _, value, moved = _pop(purpose, name)
                        entry.append((name, value))
                        moved_comments.append((name, moved))
                made = _new_map(data, entry)
                for name, moved in moved_comments:
                    if moved is not None and _commented(made):
                        made.ca.items[name] = moved
                _put_block(purpose, position, "legal_bases", _new_list(data, [made]), comment)
        retention = purpose.get("retention")
        if isinstance(retention, str):
            position, _, comment = _pop(purpose, "retention")
            _put(purpose, position, "retention", _new_list(data, [retention], flow=True), comment)

    for recipient in _mappings(data, "recipients"):
        _rename(recipient, "country", "countries",
                lambda country: None if country is None else _new_list(data, [country], flow=True))

    for transfer in _mappings(data, "transfers"):
        if "mechanism" in transfer and "safeguards" not in transfer:
            position, mechanism, comment = _pop(transfer, "mechanism")
            copy_comment = None
            entry = [("kind", mechanism)]
            if "how_to_get_copy" in transfer:
                _, how, copy_comment = _pop(transfer, "how_to_get_copy")
                entry.append(("how_to_get_copy", how))
            safeguards: Any = None
            if mechanism is not None:
                made = _new_map(data, entry)
                if copy_comment is not None and _commented(made):
                    made.ca.items["how_to_get_copy"] = copy_comment
                safeguards = _new_list(data, [made])
            elif len(entry) > 1:
                # How to get a copy of no stated safeguard: kept where it was, for the editor to move
                # onto the safeguard once it is stated (validation points at it).
                _put(transfer, position, "how_to_get_copy", entry[1][1], copy_comment)
            _put_block(transfer, position, "safeguards", safeguards, comment)

    for service in _mappings(data, "services"):
        if service.get("sub_processors") == []:
            service["sub_processors"] = "none"
    for site in _mappings(data, "sites"):
        if site.get("trackers") == []:
            site["trackers"] = "none"

    for tracker in _mappings(data, "trackers"):
        gaps += _add_gap(tracker, "category", ("party", "provider"))
        gaps += _add_gap(tracker, "cookies", ("strictly_necessary", "lifetime_note", "lifetime"))

    for acknowledgement in _mappings(data, "acknowledged_findings"):
        at = acknowledgement.get("at")
        if isinstance(at, str):
            moved_to = at
            for pattern, replacement in _ACKNOWLEDGED_PATHS:
                moved_to = pattern.sub(replacement, moved_to)
            if moved_to != at:
                acknowledgement["at"] = type(at)(moved_to) if type(at) is not str else moved_to
    return gaps


STEPS: dict[int, Callable[[MutableMapping[str, Any]], int]] = {1: _upgrade_1_to_2}


def _upgrade(data: MutableMapping[str, Any]) -> int:
    """Run every step from the model's version to the current one, in place; the gaps added."""
    version = schema_version(data)
    if version is None:
        raise MigrationError("`schema_version` is not a whole number, so the model's schema version is unknown")
    if version > CURRENT_VERSION:
        raise MigrationError(f"the model is written for schema version {version}, newer than this tool's "
                             f"({CURRENT_VERSION}); update the tool")
    gaps = 0
    while version < CURRENT_VERSION:
        gaps += STEPS[version](data)
        version += 1
    return gaps


def migrate_data(data: dict[str, Any]) -> dict[str, Any]:
    """The model in the current schema's shape, as a new value; the argument is left unchanged.

    A model already at the current version is returned as it is (a copy). A model that is not a
    mapping, or names an unknown version, is returned unchanged: validation then says what is wrong."""
    migrated = copy.deepcopy(data)
    try:
        _upgrade(migrated)
    except MigrationError:
        return copy.deepcopy(data)
    return migrated


# --- the file, with its comments ---------------------------------------------------------------------

def _round_trip() -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip mode, YAML 1.2 like the project's loader
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line the editor wrote
    yaml.indent(mapping=2, sequence=4, offset=2)
    # A gap is written `null`, as editors write it, not left empty.
    yaml.representer.add_representer(
        type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def migrate_text(text: str) -> tuple[str, int, int]:
    """The file's text migrated to the current version: (text, version it was at, gaps added).
    Unchanged text when it is already current."""
    yaml = _round_trip()
    data = yaml.load(text)
    version = schema_version(data)
    if version is None:
        raise MigrationError("`schema_version` is not a whole number, so the model's schema version is unknown")
    if version == CURRENT_VERSION:
        return text, version, 0
    gaps = _upgrade(data)
    out = io.StringIO()
    yaml.dump(data, out)
    return _aligned_gap_comments(out.getvalue()), version, gaps


_NEW_GAP = re.compile(r"^(?P<code>\s*[a-z_]+: null) *# GAP$", re.MULTILINE)


def _aligned_gap_comments(text: str) -> str:
    """New gaps read as the file's own do: `field: null  # GAP`."""
    return _NEW_GAP.sub(lambda match: f"{match['code']}  # {GAP_COMMENT}", text)


__all__ = ["CURRENT_VERSION", "MigrationError", "migrate_data", "migrate_text", "schema_version"]
