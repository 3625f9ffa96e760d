"""Which handler runs each command, and what a handler is given besides the command.

A handler receives the command, its subject (the aggregate the command is addressed to, loaded
at the version If-Match names, or the open program a new component joins) and a ``Context``.
It calls the domain and returns the aggregate it made, if any. It never loads its subject,
checks the program, registers what it made with the program, saves or retries:
``Executor.execute`` does that once for every command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from uuid import UUID

from ledger.application.commands.base import Command
from ledger.audit.signing import Checkpoint
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.decision import Decision
from ledger.domain.program import Program

Handler = Callable[[Any, Any, "Context"], LedgerAggregate | None]
THandler = TypeVar("THandler", bound=Handler)
TAggregate = TypeVar("TAggregate", bound=LedgerAggregate)
_HANDLERS: dict[type[Command], Handler] = {}


class Reads(Protocol):
    """What a handler may consult besides its subject: other aggregates as the batch it runs
    in has left them (so a command sees what the commands before it did), the program's
    dependency graph, and the log's latest signed checkpoint."""

    def load(self, aggregate_id: UUID, cls: type[TAggregate],
             if_match: int | None = None) -> TAggregate: ...

    def cited_decision(self, decision_id: UUID | None) -> Decision | None: ...

    def exists(self, aggregate_id: UUID) -> bool: ...

    def active_edges(self, program: Program) -> list[tuple[UUID, UUID]]: ...

    def latest_checkpoint(self) -> Checkpoint | None: ...


@dataclass(frozen=True)
class Context:
    """Who asks, the program the subject belongs to (open, unless the command is addressed to
    the program itself), and what the handler may read, for rules that consult other
    aggregates."""

    by: Provenance
    program_or_none: Program | None
    ledger: Reads

    @property
    def program(self) -> Program:
        if self.program_or_none is None:
            raise TypeError("a command that makes a program has no program to consult")
        return self.program_or_none


def handles(command_class: type[Command]) -> Callable[[THandler], THandler]:
    """Register the decorated function as the one handler of ``command_class``."""
    def register(handler: THandler) -> THandler:
        if command_class in _HANDLERS:
            raise TypeError(f"{command_class.__name__} already has a handler")
        _HANDLERS[command_class] = handler
        return handler

    return register


def handler_for(command_class: type[Command]) -> Handler:
    try:
        return _HANDLERS[command_class]
    except KeyError:
        raise TypeError(f"no handler for {command_class.__name__}; commands are run through "
                        "the handler registered with @handles") from None


def handled_commands() -> frozenset[type[Command]]:
    return frozenset(_HANDLERS)
