"""The app factory: routers, error handling, middleware, and the lifespan that owns the
ledger, the read-model engine and (in embedded mode) the projector thread."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ledger import __version__
from ledger.api.middleware import BodyLimit, RequestId, RequestIdFilter
from ledger.api.problems import install_error_handlers
from ledger.api.routes import (
    benefits,
    decisions,
    dependencies,
    health,
    history,
    programs,
    projects,
    resources,
    risks,
)
from ledger.api.services import Services
from ledger.bootstrap import open_ledger
from ledger.projections.catalog import read_model_engine
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings

DESCRIPTION = """An event-sourced, tamper-evident ledger for program management.

Every command is recorded as an immutable event with who, when (recorded and effective)
and why. Queries read projections; `min_position` gives read-your-writes. As-of and history
are replayed from events. Errors are RFC 9457 problem details."""


def create_app(settings: Settings | None = None, *, run_projector: bool = True) -> FastAPI:
    """Build the API. ``run_projector=False`` when a separate `ledger projector` runs."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ledger = open_ledger(settings)
        engine = read_model_engine(settings.resolved_database_url,
                                   connect_timeout=settings.database_timeout_seconds)
        runner = ProjectionRunner(ledger, engine, settings) if run_projector else None
        if runner is not None:
            runner.start()
        app.state.services = Services(settings, ledger, engine, runner)
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()
            ledger.close()
            engine.dispose()

    app = FastAPI(title="Ledger", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan)
    for router in (programs.router, projects.router, dependencies.router, resources.router,
                   benefits.router, risks.router, decisions.router, history.router):
        app.include_router(router, prefix="/v1")
    app.include_router(health.router)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestId)
    logging.getLogger("ledger.api").addFilter(RequestIdFilter())
    return app
