"""What text the API keeps: no control characters and no bidirectional formatting controls.

- **Control characters** (Unicode category Cc: NUL and the rest of C0, DEL, C1) are never part of
  a name or a note. NUL truncates strings in C-based tools downstream; ESC sequences rewrite a
  terminal that shows a log or an export. Multi-line text keeps tab, line feed and carriage
  return (and U+2028/U+2029); single-line text keeps none of them.
- **Bidirectional formatting controls** (embeddings and overrides U+202A to U+202E, isolates
  U+2066 to U+2069) change the order in which the text around them is displayed: a lead named
  "Ravi \\u202egnp.exe" shows as "Ravi exe.png", and an unterminated override reorders whatever
  a screen or a CSV export shows after it. Marks (LRM, RLM, ALM) and joiners (ZWJ, ZWNJ) stay:
  Arabic, Hebrew, Persian and Indic writing needs them, and they reorder nothing.

Two rules, chosen per field and declared in the OpenAPI document (``x-control-characters``):

- ``refused``: text a person types into the app (names, company, tags, notes, activity text,
  file names, device versions, sheet names). 422 ``validation_error`` with the field and
  ``invalid_characters``, never the value: the app can say which field to fix, and nothing is
  changed behind the user's back. The schema's ``pattern`` says the same.
- ``removed``: text that arrives from elsewhere, unattended — SMS bodies in a device-log sync
  (written by whoever sent the message; refusing would drop the whole batch) and phone numbers
  (Android wraps copied numbers in U+202A…U+202C; they are stored as E.164 anyway). Imported sheet
  cells follow the same rule (shared/imports/rows.py).

Text the server never displays or keeps as text — passwords, tokens, the free-form ``settings``
document of the app — is outside both rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

BIDI_CONTROLS = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069")
LINE_BREAKS = "\t\n\r\u2028\u2029"  # kept in multi-line text only

# Everything refused or removed, as regular-expression classes (also usable as JSON Schema
# patterns, which are ECMA-262: the same \\x and \\u escapes).
_CONTROLS = r"\x00-\x1f\x7f-\x9f"
_MULTI_LINE_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_SEPARATORS = r"\u2028\u2029"
_SINGLE_LINE_CLASS = f"{_CONTROLS}{_SEPARATORS}{_BIDI}"
_MULTI_LINE_CLASS = f"{_MULTI_LINE_CONTROLS}{_BIDI}"
_SINGLE_LINE = re.compile(f"[{_SINGLE_LINE_CLASS}]")
_MULTI_LINE = re.compile(f"[{_MULTI_LINE_CLASS}]")

RULE_KEY = "x-control-characters"


def has_controls(text: str, *, multiline: bool) -> bool:
    return (_MULTI_LINE if multiline else _SINGLE_LINE).search(text) is not None


def remove_controls(text: str, *, multiline: bool) -> str:
    return (_MULTI_LINE if multiline else _SINGLE_LINE).sub("", text)


@dataclass(frozen=True)
class ControlCharacters:
    """An ``Annotated`` marker for a ``str`` field: refuse (422 ``invalid_characters``) or remove
    control and bidirectional formatting characters. ``also_refused``: more characters, given as
    a regular-expression class (a file name's slashes)."""

    multiline: bool = False
    removed: bool = False
    also_refused: str = ""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        schema = handler(source)
        if self.removed:
            return core_schema.no_info_before_validator_function(self._remove, schema)
        return core_schema.no_info_after_validator_function(self._refuse, schema)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema[RULE_KEY] = "removed" if self.removed else "refused"
        if not self.removed:
            characters = (_MULTI_LINE_CLASS if self.multiline else _SINGLE_LINE_CLASS) + self.also_refused
            json_schema["pattern"] = f"^[^{characters}]*$"
        return json_schema

    def _remove(self, value: Any) -> Any:
        return remove_controls(value, multiline=self.multiline) if isinstance(value, str) else value

    def _refuse(self, value: Any) -> Any:
        if not isinstance(value, str):  # None, where the marker wraps an optional field
            return value
        refused = has_controls(value, multiline=self.multiline)
        if refused or (self.also_refused and re.search(f"[{self.also_refused}]", value)):
            raise PydanticCustomError(
                "invalid_characters", "contains a control character or a bidirectional formatting character"
            )
        return value


SINGLE_LINE = ControlCharacters()
MULTI_LINE = ControlCharacters(multiline=True)
REMOVED_FROM_LINE = ControlCharacters(removed=True)
REMOVED_FROM_TEXT = ControlCharacters(multiline=True, removed=True)

SingleLine = Annotated[str, SINGLE_LINE]
MultiLine = Annotated[str, MULTI_LINE]
