"""projection failures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 20:50:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('ledger_projection_failures',
    sa.Column('tracking_name', sa.String(length=32), nullable=False),
    sa.Column('position', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('read_model', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('program_id', sa.String(length=36), nullable=True),
    sa.Column('event_type', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tracking_name', 'position', 'read_model', name=op.f('pk_ledger_projection_failures'))
    )
    with op.batch_alter_table('ledger_projection_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_projection_failures_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_projection_failures_program_id'), ['program_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('ledger_projection_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_projection_failures_program_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_projection_failures_entity_id'))

    op.drop_table('ledger_projection_failures')
