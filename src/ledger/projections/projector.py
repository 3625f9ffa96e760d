"""Applies events to read models, a batch per transaction, exactly once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from sqlalchemy import Engine, Table, select
from sqlalchemy.engine import Connection

from ledger.projections.catalog import READ_MODELS
from ledger.projections.failures import (
    ANY_MODEL,
    NOT_THE_EVENT,
    record_failure,
)
from ledger.projections.log import notifications_after
from ledger.projections.registry import Handler, ReadModel
from ledger.projections.tracking import LIVE, lock_projection, record_position, tracked_position
from ledger.projections.view import View

Plan = list[tuple[Handler, View]]


class EventLog(Protocol):
    """What projections need of the application: its recorder (for the head of the log; the
    events themselves are read from its table on the projector's connection) and its mapper
    (which applies upcasters). ProgramLedger is one; projections never import the
    application."""

    @property
    def recorder(self) -> ApplicationRecorder: ...

    @property
    def mapper(self) -> Mapper[Any]: ...


def head_of(log: EventLog) -> int:
    """The position of the last event recorded (0 for an empty log)."""
    return log.recorder.max_notification_id() or 0


class Projector:
    """Reads the log after its tracked position and applies it to one set of tables.

    Read-model writes and the new tracking position commit in the same transaction, taken
    under the projection's write lock, so a crash at any point applies nothing twice and skips
    nothing: the next batch starts from whatever position committed last.

    An event a read model cannot apply (its handler raises, or the database refuses the rows
    it writes) is recorded in the failures table instead of failing the batch forever: the
    batch is rolled back to a savepoint and applied again one event and one model at a time,
    each in a savepoint of its own, so every other event is still applied exactly once.
    Errors that are not the event's (the database down, a table missing) still fail the
    batch as a whole, to be retried: recording them would mark every entity stale.
    """

    def __init__(self, log: EventLog, engine: Engine, *, batch_size: int = 1000,
                 tables: dict[str, Table] | None = None, tracking_name: str = LIVE,
                 models: Iterable[ReadModel] = READ_MODELS) -> None:
        self.log = log
        self.engine = engine
        self.batch_size = batch_size
        self.models = tuple(models)
        self.tracking_name = tracking_name
        # Logical table name per model → the physical table this projector writes.
        self.tables = {f"{m.name}.{n}": (tables or {}).get(t.name, t)
                       for m in self.models for n, t in m.tables.items()}

    def apply_batch(self) -> tuple[int, int]:
        """Apply up to one batch in its own transaction; returns (applied, position reached)."""
        with self.engine.begin() as connection:
            return self.apply_locked_batch(connection)

    def apply_locked_batch(self, connection: Connection) -> tuple[int, int]:
        """Take the write lock in the caller's open transaction, then apply one batch."""
        lock_projection(connection, self.tracking_name)
        return self.apply_batch_in(connection)

    def apply_batch_in(self, connection: Connection) -> tuple[int, int]:
        """Apply up to one batch inside the caller's transaction, which holds the lock."""
        position = tracked_position(connection, self.tracking_name)
        notifications = notifications_after(connection, position, self.batch_size)
        if not notifications:
            return 0, position
        try:
            with connection.begin_nested():
                self._apply_together(connection, notifications)
        except NOT_THE_EVENT:
            raise
        except Exception:  # whichever event failed is found, and recorded, next
            self._apply_one_by_one(connection, notifications)
        record_position(connection, notifications[-1].id, self.tracking_name)
        return len(notifications), notifications[-1].id

    def _apply_together(self, connection: Connection, notifications: list[Notification]) -> None:
        """The fast path: the whole batch through one view per model, one flush each."""
        events = [self.log.mapper.to_domain_event(n) for n in notifications]
        views = {m.name: self._view(connection, m, events) for m in self.models}
        plans = self._plans({type(event) for event in events}, views)
        for notification, event in zip(notifications, events, strict=True):
            for handler, view in plans[type(event)]:
                handler(event, notification.id, view)
        for view in views.values():
            view.flush()

    def _apply_one_by_one(self, connection: Connection,
                          notifications: list[Notification]) -> None:
        """The batch again, each event's each model in a savepoint of its own: a failure
        rolls back only what that model wrote for that event, and is recorded."""
        for notification in notifications:
            try:
                event = self.log.mapper.to_domain_event(notification)
            except NOT_THE_EVENT:
                raise
            except Exception as error:  # undecodable: every model misses it
                record_failure(connection, self.tracking_name, notification,
                               ANY_MODEL, self._program_of(connection, notification, None), error)
                continue
            for model in self.models:
                if (handler := model.handler_for(type(event))) is None:
                    continue
                try:
                    with connection.begin_nested():
                        view = self._view(connection, model, [event])
                        handler(event, notification.id, view)
                        view.flush()
                except NOT_THE_EVENT:
                    raise
                except Exception as error:  # recorded; the others go on
                    record_failure(connection, self.tracking_name, notification, model.name,
                                   self._program_of(connection, notification, event), error)

    def _program_of(self, connection: Connection, notification: Notification,
                    event: Any | None) -> str | None:
        """The program the failed event's entity belongs to: from the event if it says, else
        from whichever root row of the entity knows it (a program is its own)."""
        if event is not None and getattr(event, "program_id", None) is not None:
            return str(event.program_id)
        entity = str(notification.originator_id)
        for model in self.models:
            if model.root is None:
                continue
            table = self.tables[f"{model.name}.{model.root}"]
            if "program_id" not in table.c:
                continue
            (key,) = table.primary_key.columns
            found = connection.execute(
                select(table.c.program_id).where(key == entity)).scalar()
            if found is not None:
                return str(found)
        return None

    def _plans(self, event_classes: set[type], views: dict[str, View]) -> dict[type, Plan]:
        """Per event class, the handlers that apply it (in model order) with their views:
        dispatching once per class instead of once per event and model."""
        return {cls: [(handler, views[model.name]) for model in self.models
                      if (handler := model.handler_for(cls)) is not None]
                for cls in event_classes}

    def _view(self, connection: Connection, model: ReadModel, events: list[Any]) -> View:
        """The model's view for one batch, holding already the root rows the batch changes:
        one query for all of them instead of one for each."""
        view = View(connection, {n: self.tables[f"{model.name}.{n}"] for n in model.tables})
        if model.root is not None:
            view.prefetch(model.root, model.root_keys(events))
        return view

    def catch_up(self) -> int:
        """Apply batches until the head of the log; returns the events applied."""
        total = 0
        while True:
            applied, _position = self.apply_batch()
            if not applied:
                return total
            total += applied
