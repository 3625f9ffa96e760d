"""Several commands of one program in one transaction (``execute_together``): each sees the
ones before it, all are recorded as one command, and one refusal records none."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from ledger.application.batch import Batch
from ledger.application.commands.benefits import (
    CorrectMeasurement,
    IdentifyBenefit,
    MeasureBenefit,
)
from ledger.application.commands.programs import AddProgramObjective
from ledger.domain.benefit import Benefit
from ledger.domain.errors import InvalidInput, InvariantViolated, PreconditionFailed
from ledger.domain.program import Program
from tests.application.builders import ALICE, ProgramBuilder


def _new_benefit(program_id: UUID) -> IdentifyBenefit:
    return IdentifyBenefit(program_id=program_id, name="Days sales outstanding", kpi="days",
                           unit="days", direction="decrease", owner="CFO")


def test_later_commands_see_earlier_ones_and_all_are_one_command(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    head = ledger.head_position()
    measurement_id = uuid4()

    def plan(batch: Batch) -> str:
        batch.execute(_new_benefit(erp.program_id))
        benefit_id = batch.changed[0].id  # made by the command just run
        batch.execute(MeasureBenefit(benefit_id=benefit_id, measurement_id=measurement_id,
                                     value=61, source="AR ageing"))
        batch.execute(CorrectMeasurement(benefit_id=benefit_id, measurement_id=measurement_id,
                                         value=60, reason="Credit notes missed"))
        return "planned"

    outcome, results = ledger.execute_together(erp.program_id, ALICE, plan)
    assert outcome == "planned"
    benefit = ledger.load(results[0].id, Benefit)
    assert benefit.measurements == {measurement_id.hex: 60.0}
    assert [r.version for r in results] == [1, 2, 3]
    assert [r.extra for r in results] == [{}, {"measurement_id": str(measurement_id)}, {}]
    # Four events (the benefit's three and its registration with the program), in one
    # transaction: the program's register comes after the benefit it names.
    assert ledger.head_position() == head + 4
    assert results[-1].position == head + 3 and results[0].position == head + 4
    assert ledger.command_end(head + 1) == head + 4
    assert benefit.id.hex in ledger.load(erp.program_id, Program).components


def test_one_refused_command_records_none_of_the_batch(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    benefit_id = erp.benefit()
    head = ledger.head_position()

    def plan(batch: Batch) -> None:
        batch.execute(MeasureBenefit(benefit_id=benefit_id, value=44, source="BI"))
        batch.execute(AddProgramObjective(program_id=erp.program_id, objective="Lower DSO"))
        batch.execute(CorrectMeasurement(benefit_id=benefit_id, measurement_id=uuid4(),
                                         value=1, reason="no such measurement"))

    with pytest.raises(Exception, match="has no measurement"):
        ledger.execute_together(erp.program_id, ALICE, plan)
    assert ledger.head_position() == head
    # What the batch changed before the refusal stays out of the cache, too.
    assert ledger.load(benefit_id, Benefit).measurements == {}
    assert "Lower DSO" not in ledger.load(erp.program_id, Program).objectives


def test_a_batch_runs_the_commands_of_one_program_only(erp: ProgramBuilder) -> None:
    other = ProgramBuilder(erp.ledger, code="CRM")
    benefit_id = other.benefit()
    with pytest.raises(InvariantViolated) as refused:
        erp.ledger.execute_together(erp.program_id, ALICE, lambda batch: batch.execute(
            MeasureBenefit(benefit_id=benefit_id, value=1, source="BI")))
    assert refused.value.rule == "batch_spans_programs"


def test_if_match_is_checked_against_the_batch_s_own_version(erp: ProgramBuilder) -> None:
    benefit_id = erp.benefit()
    version = erp.ledger.load(benefit_id, Benefit).version

    def plan(batch: Batch) -> None:
        batch.execute(MeasureBenefit(benefit_id=benefit_id, value=1, source="BI"), version)
        batch.execute(MeasureBenefit(benefit_id=benefit_id, value=2, source="BI"), version + 1)

    _, results = erp.ledger.execute_together(erp.program_id, ALICE, plan)
    assert [r.version for r in results] == [version + 1, version + 2]

    def stale(batch: Batch) -> None:  # the stored version, no longer the batch's own
        batch.execute(MeasureBenefit(benefit_id=benefit_id, value=3, source="BI"))
        batch.execute(MeasureBenefit(benefit_id=benefit_id, value=4, source="BI"),
                      version + 2)

    head = erp.ledger.head_position()
    with pytest.raises(PreconditionFailed):
        erp.ledger.execute_together(erp.program_id, ALICE, stale)
    assert erp.ledger.head_position() == head
    with pytest.raises(InvalidInput):
        erp.ledger.execute_together(erp.program_id, ALICE, lambda batch: batch.execute(
            _new_benefit(erp.program_id), if_match=1))


def test_an_empty_batch_writes_nothing(erp: ProgramBuilder) -> None:
    head = erp.ledger.head_position()
    outcome, results = erp.ledger.execute_together(erp.program_id, ALICE, lambda batch: 7)
    assert (outcome, results, erp.ledger.head_position()) == (7, [], head)
