"""The app factory: the API with the UI mounted beside it, the middleware both share, and the
lifespan that owns the services (ledger, engines and, in embedded mode, the projector)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from ledger.api.app import api_app
from ledger.api.middleware import BodyLimit, RequestId, install_request_id_filter
from ledger.api.routes.imports import UPLOADS
from ledger.api.security_headers import SecurityHeaders
from ledger.bootstrap import die_with_parent, open_services
from ledger.settings import Settings
from ledger.ui.app import install_ui


def create_app(settings: Settings | None = None, *, run_projector: bool = True) -> FastAPI:
    """Build the web app. ``run_projector=False`` when a separate `ledger projector` runs."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = open_services(settings, run_projector=run_projector)
        try:
            yield
        finally:
            app.state.services.close()
            del app.state.services  # nothing may use them now; let them be collected

    app = api_app(lifespan)
    install_ui(app)  # after the API's error handlers, which the UI answers as pages
    # A browser pointed at the server gets the pages (they sign in first), not a 404.
    app.get("/", include_in_schema=False)(lambda: RedirectResponse("/ui", status_code=307))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       files=(UPLOADS, settings.import_max_bytes))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestId)
    install_request_id_filter()
    return app


def create_worker_app() -> FastAPI:
    """One of several API processes (`ledger serve --workers N`), built by uvicorn in each
    worker from the environment; the projector runs in a process of its own."""
    die_with_parent()
    return create_app(run_projector=False)
