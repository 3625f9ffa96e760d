"""The commands a scenario or a proposal's option may hold, by name.

A command in a scenario is its ordinary body plus its target id and a ``type``, the command's
name in snake case (``allocate_resource``, ``change_project_scope``). It is checked as the
route would check it, and a refusal names the command by its place in the request. Commands
that make a program, or that carry a file's provenance, are not for scenarios.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from ledger.application.commands.base import Command, ToDecision, ToProgram
from ledger.application.commands.imports import CorrectMeasurementFromFile, MeasureBenefitFromFile
from ledger.application.commands.proposals import MarkProposalDecided, RecordProposedDecision
from ledger.application.handling import handled_commands
from ledger.domain.errors import InvalidInput, InvalidRows

# Provenance from a file, or recorded only by deciding a proposal: never asked for directly.
_NOT_IN_SCENARIOS = {CorrectMeasurementFromFile, MeasureBenefitFromFile, MarkProposalDecided,
                     RecordProposedDecision}


def type_name(command_class: type[Command]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", command_class.__name__).lower()


@cache
def commands() -> dict[str, type[Command]]:
    """Every command a scenario may hold, by its type name. Read on first use, once every
    handler is registered (importing ``ledger.application`` registers them), since a handler
    itself checks the commands of a proposal's options."""
    return {type_name(cls): cls for cls in sorted(handled_commands(), key=lambda c: c.__name__)
            if cls.subject is not None and cls not in _NOT_IN_SCENARIOS}


def cites_decision(command_class: type[Command]) -> bool:
    """Whether the command may cite a governing decision (and so, in a proposal's option,
    cites the decision the proposal becomes)."""
    return "decision_id" in command_class.model_fields and \
        not issubclass(command_class, ToDecision)


def parse_command(given: Any, program_id: UUID, where: str,
                  decision_id: UUID | None = None) -> Command:
    """The command value for one ``{type, ...}`` object of a request, addressed within
    ``program_id``; with ``decision_id``, a command that may cite a decision cites it."""
    if not isinstance(given, dict):
        raise InvalidInput(where, "give each command as an object with its type, its target "
                                  "id and its body")
    name = given.get("type")
    command_class = commands().get(name) if isinstance(name, str) else None
    if command_class is None:
        raise InvalidInput(f"{where}.type", f"{name!r} is not a command a scenario can hold; "
                                            f"use one of {sorted(commands())}")
    fields = {k: v for k, v in given.items() if k != "type"}
    if issubclass(command_class, ToProgram):
        if fields.get("program_id", str(program_id)) not in (str(program_id), program_id):
            raise InvalidInput(f"{where}.program_id", "a scenario runs within the program in "
                                                      "the path; leave program_id out")
        fields["program_id"] = program_id
    if decision_id is not None and cites_decision(command_class):
        fields["decision_id"] = decision_id
    try:
        return command_class.model_validate(fields)
    except ValidationError as error:
        problems = [(".".join([where, *map(str, e["loc"])]), e["type"], e["msg"])
                    for e in error.errors(include_url=False)]
        raise InvalidRows(f"{where}: {problems[0][0]}: {problems[0][2]}", problems) from None


def stored_form(command: Command) -> dict[str, Any]:
    """The command as a proposal's option keeps it: what ``parse_command`` reads back, without
    what deciding supplies (the program, the decision it cites, ids it mints unless the
    proposer chose them)."""
    command_class = type(command)
    left_out = set(command_class.reports) - command.model_fields_set
    if issubclass(command_class, ToProgram):
        left_out.add("program_id")
    if cites_decision(command_class):
        left_out.add("decision_id")
    return {"type": type_name(command_class),
            **command.model_dump(mode="json", exclude=left_out, exclude_defaults=True)}
