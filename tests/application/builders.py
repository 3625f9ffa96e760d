"""Builders that create a small active program through the public commands."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import IdentifyBenefit, SetBenefitProfile
from ledger.application.commands.decisions import RecordDecision
from ledger.application.commands.programs import ChangeProgramStatus, DefineProgram
from ledger.application.commands.projects import AuthorizeProject
from ledger.application.commands.resources import RegisterResource
from ledger.domain.base import Provenance

ALICE = Provenance(actor="alice", correlation_id="req-1")


class ProgramBuilder:
    """Builds a small active program through the public commands, for tests to act on."""

    def __init__(self, ledger: ProgramLedger, code: str = "ERP") -> None:
        self.ledger = ledger
        self.program_id = ledger.execute(DefineProgram(
            code=code, name="ERP transformation", objectives=["One finance platform"],
            sponsor="CFO", manager="Pat"), by=ALICE).id
        ledger.execute(ChangeProgramStatus(
            program_id=self.program_id, status="active", reason="approved"), by=ALICE)

    def project(self, name: str, *keys: str, effective_at: datetime | None = None) -> UUID:
        return self.ledger.execute(AuthorizeProject(
            program_id=self.program_id, name=name, manager="Sam", planned_start=date(2025, 1, 1),
            planned_finish=date(2026, 6, 30),
            deliverables=[{"key": k, "name": k.title(), "due": date(2025, 12, 1)} for k in keys],
            effective_at=effective_at), by=ALICE).id

    def resource(self, capacity: str = "2") -> UUID:
        return self.ledger.execute(RegisterResource(
            program_id=self.program_id, name="SAP specialists", unit="FTE",
            capacity_per_month=Decimal(capacity)), by=ALICE).id

    def benefit(self) -> UUID:
        benefit_id = self.ledger.execute(IdentifyBenefit(
            program_id=self.program_id, name="Order-to-cash cycle time", description="Faster cash",
            kpi="days from order to cash", unit="days", direction="decrease", owner="COO",
            dis_benefit=False), by=ALICE).id
        self.ledger.execute(SetBenefitProfile(
            benefit_id=benefit_id, baseline_value=45, baseline_date=date(2025, 1, 1),
            target_value=30, target_date=date(2026, 12, 31), contributing_project_ids=[],
            measurement_method="ERP report"), by=ALICE)
        return benefit_id

    def decision(self, **affects: list[UUID]) -> UUID:
        return self.ledger.execute(RecordDecision(
            program_id=self.program_id, title="Accept the trade-off",
            question="What do we give up?", forum="Steering committee", authority="Sponsor",
            options=OPTIONS, chosen_option="defer", rationale="Protect go-live",
            tradeoffs="Less scope",
            affects={f"{kind}_ids": ids for kind, ids in affects.items()}), by=ALICE).id


OPTIONS: list[dict[str, Any]] = [
    {"key": "defer", "summary": "Defer the module", "pros": ["on time"], "cons": ["less value"],
     "expected_impact": {"cost": -50000, "schedule_days": 0}},
    {"key": "keep", "summary": "Keep the module", "pros": ["full value"], "cons": ["late"],
     "expected_impact": {"cost": 80000, "schedule_days": 60}},
]
