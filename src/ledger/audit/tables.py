"""Tables of the audit trail: one chain row per event."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, LargeBinary, Table, Text

from ledger.db import metadata

POSITION = BigInteger().with_variant(Integer(), "sqlite")

audit_chain = Table(
    "ledger_audit_chain",
    metadata,
    Column("leaf_index", POSITION, primary_key=True, autoincrement=False,
           comment="Dense 0-based index of the event in the chain and the Merkle tree"),
    Column("position", POSITION, nullable=False, unique=True),
    Column("originator_id", Text(), nullable=False),
    Column("originator_version", POSITION, nullable=False),
    Column("digest", LargeBinary(), nullable=False),
    Column("chain", LargeBinary(), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
)
