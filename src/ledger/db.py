"""The one SQLAlchemy MetaData that Ledger's own tables (read models, audit, auth) live in."""

from __future__ import annotations

from sqlalchemy import MetaData

# Alembic autogenerates against this object, so every Ledger table must be defined on it.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
