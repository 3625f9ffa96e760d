"""Tables of the audit trail: one chain row per event, the Merkle tree's interior nodes, and
signed checkpoints; plus a read-only view of the raw events table that verification reads."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    LargeBinary,
    MetaData,
    SmallInteger,
    Table,
    Text,
)
from sqlalchemy.types import NullType

from ledger.db import POSITION, metadata

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

# Leaves (level 0) are not stored: their hash is derived from the chain row's digest, which
# halves the rows written per event.
audit_nodes = Table(
    "ledger_audit_nodes",
    metadata,
    Column("level", SmallInteger(), primary_key=True, autoincrement=False,
           comment="The node covers 2**level leaves; always >= 1"),
    Column("node_index", POSITION, primary_key=True, autoincrement=False,
           comment="The node covers leaves [node_index * 2**level, (node_index + 1) * 2**level)"),
    Column("hash", LargeBinary(), nullable=False),
)

audit_checkpoints = Table(
    "ledger_audit_checkpoints",
    metadata,
    Column("id", POSITION, primary_key=True, autoincrement=False,
           comment="1, 2, 3, ...; part of the signed statement"),
    Column("position", POSITION, nullable=False, comment="Position of the last covered event"),
    Column("tree_size", POSITION, nullable=False, index=True),
    Column("root", LargeBinary(), nullable=False),
    Column("chain_head", LargeBinary(), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("signature", LargeBinary(), nullable=False),
    Column("public_key", LargeBinary(), nullable=False, comment="Raw Ed25519 key that signed"),
)

audit_cosignatures = Table(
    "ledger_audit_cosignatures",
    metadata,
    Column("checkpoint_id", POSITION, ForeignKey("ledger_audit_checkpoints.id"),
           primary_key=True, autoincrement=False),
    Column("witness", Text(), primary_key=True, comment="The witness's key name"),
    Column("line", Text(), nullable=False, comment="The signed-note cosignature line"),
    Column("cosigned_at", BigInteger(), nullable=False, comment="The cosignature's POSIX time"),
)

# The events table belongs to eventsourcing-sqlalchemy. This private description, outside the
# shared metadata, lets the audit code read raw column values (no UUID or bytes conversion).
events = Table(
    "ledger_events",
    MetaData(),
    Column("id", POSITION, primary_key=True),
    Column("originator_id", NullType()),
    Column("originator_version", POSITION),
    Column("topic", Text()),
    Column("state", NullType()),
)
