"""Mounting the UI on the API app: pages, static files, the sign-in redirect, and errors as
pages rather than JSON."""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ledger.domain.errors import LedgerError
from ledger.ui import board_pack
from ledger.ui.routes import render, router
from ledger.ui.session import SignInRequired

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]
KEPT_HEADERS = {"allow", "retry-after"}


def install_ui(app: FastAPI) -> None:
    """After ``install_error_handlers``: the UI answers its errors with the API's status,
    title and detail, as a page."""
    app.include_router(router)
    app.include_router(board_pack.router)
    app.mount("/ui/static", StaticFiles(directory=Path(__file__).parent / "static"),
              name="ui-static")

    async def _sign_in(request: Request, error: Exception) -> RedirectResponse:
        return RedirectResponse("/ui/login", status_code=303)

    app.add_exception_handler(SignInRequired, _sign_in)
    for error_class in (LedgerError, HTTPException, RequestValidationError):
        app.add_exception_handler(error_class, _as_page(app.exception_handlers[error_class]))


def _as_page(api_handler: Handler) -> Handler:
    async def handler(request: Request, error: Exception) -> Response:
        answer = api_handler(request, error)
        problem = await answer if inspect.isawaitable(answer) else answer
        if not _is_ui(request.url.path):
            return problem
        body = json.loads(bytes(problem.body))
        return render(request, "error.html", status_code=problem.status_code,
                      title=body["title"], detail=body["detail"],
                      errors=body.get("errors") or [],
                      headers={k: v for k, v in problem.headers.items()
                               if k in KEPT_HEADERS})
    return handler


def _is_ui(path: str) -> bool:
    return path == "/ui" or path.startswith("/ui/")
