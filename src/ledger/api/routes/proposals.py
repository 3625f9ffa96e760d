"""Proposals: a decision not yet taken; its options compared through the real rules, then
decided (the decision and the chosen option's commands in one transaction) or withdrawn."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ledger.access.authorization import component_program, may_post_commands
from ledger.api.commands import CommandDep
from ledger.api.deps import PrincipalDep, provenance
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.commands import Accepted
from ledger.api.schemas.proposals import DecidedOut, ProposalOut
from ledger.api.schemas.whatif import WhatIfOut
from ledger.application.commands.proposals import (
    Decide,
    NewProposal,
    ProposeDecision,
    Withdraw,
    WithdrawProposal,
)
from ledger.domain.proposal import Proposal
from ledger.services import ServicesDep

router = APIRouter(tags=["proposals"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/proposals", status_code=201, response_model=Accepted)
def propose_decision(program_id: UUID, body: NewProposal, command: CommandDep) -> JSONResponse:
    """Propose a decision: its fields, and options that each carry the ordinary commands
    choosing it would record (checked now, as a what-if would run them)."""
    return command.run(ProposeDecision.addressed(body, program_id=program_id))


@router.get("/proposals/{proposal_id}", response_model=ProposalOut)
def get_proposal(proposal_id: UUID, principal: PrincipalDep,
                 services: ServicesDep) -> ProposalOut:
    may_post_commands(principal)
    component_program(principal, services.ledger.program_of, proposal_id)
    return ProposalOut.of(services.ledger.load(proposal_id, Proposal))


@router.get("/proposals/{proposal_id}/comparison", response_model=WhatIfOut)
def compare_proposal_options(proposal_id: UUID, request: Request, principal: PrincipalDep,
                             services: ServicesDep) -> WhatIfOut:
    """Every option simulated against the program as it stands, side by side: each as the
    decision it would become followed by its commands. Nothing is written. Decide with
    `if_position` = `resolved_position` to insist on what was compared."""
    may_post_commands(principal)
    component_program(principal, services.ledger.program_of, proposal_id)
    return WhatIfOut.of(services.ledger.compare(proposal_id, provenance(request, principal)))


@router.post("/proposals/{proposal_id}/decide", status_code=201, response_model=DecidedOut)
def decide_proposal(proposal_id: UUID, body: Decide, request: Request, principal: PrincipalDep,
                    services: ServicesDep) -> DecidedOut:
    """Take the decision: record it, the chosen option's commands (each citing it) and the
    proposal's mark in one transaction, all or nothing; the decision keeps the prediction it
    was taken on. 412 if `if_position` is given and the program has moved since; 409 if a
    rule now refuses one of the option's commands."""
    may_post_commands(principal)
    component_program(principal, services.ledger.program_of, proposal_id)
    decided = services.ledger.decide(proposal_id, body, provenance(request, principal))
    services.recorded()
    return DecidedOut.of(proposal_id, decided)


@router.post("/proposals/{proposal_id}/withdraw", status_code=201, response_model=Accepted)
def withdraw_proposal(proposal_id: UUID, body: Withdraw, command: CommandDep) -> JSONResponse:
    return command.run(WithdrawProposal.addressed(body, proposal_id=proposal_id))
