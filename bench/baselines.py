"""Raw baselines B1-B4: what PostgreSQL and the eventsourcing library do without Ledger."""

from __future__ import annotations

import time
import uuid

import psycopg2
import psycopg2.extras
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench.measure import Figure, median, percentile, rate, sample_latencies

EVENTS_SHAPE = """
CREATE TABLE IF NOT EXISTS bench_events (
    id BIGSERIAL PRIMARY KEY, originator_id UUID NOT NULL, originator_version BIGINT NOT NULL,
    topic TEXT NOT NULL, state BYTEA NOT NULL, UNIQUE (originator_id, originator_version))
"""
STATE = b'{"actor":"bench","reason":null,"value":42.0,"note":"a typical small event state"}'


def _connect(dsn: str) -> psycopg2.extensions.connection:
    connection = psycopg2.connect(dsn)
    with connection, connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_events")
        cursor.execute(EVENTS_SHAPE)
    return connection


def b1_commit_latency(dsn: str, commits: int) -> Figure:
    """One single-row INSERT and COMMIT per transaction."""
    connection = _connect(dsn)
    cursor = connection.cursor()
    aggregate = uuid.uuid4()
    versions = iter(range(1, commits + 1))

    def insert_and_commit() -> None:
        cursor.execute("INSERT INTO bench_events (originator_id, originator_version, topic, "
                       "state) VALUES (%s, %s, %s, %s)",
                       (str(aggregate), next(versions), "bench:Event", STATE))
        connection.commit()

    latencies = sample_latencies(insert_and_commit, commits)
    connection.close()
    return Figure("B1", "commit latency (psycopg2, 1 row per commit)", median(latencies) * 1000,
                  "ms", detail={"p99_ms": percentile(latencies, 0.99) * 1000,
                                "commits_per_s": rate(len(latencies), sum(latencies))})


def b2_batched_insert(dsn: str, rows: int) -> Figure:
    """execute_values, 1,000 rows per transaction."""
    connection = _connect(dsn)
    cursor = connection.cursor()
    started = time.perf_counter()
    for batch_start in range(0, rows, 1000):
        values = [(str(uuid.uuid4()), 1, "bench:Event", STATE)
                  for _ in range(min(1000, rows - batch_start))]
        psycopg2.extras.execute_values(
            cursor, "INSERT INTO bench_events (originator_id, originator_version, topic, state) "
            "VALUES %s", values)
        connection.commit()
    seconds = time.perf_counter() - started
    connection.close()
    return Figure("B2", "batched insert (execute_values, 1,000 rows/tx)", rate(rows, seconds),
                  "rows/s")


def b3_sequential_read(dsn: str, rows: int) -> Figure:
    """A server-side cursor over ``rows`` event-shaped rows, filled server-side beforehand so
    that even a quick run reads enough to be timed."""
    connection = _connect(dsn)
    with connection, connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_events (originator_id, originator_version, topic, "
                       "state) SELECT md5(n::text)::uuid, 1, 'bench:Event', %s "
                       "FROM generate_series(1, %s) AS n", (STATE, rows))
        cursor.execute("ANALYZE bench_events")
    count, seconds = _scan(connection, "bench_events")
    connection.close()
    return Figure("B3", f"sequential read (server-side cursor), {count:,} small rows",
                  rate(count, seconds), "rows/s")


def b3e_events_table_read(dsn: str) -> Figure:
    """B3 as TARGETS.md words it, over the events table itself: the log that rebuild and
    verify then read, with its real row size (a few hundred bytes of state, not 80)."""
    connection = psycopg2.connect(dsn)
    count, seconds = _scan(connection, "ledger_events")
    connection.close()
    return Figure("B3e", f"sequential read of the log's events table (server-side cursor), "
                  f"{count:,} rows", rate(count, seconds), "rows/s")


def _scan(connection: psycopg2.extensions.connection, table: str) -> tuple[int, float]:
    """Rows read and seconds taken by a server-side cursor over ``table`` in id order."""
    cursor = connection.cursor(name="bench_scan")
    cursor.itersize = 10_000
    started = time.perf_counter()
    cursor.execute(f"SELECT id, originator_id, originator_version, topic, state "
                   f"FROM {table} ORDER BY id")
    count = sum(1 for _ in cursor)
    return count, time.perf_counter() - started


class Counter(Aggregate):
    @event("Created")
    def __init__(self) -> None:
        self.count = 0

    @event("Incremented")
    def increment(self) -> None:
        self.count += 1


class CounterApp(Application[uuid.UUID]):
    name = "BenchLibrary"


def b4_library_command(sqlalchemy_url: str, commands: int) -> Figure:
    """eventsourcing-sqlalchemy on PostgreSQL: one get and one save of a one-event command."""
    app = CounterApp(env={"PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
                          "SQLALCHEMY_URL": sqlalchemy_url, "CREATE_TABLE": "y"})
    counters = [Counter() for _ in range(50)]  # short streams, as a typical command sees
    app.save(*counters)
    turn = iter(range(commands))

    def command() -> None:
        loaded = app.repository.get(counters[next(turn) % len(counters)].id)
        loaded.increment()
        app.save(loaded)

    latencies = sample_latencies(command, commands)
    app.close()
    return Figure("B4", "library path (get + save of one event)", median(latencies) * 1000,
                  "ms", detail={"p99_ms": percentile(latencies, 0.99) * 1000,
                                "commands_per_s": rate(len(latencies), sum(latencies))})
