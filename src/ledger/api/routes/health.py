"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ledger.api.problems import problem
from ledger.projections.failures import live_failures
from ledger.projections.status import follower_statuses
from ledger.projections.tracking import current_position
from ledger.services import Services, ServicesDep
from ledger.store import DATABASE_DOWN

router = APIRouter(tags=["health"])


@router.get("/healthz")
def check_liveness() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


# Failed events listed by readyz; the count covers them all. Readiness answers without a
# token, so it shows no entity ids or error texts (which may quote data): the operator's
# `ledger projections status` does.
FAILURES_LISTED = 20
PUBLIC_FIELDS = {"position", "read_model", "event_type", "first_seen", "attempts"}


@router.get("/readyz", response_model=None)
def check_readiness(services: ServicesDep) -> dict[str, object] | JSONResponse:
    """The database answers; includes how far the read models lag the log.

    While some event could not be applied to a read model the status is "degraded", still
    with 200: the service answers every other read and every command, so a load balancer
    should keep sending traffic; monitoring should alert on the status and the failures.
    """
    try:
        with services.query_engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            count, failed = live_failures(connection, FAILURES_LISTED)
        position, head = current_position(services.query_engine), services.ledger.head_position()
        followers = [f.model_dump() for f in follower_statuses(services.ledger,
                                                               services.query_engine)]
    except DATABASE_DOWN:
        return problem(503, "Service unavailable", "the database cannot be reached",
                       headers={"Retry-After": "5"})
    projection = {"position": position, "head": head, "lag": max(0, head - position)}
    # Feeds (`ledger publish`) are shown, not judged: a follower behind is not a reason to
    # stop sending this process traffic.
    shown = {"projection": projection, **({"followers": followers} if followers else {}),
             **({"standby": _standby(services)} if services.standby is not None else {})}
    if not count:
        return {"status": "ready", **shown}
    return {"status": "degraded", **shown, "failures": {
        "count": count,
        "listed": [f.model_dump(mode="json", include=PUBLIC_FIELDS) for f in failed],
        "detail": "these events could not be applied to a read model, so reads of their "
                  "entities answer 409; fix the cause, then run `ledger projections "
                  "retry-failures`"}}


def _standby(services: Services) -> dict[str, object]:
    """LEDGER_READ_DATABASE_URL's standby as the monitor last saw it: shown, not judged, as
    reads go to the primary while it is down or behind."""
    assert services.standby is not None
    monitor = services.standby.monitor
    state = monitor.state
    return {"reachable": state.reachable, "position": state.position,
            "lag_seconds": None if state.lag_seconds is None else round(state.lag_seconds, 3),
            "max_lag_seconds": monitor.max_lag, "read_from": monitor.usable()}
