"""Who may do what: the one set of rules that the API and the web UI both enforce.

Every check raises ``Forbidden``; the API answers it as a problem, the UI as a page. A
refusal never names the program it protects, and an id the token may not see is refused
the same way whether or not it exists, so a scoped token learns nothing about other
programs from the answers it gets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar
from uuid import UUID

from ledger.access.tokens import Principal
from ledger.domain.errors import LedgerError, NotFound

READERS = frozenset({"editor", "auditor", "viewer", "admin"})
WRITERS = frozenset({"editor", "admin"})
AUDITORS = frozenset({"auditor", "admin"})
HISTORY_READERS = frozenset({"auditor", "admin", "editor"})  # editors: own programs only
ADMINS = frozenset({"admin"})

OUT_OF_SCOPE = "that id is not in any program this token may see"
FOREIGN_PROGRAM = "that program is outside this token's scope"


class Forbidden(LedgerError):
    """The caller is known, but its role or program scope does not allow this."""

    rule = "forbidden"


class InProgram(Protocol):
    @property
    def program_id(self) -> UUID: ...


Found = TypeVar("Found")
Visible = TypeVar("Visible", bound=InProgram)


def require_role(principal: Principal, roles: frozenset[str], action: str) -> None:
    if principal.role not in roles:
        raise Forbidden(f"role '{principal.role}' cannot {action}; "
                        f"it needs one of: {', '.join(sorted(roles))}")


def require_program(principal: Principal, program_id: UUID) -> None:
    """The program must be in scope; checked before any lookup, so whether it exists is
    never revealed to a token that may not see it."""
    if not principal.may_see(program_id):
        raise Forbidden(FOREIGN_PROGRAM)


def require_all_programs(principal: Principal, action: str) -> None:
    """An answer that spans the whole log needs a token for every program."""
    if principal.programs is not None:
        raise Forbidden(f"this token covers only some programs; to {action} you need a "
                        "token for all programs")


def require_program_filter(principal: Principal, program_id: UUID | None, action: str) -> None:
    """The named program must be in scope; naming none means every program, so it needs a
    token for all of them."""
    if program_id is not None:
        require_program(principal, program_id)
    elif principal.programs is not None:
        raise Forbidden(f"this token covers only some programs; give program_id to {action}")


def in_scope(principal: Principal, lookup: Callable[[], Found],
             program_of: Callable[[Found], UUID]) -> Found:
    """What ``lookup`` finds, if its program is in scope. For a scoped token an unknown id
    and another program's id get the same 403, so existence does not leak; a token for
    every program still gets the lookup's own 404 for an unknown id."""
    try:
        found = lookup()
    except NotFound:
        if principal.programs is None:
            raise
        raise Forbidden(OUT_OF_SCOPE) from None
    if not principal.may_see(program_of(found)):
        raise Forbidden(OUT_OF_SCOPE)
    return found


def visible(principal: Principal, lookup: Callable[[], Visible]) -> Visible:
    """A read model's view, if the token may see its program (see ``in_scope``)."""
    return in_scope(principal, lookup, lambda view: view.program_id)


def component_program(principal: Principal, program_of: Callable[[UUID], UUID],
                      component_id: UUID) -> UUID:
    """The program a component belongs to, if the token may see it (see ``in_scope``)."""
    return in_scope(principal, lambda: program_of(component_id), lambda program: program)


# The named permissions: each route, API or UI, asks one of these.

def may_read(principal: Principal) -> None:
    require_role(principal, READERS, "read")


def may_post_commands(principal: Principal) -> None:
    """The role to post commands; each command then checks the program is in scope."""
    require_role(principal, WRITERS, "post commands")


def may_replay(principal: Principal) -> None:
    require_role(principal, HISTORY_READERS, "replay history")


def may_read_timeline(principal: Principal, program_id: UUID | None) -> None:
    may_replay(principal)
    require_program_filter(principal, program_id, "read the timeline")


def may_export(principal: Principal, program_id: UUID | None) -> None:
    require_role(principal, AUDITORS, "export the audit trail")
    require_program_filter(principal, program_id, "export")


def may_audit_whole_log(principal: Principal, action: str) -> None:
    """Verification, checkpoints, proofs and consistency concern every program's events at
    once. (The public key needs no token at all.)"""
    require_role(principal, AUDITORS, action)
    require_all_programs(principal, action)


def may_sign_checkpoints(principal: Principal) -> None:
    """A checkpoint covers the whole log, and signing on demand is an admin's call."""
    require_role(principal, ADMINS, "sign a checkpoint on demand")
    require_all_programs(principal, "sign a checkpoint")


def may_manage_tokens(principal: Principal) -> None:
    """Only an admin of every program: a scoped one could otherwise issue itself more."""
    require_role(principal, ADMINS, "manage tokens")
    require_all_programs(principal, "manage tokens")


def may_manage_webhooks(principal: Principal) -> None:
    """Only an admin of every program: a webhook carries events out of the ledger."""
    require_role(principal, ADMINS, "manage webhooks")
    require_all_programs(principal, "manage webhooks")
