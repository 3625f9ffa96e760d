"""Mounting the UI on the API app: pages, static files, and the sign-in redirect."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from ledger.ui.routes import router
from ledger.ui.session import SignInRequired


def install_ui(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=Path(__file__).parent / "static"),
              name="ui-static")

    async def _sign_in(request: Request, error: Exception) -> RedirectResponse:
        return RedirectResponse("/ui/login", status_code=303)

    app.add_exception_handler(SignInRequired, _sign_in)
