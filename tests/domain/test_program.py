"""Program: definition, identity by code, objectives, and the register of its components."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from ledger.domain.errors import InvalidInput, InvariantViolated, NotFound
from ledger.domain.program import Program, program_id_for_code
from ledger.domain.risk import Risk
from tests.domain.given import PAT, a_program, a_project, a_risk, event_names

DEFINITION: dict[str, Any] = dict(code="erp", name="ERP renewal",
                                  objectives=["One platform", "Close in 3 days"],
                                  sponsor="CFO", manager="Pat")


def test_defining_a_program_records_its_header_and_starts_proposed() -> None:
    # When a program is defined
    program = Program.define(**DEFINITION, by=PAT, reason="Board mandate")
    # Then one ProgramDefined carries the header, with the code upper-cased
    (event,) = program.collect_events()
    assert isinstance(event, Program.ProgramDefined)
    assert (event.code, event.name, event.sponsor, event.manager) == (
        "ERP", "ERP renewal", "CFO", "Pat")
    assert event.objectives == ["One platform", "Close in 3 days"]
    assert event.reason == "Board mandate"
    assert (program.status, program.code, program.components) == ("proposed", "ERP", {})


def test_program_id_is_derived_from_the_upper_cased_code() -> None:
    # Given the same code written three ways
    ids = {Program.define(**{**DEFINITION, "code": code}, by=PAT).id
           for code in ("erp", "ERP", "  Erp ")}
    # Then they name one program, the one program_id_for_code finds
    assert ids == {program_id_for_code("ERP")}
    assert Program.define(**{**DEFINITION, "code": "CRM"}, by=PAT).id != program_id_for_code("ERP")


@pytest.mark.parametrize("field", ["code", "name", "sponsor", "manager"])
@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_header_text_is_refused_naming_the_field(field: str, blank: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Program.define(**{**DEFINITION, field: blank}, by=PAT)
    assert refused.value.field == field


def test_a_blank_objective_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        Program.define(**{**DEFINITION, "objectives": ["Real", " "]}, by=PAT)
    assert refused.value.field == "objectives"


def test_header_text_is_stored_stripped() -> None:
    program = Program.define(code=" erp ", name=" ERP ", objectives=[" One "], sponsor=" CFO ",
                             manager=" Pat ", by=PAT)
    assert (program.code, program.name, program.objectives, program.sponsor, program.manager) == (
        "ERP", "ERP", ["One"], "CFO", "Pat")


@pytest.mark.parametrize("status", ["proposed", "active", "on_hold", "closing"])
def test_an_open_program_takes_a_new_objective(status: str) -> None:
    # Given a program that is not closed
    program = a_program(status)
    # When an objective is added
    program.add_objective("Halve DSO", PAT, reason="Cash focus")
    # Then it is recorded and appended
    (event,) = program.collect_events()
    assert isinstance(event, Program.ProgramObjectiveAdded)
    assert (event.objective, event.reason) == ("Halve DSO", "Cash focus")
    assert program.objectives == ["One platform", "Halve DSO"]


def test_a_blank_objective_cannot_be_added() -> None:
    program = a_program("active")
    with pytest.raises(InvalidInput) as refused:
        program.add_objective("  ", PAT)
    assert refused.value.field == "objective"
    assert program.collect_events() == []


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_a_closed_or_cancelled_program_refuses_objectives(status: str) -> None:
    program = a_program(status)
    with pytest.raises(InvariantViolated) as refused:
        program.add_objective("More", PAT)
    assert refused.value.rule == "program_closed"
    assert status in refused.value.message
    assert program.collect_events() == []
    assert program.objectives == ["One platform"]


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_a_closed_or_cancelled_program_refuses_component_registration(status: str) -> None:
    program = a_program(status)
    with pytest.raises(InvariantViolated) as refused:
        program.register_component("risk", a_risk(), PAT)
    assert refused.value.rule == "program_closed"
    assert program.collect_events() == []
    assert program.components == {}


@pytest.mark.parametrize("status", ["proposed", "active", "on_hold", "closing"])
def test_open_programs_answer_require_open_quietly(status: str) -> None:
    a_program(status).require_open()
    assert not a_program(status).is_closed


def test_registering_a_component_records_kind_and_id_effective_when_the_component_is() -> None:
    # Given an active program and a risk that became true in March (back-dated)
    program = a_program("active")
    march = datetime(2025, 3, 1, tzinfo=UTC)
    risk = Risk.raise_risk(program_id=program.id, title="Vendor", description="", category="c",
                           likelihood=2, impact=2, owner="Li", affected_project_ids=[],
                           proximity="", by=PAT, effective_at=march)
    # When the risk joins the program's register
    program.register_component("risk", risk, PAT)
    # Then the registration carries the component's own effective time
    (event,) = program.collect_events()
    assert isinstance(event, Program.ProgramComponentRegistered)
    assert (event.kind, event.component_id, event.effective_at) == ("risk", risk.id, march)
    assert program.component_ids("risk") == [risk.id]
    assert program.component_ids("project") == []


def test_registering_an_unknown_kind_is_refused() -> None:
    program = a_program("active")
    with pytest.raises(InvalidInput) as refused:
        program.register_component("issue", a_risk(), PAT)
    assert refused.value.field == "kind"
    assert program.collect_events() == []


def test_require_component_finds_only_registered_components_of_that_kind() -> None:
    # Given a program with one registered project
    program = a_program("active")
    project = a_project()
    program.register_component("project", project, PAT)
    # Then the project is found as a project, but not as a risk, and strangers are not found
    program.require_component("project", project.id, "project_id")
    with pytest.raises(NotFound, match="risk_id"):
        program.require_component("risk", project.id, "risk_id")
    with pytest.raises(NotFound):
        program.require_component("project", uuid4(), "project_id")


def test_status_change_needs_a_reason() -> None:
    program = a_program("active")
    with pytest.raises(InvalidInput) as refused:
        program.change_status("on_hold", PAT, " ")
    assert refused.value.field == "reason"
    assert program.collect_events() == []
    assert program.status == "active"


def test_a_program_can_run_its_whole_life() -> None:
    program = a_program()
    for status in ("active", "on_hold", "active", "closing", "closed"):
        program.change_status(status, PAT, "milestone")
    assert event_names(program) == ["ProgramStatusChanged"] * 5
    assert program.is_closed
