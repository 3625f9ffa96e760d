"""Several commands of one program as one transaction: each command sees what the ones before
it did, and they are saved together or not at all.

A single command is a batch of one (``Executor.execute``); an import of many measurements is a
batch of many; a what-if or a proposal's decision is one too. A batch keeps one copy of every
aggregate it loads, so the second command on a benefit acts on the first one's result, and
the events of all its commands share one recorded moment and one correlation id: readers see
the whole batch or none of it, and replay treats it as one command.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, ExitStack, suppress
from typing import Any, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.persistence import Recording

from ledger.application import handlers  # noqa: F401 (registers every handler)
from ledger.application.commands.base import Command
from ledger.application.handling import Context, handler_for
from ledger.application.service import CommandResult, kind_of
from ledger.audit.signing import Checkpoint
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.decision import Decision
from ledger.domain.dependency import Dependency
from ledger.domain.errors import InvalidInput, InvariantViolated, NotFound, PreconditionFailed
from ledger.domain.program import Program

TAggregate = TypeVar("TAggregate", bound=LedgerAggregate)


class Source(Protocol):
    """Where a batch reads the aggregates it has not touched yet: the event store
    (``LedgerService``), or for a what-if the program as it stood at one position."""

    def load(self, aggregate_id: UUID, cls: type[TAggregate],
             if_match: int | None = None) -> TAggregate: ...

    def program_of(self, aggregate_id: UUID,
                   cls: type[LedgerAggregate] = LedgerAggregate) -> UUID: ...

    def current_states(self, aggregate_ids: Sequence[UUID],
                       cls: type[TAggregate]) -> list[TAggregate]: ...

    def exists(self, aggregate_id: UUID) -> bool: ...

    def latest_checkpoint(self) -> Checkpoint | None: ...

    def appending(self) -> AbstractContextManager[None]: ...


class Batch:
    """The commands run so far in one transaction, and the aggregates they changed.

    Handlers read other aggregates through the batch (it is their ``Context.ledger``), so a
    command sees what the commands before it did: a decision recorded earlier in the batch
    can be cited, a project authorised earlier can be depended on."""

    def __init__(self, source: Source, program_id: UUID, by: Provenance,
                 appending: ExitStack) -> None:
        self.source = source
        self.program_id = program_id
        self.by = by
        self._appending = appending
        self._appended = False
        self._loaded: dict[UUID, LedgerAggregate] = {}
        self._changed: list[LedgerAggregate] = []
        # Per command: (what it reports, and the last version of each aggregate it changed).
        self._steps: list[tuple[Command, LedgerAggregate, dict[UUID, int]]] = []
        self._taken: dict[UUID, list[Any]] = {}  # see take_events

    def load(self, aggregate_id: UUID, cls: type[TAggregate],
             if_match: int | None = None) -> TAggregate:
        """The aggregate as this batch has left it (loaded once, then shared by its commands)."""
        aggregate = self._loaded.get(aggregate_id)
        if aggregate is None:
            aggregate = self.source.load(aggregate_id, cls, if_match)
            self._loaded[aggregate_id] = aggregate
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {kind_of(cls)} with id {aggregate_id}")
        if if_match is not None and aggregate.version != if_match:
            raise PreconditionFailed(
                f"{kind_of(cls)} {aggregate_id} is at version {aggregate.version} in this "
                f"batch, not {if_match}")
        return aggregate

    def execute(self, command: Command, if_match: int | None = None) -> LedgerAggregate:
        """Run ``command`` after those before it: load its subject (as the batch has it),
        check its program, hand it to its handler. Any error refuses the whole batch.
        Returns the aggregate it made or acted on."""
        handler = handler_for(type(command))
        if command.creates and if_match is not None:
            raise InvalidInput("If-Match", "this command creates something new; there is "
                                           "no version to match, so leave If-Match out")
        if self._program_of(command) != self.program_id:
            raise InvariantViolated(f"{type(command).__name__} belongs to another program; "
                                    "a batch runs the commands of one program",
                                    rule="batch_spans_programs")
        subject = None if command.subject is None else \
            self.load(command.subject_id, command.subject, if_match)
        program = self._program_for(command, subject)
        if not self._appended:  # from the first change to the commit, one writer at a time
            self._appending.enter_context(self.source.appending())
            self._appended = True
        before = {a.id: a.version for a in (subject, program) if a is not None}
        made = handler(command, subject, Context(self.by, program, self))
        if command.creates:
            assert program is not None and made is not None
            program.register_component(kind_of(type(made)), made, self.by)
        if made is not None:
            self._loaded[made.id] = made
        result = made if made is not None else subject
        assert result is not None, f"{type(command).__name__} made nothing"
        # What this command changed: earlier commands may have left events pending on them too.
        touched: list[LedgerAggregate] = []
        for aggregate in (result, subject, program):
            if aggregate is not None and aggregate.version != before.get(aggregate.id) \
                    and all(aggregate is not seen for seen in touched):
                touched.append(aggregate)
        self._changed += [a for a in touched if all(a is not seen for seen in self._changed)]
        self._steps.append((command, result, {a.id: a.version for a in touched}))
        return result

    def attempt(self, command: Command) -> LedgerAggregate:
        """Run ``command`` as ``execute`` does; if it is refused, leave the batch as it was
        before it, so later commands run as if it had never been asked (a what-if reports
        each refusal and goes on). Nothing is copied up front: on a refusal, each aggregate
        the command changed is read again from the source and brought up to date with the
        events this batch had taken from it (``take_events``)."""
        versions = {i: a.version for i, a in self._loaded.items()}
        steps, changed = len(self._steps), [a.id for a in self._changed]
        try:
            return self.execute(command)
        except Exception:
            for aggregate_id, aggregate in list(self._loaded.items()):
                if aggregate_id not in versions:
                    del self._loaded[aggregate_id]
                elif aggregate.version != versions[aggregate_id]:
                    self._loaded[aggregate_id] = self._as_taken(aggregate_id, type(aggregate))
            self._steps = self._steps[:steps]
            self._changed = [self._loaded[i] for i in changed]
            raise

    def take_events(self) -> list[Any]:
        """The events the commands so far left pending, taken off their aggregates (for a
        batch that will not be saved) and kept, so ``attempt`` can rebuild an aggregate."""
        taken: list[Any] = []
        for aggregate in self._loaded.values():
            events = aggregate.collect_events()
            self._taken.setdefault(aggregate.id, []).extend(events)
            taken += events
        return taken

    def _as_taken(self, aggregate_id: UUID, cls: type[LedgerAggregate]) -> LedgerAggregate:
        """The aggregate as the source has it, plus the events this batch took from it."""
        aggregate: Any = None
        with suppress(NotFound):  # made earlier in this batch: its first event makes it
            aggregate = self.source.load(aggregate_id, cls)
        for event in self._taken.get(aggregate_id, []):
            aggregate = event.mutate(aggregate)
        return cast(LedgerAggregate, aggregate)

    def cited_decision(self, decision_id: UUID | None) -> Decision | None:
        """The decision a command cites, as this batch has it (it may have recorded it)."""
        return None if decision_id is None else self.load(decision_id, Decision)

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self._loaded or self.source.exists(aggregate_id)

    def active_edges(self, program: Program) -> list[tuple[UUID, UUID]]:
        """(provider, consumer) for every dependency of the program that is not withdrawn,
        with those this batch declared or changed as it left them."""
        ids = program.component_ids("dependency")
        untouched = [i for i in ids if i not in self._loaded]
        states: dict[UUID, LedgerAggregate] = dict(
            zip(untouched, self.source.current_states(untouched, Dependency), strict=True))
        states.update((i, self._loaded[i]) for i in ids if i in self._loaded)
        return [d.edge for d in (states[i] for i in ids)
                if isinstance(d, Dependency) and d.is_active]

    def latest_checkpoint(self) -> Checkpoint | None:
        return self.source.latest_checkpoint()

    @property
    def aggregates(self) -> dict[UUID, LedgerAggregate]:
        """Every aggregate the batch has read or made, as its commands left them."""
        return dict(self._loaded)

    @property
    def changed(self) -> list[LedgerAggregate]:
        """In the order first changed, programs last: a program's register names components
        whose own first events are then already in the log before it."""
        return sorted(self._changed, key=lambda a: isinstance(a, Program))

    def results(self, recordings: list[Recording[UUID]]) -> list[CommandResult]:
        """What each command reports, once saved: its aggregate's version after it, and the
        position of its last event."""
        positions = {(r.domain_event.originator_id, r.domain_event.originator_version):
                     r.notification.id for r in recordings}
        return [CommandResult(id=result.id, version=versions.get(result.id, result.version),
                              position=max(positions[key] for key in versions.items()),
                              extra=command.reported())
                for command, result, versions in self._steps]

    def _program_of(self, command: Command) -> UUID:
        named = command.named_program()
        if named is not None:
            return named
        known = self._loaded.get(command.subject_id)
        if isinstance(known, Program):
            return known.id
        if known is not None:
            return known.program_id  # type: ignore[attr-defined,no-any-return]
        return self.source.program_of(command.subject_id, command.subject or Program)

    def _program_for(self, command: Command,
                     subject: LedgerAggregate | None) -> Program | None:
        """The program of the subject: open, unless the command is addressed to the program
        itself (which may be reopened) or makes one."""
        if subject is None:
            return None
        if isinstance(subject, Program):
            if command.creates:
                subject.require_open()
            return subject
        program = self.load(subject.program_id, Program)  # type: ignore[attr-defined]
        program.require_open()
        return program
