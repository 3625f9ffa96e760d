"""The event store: events, snapshots and tracking, and the append-only guard on PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlalchemy_utils
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table(
        "ledger_events",
        sa.Column("id", POSITION, primary_key=True, autoincrement=True),
        sa.Column("originator_id", sqlalchemy_utils.UUIDType(), nullable=False),
        sa.Column("originator_version", POSITION, nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
    )
    op.create_index(
        "ledger_events_aggregate_idx",
        "ledger_events",
        ["originator_id", "originator_version"],
        unique=True,
    )
    op.create_table(
        "ledger_snapshots",
        sa.Column("originator_id", sqlalchemy_utils.UUIDType(), primary_key=True),
        sa.Column("originator_version", POSITION, primary_key=True),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "ledger_tracking",
        sa.Column("application_name", sa.String(length=32), primary_key=True),
        sa.Column("notification_id", POSITION),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(
            "CREATE TRIGGER ledger_events_no_update_delete BEFORE UPDATE OR DELETE "
            "ON ledger_events FOR EACH ROW EXECUTE FUNCTION ledger_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE "
            "ON ledger_events FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_append_only()"
        )


def downgrade() -> None:
    op.drop_table("ledger_tracking")
    op.drop_table("ledger_snapshots")
    op.drop_index("ledger_events_aggregate_idx", table_name="ledger_events")
    op.drop_table("ledger_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ledger_events_append_only()")
