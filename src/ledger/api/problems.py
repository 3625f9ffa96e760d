"""RFC 9457 problem details, and the one table that maps errors to them."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ledger.access.authorization import Forbidden
from ledger.domain.errors import (
    ConcurrencyConflict,
    InvalidInput,
    InvalidRows,
    InvalidTransition,
    InvariantViolated,
    LedgerError,
    NotFound,
    PreconditionFailed,
    TooLarge,
)
from ledger.projections.failures import StaleReadModel
from ledger.store import DATABASE_DOWN

log = logging.getLogger("ledger.api")
PROBLEM = "application/problem+json"
TYPE_BASE = "https://ledger.example/problems/"

# Domain error → (HTTP status, title). Routes never catch; this table decides.
STATUS_OF: dict[type[LedgerError], tuple[int, str]] = {
    Forbidden: (403, "Forbidden"),
    NotFound: (404, "Not found"),
    InvalidInput: (422, "Invalid input"),
    InvalidTransition: (409, "Invalid transition"),
    InvariantViolated: (409, "Business rule violated"),
    ConcurrencyConflict: (409, "Concurrent change"),
    PreconditionFailed: (412, "Precondition failed"),
    TooLarge: (413, "Payload too large"),
    # 409, not 503: retrying will not help until an operator applies the failed event (503
    # invites retries), and it is this resource's state, not the service, that is at fault
    # (every other resource answers); the detail names the position that failed.
    StaleReadModel: (409, "Read model stale"),
}


class NotCaughtUp(Exception):
    """The read models did not reach a position that exists in the log within the wait."""

    def __init__(self, wanted: int, reached: int) -> None:
        super().__init__(f"the read models have reached position {reached}, not {wanted} "
                         "yet; retry shortly")
        self.wanted = wanted
        self.reached = reached


class FieldError(BaseModel):
    field: str
    message: str
    rule: str | None = None  # for a file's rows: which rule refused the cell


class Problem(BaseModel):
    """An RFC 9457 problem; ``rule`` names the broken business rule on 409."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    rule: str | None = None
    errors: list[FieldError] | None = None
    position: int | None = None  # on 503 "Not caught up": the position the read models reached
    request_id: str | None = None


def problem(status: int, title: str, detail: str, request: Request | None = None, *,
            rule: str | None = None, errors: list[FieldError] | None = None,
            headers: dict[str, str] | None = None, position: int | None = None) -> JSONResponse:
    slug = (rule or title).lower().replace(" ", "-").replace("_", "-")
    body = Problem(type=TYPE_BASE + slug, title=title, status=status, detail=detail,
                   instance=request.url.path if request else None, rule=rule, errors=errors,
                   position=position,
                   request_id=getattr(request.state, "request_id", None) if request else None)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status,
                        media_type=PROBLEM, headers=headers)


def _ledger_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LedgerError)
    status, title = next((v for k, v in STATUS_OF.items() if isinstance(error, k)),
                         (409, "Refused"))
    errors = None
    if isinstance(error, InvalidRows):
        errors = [FieldError(field=field, rule=rule, message=message)
                  for field, rule, message in error.problems]
    elif isinstance(error, InvalidInput):
        errors = [FieldError(field=error.field, message=error.reason)]
    return problem(status, title, error.message, request,
                   rule=error.rule if status == 409 else None, errors=errors)


def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [FieldError(field=".".join(str(p) for p in e["loc"] if p != "body") or "body",
                         message=e["msg"]) for e in error.errors()]
    return problem(422, "Invalid input",
                   f"{len(errors)} field(s) are invalid; see errors for each", request,
                   errors=errors)


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    title = {401: "Unauthorized", 403: "Forbidden", 404: "Not found",
             405: "Method not allowed", 413: "Payload too large"}.get(error.status_code, "Error")
    headers = dict(getattr(error, "headers", None) or {})
    if error.status_code == 400:  # a body that is not JSON at all is invalid input too
        return problem(422, "Invalid input", "the body is not valid JSON", request,
                       errors=[FieldError(field="body", message=str(error.detail))])
    if error.status_code == 405:  # one path may be served by routes in several routers
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem(error.status_code, title, str(error.detail), request, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    return sorted({method for route in request.app.routes if isinstance(route, APIRoute)
                   and route.path_regex.match(request.url.path)
                   for method in route.methods or ()})


def _database_down(request: Request, error: Exception) -> JSONResponse:
    log.warning("database unavailable on %s %s (request %s): %s", request.method,
                request.url.path, getattr(request.state, "request_id", "-"), error)
    return problem(503, "Service unavailable",
                   "the database cannot be reached; retry shortly", request,
                   headers={"Retry-After": "5"})


def _not_caught_up(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, NotCaughtUp)
    return problem(503, "Not caught up", str(error), request, position=error.reached,
                   headers={"Retry-After": "1"})


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    # Starlette runs this handler outside the ``except`` block (in a worker thread, even), so
    # ``log.exception`` would find no current exception and print "NoneType: None".
    log.error("unexpected error on %s %s (request %s)", request.method, request.url.path,
              getattr(request.state, "request_id", "-"), exc_info=error)
    return problem(500, "Internal error",
                   "an unexpected error occurred; quote the request id when reporting it",
                   request)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LedgerError, _ledger_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(NotCaughtUp, _not_caught_up)
    for error_class in DATABASE_DOWN:
        app.add_exception_handler(error_class, _database_down)
    app.add_exception_handler(Exception, _unexpected)


def _example(status: int, title: str, detail: str, **more: Any) -> dict[str, Any]:
    slug = str(more.get("rule", title)).lower().replace(" ", "-").replace("_", "-")
    return {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail,
            "instance": "/v1/projects/0494e40a-1555-4720-8527-9458bb2f0808/scope-changes",
            **more, "request_id": "5f1c9a3e-8d2b-4f7a-9c61-2b0e4d7a9f13"}


# Every route documents these, each with an example body.
PROBLEM_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    401: ("Missing or unknown bearer token", _example(
        401, "Unauthorized", "send a valid token as `Authorization: Bearer <token>`")),
    403: ("Role or program scope does not allow it", _example(
        403, "Forbidden", "that program is outside this token's scope")),
    404: ("Unknown id", _example(
        404, "Not found", "no project with id 0494e40a-1555-4720-8527-9458bb2f0808")),
    409: ("A business rule refused it, or (`read_model_stale`) an event of this resource "
          "could not be applied to its read model; `rule` names which", _example(
        409, "Business rule violated", "the scope baseline is locked once work has started; "
        "cite a decision that lists this project as affected", rule="scope_baseline_locked")),
    412: ("If-Match does not match the current version", _example(
        412, "Precondition failed", "project 0494e40a-1555-4720-8527-9458bb2f0808 is at "
        "version 4, not 3; read it again and retry with the current version")),
    413: ("Body over the size limit", _example(
        413, "Payload too large", "the body exceeds 262144 bytes; send less")),
    422: ("Invalid input; `errors` lists the fields", _example(
        422, "Invalid input", "1 field(s) are invalid; see errors for each",
        errors=[{"field": "rationale", "message": "Field required"}])),
    503: ("Database unreachable (\"Service unavailable\": the primary, or a standby lost in the "
          "middle of a read), or the read models did not reach "
          "min_position in time (\"Not caught up\", with the position they reached); see "
          "Retry-After", _example(
              503, "Not caught up", "the read models have reached position 1206, not 1207 "
              "yet; retry shortly", position=1206)),
}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": description,
             "content": {PROBLEM: {"example": example}}}
    for status, (description, example) in PROBLEM_EXAMPLES.items()
}
