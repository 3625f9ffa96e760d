"""Database access shared by the audit modules: what they read through, a connection from
whatever the caller holds, and fetching rows as plain driver tuples."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

Reader = Connection | Session


@contextmanager
def connected(bind: Engine | Connection) -> Iterator[Connection]:
    """A connection: a new one from an Engine (closed afterwards), or the caller's own."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            yield connection
    else:
        yield bind


def fetch_plain(db: Reader, statement: Select[Any]) -> list[Any]:
    """All rows of a query of integer parameters, as the driver's own tuples.

    Verification reads every row of the events, chain and node tables; wrapping each in a
    SQLAlchemy Row and converting its values would take a fifth of its time. Values come
    back as the driver gives them (bytes or memoryview for binary columns).
    """
    connection = db if isinstance(db, Connection) else db.connection()
    compiled = statement.compile(dialect=connection.dialect)
    parameters: Any = compiled.params
    if compiled.positional:
        parameters = tuple(parameters[name] for name in compiled.positiontup or ())
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), parameters)
        return list(cursor.fetchall())
    finally:
        cursor.close()
