"""What-if: a board's scenarios run through the real rules; nothing is ever written."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from ledger.access.authorization import may_post_commands, require_program
from ledger.api.deps import PrincipalDep, provenance
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.whatif import WhatIfIn, WhatIfOut
from ledger.services import ServicesDep

router = APIRouter(tags=["proposals"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/what-if", response_model=WhatIfOut)
def what_if(program_id: UUID, body: WhatIfIn, request: Request, services: ServicesDep,
            principal: PrincipalDep) -> WhatIfOut:
    """Run each scenario's commands, in order, through the same rules a real write meets,
    against the program as it stands (or stood at `position`), and report each command
    accepted (with the events it would record) or refused (with its rule), and the program's
    figures against doing nothing. Nothing is written and no lock is taken; for editors."""
    may_post_commands(principal)
    require_program(principal, program_id)
    scenarios = body.commands(program_id)
    by = provenance(request, principal)
    return WhatIfOut.of(services.ledger.what_if(program_id, scenarios, by, body.position))
