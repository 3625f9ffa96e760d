"""How a read model plugs into the runner: its tables, and one handler per event type."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any

from sqlalchemy import Table

from ledger.projections.view import Row, View

Handler = Callable[[Any, int, View], None]


def _ignore(event: object, position: int, view: View) -> None:
    """Events a read model does not care about change nothing in it."""


@dataclass
class ReadModel:
    """A named set of tables and the handlers that derive them from events.

    ``root`` names the table that holds one row per aggregate, keyed by the aggregate's id:
    the row nearly every handled event changes, so a batch fetches all of them in one query.
    """

    name: str
    tables: dict[str, Table]
    root: str | None = None
    handle: Any = field(default_factory=lambda: singledispatch(_ignore))

    def on(self, *event_classes: type) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of these event classes."""
        def register(handler: Handler) -> Handler:
            for event_class in event_classes:
                self.handle.register(event_class, handler)
            return handler

        return register

    def apply(self, event: object, position: int, view: View) -> None:
        self.handle(event, position, view)

    def handles(self, event_class: type) -> bool:
        return self.handler_for(event_class) is not None

    def handler_for(self, event_class: type) -> Handler | None:
        """The handler of this event class, or None if the model ignores it."""
        handler: Handler = self.handle.dispatch(event_class)
        return None if handler is _ignore else handler

    def root_keys(self, events: Iterable[object]) -> set[str]:
        """The ids of the root rows that these events may change."""
        events = list(events)
        # One dispatch per event class, not per event: a batch holds few classes.
        handled = {cls for cls in {type(event) for event in events} if self.handles(cls)}
        return {str(event.originator_id) for event in events  # type: ignore[attr-defined]
                if type(event) in handled}

    def touch(self, event: Any, position: int, view: View) -> Row:
        """The event's aggregate row, marked changed, brought up to this event's version and
        position; the handler changes the rest of it in place."""
        if self.root is None:
            raise LookupError(f"read model {self.name} has no root table to touch")
        row = view.changed(self.root, str(event.originator_id))
        row["version"], row["last_position"] = event.originator_version, position
        return row
