"""Commands are values, each with one handler, all run through one path (``execute``)."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date
from uuid import uuid4

import pytest
from pydantic import ValidationError

import ledger.application.commands as commands_package
from ledger.application import ProgramLedger
from ledger.application.commands.base import Command
from ledger.application.commands.benefits import Measure, MeasureBenefit
from ledger.application.commands.programs import AddProgramObjective, DefineProgram
from ledger.application.commands.projects import AuthorizeProject, ReportProjectStatus
from ledger.application.commands.risks import CloseRisk, Closure
from ledger.application.handling import handled_commands
from ledger.domain.benefit import Benefit
from ledger.domain.errors import InvalidInput, NotFound, PreconditionFailed
from ledger.domain.program import Program
from ledger.domain.project import Project
from tests.application.builders import ALICE, ProgramBuilder


def _command_classes() -> set[type[Command]]:
    """Every class of the commands package that is addressed to an aggregate, plus the one
    command that makes a program: the bodies alone (``Measure``) are not commands."""
    for module in pkgutil.iter_modules(commands_package.__path__):
        importlib.import_module(f"{commands_package.__name__}.{module.name}")
    found: set[type[Command]] = set()
    pending = [Command]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.address and cls.__module__.startswith(commands_package.__name__) \
                and not cls.__name__.startswith("To") and cls.__name__ != "InProgram":
            found.add(cls)
    return found | {DefineProgram}


def test_every_command_has_exactly_one_handler_and_every_handler_a_command() -> None:
    assert _command_classes() == set(handled_commands())
    # 27 over HTTP, adding a program objective, and the two an import runs per row
    assert len(handled_commands()) == 34


def test_a_command_is_frozen_so_a_retry_runs_exactly_what_was_asked() -> None:
    command = MeasureBenefit(benefit_id=uuid4(), value=41.0, source="BI")
    with pytest.raises(ValidationError, match="frozen"):
        command.value = 40.0  # type: ignore[misc]
    assert command.measurement_id == command.measurement_id  # minted once, when built
    assert MeasureBenefit(benefit_id=command.benefit_id, value=41.0,
                          source="BI").measurement_id != command.measurement_id


def test_the_http_body_plus_its_address_is_the_same_command_as_one_built_from_arguments(
) -> None:
    benefit_id = uuid4()
    from_body = MeasureBenefit.addressed(Measure(value=41.5, source="BI", note="n"),
                                         benefit_id=benefit_id)
    direct = MeasureBenefit(benefit_id=benefit_id, value=41.5, source="BI", note="n",
                            measurement_id=from_body.measurement_id)
    assert from_body == direct
    assert CloseRisk.addressed(Closure(reason="done"), risk_id=benefit_id).subject_id \
        == benefit_id


def test_a_measurement_reports_the_id_its_command_minted(erp: ProgramBuilder) -> None:
    ledger: ProgramLedger = erp.ledger
    benefit_id = erp.benefit()
    command = MeasureBenefit(benefit_id=benefit_id, value=41.0, source="BI")
    result = ledger.execute(command, by=ALICE)
    assert result.extra == {"measurement_id": str(command.measurement_id)}
    benefit = ledger.load(benefit_id, Benefit)
    assert benefit.measurements[command.measurement_id.hex] == 41.0


def test_a_new_component_is_registered_with_its_program_in_the_same_command(
        erp: ProgramBuilder) -> None:
    ledger: ProgramLedger = erp.ledger
    result = ledger.execute(AuthorizeProject(
        program_id=erp.program_id, name="Data migration", manager="Sam",
        planned_start=date(2025, 1, 1), planned_finish=date(2025, 12, 31)), by=ALICE)
    program = ledger.load(erp.program_id, Program)
    assert program.component_ids("project") == [result.id]
    assert result.version == ledger.load(result.id, Project).version == 1
    assert result.position == ledger.head_position()


def test_if_match_on_a_command_that_creates_is_refused_and_writes_nothing(
        erp: ProgramBuilder) -> None:
    ledger: ProgramLedger = erp.ledger
    head = ledger.head_position()
    with pytest.raises(InvalidInput) as refused:
        ledger.execute(AuthorizeProject(
            program_id=erp.program_id, name="Late", manager="Sam",
            planned_start=date(2025, 1, 1), planned_finish=date(2025, 12, 31)),
            by=ALICE, if_match=2)
    assert refused.value.field == "If-Match"
    assert ledger.head_position() == head


def test_if_match_names_the_version_of_the_subject(erp: ProgramBuilder) -> None:
    ledger: ProgramLedger = erp.ledger
    version = ledger.load(erp.program_id, Program).version
    objective = AddProgramObjective(program_id=erp.program_id, objective="Lower TCO")
    with pytest.raises(PreconditionFailed):
        ledger.execute(objective, by=ALICE, if_match=version - 1)
    assert ledger.execute(objective, by=ALICE, if_match=version).version == version + 1


def test_a_command_addressed_to_the_wrong_kind_of_aggregate_is_not_found(
        erp: ProgramBuilder) -> None:
    """A program's id is not a project's: the subject is loaded as the command's class."""
    with pytest.raises(NotFound, match="no project with id"):
        erp.ledger.execute(ReportProjectStatus(
            project_id=erp.program_id, overall="green", schedule="green", cost="green",
            scope="green", resources="green"), by=ALICE)


def test_an_unknown_subject_is_not_found_by_its_own_kind(erp: ProgramBuilder) -> None:
    with pytest.raises(NotFound, match="no risk with id"):
        erp.ledger.execute(CloseRisk(risk_id=uuid4(), reason="gone"), by=ALICE)
