"""The strict types every request field is made of: finite numbers and readable text.

A value the read models cannot store (NaN, Infinity, a NUL) would be written into the log for
ever and stop every projection, so it is refused here, at the boundary, with a 422 naming the
field. Each text rule is one regular expression: the validator runs it, and the OpenAPI
document publishes it as the field's ``pattern``, so what the schema allows, the server takes.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from ledger.application.commands.times import IsoDatetime

# Characters a reader cannot see: whitespace, zero-width and other format characters, and
# the fillers that render as blanks. A required text needs at least one character outside it.
INVISIBLE = (r"\x00-\x20\x7f-\xa0\xad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180e"
             r"\u2000-\u200f\u2028-\u202f\u205f-\u206f\u2800\u3000\u3164\ufe00-\ufe0f"
             r"\ufeff\uffa0")
# Control characters (C0, DEL, C1) and the line and paragraph separators.
CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029"

LINE = rf"^[^{CONTROL}]*$"
TEXT = r"^[^\x00]*$"  # free text may span lines, but never holds a NUL
VISIBLE = rf"[^{INVISIBLE}]"


def _checker(pattern: str, message: str, *, whole: bool = True) -> AfterValidator:
    """Python's ``$`` also matches before a final newline, so a whole-string rule uses
    ``fullmatch`` on the pattern without its anchors (which JSON Schema needs)."""
    compiled = re.compile(pattern.removeprefix("^").removesuffix("$"))
    matches = compiled.fullmatch if whole else compiled.search

    def check(value: str) -> str:
        if not matches(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


_no_nul = _checker(TEXT, "must not contain a NUL character")
_one_line = _checker(LINE, "must be one line without control characters")
_visible = _checker(VISIBLE, "must not be blank or made only of invisible characters",
                    whole=False)


def _required(pattern: str) -> str:
    """``pattern`` plus at least one visible character, as one expression for the schema."""
    allowed = pattern.removeprefix("^").removesuffix("$")  # "[^…]*"
    return rf"^{allowed}{VISIBLE}{allowed}$"


def _line(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length,
                 json_schema_extra={"pattern": _required(LINE)})


def _text(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length,
                 json_schema_extra={"pattern": _required(TEXT)})


# Single-line texts (names, titles, codes, keys, sources, owners, units): no control
# characters, never blank. Free texts may span lines, never hold a NUL, and a required one
# is never blank.
Code = Annotated[str, _line(64), _one_line, _visible]
ShortCode = Annotated[str, _line(32), _one_line, _visible]
Title = Annotated[str, _line(500), _one_line, _visible]
Name = Annotated[str, _line(200), _one_line, _visible]
OptionalLine = Annotated[str, Field(max_length=500, json_schema_extra={"pattern": LINE}),
                         _one_line]
Text = Annotated[str, _text(10_000), _no_nul, _visible]
OptionalText = Annotated[str, Field(max_length=10_000, json_schema_extra={"pattern": TEXT}),
                         _no_nul]


def _finite(value: Any) -> Any:
    """JSON bodies are parsed by Python's json module, which reads NaN, Infinity and 1e309
    (as inf) without complaint; refuse them before any coercion can hide them."""
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if isinstance(value, str) and value.strip().lower().lstrip("+-") in {
            "nan", "snan", "inf", "infinity"}:
        raise ValueError("must be a finite number")
    return value


# A JSON true or false, never 0, 1 or "yes": what the schema says is what the server takes.
Flag = Annotated[bool, Field(strict=True)]
LIMIT = 1e15  # far beyond any cost or measurement, and exact in a double
# Strict: a JSON number, never a numeric string, as the schema says.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-LIMIT, le=LIMIT),
                   BeforeValidator(_finite)]


def _json_number(value: Any) -> Any:
    """A JSON number (5 or 5.0), never a numeric string or a boolean, as the schema says."""
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number")
    return value


Days = Annotated[int, Field(ge=-36_500, le=36_500, description="Days, within a century."),
                 BeforeValidator(_json_number)]
Score = Annotated[int, Field(ge=1, le=5, description="1 (lowest) to 5."),
                  BeforeValidator(_json_number)]
MAX_IDS = 100  # ids in one list of one body (API.md, Input rules)
# A positive quantity with at most four decimals, sent as a string so it stays exact. The
# schema says so with a pattern, which is exactly what the server accepts.
AMOUNT = r"^(?!0+(\.0+)?$)\d{1,14}(\.\d{1,4})?$"


def _amount_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str) or not re.fullmatch(AMOUNT, value):
        raise ValueError('give a positive amount as a string with at most 4 decimals, '
                         'e.g. "1.5"')
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount_text),
                   WithJsonSchema({"type": "string", "pattern": AMOUNT,
                                   "examples": ["4", "1.5"]})]

# The fields many command bodies share.
ShortText = Title
Rag = Literal["green", "amber", "red"]
Reason = Annotated[OptionalText | None, Field(default=None,
                                              description="Why; required where the rule says so.")]
EffectiveAt = Annotated[IsoDatetime | None, Field(
    default=None, description="When the fact became true (RFC 3339, with zone); defaults to "
    "now; may not lie in the future.")]
Ids = Annotated[list[UUID], Field(max_length=MAX_IDS, description=f"At most {MAX_IDS} ids.")]
Keys = Annotated[list[Code], Field(max_length=MAX_IDS)]
Evidence = Annotated[list[OptionalLine], Field(max_length=MAX_IDS)]
# A real month of a real year: year 0000 does not exist.
MONTH = r"^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])$"
