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

from ledger.audit.checkpoints import get_checkpoint, latest_checkpoint, list_checkpoints
from ledger.audit.digest import GENESIS, chain_link
from ledger.audit.merkle import Frontier, NodeKey, leaf_hash
from ledger.audit.proofs import ConsistencyProof, consistency_path
from ledger.audit.rows import ChainRow, EventRow, chain_rows, event_rows
from ledger.audit.signing import Checkpoint
from ledger.audit.tables import audit_chain, events
from ledger.audit.tree import Reader, log_head, nodes_completed_in

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
    with _connected(bind) as db:
        checkpoints = list_checkpoints(db)
        if isinstance(against, int):
            against = get_checkpoint(db, against)
        elif against is not None:
            checkpoints.append(against)
        walk = _Walk(db, public_key, checkpoints)
        failure = walk.run(batch_size, progress or (lambda done, total: None))
        consistency = None
        if failure is None and against is not None:
            consistency, failure = _prove_appended(db, against)
        return VerifyResult(failure is None, walk.checked, walk.head(), failure,
                            walk.checkpoints_checked, consistency)


@contextmanager
def _connected(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            yield connection
    else:
        yield bind


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

    def __init__(self, db: Reader, public_key: Ed25519PublicKey,
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
        failure = self._checkpoints_due()
        for first in range(0, size, batch_size):
            if failure is not None:
                return failure
            stop = min(first + batch_size, size)
            rows = chain_rows(self.db, first, stop)
            # A batch with no rows left at all is caught by the next batch's first leaf.
            failure = self._batch(rows) if rows else None
            progress(stop, size)
        return failure or self._after_head(size, head_position)

    def _batch(self, rows: list[ChainRow]) -> Failure | None:
        raw = iter(event_rows(self.db, self.position, rows[-1].position))
        stored = nodes_completed_in(self.db, rows[0].leaf_index, rows[-1].leaf_index + 1)
        event = next(raw, None)
        for row in rows:
            failure = self._order(row)
            if failure is not None:
                return failure
            if event is not None and event.position < row.position:
                return self._inserted(event)
            if event is None or event.position > row.position:
                return Failure(row.position, "missing", f"the event chained here "
                               f"({_named(row)}) is absent from the events table")
            failure = self._leaf(row, event, stored) or self._checkpoints_due()
            if failure is not None:
                return failure
            event = next(raw, None)
        return None

    def _order(self, row: ChainRow) -> Failure | None:
        if row.leaf_index != self.frontier.size:
            return Failure(row.position, "missing", f"chain leaf {self.frontier.size}, "
                           f"between positions {self.position} and {row.position}, is gone")
        if row.position <= self.position:
            return Failure(row.position, "reordered",
                           f"chain leaf {row.leaf_index} is out of position order")
        return None

    def _leaf(self, row: ChainRow, event: EventRow, stored: dict[NodeKey, bytes]
              ) -> Failure | None:
        digest = event.digest_at(event.position)
        if digest != row.digest:
            return self._mismatch(row, event)
        link = chain_link(self.link, digest)
        if link != row.chain:
            return Failure(row.position, "altered", "the stored chain link does not follow "
                           "from the previous link and this event's digest")
        for level, index, value in self.frontier.append(leaf_hash(digest)):
            if stored.get((level, index)) != value:
                return Failure(row.position, "altered", f"the stored Merkle node at level "
                               f"{level}, index {index} is absent or differs")
        self.link, self.position = link, row.position
        self.checked += 1
        return None

    def _mismatch(self, row: ChainRow, event: EventRow) -> Failure:
        found = (event.originator_hex, event.originator_version)
        if found == (row.originator_id, row.originator_version):
            return Failure(row.position, "altered",
                           f"the stored fields of {_named(row)} no longer match its digest")
        home = self._chained_as(event)
        if home is not None and home.position != row.position and _belongs(event, home):
            return Failure(row.position, "reordered", f"holds {_named(home)}, which was "
                           f"chained at position {home.position}, instead of {_named(row)}")
        return Failure(row.position, "altered",
                       f"holds {found[0]} v{found[1]} where the chain recorded {_named(row)}")

    def _inserted(self, event: EventRow) -> Failure:
        home = self._chained_as(event)
        copied = (f"; it copies {_named(home)}, chained at position {home.position}"
                  if home is not None and _belongs(event, home) else "")
        return Failure(event.position, "inserted",
                       f"no event was ever chained at this position{copied}")

    def _chained_as(self, event: EventRow) -> ChainRow | None:
        """The chain row recorded for the event's originator and version, if any."""
        row = self.db.execute(select(audit_chain.c.leaf_index).where(
            audit_chain.c.originator_id == event.originator_hex,
            audit_chain.c.originator_version == event.originator_version)).first()
        return None if row is None else chain_rows(self.db, row[0], row[0] + 1)[0]

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


def _named(row: ChainRow) -> str:
    return f"event {row.originator_id} v{row.originator_version}"
