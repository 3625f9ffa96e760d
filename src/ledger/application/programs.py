"""Commands on programs: define one, change its status, add an objective."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ledger.application.service import CommandResult, LedgerService
from ledger.domain.base import Provenance
from ledger.domain.errors import InvariantViolated
from ledger.domain.program import Program, program_id_for_code


class ProgramCommands(LedgerService):
    def define_program(
        self,
        *,
        code: str,
        name: str,
        objectives: list[str],
        sponsor: str,
        manager: str,
        by: Provenance,
        reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Program]:
            if self.exists(program_id_for_code(code)):
                raise InvariantViolated(
                    f"a program with code '{code.strip().upper()}' already exists; "
                    "program codes are unique, so choose another",
                    rule="program_code_taken",
                )
            return [Program.define(code=code, name=name, objectives=objectives,
                                   sponsor=sponsor, manager=manager, by=by, reason=reason,
                                   effective_at=effective_at)]

        return self.run(command)

    def change_program_status(
        self,
        program_id: UUID,
        *,
        status: str,
        reason: str,
        by: Provenance,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Program]:
            program = self.load(program_id, Program, if_match)
            program.change_status(status, by, reason, effective_at)
            return [program]

        return self.run(command)

    def add_program_objective(
        self,
        program_id: UUID,
        *,
        objective: str,
        by: Provenance,
        reason: str | None = None,
        if_match: int | None = None,
    ) -> CommandResult:
        def command() -> list[Program]:
            program = self.load(program_id, Program, if_match)
            program.add_objective(objective, by, reason)
            return [program]

        return self.run(command)
