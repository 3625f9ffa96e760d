"""Handlers of the risk commands: raise, assess, plan a response, materialise, close."""

from __future__ import annotations

from ledger.application.commands.risks import (
    AssessRisk,
    CloseRisk,
    PlanRiskResponse,
    RaiseRisk,
    RecordRiskMaterialized,
)
from ledger.application.handling import Context, handles
from ledger.domain.program import Program
from ledger.domain.risk import Risk


@handles(RaiseRisk)
def raise_risk(command: RaiseRisk, program: Program, context: Context) -> Risk:
    for project_id in command.affected_project_ids:
        program.require_component("project", project_id, "affected_project_ids")
    return Risk.raise_risk(
        program_id=program.id, title=command.title, description=command.description,
        category=command.category, likelihood=command.likelihood, impact=command.impact,
        owner=command.owner, affected_project_ids=command.affected_project_ids,
        proximity=command.proximity, by=context.by, effective_at=command.effective_at,
    )


@handles(AssessRisk)
def assess(command: AssessRisk, risk: Risk, context: Context) -> None:
    # Keywords: likelihood and impact are both scores, and swapped they would still pass.
    risk.assess(likelihood=command.likelihood, impact=command.impact,
                rationale=command.rationale, by=context.by, effective_at=command.effective_at)


@handles(PlanRiskResponse)
def plan_response(command: PlanRiskResponse, risk: Risk, context: Context) -> None:
    risk.plan_response(command.strategy, command.actions, context.by, command.reason,
                       command.effective_at)


@handles(RecordRiskMaterialized)
def materialize(command: RecordRiskMaterialized, risk: Risk, context: Context) -> None:
    risk.materialize(description=command.description, impact=command.impact, by=context.by,
                     reason=command.reason, effective_at=command.effective_at)


@handles(CloseRisk)
def close(command: CloseRisk, risk: Risk, context: Context) -> None:
    risk.close(context.by, command.reason, command.effective_at)
