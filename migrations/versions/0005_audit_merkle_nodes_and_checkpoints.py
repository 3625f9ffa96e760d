"""audit merkle nodes and checkpoints

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:51:57.354859

"""
import hashlib
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('ledger_audit_checkpoints',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False, comment='1, 2, 3, ...; part of the signed statement'),
    sa.Column('position', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False, comment='Position of the last covered event'),
    sa.Column('tree_size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('root', sa.LargeBinary(), nullable=False),
    sa.Column('chain_head', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False, comment='Raw Ed25519 key that signed'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_audit_checkpoints'))
    )
    with op.batch_alter_table('ledger_audit_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_audit_checkpoints_tree_size'), ['tree_size'], unique=False)

    nodes = op.create_table('ledger_audit_nodes',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False, comment='The node covers 2**level leaves; always >= 1'),
    sa.Column('node_index', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False, comment='The node covers leaves [node_index * 2**level, (node_index + 1) * 2**level)'),
    sa.Column('hash', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('level', 'node_index', name=op.f('pk_ledger_audit_nodes'))
    )
    _backfill_nodes(nodes)


def _backfill_nodes(nodes: sa.Table) -> None:
    """Build the Merkle nodes (RFC 6962) of the events chained before this migration, so
    the next append finds its frontier. Self-contained: migrations import no app code."""
    bind = op.get_bind()
    chain = sa.table('ledger_audit_chain', sa.column('leaf_index'), sa.column('digest'))
    stack: list[bytes] = []
    size, batch, rows = 0, 5000, []
    while True:
        digests = bind.execute(sa.select(chain.c.digest).where(chain.c.leaf_index >= size)
                               .order_by(chain.c.leaf_index).limit(batch)).scalars().all()
        for digest in digests:
            value, level = hashlib.sha256(b'\x00' + bytes(digest)).digest(), 0
            while (size >> level) & 1:
                value = hashlib.sha256(b'\x01' + stack.pop() + value).digest()
                level += 1
                rows.append({'level': level, 'node_index': size >> level, 'hash': value})
            stack.append(value)
            size += 1
        if rows:
            bind.execute(nodes.insert(), rows)
            rows = []
        if len(digests) < batch:
            return


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('ledger_audit_nodes')
    with op.batch_alter_table('ledger_audit_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_audit_checkpoints_tree_size'))

    op.drop_table('ledger_audit_checkpoints')
