"""Applies events to read models, a batch per transaction, exactly once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Mapper
from sqlalchemy import Engine, Table
from sqlalchemy.engine import Connection

from ledger.projections.catalog import READ_MODELS
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
        events = [self.log.mapper.to_domain_event(n) for n in notifications]
        views = {m.name: self._view(connection, m, events) for m in self.models}
        plans = self._plans({type(event) for event in events}, views)
        for notification, event in zip(notifications, events, strict=True):
            for handler, view in plans[type(event)]:
                handler(event, notification.id, view)
        for view in views.values():
            view.flush()
        record_position(connection, notifications[-1].id, self.tracking_name)
        return len(notifications), notifications[-1].id

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
