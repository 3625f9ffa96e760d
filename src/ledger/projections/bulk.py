"""Inserts a batch's rows into one table in bulk: COPY on PostgreSQL, executemany elsewhere.

A rebuild writes a row or more per event, and a multi-row INSERT makes PostgreSQL parse
every value as a literal; COPY streams them instead, several times faster. Values go through
each column's own bind processor first, so they are stored exactly as an INSERT stores them.

Both databases refuse the same values: a number that is not finite (standard JSON, and so
the API, has no NaN or infinity) and a NUL in a text (PostgreSQL refuses it; SQLite would
store it). Such a row fails its batch, and the projector records the event that wrote it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Dialect

Text = Callable[[Any], str]


class UnstorableValue(ValueError):
    """A value no read model stores: a non-finite number, or a NUL in a text."""


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows)  # PostgreSQL refuses a NUL itself
    else:
        for row in rows:
            for name, value in row.items():
                if type(value) is float and not math.isfinite(value):
                    raise UnstorableValue(f"{table.name}.{name} would be {value!r}")
                if type(value) is str and "\x00" in value:
                    raise UnstorableValue(f"{table.name}.{name} would hold a NUL character")
        connection.execute(insert(table), list(rows))


def _copy(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    columns = _columns(table, connection.dialect)
    try:
        lines = io.StringIO("".join(["\t".join([text(row[name]) for name, text in columns])
                                     + "\n" for row in rows]))
    except UnstorableValue as error:  # name the table, as the SQLite path does
        raise UnstorableValue(f"{table.name}: {error}") from None
    names = ", ".join(f'"{name}"' for name, _ in columns)
    cursor = connection.connection.cursor()
    try:
        cursor.copy_expert(f'COPY "{table.name}" ({names}) FROM STDIN', lines)
    finally:
        cursor.close()


@cache
def _columns(table: Table, dialect: Dialect) -> tuple[tuple[str, Text], ...]:
    """Each column's name, and how its values become COPY text."""
    return tuple((c.name, _text_of(c.type.bind_processor(dialect))) for c in table.columns)


def _text_of(bind: Callable[[Any], Any] | None) -> Text:
    if bind is None:
        return _copy_text
    return lambda value: _copy_text(bind(value))


def _copy_text(value: Any) -> str:
    """A bound value in COPY's text format; \\N is NULL."""
    if type(value) is str:  # over half the values, and nearly always with nothing to escape
        return value if value.isprintable() and "\\" not in value else _escaped(value)
    # Nearly every other value is of one of a few exact types: one dict lookup finds its
    # encoder, where a chain of isinstance tests would cost several calls per value.
    encode = _BY_TYPE.get(type(value))
    return encode(value) if encode is not None else _any_text(value)


def _escaped(text: str) -> str:
    # COPY's text format takes these four characters literally only when escaped; str.replace
    # is much cheaper than str.translate when, as nearly always, none of them occurs.
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _finite_text(value: float) -> str:
    if not math.isfinite(value):
        raise UnstorableValue(f"a number would be {value!r}")
    return float.__repr__(value)


def _any_text(value: Any) -> str:
    """Any value, subclasses of the common types included (a str enum, say)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return _escaped(str(value))


_BY_TYPE: dict[type, Text] = {
    str: _escaped,
    int: int.__repr__,  # digits, a sign, a point, an exponent: nothing to escape
    float: _finite_text,
    type(None): lambda _: "\\N",
    bool: lambda value: "t" if value else "f",
    datetime: datetime.isoformat,
}
