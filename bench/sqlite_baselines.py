"""Raw SQLite baselines for P7, with the standard library's sqlite3 and Ledger's pragmas."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from bench.baselines import STATE
from bench.measure import Figure, median, percentile, rate, sample_latencies

EVENTS_SHAPE = """
CREATE TABLE bench_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, originator_id TEXT NOT NULL,
    originator_version INTEGER NOT NULL, topic TEXT NOT NULL, state BLOB NOT NULL,
    UNIQUE (originator_id, originator_version))
"""


def _connect(path: Path) -> sqlite3.Connection:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")  # as Ledger's store runs it
    connection.execute(EVENTS_SHAPE)
    return connection


def b1s_commit_latency(path: Path, commits: int) -> Figure:
    """One single-row INSERT and COMMIT per transaction."""
    connection = _connect(path)
    aggregate, versions = str(uuid.uuid4()), iter(range(1, commits + 1))

    def insert_and_commit() -> None:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO bench_events (originator_id, originator_version, "
                           "topic, state) VALUES (?, ?, ?, ?)",
                           (aggregate, next(versions), "bench:Event", STATE))
        connection.execute("COMMIT")

    latencies = sample_latencies(insert_and_commit, commits)
    connection.close()
    return Figure("B1s", "SQLite commit latency (sqlite3, 1 row per commit)",
                  median(latencies) * 1000, "ms",
                  detail={"p99_ms": percentile(latencies, 0.99) * 1000,
                          "commits_per_s": rate(len(latencies), sum(latencies))})


def b3s_sequential_read(path: Path, rows: int) -> Figure:
    """A cursor over ``rows`` event-shaped rows in position order."""
    connection = _connect(path)
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO bench_events (originator_id, originator_version, "
                           "topic, state) VALUES (?, 1, 'bench:Event', ?)",
                           ((uuid.uuid4().hex, STATE) for _ in range(rows)))
    connection.execute("COMMIT")
    seconds = _scan(connection, "bench_events")
    connection.close()
    return Figure("B3s", f"SQLite sequential read (sqlite3 cursor), {rows:,} small rows",
                  rate(rows, seconds), "rows/s")


def b3se_events_table_read(path: Path) -> Figure:
    """B3s over the log's own events table, the rows rebuild and verify read."""
    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT count(*) FROM ledger_events").fetchone()[0]
    seconds = _scan(connection, "ledger_events")
    connection.close()
    return Figure("B3se", f"SQLite sequential read of the log's events table, {rows:,} rows",
                  rate(rows, seconds), "rows/s")


def _scan(connection: sqlite3.Connection, table: str) -> float:
    return sample_latencies(lambda: sum(1 for _ in connection.execute(
        f"SELECT id, originator_id, originator_version, topic, state FROM {table} "
        "ORDER BY id")), 1)[0]
