"""UI sign-in: a server-side session (see ``ledger.access.sessions``) named by an opaque id
in an HttpOnly, SameSite=Strict cookie; the API token itself never leaves the sign-in form."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Cookie, Depends, Request
from starlette.responses import Response

from ledger.access.sessions import Lifetime, session_principal
from ledger.access.tokens import Principal
from ledger.services import ServicesDep
from ledger.settings import Settings

COOKIE = "ledger_session"


class SignInRequired(Exception):
    """Raised by pages without a live session; answered with a redirect to the sign-in."""


def lifetime(settings: Settings) -> Lifetime:
    return Lifetime(idle=timedelta(minutes=settings.ui_session_idle_minutes),
                    absolute=timedelta(hours=settings.ui_session_absolute_hours))


def ui_principal(services: ServicesDep,
                 ledger_session: Annotated[str | None, Cookie()] = None,
                 ) -> Principal:
    principal = session_principal(services.query_engine, ledger_session,
                                  lifetime(services.settings)) if ledger_session else None
    if principal is None:
        raise SignInRequired
    return principal


UiPrincipal = Annotated[Principal, Depends(ui_principal)]


def set_session_cookie(request: Request, response: Response, session_id: str,
                       settings: Settings) -> None:
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict", path="/ui",
                        secure=request.url.scheme == "https",
                        max_age=int(lifetime(settings).absolute.total_seconds()))


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/ui")
