"""Verification from the raw events table: recompute digests, chain and tree, compare them with
what the chain recorded and with every signed checkpoint, and name the first failure."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from ledger.audit.access import Reader, connected
from ledger.audit.checkpoints import get_checkpoint, latest_checkpoint, list_checkpoints
from ledger.audit.digest import GENESIS, chain_link, digest_of_row
from ledger.audit.merkle import Frontier, leaf_hash
from ledger.audit.proofs import ConsistencyProof, consistency_path
from ledger.audit.readahead import Batch, batches_ahead, batches_in_line
from ledger.audit.rows import ChainRow, EventRow, EventTuple, chained_as, chained_at, event_rows
from ledger.audit.signing import Checkpoint
from ledger.audit.snapshot import in_one_snapshot
from ledger.audit.tables import audit_chain, events
from ledger.audit.tree import log_head
from ledger.collector import collector_paused

Kind = Literal["altered", "missing", "reordered", "inserted"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Failure:
    position: int
    kind: Kind
    detail: str


@dataclass(frozen=True)
class Head:
    """The recomputed state after the last event that verified."""

    position: int
    tree_size: int
    root: bytes
    chain: bytes


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head: Head
    first_failure: Failure | None
    checkpoints_checked: int
    consistency: ConsistencyProof | None = None

    def to_dict(self) -> dict[str, Any]:
        failure = self.first_failure
        return {
            "ok": self.ok, "checked": self.checked,
            "head": {"position": self.head.position, "tree_size": self.head.tree_size,
                     "root": self.head.root.hex(), "chain": self.head.chain.hex()},
            "first_failure": None if failure is None else {
                "position": failure.position, "kind": failure.kind, "detail": failure.detail},
            "checkpoints_checked": self.checkpoints_checked,
            "consistency": None if self.consistency is None else self.consistency.to_dict(),
        }


def verify(bind: Engine | Connection, public_key: Ed25519PublicKey, *,
           against: int | Checkpoint | None = None, progress: Progress | None = None,
           batch_size: int = 5000) -> VerifyResult:
    """Check the whole log; with ``against`` (a stored checkpoint's id, or an auditor's own
    copy of a checkpoint) also prove that the log was only appended to since then."""
    with connected(bind) as db:
        checkpoints = list_checkpoints(db)
        if isinstance(against, int):
            against = get_checkpoint(db, against)
        elif against is not None:
            checkpoints.append(against)
        walk = _Walk(db, public_key, checkpoints)
        with collector_paused():
            failure = walk.run(batch_size, progress or (lambda done, total: None))
        consistency = None
        if failure is None and against is not None:
            consistency, failure = _prove_appended(db, against)
        return VerifyResult(failure is None, walk.checked, walk.head(), failure,
                            walk.checkpoints_checked, consistency)


@contextmanager
def _batches(db: Connection, size: int, batch_size: int) -> Iterator[Iterator[Batch]]:
    """Read ahead on a second connection, except from an in-memory SQLite database, which a
    second connection would not see. Within one snapshot (a standby's verification), the
    second connection imports it on PostgreSQL; elsewhere the caller's connection reads."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        yield batches_in_line(db, size, batch_size)
    elif in_one_snapshot(db):
        if db.dialect.name != "postgresql":
            yield batches_in_line(db, size, batch_size)
            return
        snapshot = str(db.exec_driver_sql("SELECT pg_export_snapshot()").scalar())
        with batches_ahead(db.engine, size, batch_size, snapshot) as batches:
            yield batches
    else:
        with batches_ahead(db.engine, size, batch_size) as batches:
            yield batches


def _prove_appended(db: Reader, old: Checkpoint) -> tuple[ConsistencyProof | None,
                                                          Failure | None]:
    new = latest_checkpoint(db)
    if new is None or new.tree_size < old.tree_size:
        return None, None  # The walk already matched the log against the old checkpoint.
    proof = ConsistencyProof(old, new, consistency_path(db, old.tree_size, new.tree_size))
    if proof.verify():
        return proof, None
    return proof, Failure(new.position, "altered", f"the stored tree gives no valid "
                          f"consistency proof from checkpoint {old.id} to {new.id}")


class _Walk:
    """One pass over chain rows and event rows, merged in position order."""

    def __init__(self, db: Connection, public_key: Ed25519PublicKey,
                 checkpoints: list[Checkpoint]) -> None:
        self.db, self.public_key = db, public_key
        self.pending = deque(sorted(checkpoints, key=lambda c: (c.tree_size, c.id)))
        self.frontier, self.link, self.position = Frontier(), GENESIS, 0
        self.checked = self.checkpoints_checked = 0

    def head(self) -> Head:
        return Head(self.position, self.frontier.size, self.frontier.root(), self.link)

    def run(self, batch_size: int, progress: Progress) -> Failure | None:
        size, head_position, _ = log_head(self.db)
        progress(0, size)
        failure, done = self._checkpoints_due(), 0
        if failure is not None:
            return failure
        with _batches(self.db, size, batch_size) as batches:
            for batch in batches:
                # A batch with no rows left at all is caught by the next batch's first leaf.
                failure = self._batch(batch) if batch.chained else None
                done = min(done + batch_size, size)
                progress(done, size)
                if failure is not None:
                    return failure
        return self._after_head(size, head_position)

    def _batch(self, batch: Batch) -> Failure | None:
        """The hot loop: driver rows in, as little Python per event as possible."""
        stored_events, nodes, frontier = batch.events, batch.nodes, self.frontier
        # Every leaf that passes consumes exactly one event, so leaf k pairs with event k.
        for taken, (leaf, position, stored_digest, stored_link) in enumerate(batch.chained):
            if leaf != frontier.size or position <= self.position:
                return self._out_of_order(leaf, position)
            event = stored_events[taken] if taken < len(stored_events) else None
            if event is None or event[0] != position:
                return self._unmatched(event, leaf, position)
            digest = digest_of_row(position, event[1], event[2], event[3], event[4])
            # psycopg2's memoryviews never compare equal to bytes: compare as bytes.
            if digest != bytes(stored_digest):
                return self._mismatch(leaf, _event_row(event))
            link = chain_link(self.link, digest)
            if link != bytes(stored_link):
                return Failure(position, "altered", "the stored chain link does not follow "
                               "from the previous link and this event's digest")
            for level, index, value in frontier.append(leaf_hash(digest)):
                if nodes.get((level, index)) != value:
                    return Failure(position, "altered", f"the stored Merkle node at level "
                                   f"{level}, index {index} is absent or differs")
            self.link, self.position = link, position
            self.checked += 1
            if self.pending and self.pending[0].tree_size == frontier.size:
                failure = self._checkpoints_due()
                if failure is not None:
                    return failure
        return None

    def _out_of_order(self, leaf: int, position: int) -> Failure:
        if leaf != self.frontier.size:
            return Failure(position, "missing", f"chain leaf {self.frontier.size}, between "
                           f"positions {self.position} and {position}, is gone")
        return Failure(position, "reordered", f"chain leaf {leaf} is out of position order")

    def _unmatched(self, event: EventTuple | None, leaf: int, position: int) -> Failure:
        if event is not None and event[0] < position:
            return self._inserted(_event_row(event))
        chained = chained_at(self.db, leaf)
        return Failure(position, "missing", f"the event chained here ({chained.named()}) "
                       "is absent from the events table")

    def _mismatch(self, leaf: int, event: EventRow) -> Failure:
        chained = chained_at(self.db, leaf)
        found = (event.originator_hex, event.originator_version)
        if found == (chained.originator_hex, chained.originator_version):
            return Failure(event.position, "altered",
                           f"the stored fields of {chained.named()} no longer match its digest")
        home = chained_as(self.db, *found)
        if home is not None and home.position != event.position and _belongs(event, home):
            return Failure(event.position, "reordered", f"holds {home.named()}, which was "
                           f"chained at position {home.position}, instead of {chained.named()}")
        return Failure(event.position, "altered", f"holds event {found[0]} v{found[1]} where "
                       f"the chain recorded {chained.named()}")

    def _inserted(self, event: EventRow) -> Failure:
        home = chained_as(self.db, event.originator_hex, event.originator_version)
        copied = (f"; it copies {home.named()}, chained at position {home.position}"
                  if home is not None and _belongs(event, home) else "")
        return Failure(event.position, "inserted",
                       f"no event was ever chained at this position{copied}")

    def _checkpoints_due(self) -> Failure | None:
        while self.pending and self.pending[0].tree_size == self.frontier.size:
            checkpoint = self.pending.popleft()
            problem = self._disagreement(checkpoint)
            if problem is not None:
                return Failure(checkpoint.position, "altered",
                               f"checkpoint {checkpoint.id}: {problem}")
            self.checkpoints_checked += 1
        return None

    def _disagreement(self, checkpoint: Checkpoint) -> str | None:
        if not checkpoint.signature_valid(self.public_key):
            return "the signature does not verify with the given public key"
        if checkpoint.position != self.position:
            return f"it ends at position {checkpoint.position}, the log at {self.position}"
        if checkpoint.root != self.frontier.root():
            return "the signed root differs from the root recomputed from the events"
        if checkpoint.chain_head != self.link:
            return "the signed chain head differs from the chain recomputed from the events"
        return None

    def _after_head(self, size: int, head_position: int) -> Failure | None:
        """Events past the chain's head with no chain row were written around the store."""
        failures = [Failure(c.position, "missing", f"checkpoint {c.id} covers {c.tree_size} "
                            f"events but the chain holds only {size}") for c in self.pending]
        stray = self.db.execute(
            select(events.c.id).outerjoin(audit_chain, audit_chain.c.position == events.c.id)
            .where(events.c.id > head_position, audit_chain.c.position.is_(None))
            .order_by(events.c.id).limit(1)).scalar()
        if stray is not None:
            failures.extend(self._inserted(event) for event in
                            event_rows(self.db, stray - 1, stray))
        return min(failures, key=lambda failure: failure.position, default=None)


def _belongs(event: EventRow, home: ChainRow) -> bool:
    """Whether the event, placed at its chained position, has exactly its chained digest."""
    return event.digest_at(home.position) == home.digest


def _event_row(event: EventTuple) -> EventRow:
    return EventRow(event[0], event[1], event[2], event[3], bytes(event[4]))
