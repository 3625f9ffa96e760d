"""Witness cosignatures of checkpoints in the database: store, read, and what each witness
last cosigned."""

from __future__ import annotations

from contextlib import suppress

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from ledger.audit.access import Reader
from ledger.audit.checkpoints import Bind, _writing
from ledger.audit.notes import Note, Signature, cosignature_time, parse
from ledger.audit.signing import Checkpoint
from ledger.audit.tables import audit_checkpoints, audit_cosignatures
from ledger.audit.tlog import signed_checkpoint


def store_cosignature(bind: Bind, checkpoint_id: int, signature: Signature) -> None:
    """Keep the first cosignature of a witness on a checkpoint; a concurrent push of the same
    one loses the race harmlessly."""
    with suppress(IntegrityError), _writing(bind) as connection:
        known = connection.execute(select(audit_cosignatures.c.witness).where(
            audit_cosignatures.c.checkpoint_id == checkpoint_id,
            audit_cosignatures.c.witness == signature.name)).first()
        if known is None:
            connection.execute(insert(audit_cosignatures).values(
                checkpoint_id=checkpoint_id, witness=signature.name, line=signature.line(),
                cosigned_at=cosignature_time(signature)))


def cosignatures_of(db: Reader, checkpoint_id: int) -> tuple[Signature, ...]:
    rows = db.execute(select(audit_cosignatures.c.line)
                      .where(audit_cosignatures.c.checkpoint_id == checkpoint_id)
                      .order_by(audit_cosignatures.c.witness))
    # A stored line was verified when it came in; parse it back as a one-signature note.
    return tuple(parse("x\n\n" + row[0]).signatures[0] for row in rows)


def last_cosigned(db: Reader) -> dict[str, tuple[int, int]]:
    """Per witness name: (checkpoint id, tree size) of the latest checkpoint it cosigned."""
    latest = (select(audit_cosignatures.c.witness,
                     func.max(audit_cosignatures.c.checkpoint_id).label("checkpoint_id"))
              .group_by(audit_cosignatures.c.witness).subquery())
    rows = db.execute(select(latest.c.witness, latest.c.checkpoint_id,
                             audit_checkpoints.c.tree_size)
                      .join(audit_checkpoints, audit_checkpoints.c.id == latest.c.checkpoint_id))
    return {row[0]: (row[1], row[2]) for row in rows}


def cosigned_note(db: Reader, checkpoint: Checkpoint, origin: str, key: Ed25519PrivateKey
                  ) -> Note:
    """The checkpoint as a note: the log's signature, then every cosignature gathered."""
    return signed_checkpoint(checkpoint, origin, key, cosignatures_of(db, checkpoint.id))
