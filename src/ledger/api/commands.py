"""Running a command over HTTP: role and scope, If-Match, Idempotency-Key, and the answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import WithJsonSchema

from ledger.access import idempotency
from ledger.access.authorization import component_program, may_post_commands, require_program
from ledger.access.tokens import Principal
from ledger.api.deps import IF_MATCH, PrincipalDep, parse_if_match, provenance
from ledger.api.schemas.commands import Accepted
from ledger.application import CommandResult
from ledger.application.commands.base import Command
from ledger.domain.errors import ConcurrencyConflict, InvalidInput
from ledger.services import Services, ServicesDep


class CommandRunner:
    """Everything a command route needs besides its body."""

    def __init__(self, request: Request, services: Services, principal: Principal,
                 body: bytes, idempotency_key: str | None, if_match: str | None) -> None:
        self.request = request
        self.services = services
        self.principal = principal
        self.body = body
        self.idempotency_key = idempotency_key
        self.if_match_header = if_match  # read once the body is valid and scope allows it

    def run(self, command: Command) -> JSONResponse:
        """Run ``command`` as the caller, if their scope allows it (``command_runner`` has
        checked their role already). A component's id outside the token's scope is refused
        alike whether or not it exists."""
        ledger = self.services.ledger
        program_id = command.named_program() or component_program(
            self.principal, ledger.program_of, command.subject_id)
        require_program(self.principal, program_id)
        by = provenance(self.request, self.principal)
        if_match = parse_if_match(self.if_match_header)

        def action() -> CommandResult:
            return ledger.execute(command, by, if_match)

        response = self._idempotent(action, program_id) if self.idempotency_key \
            else self._respond(action())
        self.services.recorded()
        return response

    def _respond(self, result: CommandResult) -> JSONResponse:
        body = Accepted(id=result.id, version=result.version, position=result.position,
                        **result.extra).model_dump(mode="json", exclude_none=True)
        return JSONResponse(body, status_code=201, headers={"ETag": f'"{result.version}"'})

    def _idempotent(self, action: Callable[[], CommandResult], program_id: UUID) -> JSONResponse:
        """The key is looked up and stored in the command's own transaction, under its
        program's lock, so two identical requests racing each other still run the command
        once (the same key racing for two programs meets the table's unique key: a 409)."""
        assert self.idempotency_key is not None
        fingerprint = idempotency.request_fingerprint(
            self.request.method, self.request.url.path, self.body)
        ledger = self.services.ledger
        try:
            with ledger.serialised_transaction(program_id) as session:
                stored = idempotency.find(session, self.principal.id, self.idempotency_key)
                if stored is None:
                    response = self._respond(action())
                    idempotency.remember(session, self.principal.id, self.idempotency_key,
                                         idempotency.StoredResponse(
                                             fingerprint, response.status_code,
                                             _json(response), response.headers["ETag"]))
                    return response
        except IntegrityError:
            raise ConcurrencyConflict("a concurrent write won; retry the request") from None
        if stored.request_hash != fingerprint:
            raise InvalidInput("Idempotency-Key", "this key was already used for a different "
                                                  "request; use a new key for a new request")
        return JSONResponse(stored.body, status_code=stored.status_code,
                            headers={"ETag": stored.etag or "", "Idempotent-Replayed": "true"})


def _json(response: JSONResponse) -> dict[str, object]:
    body: dict[str, object] = json.loads(bytes(response.body))
    return body


async def raw_body(request: Request) -> bytes:
    return await request.body()


def command_runner(
    request: Request, services: ServicesDep, principal: PrincipalDep,
    body: Annotated[bytes, Depends(raw_body)],
    idempotency_key: Annotated[str | None, Header(
        max_length=255, description="Repeat a command safely: the same key and body return "
        "the first response and write nothing.")] = None,
    if_match: Annotated[str | None, WithJsonSchema({"type": "string", "pattern": IF_MATCH}),
                        Header(
        pattern=IF_MATCH, description='Apply only if the aggregate is still at this version, '
        'e.g. "3" (strong comparison: a weak W/"3" never matches, so it is a 412).')] = None,
) -> CommandRunner:
    may_post_commands(principal)
    return CommandRunner(request, services, principal, body, idempotency_key, if_match)


CommandDep = Annotated[CommandRunner, Depends(command_runner)]
