"""Reads verification batches ahead, on a worker thread with its own connection, so that the
database's work on batch k+1 overlaps the hashing of batch k."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy.engine import Engine

from ledger.audit.access import Reader
from ledger.audit.merkle import NodeKey
from ledger.audit.rows import ChainTuple, EventTuple, chain_batch, event_batch
from ledger.audit.tree import nodes_completed_in


@dataclass
class Batch:
    """Chain leaves [first, stop), the events up to the last one's position, and the tree
    nodes those leaves completed."""

    chained: Sequence[ChainTuple]
    events: Sequence[EventTuple] = ()
    nodes: dict[NodeKey, bytes] = field(default_factory=dict)


def read_batch(db: Reader, first: int, stop: int, after: int) -> Batch:
    """One batch; ``after`` is the position of the last event chained before ``first``."""
    chained = chain_batch(db, first, stop)
    if not chained:
        return Batch(chained)
    return Batch(chained, event_batch(db, after, chained[-1][1]),
                 nodes_completed_in(db, chained[0][0], chained[-1][0] + 1))


def batches_in_line(db: Reader, size: int, batch_size: int) -> Iterator[Batch]:
    """The same batches, read on the caller's connection when the caller asks for them."""
    after = 0
    for first in range(0, size, batch_size):
        batch = read_batch(db, first, min(first + batch_size, size), after)
        after = batch.chained[-1][1] if batch.chained else after
        yield batch


_DONE = object()


@contextmanager
def batches_ahead(engine: Engine, size: int, batch_size: int, snapshot: str | None = None
                  ) -> Iterator[Iterator[Batch]]:
    """Batches covering leaves [0, size), read one ahead of the consumer; with ``snapshot``
    (PostgreSQL's pg_export_snapshot), read in that snapshot."""
    ready: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()
    worker = threading.Thread(target=_produce,
                              args=(engine, size, batch_size, ready, stop, snapshot),
                              name="ledger-verify-readahead", daemon=True)
    worker.start()
    try:
        yield _consume(ready)
    finally:
        stop.set()
        worker.join()


def _produce(engine: Engine, size: int, batch_size: int, ready: queue.Queue[object],
             stop: threading.Event, snapshot: str | None) -> None:
    try:
        with engine.connect() as connection:
            if snapshot is not None:  # the transaction's first statement must import it
                connection.execution_options(isolation_level="REPEATABLE READ")
                connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            after = 0
            for first in range(0, size, batch_size):
                if stop.is_set():
                    return
                batch = read_batch(connection, first, min(first + batch_size, size), after)
                after = batch.chained[-1][1] if batch.chained else after
                _hand_over(ready, stop, batch)
        _hand_over(ready, stop, _DONE)
    except BaseException as error:  # handed to the consumer, which re-raises it
        _hand_over(ready, stop, error)


def _hand_over(ready: queue.Queue[object], stop: threading.Event, item: object) -> None:
    """Put ``item`` in the queue unless the consumer has stopped taking items."""
    while not stop.is_set():
        with contextlib.suppress(queue.Full):
            ready.put(item, timeout=0.1)
            return


def _consume(ready: queue.Queue[object]) -> Iterator[Batch]:
    while True:
        item = ready.get()
        if item is _DONE:
            return
        if isinstance(item, BaseException):
            raise item
        yield cast(Batch, item)
