"""The API's own app: its routers, documentation and error handling. ``ledger.web`` builds the
process's app from it, mounting the UI beside it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.types import Lifespan

from ledger import __version__
from ledger.api.docs import install_docs
from ledger.api.problems import install_error_handlers
from ledger.api.routes import (
    audit,
    benefits,
    board_pack,
    decisions,
    dependencies,
    feeds,
    health,
    history,
    imports,
    programs,
    projects,
    proposals,
    resources,
    risks,
    tokens,
    transparency,
    webhooks,
    whatif,
)

DESCRIPTION = """An event-sourced, tamper-evident ledger for program management.

Every command is recorded as an immutable event with who, when (recorded and effective)
and why. Queries read projections; `min_position` gives read-your-writes. As-of and history
are replayed from events. Errors are RFC 9457 problem details."""


def operation_id(route: APIRoute) -> str:
    """The route function's name in camelCase (`report_project_status` → `reportProjectStatus`),
    rather than FastAPI's name-path-method default: generated clients name their functions
    after it, so renaming a route function is a breaking change to them."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def api_app(lifespan: Lifespan[FastAPI]) -> FastAPI:
    """The API's routes, docs and problem+json error handlers, on a new app."""
    app = FastAPI(title="Ledger", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None,
                  generate_unique_id_function=operation_id)
    for router in (programs.router, projects.router, dependencies.router, resources.router,
                   benefits.router, risks.router, decisions.router, decisions.reports,
                   history.router, audit.router, tokens.router, feeds.router,
                   webhooks.router, imports.router, whatif.router, proposals.router,
                   board_pack.router):
        app.include_router(router, prefix="/v1")
    app.include_router(health.router)
    app.include_router(transparency.router)
    install_docs(app)
    install_error_handlers(app)
    return app
