"""Where an event stands in the log: the checkpoint current when it was recorded, and its
inclusion proof in the latest witnessed checkpoint. The checkpoint then is the one the event
itself cites, when it cites one (a decision since version 2), so the hash chain covers it;
otherwise it is derived from the audit tables: the latest signed at or before the event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select

from ledger.audit.access import Reader
from ledger.audit.checkpoints import checkpoint_from_row
from ledger.audit.proofs import InclusionProof, inclusion_proof
from ledger.audit.signing import Checkpoint
from ledger.audit.tables import audit_chain, audit_checkpoints, audit_cosignatures

CitedFrom = Literal["event", "audit_tables"]


@dataclass(frozen=True)
class Citation:
    checkpoint_then: Checkpoint | None  # cited by the event, or the latest signed before it
    witnessed: InclusionProof | None  # into the latest cosigned checkpoint that covers it
    witnesses: list[str]
    then_from: CitedFrom | None = None  # where checkpoint_then comes from


def cite(db: Reader, position: int, cited: Mapping[str, Any] | None = None) -> Citation:
    """``cited`` is the checkpoint the event records (id, tree_size, root hex), if any."""
    row = db.execute(select(audit_chain.c.leaf_index, audit_chain.c.recorded_at)
                     .where(audit_chain.c.position == position)).first()
    if row is None:
        return Citation(None, None, [])
    then = _then(db, row.recorded_at, cited)
    then_from: CitedFrom | None = "event" if cited is not None else \
        None if then is None else "audit_tables"
    witnessed_id = db.execute(
        select(audit_cosignatures.c.checkpoint_id)
        .join(audit_checkpoints, audit_checkpoints.c.id == audit_cosignatures.c.checkpoint_id)
        .where(audit_checkpoints.c.tree_size > row.leaf_index)
        .order_by(audit_cosignatures.c.checkpoint_id.desc()).limit(1)).scalar()
    if witnessed_id is None:
        return Citation(then, None, [], then_from)
    witnesses = list(db.execute(select(audit_cosignatures.c.witness)
                                .where(audit_cosignatures.c.checkpoint_id == witnessed_id)
                                .order_by(audit_cosignatures.c.witness)).scalars())
    return Citation(then, inclusion_proof(db, position, witnessed_id), witnesses, then_from)


def _then(db: Reader, recorded_at: Any, cited: Mapping[str, Any] | None) -> Checkpoint | None:
    """The stored checkpoint the event cites, only if it still states the size and root the
    event recorded; without a citation, the latest signed at or before the event."""
    query = select(audit_checkpoints)
    if cited is None:
        query = query.where(audit_checkpoints.c.created_at <= recorded_at) \
            .order_by(audit_checkpoints.c.id.desc()).limit(1)
    else:
        query = query.where(audit_checkpoints.c.id == cited["id"],
                            audit_checkpoints.c.tree_size == cited["tree_size"],
                            audit_checkpoints.c.root == bytes.fromhex(cited["root"]))
    row = db.execute(query).first()
    return None if row is None else checkpoint_from_row(row)
