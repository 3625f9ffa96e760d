"""Shared resources: register, change capacity, allocate, release, read by month."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ledger.access.authorization import visible
from ledger.api.commands import CommandDep
from ledger.api.deps import ReadDep, ReaderDep
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.commands import Accepted
from ledger.application.commands.resources import (
    Allocate,
    AllocateResource,
    ChangeCapacity,
    ChangeResourceCapacity,
    NewResource,
    RegisterResource,
    Release,
    ReleaseAllocation,
)
from ledger.projections import resources as read_model
from ledger.projections.resources import ResourceView

router = APIRouter(tags=["resources"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/resources", status_code=201, response_model=Accepted)
def register_resource(program_id: UUID, body: NewResource, command: CommandDep) -> JSONResponse:
    return command.run(RegisterResource.addressed(body, program_id=program_id))


@router.post("/resources/{resource_id}/capacity", status_code=201, response_model=Accepted)
def change_resource_capacity(resource_id: UUID, body: ChangeCapacity,
                             command: CommandDep) -> JSONResponse:
    return command.run(ChangeResourceCapacity.addressed(body, resource_id=resource_id))


@router.post("/resources/{resource_id}/allocations", status_code=201, response_model=Accepted)
def allocate_resource(resource_id: UUID, body: Allocate, command: CommandDep) -> JSONResponse:
    """Refused with 409 `capacity_exceeded` over capacity, unless a decision governs it."""
    return command.run(AllocateResource.addressed(body, resource_id=resource_id))


@router.post("/resources/{resource_id}/allocations/{allocation_id}/release", status_code=201,
             response_model=Accepted)
def release_allocation(resource_id: UUID, allocation_id: UUID, body: Release,
                       command: CommandDep) -> JSONResponse:
    return command.run(ReleaseAllocation.addressed(body, resource_id=resource_id,
                                                   allocation_id=allocation_id))


@router.get("/resources/{resource_id}", response_model=ResourceView)
def get_resource(resource_id: UUID, principal: ReaderDep, connection: ReadDep) -> ResourceView:
    """Capacity and allocations by month, with over-allocation and whether it is governed."""
    view = visible(principal, lambda: read_model.get_resource(connection, resource_id))
    return view
