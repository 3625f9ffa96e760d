"""A batch's unit of work over read-model tables.

Handlers read and change rows through a View, never through SQL. The View loads each row at
most once per batch and writes every changed row once when the batch is flushed, so a batch
of a thousand events costs a handful of statements, and handlers stay plain functions of the
event and the rows it touches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Table, and_, delete, insert, select, tuple_
from sqlalchemy.engine import Connection

Row = dict[str, Any]
Key = tuple[Any, ...]


class View:
    """Rows of several tables, cached for one batch; ``flush`` writes what changed."""

    def __init__(self, connection: Connection, tables: dict[str, Table]) -> None:
        self.connection = connection
        self.tables = tables
        self._rows: dict[str, dict[Key, Row | None]] = {name: {} for name in tables}
        self._stored: dict[str, set[Key]] = {name: set() for name in tables}
        self._dirty: dict[str, set[Key]] = {name: set() for name in tables}

    def _key(self, name: str, values: Row) -> Key:
        return tuple(values[c.name] for c in self.tables[name].primary_key.columns)

    def get(self, name: str, *key: Any) -> Row | None:
        """The row with this primary key (as a mutable dict), or None."""
        cache = self._rows[name]
        if key not in cache:
            table = self.tables[name]
            condition = and_(*(c == v for c, v in zip(table.primary_key.columns, key,
                                                      strict=True)))
            found = self.connection.execute(select(table).where(condition)).mappings().first()
            cache[key] = dict(found) if found else None
            if found:
                self._stored[name].add(key)
        return cache[key]

    def require(self, name: str, *key: Any) -> Row:
        row = self.get(name, *key)
        if row is None:  # an event for an entity the log never created: a corrupt log
            raise LookupError(f"{name} has no row {key}")
        return row

    def put(self, name: str, row: Row) -> Row:
        """Insert or replace a whole row."""
        key = self._key(name, row)
        self.get(name, *key)
        self._rows[name][key] = row
        self._dirty[name].add(key)
        return row

    def changed(self, name: str, *key: Any) -> Row:
        """The row, marked to be written back; change it in place."""
        row = self.require(name, *key)
        self._dirty[name].add(key)
        return row

    def remove(self, name: str, *key: Any) -> None:
        self.get(name, *key)
        self._rows[name][key] = None
        self._dirty[name].add(key)

    def rows_where(self, name: str, column: str, value: Any) -> Iterator[Row]:
        """Every row with ``column == value``, as this batch sees them."""
        table = self.tables[name]
        for found in self.connection.execute(
                select(table).where(table.c[column] == value)).mappings():
            self.get(name, *self._key(name, dict(found)))
        for row in list(self._rows[name].values()):
            if row is not None and row.get(column) == value:
                yield row

    def flush(self) -> None:
        """Write every changed row: delete the stored versions, insert the current ones."""
        for name, table in self.tables.items():
            dirty = self._dirty[name]
            stale = [k for k in dirty if k in self._stored[name]]
            current = [row for k in dirty if (row := self._rows[name][k]) is not None]
            key_columns = list(table.primary_key.columns)
            for start in range(0, len(stale), 500):
                chunk = stale[start:start + 500]
                matches = (key_columns[0].in_([k[0] for k in chunk]) if len(key_columns) == 1
                           else tuple_(*key_columns).in_(chunk))
                self.connection.execute(delete(table).where(matches))
            if current:
                self.connection.execute(insert(table), current)
            self._stored[name] = {k for k in self._stored[name] | dirty
                                  if self._rows[name].get(k) is not None}
            dirty.clear()
