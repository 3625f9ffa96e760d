"""The one path every command takes: under its program's lock, load its subject and check its
program; then, holding the append lock, hand it to its handler and save; all in one
transaction, retried on a lost race."""

from __future__ import annotations

from ledger.application import handlers  # noqa: F401 (registers every handler)
from ledger.application.commands.base import Command
from ledger.application.handling import Context, handler_for
from ledger.application.service import CommandResult, LedgerService, kind_of
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.errors import InvalidInput
from ledger.domain.program import Program


class Executor(LedgerService):
    def execute(self, command: Command, by: Provenance,
                if_match: int | None = None) -> CommandResult:
        """Run ``command`` as ``by``. ``if_match`` is the version its subject must still be
        at; a command that creates something has no version to match, and ignoring one
        would let a caller believe the precondition was checked."""
        handler = handler_for(type(command))
        if command.creates and if_match is not None:
            raise InvalidInput("If-Match", "this command creates something new; there is "
                                           "no version to match, so leave If-Match out")
        program_id = command.named_program() or \
            self.program_of(command.subject_id, command.subject or Program)
        if command.subject is not None:
            self.refuse_if_stale(command.subject_id, command.subject, if_match)

        def act() -> list[LedgerAggregate]:
            # Under the program's lock: load and check, in parallel with other programs.
            subject = None if command.subject is None else \
                self.load(command.subject_id, command.subject, if_match)
            program = self._program_for(command, subject)
            with self.appending():  # from here to the commit, one command at a time
                made = handler(command, subject, Context(by, program, self))
                if command.creates:
                    assert program is not None and made is not None
                    program.register_component(kind_of(type(made)), made, by)
            result = made if made is not None else subject
            assert result is not None, f"{type(command).__name__} made nothing"
            # The result first: it is what the command reports. The program joins when a new
            # component was registered with it.
            changed = [result]
            for aggregate in (subject, program):
                if aggregate is not None and aggregate.pending_events \
                        and all(aggregate is not seen for seen in changed):
                    changed.append(aggregate)
            return changed

        return self.run(act, extra=command.reported(), program_id=program_id)

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
        return self.open_program(subject.program_id)  # type: ignore[attr-defined]
