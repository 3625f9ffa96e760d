"""Peer baseline B5: the eventsourcing library's own PostgreSQL recorder (psycopg 3).

This is what a team would get from the library alone: its `Application` on
`eventsourcing.postgres`, the aggregate cache on, one `get` and one `save` of a one-event
command. It needs the `bench` extra (`pip install -e '.[bench]'`, which `make bench` does);
the product never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bench.baselines import Counter, CounterApp
from bench.databases import Database
from bench.measure import Figure, median, percentile, rate

AGGREGATES = 20
# TARGETS.md: "aggregates of a few hundred events". With the cache on, a `get` fast-forwards
# the cached aggregate by the events recorded since, so the history length mostly shows in
# the cache's first load, not in each command.
HISTORY = 200


@contextmanager
def library_command(database: Database) -> Iterator[Callable[[], None]]:
    """One command of the bare library on ``database``: get, one event, save."""
    app = CounterApp(env={
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432", "POSTGRES_DBNAME": database.name, "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "", "CREATE_TABLE": "y", "AGGREGATE_CACHE_MAXSIZE": "1000"})
    try:
        counters = []
        for _ in range(AGGREGATES):
            counter = Counter()
            for _ in range(HISTORY - 1):
                counter.increment()
            app.save(counter)  # one transaction per aggregate, HISTORY events each
            counters.append(counter.id)
        turn = iter(range(10**9))

        def command() -> None:
            loaded: Counter = app.repository.get(counters[next(turn) % len(counters)])
            loaded.increment()
            app.save(loaded)

        yield command
    finally:
        app.close()


def b5_figure(latencies: list[float]) -> Figure:
    return Figure("B5", f"the library's own recorder (eventsourcing.postgres, psycopg 3, cache "
                  f"on): get + save of one event, {HISTORY}-event aggregates",
                  median(latencies) * 1000, "ms",
                  detail={"p99_ms": percentile(latencies, 0.99) * 1000,
                          "commands_per_s": rate(len(latencies), sum(latencies))})
