"""The escalation rules on a small program of their own: a month over capacity in the coming
quarter, a decision past its review-by date with no outcome review, and the hook for
proposals (#16), which fills its section when given a source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.application import ProgramLedger
from ledger.application.commands.decisions import RecordDecision, ReviewDecisionOutcome
from ledger.application.commands.programs import ChangeProgramStatus, DefineProgram
from ledger.application.commands.resources import AllocateResource
from ledger.application.commands.risks import AssessRisk, RaiseRisk
from ledger.bootstrap import open_ledger, open_migrated_engine
from ledger.pack import PackRequest, build_pack
from ledger.pack.cut import Cut
from ledger.pack.model import PROPOSALS, Line
from ledger.settings import Settings
from tests.application.builders import ALICE, OPTIONS, ProgramBuilder


@pytest.fixture
def ledger(database_url: str, tmp_path: Path) -> Iterator[ProgramLedger]:
    app = open_ledger(Settings(database_url=database_url, data_dir=tmp_path))
    yield app
    app.close()


def _decision(ledger: ProgramLedger, program_id: object, title: str, review_by: date,
              **affects: list[object]) -> object:
    return ledger.execute(RecordDecision(
        program_id=program_id, title=title, question="?", forum="Steering committee",
        authority="Sponsor", options=OPTIONS, chosen_option="defer", rationale="r",
        tradeoffs="t", review_by=review_by, effective_at=datetime(2025, 1, 10, tzinfo=UTC),
        affects={f"{kind}_ids": ids for kind, ids in affects.items()}), by=ALICE).id


def test_over_capacity_overdue_reviews_and_proposals(ledger: ProgramLedger, database_url: str,
                                                     tmp_path: Path) -> None:
    erp = ProgramBuilder(ledger)
    project, resource = erp.project("Build"), erp.resource(capacity="2")
    accepted = _decision(ledger, erp.program_id, "Accept the peak", date(2025, 6, 1),
                         resource=[resource])
    reviewed = _decision(ledger, erp.program_id, "Reviewed in time", date(2025, 6, 1))
    ledger.execute(ReviewDecisionOutcome(decision_id=reviewed, verdict="as_expected",
                                         summary="fine", evidence=[]), by=ALICE)
    today = datetime.now(UTC).date()
    month = f"{today.year:04d}-{today.month:02d}"
    ledger.execute(AllocateResource(resource_id=resource, project_id=project, month=month,
                                    amount=Decimal(3), decision_id=accepted), by=ALICE)

    def proposals(now: Cut) -> list[Line]:
        return [Line(f"A proposal seen on {now.day.isoformat()}")]

    engine = open_migrated_engine(Settings(database_url=database_url, data_dir=tmp_path))
    try:
        pack = build_pack(ledger, engine, PackRequest(erp.program_id, today),
                          proposals=proposals)
    finally:
        engine.dispose()
    escalations = pack.escalations
    assert [line.text for line in escalations["over_capacity"]] == [
        f"SAP specialists, {month}: 3 FTE allocated against a capacity of 2 "
        "(accepted by a decision)."]
    [allocated] = escalations["over_capacity"][0].figures
    assert allocated.value == 3.0 and allocated.unit == "FTE"
    assert [line.text for line in escalations["overdue_reviews"]] == [
        "“Accept the peak” was due for an outcome review by 01 Jun 2025; none is recorded."]
    assert [line.text for line in escalations[PROPOSALS]] == [
        f"A proposal seen on {today.isoformat()}"]


def test_a_risk_that_crossed_the_threshold_since_the_last_pack(
        ledger: ProgramLedger, database_url: str, tmp_path: Path) -> None:
    started = datetime(2025, 1, 1, tzinfo=UTC)
    program = ledger.execute(DefineProgram(
        code="RISKY", name="Risky", objectives=["o"], sponsor="s", manager="m",
        effective_at=started), by=ALICE).id
    ledger.execute(ChangeProgramStatus(program_id=program, status="active", reason="go",
                                       effective_at=started), by=ALICE)
    risk = ledger.execute(RaiseRisk(
        program_id=program, title="Key user attrition", category="people", likelihood=2,
        impact=4, owner="HR", effective_at=datetime(2025, 2, 1, tzinfo=UTC)), by=ALICE).id
    ledger.execute(AssessRisk(risk_id=risk, likelihood=4, impact=4, rationale="Two left"),
                   by=ALICE)
    engine = open_migrated_engine(Settings(database_url=database_url, data_dir=tmp_path))
    try:
        pack = build_pack(ledger, engine, PackRequest(
            program, datetime.now(UTC).date(), since=date(2025, 6, 1)))
    finally:
        engine.dispose()
    [line] = pack.escalations["program_risks"]
    assert line.text == ("“Key user attrition” (open): exposure 4 × 4 = 16; crossed 15 since "
                         "the last pack.")
    # Likelihood from the reassessment; impact, unchanged by it, from the raising.
    raised, assessed = line.figures[0].positions
    assert raised < assessed == ledger.head_position()
