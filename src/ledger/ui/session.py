"""UI sign-in: the same bearer tokens, kept in an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import Cookie, Depends, HTTPException, Request

from ledger.access.tokens import Principal, authenticate
from ledger.api.deps import ServicesDep

COOKIE = "ledger_session"


class SignInRequired(Exception):
    """Raised by pages without a valid session; answered with a redirect to the login."""


def ui_principal(services: ServicesDep,
                 ledger_session: Annotated[str | None, Cookie()] = None) -> Principal:
    principal = authenticate(services.query_engine, ledger_session) if ledger_session else None
    if principal is None:
        raise SignInRequired
    return principal


UiPrincipal = Annotated[Principal, Depends(ui_principal)]


def require_auditor(principal: Principal) -> None:
    if principal.role not in {"auditor", "admin"}:
        raise HTTPException(403, "auditors and admins only")


def cookie_settings(request: Request) -> dict[str, object]:
    return {"httponly": True, "samesite": "strict", "secure": request.url.scheme == "https",
            "path": "/ui"}
