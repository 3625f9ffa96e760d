"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ledger.api.deps import ServicesDep
from ledger.api.problems import DATABASE_DOWN, problem
from ledger.projections.tracking import current_position

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(services: ServicesDep) -> dict[str, object] | JSONResponse:
    """The database answers; includes how far the read models lag the log."""
    try:
        with services.query_engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        position, head = current_position(services.query_engine), services.ledger.head_position()
    except DATABASE_DOWN:
        return problem(503, "Service unavailable", "the database cannot be reached",
                       headers={"Retry-After": "5"})
    return {"status": "ready", "projection": {"position": position, "head": head,
                                              "lag": max(0, head - position)}}
