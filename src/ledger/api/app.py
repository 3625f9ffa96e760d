"""The app factory: routers, error handling, middleware, and the lifespan that owns the
ledger, the read-model engine and (in embedded mode) the projector thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ledger import __version__
from ledger.api.docs import install_docs
from ledger.api.middleware import BodyLimit, RequestId, install_request_id_filter
from ledger.api.problems import install_error_handlers
from ledger.api.routes import (
    audit,
    benefits,
    decisions,
    dependencies,
    health,
    history,
    programs,
    projects,
    resources,
    risks,
    tokens,
)
from ledger.api.security_headers import SecurityHeaders
from ledger.api.services import open_services
from ledger.settings import Settings
from ledger.ui.app import install_ui

DESCRIPTION = """An event-sourced, tamper-evident ledger for program management.

Every command is recorded as an immutable event with who, when (recorded and effective)
and why. Queries read projections; `min_position` gives read-your-writes. As-of and history
are replayed from events. Errors are RFC 9457 problem details."""


def create_app(settings: Settings | None = None, *, run_projector: bool = True) -> FastAPI:
    """Build the API. ``run_projector=False`` when a separate `ledger projector` runs."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = open_services(settings, run_projector=run_projector)
        try:
            yield
        finally:
            app.state.services.close()
            del app.state.services  # nothing may use them now; let them be collected

    app = FastAPI(title="Ledger", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    for router in (programs.router, projects.router, dependencies.router, resources.router,
                   benefits.router, risks.router, decisions.router, history.router,
                   audit.router, tokens.router):
        app.include_router(router, prefix="/v1")
    app.include_router(health.router)
    install_docs(app)
    install_error_handlers(app)
    install_ui(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestId)
    install_request_id_filter()
    return app
