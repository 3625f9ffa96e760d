"""How a read model plugs into the runner: its tables, and one handler per event type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any

from sqlalchemy import Table

from ledger.projections.view import View

Handler = Callable[[Any, int, View], None]


def _ignore(event: object, position: int, view: View) -> None:
    """Events a read model does not care about change nothing in it."""


@dataclass
class ReadModel:
    """A named set of tables and the handlers that derive them from events."""

    name: str
    tables: dict[str, Table]
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
