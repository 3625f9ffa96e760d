"""witness cosignatures of audit checkpoints

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('ledger_audit_cosignatures',
    sa.Column('checkpoint_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('witness', sa.Text(), nullable=False, comment="The witness's key name"),
    sa.Column('line', sa.Text(), nullable=False, comment='The signed-note cosignature line'),
    sa.Column('cosigned_at', sa.BigInteger(), nullable=False,
              comment="The cosignature's POSIX time"),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['ledger_audit_checkpoints.id'], ),
    sa.PrimaryKeyConstraint('checkpoint_id', 'witness')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('ledger_audit_cosignatures')
