"""webhook subscriptions and their delivery log

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 09:20:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('ledger_webhooks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('programs', sa.JSON(none_as_null=True), nullable=True,
              comment='program ids, or null for all'),
    sa.Column('types', sa.JSON(none_as_null=True), nullable=True,
              comment='event type names, or null for all'),
    sa.Column('secret', sa.LargeBinary(), nullable=False,
              comment='AES-GCM: nonce, then ciphertext'),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('position', POSITION, nullable=False,
              comment='the last event delivered or skipped'),
    sa.Column('failures', sa.Integer(), nullable=False, comment='failed attempts in a row'),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_webhooks'))
    )
    op.create_table('ledger_webhook_deliveries',
    sa.Column('id', POSITION, autoincrement=True, nullable=False),
    sa.Column('webhook_id', sa.String(length=36), nullable=False),
    sa.Column('position', POSITION, nullable=False),
    sa.Column('event_type', sa.Text(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('next_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_webhook_deliveries'))
    )
    op.create_index(op.f('ix_ledger_webhook_deliveries_webhook_id'),
                    'ledger_webhook_deliveries', ['webhook_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_ledger_webhook_deliveries_webhook_id'),
                  table_name='ledger_webhook_deliveries')
    op.drop_table('ledger_webhook_deliveries')
    op.drop_table('ledger_webhooks')
