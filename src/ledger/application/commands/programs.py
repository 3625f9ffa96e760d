"""Commands on programs: define one, change its status, add an objective."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from ledger.application.commands.base import ChangeStatus, Command, ToProgram, example
from ledger.application.commands.fields import MAX_IDS, EffectiveAt, Reason, ShortText
from ledger.domain.program import program_id_for_code


# Bodies carry no docstring: it would become their description in the OpenAPI document.
class DefineProgram(Command):
    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][\w.-]*$")]
    name: ShortText
    objectives: Annotated[list[ShortText], Field(max_length=MAX_IDS)] = []
    sponsor: ShortText
    manager: ShortText
    reason: Reason = None
    effective_at: EffectiveAt = None

    model_config = example(code="ERP-2026", name="ERP transformation",
                           objectives=["One finance platform"], sponsor="Maria Keller, CFO",
                           manager="Tom Becker")

    def named_program(self) -> UUID | None:
        return program_id_for_code(self.code)


class ChangeProgramStatus(ChangeStatus, ToProgram):
    """proposed → active ⇄ on_hold → closing → closed (or cancelled)."""


class AddProgramObjective(ToProgram):
    """Add an objective to the program's charter."""

    objective: ShortText
    reason: Reason = None
