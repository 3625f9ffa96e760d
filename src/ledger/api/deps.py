"""Typed dependencies: services, the calling principal, role checks and read connections.

The rules themselves are in ``ledger.access.authorization``, shared with the web UI."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection, Engine

from ledger.access.authorization import (
    AUDITORS,
    may_audit_whole_log,
    may_manage_tokens,
    may_manage_webhooks,
    may_read,
    may_replay,
    may_sign_checkpoints,
    require_program,
    require_program_filter,
    require_role,
)
from ledger.access.tokens import Principal
from ledger.api.problems import NotCaughtUp
from ledger.application import ProgramLedger
from ledger.domain.base import Provenance
from ledger.domain.errors import InvalidInput, PreconditionFailed
from ledger.projections.pages import MAX_POSITION
from ledger.projections.tracking import current_position
from ledger.services import Services, ServicesDep
from ledger.store import DATABASE_DOWN

# The routes' names for two of the shared rules.
require_scope = require_program
require_program_scope = require_program_filter


# Declared as a security scheme, so the OpenAPI document and /docs' Authorize button know it.
bearer = HTTPBearer(auto_error=False, description="A token from `ledger tokens create`.")


def get_principal(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The principal of the bearer token; 401 without a valid one."""
    principal = services.principals.authenticate(credentials.credentials.strip()) \
        if credentials is not None and credentials.credentials.strip() else None
    if principal is None:
        raise HTTPException(401, "send a valid token as `Authorization: Bearer <token>`",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def provenance(request: Request, principal: Principal) -> Provenance:
    """Who records: the token's principal, never the body; and the request, for tracing."""
    return Provenance(actor=principal.id,
                      correlation_id=getattr(request.state, "request_id", None))


def reader(principal: PrincipalDep) -> Principal:
    may_read(principal)
    return principal


def auditor(principal: PrincipalDep) -> Principal:
    """An auditor or admin of any scope; the route then checks the program it names."""
    require_role(principal, AUDITORS, "read the audit trail")
    return principal


def whole_log_auditor(principal: PrincipalDep) -> Principal:
    may_audit_whole_log(principal, "audit the whole log")
    return principal


def history_reader(principal: PrincipalDep) -> Principal:
    may_replay(principal)
    return principal


def checkpoint_signer(principal: PrincipalDep) -> Principal:
    may_sign_checkpoints(principal)
    return principal


def token_admin(principal: PrincipalDep) -> Principal:
    may_manage_tokens(principal)
    return principal


def webhook_admin(principal: PrincipalDep) -> Principal:
    may_manage_webhooks(principal)
    return principal


ReaderDep = Annotated[Principal, Depends(reader)]
AuditorDep = Annotated[Principal, Depends(auditor)]
WholeLogAuditorDep = Annotated[Principal, Depends(whole_log_auditor)]
HistoryReaderDep = Annotated[Principal, Depends(history_reader)]
TokenAdminDep = Annotated[Principal, Depends(token_admin)]
WebhookAdminDep = Annotated[Principal, Depends(webhook_admin)]
CheckpointSignerDep = Annotated[Principal, Depends(checkpoint_signer)]


def read_connection(
    services: ServicesDep, response: Response,
    min_position: Annotated[int | None, Query(
        ge=0, le=MAX_POSITION, description="Wait (bounded) until the read models include "
        "this position: 422 naming the head if the log has no such position yet, 503 "
        "\"Not caught up\" with Retry-After if they do not catch up in time.")] = None,
) -> Iterator[Connection]:
    """A connection to the read models, once they include ``min_position``: the standby's
    when one is configured, fresh enough and (waited for) has replayed and projected
    ``min_position``; the primary's otherwise. Never a standby that is further behind than
    LEDGER_READ_MAX_LAG_SECONDS, and never one short of ``min_position``."""
    deadline = time.monotonic() + services.settings.read_wait_seconds
    standby = services.standby
    if standby is not None and standby.monitor.usable() and (
            min_position is None or standby.monitor.wait_for(min_position, 0)):
        connection = _connect_to_standby(standby.engine)
        if connection is not None:
            yield from _read_from(connection, response, STANDBY)
            return
    if min_position is not None and not services.wait_for(min_position, 0):
        # Waiting for a position that does not exist would only time out: say so at once.
        head = services.ledger.head_position()
        if min_position > head:
            raise InvalidInput("min_position", f"is past the log's head (position {head}); "
                                               "give a position a command returned")
    if min_position is not None and standby is not None and standby.monitor.usable() \
            and standby.monitor.wait_for(min_position, services.settings.read_wait_seconds):
        connection = _connect_to_standby(standby.engine)
        if connection is not None:
            yield from _read_from(connection, response, STANDBY)
            return
    if min_position is not None and not services.wait_for(
            min_position, max(0.0, deadline - time.monotonic())):
        reached = services.runner.position if services.runner is not None \
            else current_position(services.query_engine)
        raise NotCaughtUp(min_position, reached)
    yield from _read_from(services.query_engine.connect(), response,
                          PRIMARY if standby else None)


# With a standby configured, every read says which database answered it.
READ_FROM = "Ledger-Read-From"
STANDBY, PRIMARY = "standby", "primary"


def _connect_to_standby(engine: Engine) -> Connection | None:
    """A connection to the standby, or None if it went down since it was last checked: the
    read then goes to the primary rather than failing."""
    try:
        return engine.connect()
    except DATABASE_DOWN:
        return None


def _read_from(connection: Connection, response: Response, source: str | None
               ) -> Iterator[Connection]:
    if source is not None:
        response.headers[READ_FROM] = source
    with connection:
        yield connection


def replay_ledger(services: ServicesDep, response: Response) -> ProgramLedger:
    """The ledger as-of, history and reports replay from: the standby's once it holds the
    whole log as the primary does now, else the primary's (see Services.standby_has_head)."""
    on_standby = services.standby_has_head()
    _say_source(services, response, on_standby)
    return services.standby.ledger if on_standby and services.standby else services.ledger


def audit_engine(services: ServicesDep, response: Response) -> Engine:
    """Where verification and exports read the events and audit tables: as replay_ledger."""
    on_standby = services.standby_has_head()
    _say_source(services, response, on_standby)
    return services.standby.engine if on_standby and services.standby \
        else services.query_engine


def _say_source(services: Services, response: Response, on_standby: bool) -> None:
    if services.standby is not None:
        response.headers[READ_FROM] = STANDBY if on_standby else PRIMARY


ReadDep = Annotated[Connection, Depends(read_connection)]
ReplayDep = Annotated[ProgramLedger, Depends(replay_ledger)]
AuditEngineDep = Annotated[Engine, Depends(audit_engine)]


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
