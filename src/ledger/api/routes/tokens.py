"""Token management for admins: issue (the secret is shown once), list, revoke.

The same functions serve `ledger tokens`; a revoked token is refused on its next request,
and the web UI sessions it opened end with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ledger.access import tokens as store
from ledger.access.tokens import (
    PRINCIPAL_PATTERN,
    get_token,
    issue_token,
)
from ledger.api.deps import TokenAdminDep
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.application.commands.fields import Flag, Name
from ledger.domain.errors import InvalidInput
from ledger.services import ServicesDep

router = APIRouter(prefix="/tokens", tags=["tokens"], responses=PROBLEM_RESPONSES)
Role = Literal["editor", "auditor", "viewer", "admin"]


class CreateToken(BaseModel):
    """Exactly one of ``program_ids`` and ``all_programs: true``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"role": "editor", "name": "pat.pm",
         "program_ids": ["ff996219-a491-5404-ba03-a27483c6f6d7"]},
        {"role": "auditor", "name": "internal.audit", "all_programs": True}]})

    role: Role
    name: Annotated[str, Field(pattern=PRINCIPAL_PATTERN.pattern, description=(
        "The principal id recorded as the actor of everything done with the token."))]
    display_name: Annotated[Name | None, Field(
        description="A readable name; the principal id by default.")] = None
    program_ids: Annotated[list[UUID] | None, Field(
        min_length=1, max_length=100, description="The programs the token may touch.")] = None
    all_programs: Annotated[Flag, Field(description="Every program, present and future.")] \
        = False

    def scope(self) -> list[UUID] | None:
        """The programs, or None for all. A rule across two fields, so it is checked here
        (a 422 naming the rule) rather than in the schema, which cannot express it."""
        if self.all_programs == (self.program_ids is not None):
            raise InvalidInput("program_ids", "give exactly one of program_ids and "
                                              "all_programs: true")
        return self.program_ids


class TokenOut(BaseModel):
    """A token as listed: never its secret, nor the hash of it."""

    id: str
    name: str
    display_name: str
    role: Role
    program_ids: list[UUID] | None = Field(description="null when all_programs")
    all_programs: bool
    created_at: datetime
    last_used_at: datetime | None = Field(description="Kept to the minute.")
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> TokenOut:
        programs = row["programs"]
        return cls(id=row["token_id"], name=row["principal_id"],
                   display_name=row["display_name"], role=row["role"],
                   program_ids=programs, all_programs=programs is None,
                   created_at=row["created_at"], last_used_at=row["last_used_at"],
                   revoked_at=row["revoked_at"])


class IssuedTokenOut(TokenOut):
    token: str = Field(description="The secret: shown this once, and stored only hashed.")


class TokenList(BaseModel):
    items: list[TokenOut]


@router.post("", response_model=IssuedTokenOut, status_code=201)
def create_token(body: CreateToken, principal: TokenAdminDep,
                 services: ServicesDep) -> IssuedTokenOut:
    """Issue a token; its secret is in this answer only."""
    issued = issue_token(services.query_engine, principal_id=body.name, role=body.role,
                         programs=body.scope(), display_name=body.display_name)
    row = get_token(services.query_engine, issued.token_id)
    return IssuedTokenOut(**TokenOut.of(row).model_dump(), token=issued.token)


@router.get("", response_model=TokenList)
def list_tokens(principal: TokenAdminDep, services: ServicesDep) -> TokenList:
    """Every token, live and revoked, oldest first."""
    return TokenList(items=[TokenOut.of(row) for row in store.list_tokens(services.query_engine)])


@router.delete("/{token_id}", response_model=TokenOut)
def revoke_token(token_id: UUID, principal: TokenAdminDep, services: ServicesDep) -> TokenOut:
    """Revoke a live token: refused from its next request on, in the API and the UI."""
    store.revoke_token(services.query_engine, str(token_id))
    services.principals.forget()  # here at once; other processes when NOTIFYd
    return TokenOut.of(get_token(services.query_engine, str(token_id)))
