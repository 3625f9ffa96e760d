"""read model derived columns

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 11:26:35.496078

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlalchemy_utils


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# Read models are derived data: rather than compute the new columns in SQL, empty them and
# let the projector replay the log from position 0 on its next start.
READ_MODELS = ("rm_programs", "rm_projects", "rm_project_status_history", "rm_dependencies",
               "rm_resources", "rm_allocations", "rm_benefits", "rm_benefit_measurements",
               "rm_benefit_target_revisions", "rm_risks", "rm_risk_assessments",
               "rm_decisions", "rm_decision_affects", "rm_decision_reviews",
               "rm_audit_timeline", "rm_audit_known_fields")


def _forget_read_models() -> None:
    for table in READ_MODELS:
        op.execute(f"DELETE FROM {table}")
    op.execute("DELETE FROM ledger_tracking WHERE application_name LIKE 'read-models%'")


def upgrade() -> None:
    """Upgrade schema."""
    _forget_read_models()
    with op.batch_alter_table('rm_benefit_measurements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False))
        batch_op.drop_index(batch_op.f('ix_rm_benefit_measurements_series'))
        batch_op.create_index('ix_rm_benefit_measurements_series', ['benefit_id', 'effective_at', 'position'], unique=False)

    with op.batch_alter_table('rm_benefits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latest_measurement_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('latest_value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('latest_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('rm_resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('months', sa.JSON(), nullable=False))

    # ### end Alembic commands ###


def downgrade() -> None:
    """Downgrade schema."""
    _forget_read_models()
    with op.batch_alter_table('rm_resources', schema=None) as batch_op:
        batch_op.drop_column('months')

    with op.batch_alter_table('rm_benefits', schema=None) as batch_op:
        batch_op.drop_column('latest_at')
        batch_op.drop_column('latest_value')
        batch_op.drop_column('latest_measurement_id')

    with op.batch_alter_table('rm_benefit_measurements', schema=None) as batch_op:
        batch_op.drop_index('ix_rm_benefit_measurements_series')
        batch_op.create_index(batch_op.f('ix_rm_benefit_measurements_series'), ['benefit_id', 'effective_at'], unique=False)
        batch_op.drop_column('position')

    # ### end Alembic commands ###
