"""Throwaway PostgreSQL databases for one run, dropped on the way out even after a failure."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg2

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@dataclass(frozen=True)
class Database:
    name: str

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port=5432 user=postgres dbname={self.name}"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:5432/{self.name}"


def admin(statement: str, *parameters: object) -> list[tuple[object, ...]]:
    """One statement on the maintenance database, outside any transaction (CREATE DATABASE)."""
    connection = psycopg2.connect(ADMIN_DSN)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, parameters or None)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def drop(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway(template: str | None = None) -> Iterator[Database]:
    """A fresh database (optionally a copy of ``template``), dropped however the block ends."""
    database = Database(f"ledger_bench_{uuid.uuid4().hex[:8]}")
    copy = f' TEMPLATE "{template}"' if template else ""
    admin(f'CREATE DATABASE "{database.name}"{copy}')
    try:
        yield database
    finally:
        drop(database.name)
