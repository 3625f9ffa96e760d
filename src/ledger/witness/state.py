"""The witness's own memory: per origin, the size, root and note it last cosigned, in a
SQLite file of its own. Check-and-update is one transaction, as tlog-witness requires."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """CREATE TABLE IF NOT EXISTS latest (
    origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL)"""


class WitnessState:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as connection:
            connection.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    @contextmanager
    def locked(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front, so no other request checks in between."""
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    @staticmethod
    def latest(connection: sqlite3.Connection, origin: str) -> tuple[int, bytes] | None:
        row = connection.execute("SELECT size, root FROM latest WHERE origin = ?",
                                 (origin,)).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    @staticmethod
    def record(connection: sqlite3.Connection, origin: str, size: int, root: bytes,
               note: str) -> None:
        connection.execute("INSERT INTO latest VALUES (?, ?, ?, ?) ON CONFLICT (origin) DO "
                           "UPDATE SET size = excluded.size, root = excluded.root, "
                           "note = excluded.note", (origin, size, root, note))
