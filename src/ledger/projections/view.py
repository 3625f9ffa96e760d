"""A batch's unit of work over read-model tables.

Handlers read and change rows through a View, never through SQL. The View loads each row at
most once per batch and writes every changed row once when the batch is flushed, so a batch
of a thousand events costs a handful of statements, and handlers stay plain functions of the
event and the rows it touches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, Table, and_, bindparam, delete, select, tuple_
from sqlalchemy.engine import Connection

from ledger.projections.bulk import insert_rows

Row = dict[str, Any]
Key = tuple[Any, ...]
# Keys per DELETE or bulk SELECT: well below SQLite's limit on bound parameters.
KEYS_CHUNK = 300


@cache
def _lookup(table: Table) -> Select[Any]:
    """SELECT by primary key with bound parameters, built once per table: building and
    compiling a fresh statement for every row would dominate a rebuild's time."""
    columns = list(table.primary_key.columns)
    return select(table).where(and_(*(c == bindparam(f"k{i}") for i, c in enumerate(columns))))


@cache
def _lookup_many(table: Table) -> Select[Any]:
    """SELECT the rows whose (single-column) primary key is in a list bound as ``keys``."""
    (column,) = table.primary_key.columns
    return select(table).where(column.in_(bindparam("keys", expanding=True)))


@cache
def _key_of(table: Table) -> Callable[[Row], Key]:
    """A row's primary key as a tuple, read by one C-level call."""
    names = [c.name for c in table.primary_key.columns]
    if len(names) == 1:  # itemgetter of one name returns the value itself, not a tuple
        (name,) = names
        return lambda values: (values[name],)
    return itemgetter(*names)


class View:
    """Rows of several tables, cached for one batch; ``flush`` writes what changed."""

    def __init__(self, connection: Connection, tables: dict[str, Table]) -> None:
        self.connection = connection
        self.tables = tables
        self._rows: dict[str, dict[Key, Row | None]] = {name: {} for name in tables}
        self._dirty: dict[str, set[Key]] = {name: set() for name in tables}
        self._added: dict[str, set[Key]] = {name: set() for name in tables}

    def _key(self, name: str, values: Row) -> Key:
        return _key_of(self.tables[name])(values)

    def get(self, name: str, *key: Any) -> Row | None:
        """The row with this primary key (as a mutable dict), or None."""
        cache_ = self._rows[name]
        if key not in cache_:
            parameters = {f"k{i}": value for i, value in enumerate(key)}
            found = self.connection.execute(
                _lookup(self.tables[name]), parameters).mappings().first()
            cache_[key] = dict(found) if found else None
        return cache_[key]

    def prefetch(self, name: str, keys: Iterable[Any]) -> None:
        """Load the rows with these (single-column) keys in bulk, so that ``get`` finds them,
        or finds that they do not exist, without a query of its own."""
        cache_ = self._rows[name]
        wanted = sorted(k for k in set(keys) if (k,) not in cache_)
        for start in range(0, len(wanted), KEYS_CHUNK):
            chunk = wanted[start:start + KEYS_CHUNK]
            cache_.update({(k,): None for k in chunk})
            found = self.connection.execute(_lookup_many(self.tables[name]), {"keys": chunk})
            for row in map(dict, found.mappings()):
                cache_[self._key(name, row)] = row

    def require(self, name: str, *key: Any) -> Row:
        row = self.get(name, *key)
        if row is None:  # an event for an entity the log never created: a corrupt log
            raise LookupError(f"{name} has no row {key}")
        return row

    def add(self, name: str, row: Row) -> Row:
        """A new row. Every row handlers add is new by construction (keyed by a position, or
        by the id in a creating event), so flush inserts it without looking for an old one;
        a duplicate key means a corrupt log and fails the batch."""
        key = self._key(name, row)
        self._rows[name][key] = row
        self._dirty[name].add(key)
        self._added[name].add(key)
        return row

    def changed(self, name: str, *key: Any) -> Row:
        """The row, marked to be written back; change it in place."""
        row = self.require(name, *key)
        self._dirty[name].add(key)
        return row

    def flush(self) -> None:
        """Write every changed row: delete the stored versions of changed rows (in bulk),
        then insert the current version of every changed or added row."""
        for name, table in self.tables.items():
            dirty = sorted(self._dirty[name], key=repr)  # a stable statement order
            stored = [k for k in dirty if k not in self._added[name]]
            key_columns = list(table.primary_key.columns)
            for start in range(0, len(stored), KEYS_CHUNK):
                chunk = stored[start:start + KEYS_CHUNK]
                matches = (key_columns[0].in_([k[0] for k in chunk]) if len(key_columns) == 1
                           else tuple_(*key_columns).in_(chunk))
                self.connection.execute(delete(table).where(matches))
            current = [row for k in dirty if (row := self._rows[name][k]) is not None]
            if current:
                insert_rows(self.connection, table, current)
            self._dirty[name].clear()
            self._added[name].clear()
