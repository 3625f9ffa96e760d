"""Typed dependencies: services, the calling principal, role checks and read connections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from uuid import UUID

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection

from ledger.access.tokens import Principal, authenticate
from ledger.api.services import Services
from ledger.domain.errors import InvalidInput
from ledger.projections.pages import MAX_POSITION

READERS = frozenset({"editor", "auditor", "viewer", "admin"})
WRITERS = frozenset({"editor", "admin"})
AUDITORS = frozenset({"auditor", "admin"})
HISTORY_READERS = frozenset({"auditor", "admin", "editor"})  # editors: own programs only


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


# Declared as a security scheme, so the OpenAPI document and /docs' Authorize button know it.
bearer = HTTPBearer(auto_error=False, description="A token from `ledger tokens create`.")


def get_principal(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The principal of the bearer token; 401 without a valid one."""
    principal = authenticate(services.query_engine, credentials.credentials.strip()) \
        if credentials is not None and credentials.credentials.strip() else None
    if principal is None:
        raise HTTPException(401, "send a valid token as `Authorization: Bearer <token>`",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_role(principal: Principal, roles: frozenset[str], action: str) -> None:
    if principal.role not in roles:
        raise HTTPException(403, f"role '{principal.role}' cannot {action}; "
                                 f"it needs one of: {', '.join(sorted(roles))}")


def require_scope(principal: Principal, program_id: UUID) -> None:
    if not principal.may_see(program_id):
        raise HTTPException(403, f"program {program_id} is outside this token's scope")


def require_program_scope(principal: Principal, program_id: UUID | None, action: str) -> None:
    """The named program must be in scope; naming none needs a token for every program,
    because the answer then spans all of them."""
    if program_id is not None:
        require_scope(principal, program_id)
    elif principal.programs is not None:
        raise HTTPException(403, f"this token covers only some programs; give program_id "
                                 f"to {action}")


def reader(principal: PrincipalDep) -> Principal:
    require_role(principal, READERS, "read")
    return principal


def auditor(principal: PrincipalDep) -> Principal:
    require_role(principal, AUDITORS, "read the audit trail")
    return principal


def history_reader(principal: PrincipalDep) -> Principal:
    require_role(principal, HISTORY_READERS, "replay history")
    return principal


ReaderDep = Annotated[Principal, Depends(reader)]
AuditorDep = Annotated[Principal, Depends(auditor)]
HistoryReaderDep = Annotated[Principal, Depends(history_reader)]


def read_connection(
    services: ServicesDep,
    min_position: Annotated[int | None, Query(
        ge=0, le=MAX_POSITION, description="Wait (bounded) until the read models include "
        "this position; 503 with Retry-After if they do not catch up in time.")] = None,
) -> Iterator[Connection]:
    """A connection to the read models, once they include ``min_position``."""
    if min_position is not None and not services.wait_for(
            min_position, services.settings.read_wait_seconds):
        raise HTTPException(503, f"the read models have not reached position {min_position} "
                                 "yet; retry shortly", headers={"Retry-After": "1"})
    with services.query_engine.connect() as connection:
        yield connection


ReadDep = Annotated[Connection, Depends(read_connection)]


def parse_if_match(if_match: str | None) -> int | None:
    """`If-Match: "3"` (or W/"3", or 3) → 3; `*` or absent → no expectation."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise InvalidInput("If-Match", 'give the ETag of the version you read, e.g. "3"')
    return int(value)
