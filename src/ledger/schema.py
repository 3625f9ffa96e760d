"""Every table Ledger's database holds, gathered for Alembic and for tests."""

from __future__ import annotations

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import MetaData
from sqlalchemy.types import TypeDecorator
from sqlalchemy_utils import UUIDType

# Importing the modules that define tables on ledger.db.metadata registers the tables.
from ledger.access import idempotency, sessions, tokens
from ledger.audit import tables
from ledger.db import metadata
from ledger.feeds import webhooks
from ledger.projections import catalog
from ledger.settings import EVENTS_TABLE, SNAPSHOTS_TABLE, TRACKING_TABLE

TABLE_MODULES = (tables, catalog, tokens, idempotency, sessions, webhooks)


def load_all_tables() -> MetaData:
    """The shared MetaData, with every Ledger table on it (their modules are imported above)."""
    return metadata


def event_store_metadata() -> MetaData:
    """The event store's tables exactly as eventsourcing-sqlalchemy defines them."""
    store = MetaData()
    shapes = (
        ("StoredEvent", EVENTS_TABLE, SQLAlchemyDatastore.base_stored_event_record_cls),
        ("Snapshot", SNAPSHOTS_TABLE, SQLAlchemyDatastore.base_snapshot_record_cls),
        ("Tracking", TRACKING_TABLE, SQLAlchemyDatastore.base_notification_tracking_record_cls),
    )
    for class_name, table_name, base in shapes:
        record_class = SQLAlchemyDatastore.define_record_class(class_name, table_name, None, base)
        record_class.__table__.to_metadata(store)
    return store


def all_tables_metadata() -> MetaData:
    """Ledger's tables and the event store's in one MetaData, as the migrations build them."""
    combined = MetaData()
    for source in (load_all_tables(), event_store_metadata()):
        for table in source.tables.values():
            table.to_metadata(combined)
    return combined


def compare_type(
    context: object, inspected_column: object, metadata_column: object,
    inspected_type: object, metadata_type: object,
) -> bool | None:
    """Alembic type comparison that knows UUIDType (BINARY(16) on SQLite, uuid on PostgreSQL),
    which reflection cannot recognise; every other type gets Alembic's own comparison."""
    if isinstance(metadata_type, UUIDType):
        return False
    return None


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render Ledger's column types as their plain SQLAlchemy base type, so migrations never
    import application code that may later change."""
    if type_ == "type" and isinstance(obj, TypeDecorator) and not isinstance(obj, UUIDType):
        return f"sa.{obj.impl!r}"
    return False
