"""Where an event stands in the log: the checkpoint current when it was recorded, and its
inclusion proof in the latest witnessed checkpoint. Read from the audit tables, so nothing
is added to the event itself."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ledger.audit.access import Reader
from ledger.audit.checkpoints import checkpoint_from_row
from ledger.audit.proofs import InclusionProof, inclusion_proof
from ledger.audit.signing import Checkpoint
from ledger.audit.tables import audit_chain, audit_checkpoints, audit_cosignatures


@dataclass(frozen=True)
class Citation:
    checkpoint_then: Checkpoint | None  # the latest signed at or before the event
    witnessed: InclusionProof | None  # into the latest cosigned checkpoint that covers it
    witnesses: list[str]


def cite(db: Reader, position: int) -> Citation:
    row = db.execute(select(audit_chain.c.leaf_index, audit_chain.c.recorded_at)
                     .where(audit_chain.c.position == position)).first()
    if row is None:
        return Citation(None, None, [])
    then = db.execute(select(audit_checkpoints)
                      .where(audit_checkpoints.c.created_at <= row.recorded_at)
                      .order_by(audit_checkpoints.c.id.desc()).limit(1)).first()
    witnessed_id = db.execute(
        select(audit_cosignatures.c.checkpoint_id)
        .join(audit_checkpoints, audit_checkpoints.c.id == audit_cosignatures.c.checkpoint_id)
        .where(audit_checkpoints.c.tree_size > row.leaf_index)
        .order_by(audit_cosignatures.c.checkpoint_id.desc()).limit(1)).scalar()
    if witnessed_id is None:
        return Citation(None if then is None else checkpoint_from_row(then), None, [])
    witnesses = list(db.execute(select(audit_cosignatures.c.witness)
                                .where(audit_cosignatures.c.checkpoint_id == witnessed_id)
                                .order_by(audit_cosignatures.c.witness)).scalars())
    return Citation(None if then is None else checkpoint_from_row(then),
                    inclusion_proof(db, position, witnessed_id), witnesses)
