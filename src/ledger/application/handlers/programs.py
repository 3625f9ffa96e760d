"""Handlers of the program commands: define one, change its status, add an objective."""

from __future__ import annotations

from ledger.application.commands.programs import (
    AddProgramObjective,
    ChangeProgramStatus,
    DefineProgram,
)
from ledger.application.handling import Context, handles
from ledger.domain.errors import InvariantViolated
from ledger.domain.program import Program, program_id_for_code


@handles(DefineProgram)
def define_program(command: DefineProgram, _: None, context: Context) -> Program:
    if context.ledger.exists(program_id_for_code(command.code)):
        raise InvariantViolated(
            f"a program with code '{command.code.strip().upper()}' already exists; "
            "program codes are unique, so choose another",
            rule="program_code_taken",
        )
    return Program.define(code=command.code, name=command.name, objectives=command.objectives,
                          sponsor=command.sponsor, manager=command.manager, by=context.by,
                          reason=command.reason, effective_at=command.effective_at)


@handles(ChangeProgramStatus)
def change_program_status(command: ChangeProgramStatus, program: Program,
                          context: Context) -> None:
    program.change_status(command.status, context.by, command.reason, command.effective_at)


@handles(AddProgramObjective)
def add_program_objective(command: AddProgramObjective, program: Program,
                          context: Context) -> None:
    program.add_objective(command.objective, context.by, command.reason)
