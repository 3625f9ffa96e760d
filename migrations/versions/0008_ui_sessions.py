"""ui sessions, and when each token was last used

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 20:50:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('ledger_api_tokens',
                  sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('ledger_ui_sessions',
    sa.Column('session_hash', sa.String(length=64), nullable=False),
    sa.Column('token_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['ledger_api_tokens.token_id'],
                            name=op.f('fk_ledger_ui_sessions_token_id_ledger_api_tokens')),
    sa.PrimaryKeyConstraint('session_hash', name=op.f('pk_ledger_ui_sessions'))
    )
    op.create_index(op.f('ix_ledger_ui_sessions_token_id'), 'ledger_ui_sessions',
                    ['token_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_ledger_ui_sessions_token_id'), table_name='ledger_ui_sessions')
    op.drop_table('ledger_ui_sessions')
    with op.batch_alter_table('ledger_api_tokens') as batch:
        batch.drop_column('last_used_at')
