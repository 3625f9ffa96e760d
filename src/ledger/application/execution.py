"""The one path every command takes: under its program's lock, load its subject and check its
program; then, holding the append lock, hand it to its handler and save; all in one
transaction, retried on a lost race. Several commands of one program may share that
transaction (``execute_together``): all are recorded, or none."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import TypeVar
from uuid import UUID

from ledger.application.batch import Batch
from ledger.application.commands.base import Command
from ledger.application.service import CommandResult, LedgerService
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.program import Program

T = TypeVar("T")


class Executor(LedgerService):
    def execute(self, command: Command, by: Provenance,
                if_match: int | None = None) -> CommandResult:
        """Run ``command`` as ``by``. ``if_match`` is the version its subject must still be
        at; a command that creates something has no version to match, and ignoring one
        would let a caller believe the precondition was checked."""
        program_id = command.named_program() or \
            self.program_of(command.subject_id, command.subject or Program)
        # A stale If-Match is a 412 before queueing for the program's lock (If-Match on a
        # command that creates something is a 422, from Batch.execute).
        if command.subject is not None and not command.creates:
            self.refuse_if_stale(command.subject_id, command.subject, if_match)
        _, (result,) = self.execute_together(
            program_id, by, lambda batch: batch.execute(command, if_match))
        return result

    def execute_together(self, program_id: UUID, by: Provenance,
                         plan: Callable[[Batch], T]) -> tuple[T, list[CommandResult]]:
        """Run the commands ``plan`` hands its batch, in order, as one transaction under the
        program's lock: all are saved, or (if any is refused) none. ``plan`` may read through
        the batch first, so what it decides still holds when the batch is saved; on a lost
        race it runs again from the start. Returns what ``plan`` returned and each command's
        result."""
        def act() -> tuple[tuple[T, Batch], list[LedgerAggregate]]:
            with ExitStack() as appending:
                batch = Batch(self, program_id, by, appending)
                outcome = plan(batch)
            return (outcome, batch), batch.changed

        (outcome, batch), recordings = self.transact(act, program_id)
        return outcome, batch.results(recordings)
