"""Typed dependencies: services, the calling principal, role checks and read connections."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated
from uuid import UUID

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection

from ledger.access.tokens import Principal, authenticate
from ledger.api.problems import NotCaughtUp
from ledger.api.services import Services
from ledger.domain.errors import InvalidInput, PreconditionFailed
from ledger.projections.pages import MAX_POSITION
from ledger.projections.tracking import current_position

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
        "this position: 422 naming the head if the log has no such position yet, 503 "
        "\"Not caught up\" with Retry-After if they do not catch up in time.")] = None,
) -> Iterator[Connection]:
    """A connection to the read models, once they include ``min_position``."""
    if min_position is not None and not services.wait_for(min_position, 0):
        # Waiting for a position that does not exist would only time out: say so at once.
        head = services.ledger.head_position()
        if min_position > head:
            raise InvalidInput("min_position", f"is past the log's head (position {head}); "
                                               "give a position a command returned")
        if not services.wait_for(min_position, services.settings.read_wait_seconds):
            reached = services.runner.position if services.runner is not None \
                else current_position(services.query_engine)
            raise NotCaughtUp(min_position, reached)
    with services.query_engine.connect() as connection:
        yield connection


ReadDep = Annotated[Connection, Depends(read_connection)]


# One ETag as this API sends it ("3"), a weak one (which never matches), a bare version,
# or "*". The OpenAPI document publishes this, so an empty or garbled header is a 422.
IF_MATCH = r'^(\*|(W/)?"[0-9]{1,19}"|[0-9]{1,19})$'


def parse_if_match(if_match: str | None) -> int | None:
    """`If-Match: "3"` (or 3) → 3; `*` or absent → no expectation. The comparison is strong
    (RFC 9110): a weak ETag never matches, so `W/"3"` is a 412, not a silent match."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip()
    if not re.fullmatch(IF_MATCH, value):
        raise InvalidInput("If-Match", 'give the ETag of the version you read, e.g. "3"')
    if value.startswith("W/"):
        raise PreconditionFailed(f"If-Match {value} is a weak ETag, which never matches "
                                 "(strong comparison, RFC 9110); send the ETag exactly as "
                                 'returned, e.g. "3"')
    return int(value.strip('"'))
