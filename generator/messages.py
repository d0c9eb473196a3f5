"""The loader's and validator's messages (and the version history's rules, generator/timeline.py), kept
as what they are made of: a key and its arguments.

A message (`Said`) names a template of `policy/texts/problems.LANG.yaml` and fills in its arguments;
an argument may itself be a keyed piece ("the text \"x\"", "a list", " Did you mean ...") so that a
whole message can be said again in another language. A `Wording` holds one language's templates
(and, for a language other than the schema's own, its texts for the schema's `description`s) and
renders a message with them.

The loader runs before any policy is known (it reads the policy files themselves), and an installed
package reads nothing beside itself, so the English templates are written here too, as `ENGLISH`:
every problem gets its English message when it is made, and the English report needs no file read.
tests/test_problems_language.py holds `ENGLISH` equal to policy/texts/problems.en.yaml, and the
Swedish file to the English one, key by key and placeholder by placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Union

# An argument of a message: a value of the file or a number as it is, or a piece said in words.
Arg = Union[str, int, "Said", "Listed", "SchemaText"]


@dataclass(frozen=True)
class Said:
    """A message: the key of its template and its arguments by name."""

    key: str
    args: tuple[tuple[str, Arg], ...] = ()


def said(key: str, **args: Arg) -> Said:
    return Said(key, tuple(args.items()))


@dataclass(frozen=True)
class Listed:
    """Items said one after another: joined by `, ` (or the template `joiner`), quoted with `"` when
    `quoted`, the ones past `limit` counted by the template `list.more`."""

    items: tuple[Arg, ...]
    joiner: str | None = None  # a key such as "list.or"; None for ", "
    quoted: bool = False
    limit: int | None = None


@dataclass(frozen=True)
class SchemaText:
    """A `description` of the schema, in its English words; a Wording gives its translation. As a
    `form`, "A period as an ISO 8601 duration: P6M is ..." reads "a period as an ISO 8601 duration
    (P6M is ...)"."""

    text: str
    form: bool = False


def as_form(description: str) -> str:
    head, _, tail = description.rstrip(".").partition(":")
    words = f"{head} ({tail.strip()})" if tail else head
    return words[0].lower() + words[1:]


@dataclass(frozen=True)
class Wording:
    """One language's templates; `descriptions`: the schema's English descriptions in that language
    (empty for English, whose descriptions are the schema's own)."""

    templates: Mapping[str, str]
    descriptions: Mapping[str, str] = field(default_factory=dict)

    def say(self, message: Arg) -> str:
        return str(self._value(message))

    def _value(self, arg: Arg) -> str | int:
        if isinstance(arg, Said):
            values = {name: self._value(value) for name, value in arg.args}
            return self.templates[arg.key].format_map(values)
        if isinstance(arg, Listed):
            return self._listed(arg)
        if isinstance(arg, SchemaText):
            text = self.descriptions.get(arg.text, arg.text)
            return as_form(text) if arg.form else text
        return arg

    def _listed(self, listed: Listed) -> str:
        items = [str(self._value(item)) for item in listed.items]
        if listed.quoted:
            items = [f'"{item}"' for item in items]
        joiner = self.templates[listed.joiner] if listed.joiner else ", "
        if listed.limit is not None and len(items) > listed.limit:
            rest = len(items) - listed.limit
            return joiner.join(items[:listed.limit]) + self.templates["list.more"].format(count=rest)
        return joiner.join(items)


def quoted(values: Sequence[str], limit: int = 12) -> Listed:
    """`"a", "b" and 3 more`."""
    return Listed(tuple(values), quoted=True, limit=limit)


ENGLISH_TEMPLATES: dict[str, str] = {
    # --- pieces ----------------------------------------------------------------------------------
    "list.more": " and {count} more",
    "list.or": " or ",
    "did_you_mean": ' Did you mean "{name}"?',
    "value.null": "an empty value (null)",
    "value.bool": "the value {value}",
    "value.number": "the number {value}",
    "value.nan": "a number",
    "value.text": 'the text "{text}"',
    "value.list": "a list",
    "value.mapping": "a mapping of fields",
    "expected.text": "a text per language, such as `en: ...`",
    "expected.one_of": "one of {choices}",
    "expected.const": '"{value}"',
    "type.string": "text",
    "type.object": "a mapping of fields",
    "type.array": "a list",
    "type.boolean": "true or false",
    "type.integer": "a whole number",
    "type.number": "a number",
    "type.null": "null (for a gap)",
    "type.other": "a different value",
    "format.date": "a date written as YYYY-MM-DD, such as 2026-01-31",
    "format.email": "an email address, such as privacy@example.com",
    "format.uri": "a full web address starting with https://",
    "format.regex": "a valid regular expression (such as ^_ga_.+$)",
    "format.other": "a valid {name}",
    "schema.field_description": " ({text})",
    "schema.see_schema": "see the schema for the expected form",
    "hint.quote": "; put the value in quotes to make it text",
    "hint.write_as": "; write it as `en: {value}`",
    # --- the schema ------------------------------------------------------------------------------
    "schema.no_branch": "expected {expected}, found {found}.{suggestion}",
    "schema.unknown_field": 'unknown field "{name}".{suggestion} Fields allowed here: {allowed}.',
    "schema.required": 'the required field "{name}" is missing{description}',
    "schema.expected": "expected {expected}, found {found}{hint}",
    "schema.not_allowed": "{found} is not allowed here.{suggestion} Allowed: {allowed}.",
    "schema.format": "{found} is not {hint}",
    "schema.empty_text": "the text is empty; write something or remove the field",
    "schema.pattern": "{found} does not have the expected form: {form}",
    "schema.min_items.one": "the list is empty; it needs at least {count} item",
    "schema.min_items.many": "the list is empty; it needs at least {count} items",
    "schema.too_short": "the text is too short: write at least {count} characters",
    "schema.unique": "the list holds the same entry more than once; keep each once",
    "schema.other": "{message}",
    # --- references and consistency --------------------------------------------------------------
    "ref.duplicate_id": 'the id "{id}" is already used by {collection}[{number}] (line {line}); ids must be unique',
    "ref.reserved_id": 'the id "{id}" cannot be used here: each entry of {collection} gets a page named after '
                       'its id, and a page named "{id}" would stand for the whole folder of them; choose another id',
    "ref.unknown": '"{value}" is not the id of any entry in {collection}.{suggestion} Known ids: {known}.',
    "ref.no_entries": '"{value}" refers to {collection}, which has no entries',
    "ref.unused": '{collection} entry "{id}" is defined but nothing refers to it; {where}, or remove it',
    "ref.where_one": "name its id in `{place}`",
    "ref.where_many": "name its id in one of {places}",
    "version.old": "this model {said}: it is written for schema version {version}, and this tool reads version "
                   "{current}. Upgrade it with `privacy-statement migrate {file}`, which keeps every value and "
                   "comment",
    "version.none": "has no `schema_version`",
    "version.says": "says `schema_version: {version}`",
    "version.new": "this model is written for schema version {version}, newer than this tool's {current}: "
                   "update the tool",
    "consistency.cookie_both": "a cookie has either `name` (its exact name) or `pattern` (for names that vary), "
                               "not both; keep one, or list the two as separate cookies",
    "consistency.category_twice": 'the site offers the category "{kind}" already (consent_categories[{first}]); '
                                  "each kind is offered once",
    "consistency.category_missing": 'the tracker "{id}" is in the category "{kind}", which this site\'s '
                                    'consent_categories do not offer ({offered}): add a "{kind}" category to '
                                    "the site, or correct the tracker's category",
    # --- the loader ------------------------------------------------------------------------------
    "load.syntax_hint": "YAML syntax error: {hint} ({problem})",
    "load.syntax": "YAML syntax error: {problem}",
    "load.syntax_bare": "YAML syntax error:",
    "load.syntax_starts": "{message}; it starts at line {line}, column {column}",
    "syntax.tab": "a tab character; YAML indentation must use spaces",
    "syntax.depth": "values are nested far more than {depth} levels deep",
    "syntax.colon": "a colon followed by a space where none is expected; check that this line is indented like "
                    "the fields around it, and if the text itself contains ': ', put the whole text in quotes",
    "syntax.expected_colon": "a line that is not `field: value`; check the indentation of this line and the "
                             "line above",
    "syntax.expected_key": "this line does not line up with the fields around it; check its indentation, and "
                           "that every quote opened above is closed",
    "syntax.bracket": "a list in [brackets] is not closed with ']' or its items are not separated by commas",
    "syntax.brace": "a mapping in {{braces}} is not closed with '}}' or its fields are not separated by commas",
    "syntax.dash": "a list item is not indented like the items around it",
    "syntax.alias": "an alias (*name) with no matching anchor (&name)",
    "syntax.end": "the file ends inside an unfinished value; is a quote or bracket not closed?",
    "syntax.escape": "an unknown backslash escape inside double quotes; use single quotes or write \\\\",
    "syntax.quote": "a quoted text that is never closed",
    "syntax.reserved": "a value starts with a character YAML keeps for itself (@ or `); put the whole value in "
                       "quotes",
    "syntax.missing_value": "a value is missing here: a list in [brackets] or a mapping in {{braces}} is not "
                            "finished, or holds two commas in a row",
    "load.unreadable": "the file cannot be read as YAML: {reason}",
    "load.empty": "the file is empty; it should hold the privacy model, starting with `version:`",
    "load.not_mapping": "the top level must be a mapping of fields (such as `version: ...`), but the file "
                        "holds {kind}",
    "load.a_list": "a list",
    "load.single_value": "the single value {value}",
    "load.too_big": "the file is {size:,} bytes, more than the limit of {limit:,}; a privacy model should be "
                    "far smaller",
    "load.cannot_read": "cannot read the file: {reason}",
    "load.not_utf8": "the file is not valid UTF-8 (byte 0x{byte:02x} here); save it as UTF-8",
    "load.tab": "this line is indented with a tab; YAML indentation must use spaces",
    "load.too_many_values": "the file expands to more than {limit:,} values (through aliases or sheer size); "
                            "write the model out plainly, without repeated aliases",
    "load.number_too_long": "a number of more than {limit} digits; put it in quotes if it is meant as text",
    "load.tag_value": "the tag {tag} is not allowed; write a plain value without a '!' tag (quote it if it "
                      "should be text)",
    "load.tag_collection": "the tag {tag} is not allowed; write the value without a '!' tag",
    "load.tag_invalid": "{value} is not a valid {tag} value",
    "load.brace_no_value": '"{name}" in {{braces}} has no value; write it as `name: value`, or put a text that '
                           "holds a comma in quotes",
    "load.comma_cut": 'the text "{text}" ends at a comma, because in {{braces}} a comma separates fields; put '
                      "the whole text in quotes{example}",
    "load.colon_in_braces": "a colon followed by a space (or by the end of the text) starts a field inside "
                            "{{braces}}; put the whole text in quotes{example}",
    "load.example": ", such as {{{field}: {quoted}}}",
    "load.key_not_text": "a field name must be plain text, not a list, mapping or number",
    "load.merge_key": "merge keys ('<<') are not supported; write the fields out in full",
    "load.duplicate_key": 'duplicate key "{name}": it is already defined at line {line}, column {column}; keep '
                          "only one",
    "load.many_documents": "the file holds more than one YAML document ('---'); keep the whole model in one",
    "load.alias_no_anchor": "the alias *{name} has no anchor &{name} before it",
    "load.too_deep": "values are nested more than {depth} levels deep",
    "char.old_break": "the character {character} is a line break to this tool's YAML reader but an ordinary "
                      "character to YAML 1.2 and to editors, so the two would count lines differently; replace "
                      "it with a space or a normal line break",
    "char.invisible": "the text holds an invisible character, {character}{written}, {kind} that can make a text "
                      "read differently than it is stored; delete it",
    "char.escaped": ", written as an escape",
    "char.bidi": "a bidirectional control",
    "char.zero_width": "a zero-width character",
    "char.formatting": "an invisible formatting character",
    "char.with_more": "{message}{more}",
    "char.more.one": " (and the {count} other invisible character in this value)",
    "char.more.many": " (and the {count} other invisible characters in this value)",
    "text.escaped_break": "the text holds {character}, written as an escape, a line break that some programs "
                          "show and others do not; write a normal line break or a space",
    "text.control": "the text holds a control character, U+{code:04X}, written as an escape; delete it",
    "text.invisible_only": "the text holds no letter, digit or symbol that a reader could see, only {shown}; "
                           "write the text itself",
    "text.spaces": "spaces",
    # --- the model against the versions in its git history (generator/timeline.py) ----------------
    "history.taken_back": "version {number} goes back on version {gone}, in force since {since}: a version in "
                          "force cannot be taken back; give the model a new version, greater than {gone}",
    "history.not_greater": "version {number} is not greater than version {last}, the last published version: "
                           "give the model a version greater than {last}",
    "history.date_back": "version {number} takes effect on {effective}, before version {latest} ({latest_date}): "
                         "dates only go forward; give version {number} an effective_date on or after {latest_date}",
    # --- the last line of `privacy-statement validate` --------------------------------------------
    "summary.valid": "{file}: valid ({warnings})",
    "summary.invalid": "{file}: invalid: {errors}, {warnings}",
    "count.errors.one": "{count} error",
    "count.errors.many": "{count} errors",
    "count.warnings.one": "{count} warning",
    "count.warnings.many": "{count} warnings",
}

ENGLISH = Wording(ENGLISH_TEMPLATES)


def english(message: Arg) -> str:
    """A message in English, as every problem carries it."""
    return ENGLISH.say(message)


__all__ = ["ENGLISH", "ENGLISH_TEMPLATES", "Arg", "Listed", "Said", "SchemaText", "Wording", "as_form", "english",
           "quoted", "said"]
