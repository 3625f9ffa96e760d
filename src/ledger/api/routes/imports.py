"""Imports: a CSV or XLSX file of benefit measurements, checked row by row, then recorded all
or nothing (or, as a dry run, only reported)."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from ledger.access.authorization import may_post_commands, require_program
from ledger.api.commands import raw_body
from ledger.api.deps import PrincipalDep, provenance
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.imports import ImportOut
from ledger.application.commands.fields import LINE
from ledger.application.imports.measurements import ImportOptions, import_measurements
from ledger.domain.errors import InvalidInput
from ledger.services import ServicesDep

router = APIRouter(tags=["benefits"], responses=PROBLEM_RESPONSES)
# Bodies on these paths are files: their own limit (import_max_bytes) replaces the JSON one.
UPLOADS = re.compile(r"^/v1/programs/[^/]+/imports/")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_BODY = {"requestBody": {"required": True, "description": (
    "The file's bytes as the body: CSV (UTF-8; commas, semicolons or tabs) or XLSX (its "
    "first sheet). The header names the columns benefit (name or id), value, effective_at "
    "(a date, or a date-time with its zone), source and, optionally, note."),
    "content": {media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("text/csv", XLSX, "application/octet-stream")}}}


@router.post("/programs/{program_id}/imports/measurements", response_model=ImportOut,
             status_code=201, openapi_extra=FILE_BODY,
             responses={200: {"model": ImportOut, "description": "A dry run, or a file whose "
                              "rows were all recorded before: nothing was written."}})
def import_measurement_file(
    program_id: UUID, request: Request, services: ServicesDep, principal: PrincipalDep,
    content: Annotated[bytes, Depends(raw_body)],
    dry_run: Annotated[bool, Query(description="Report what would be recorded and what is "
                                               "refused; write nothing.")] = False,
    corrections: Annotated[bool, Query(description=(
        "Turn a row that changes a value already recorded for that benefit and date into a "
        "correction of it (needs `reason`); without it such a row is refused."))] = False,
    reason: Annotated[str | None, Query(
        min_length=1, max_length=2000, pattern=LINE,
        description="Why the corrections are made; recorded on each.")] = None,
    filename: Annotated[str, Query(max_length=200, pattern=LINE, description=(
        "The file's name, recorded beside its SHA-256 for people to recognise it."))] = "",
) -> JSONResponse:
    """Import benefit measurements from a file: one transaction, so any refused row refuses
    the whole file (422, every bad row listed by row, column and rule); re-importing a file
    writes nothing. Each event records the file's SHA-256 and its row."""
    may_post_commands(principal)
    require_program(principal, program_id)
    if request.headers.get("content-type", "").lower().startswith("multipart/"):
        raise InvalidInput("body", "send the file's own bytes as the body (curl "
                                   "--data-binary @file.xlsx), not a multipart form")
    by = provenance(request, principal)
    report = import_measurements(services.ledger, program_id, by, content, filename,
                                 ImportOptions(dry_run, corrections, reason))
    if report.writes and not report.dry_run:
        services.recorded()
    body = ImportOut.of(report).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if report.position is not None else 200)
