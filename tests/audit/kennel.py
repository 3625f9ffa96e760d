"""A tiny eventsourcing application that writes real events through Ledger's event store.

The audit code must not depend on event types, so these tests use a toy domain.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import sqlalchemy as sa
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from ledger.audit.chain import RawEvent
from ledger.audit.digest import event_digest


class Dog(Aggregate):
    @event("Registered")
    def __init__(self, name: str, program_id: UUID | None = None) -> None:
        self.name = name
        self.program_id = program_id
        self.tricks: list[str] = []

    @event("TrickAdded")
    def add_trick(self, trick: str) -> None:
        self.tricks.append(trick)


class Kennel(Application[UUID]):
    name = "Ledger"  # so the events table is ledger_events

    def __init__(self, url: str) -> None:
        super().__init__(env={"PERSISTENCE_MODULE": "ledger.store", "SQLALCHEMY_URL": url,
                              "CREATE_TABLE": "y"})

    def write(self, count: int, *, per_save: int = 4, program_id: UUID | None = None
              ) -> list[Dog]:
        """Append exactly ``count`` events, up to ``per_save`` in each atomic save."""
        dogs = []
        while count > 0:
            size = min(count, per_save)
            dog = Dog(f"dog-{uuid4().hex[:8]}", program_id)
            for number in range(size - 1):
                dog.add_trick(f"trick-{number}")
            self.save(dog)
            dogs.append(dog)
            count -= size
        return dogs


def raw_events(engine: sa.Engine) -> list[RawEvent]:
    """Every row of the events table, read directly, in position order."""
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT id, originator_id, originator_version, topic, state FROM ledger_events "
            "ORDER BY id")).all()
    return [RawEvent(row[0], _uuid(row[1]), row[2], row[3], bytes(row[4])) for row in rows]


def _uuid(value: object) -> UUID:
    return UUID(bytes=bytes(value)) if isinstance(value, bytes | memoryview) else UUID(str(value))


def digests(engine: sa.Engine) -> list[bytes]:
    """The digest of every stored event, recomputed from the raw rows."""
    return [event_digest(e.position, e.originator_id, e.originator_version, e.topic, e.state)
            for e in raw_events(engine)]
