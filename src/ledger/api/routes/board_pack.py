"""The board pack of a program: the steering committee's pack cut from the log as of a date,
as its JSON manifest, a page, or a PDF (``ledger.pack``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ledger.api.deps import ReaderDep, require_scope
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.security_headers import CONTENT_SECURITY_POLICY, csp_hash
from ledger.application.commands.times import IsoDate
from ledger.pack import PackRequest, build_pack
from ledger.pack.manifest import to_manifest
from ledger.pack.render import PACK_CSS, render_html, render_pdf
from ledger.projections.pages import MAX_POSITION
from ledger.services import ServicesDep

router = APIRouter(tags=["reports"], responses=PROBLEM_RESPONSES)
# The page's own inline stylesheet is allowed by its hash, and nothing else inline.
PAGE_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'",
                                              f"style-src 'self' {csp_hash(PACK_CSS)}", 1)

FORMATS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The pack: its manifest (json), a page (html) or a PDF (pdf).",
          "content": {"application/json": {}, "text/html": {}, "application/pdf": {}}}}


@router.get("/programs/{program_id}/board-pack", response_class=Response, responses=FORMATS)
def get_board_pack(
    program_id: UUID, principal: ReaderDep, services: ServicesDep,
    as_of: Annotated[IsoDate | None, Query(description=(
        "The date the pack is cut at (YYYY-MM-DD): the program as it stood at the end of "
        "that day. Default today."))] = None,
    since: Annotated[IsoDate | None, Query(description=(
        "The previous pack's date, before as_of (422 otherwise): what changed and which "
        "decisions were taken since."))] = None,
    position: Annotated[int | None, Query(ge=0, le=MAX_POSITION, description=(
        "What the log knew: events up to this position. Default the position of the last "
        "checkpoint signed by the end of as_of (what the ledger knew then), or of the "
        "latest when none was; past the head: 422."))] = None,
    format: Annotated[Literal["json", "html", "pdf"], Query(description=(
        "json: the manifest (every figure with its positions, the checkpoint); html: "
        "figures link to the audit timeline; pdf: A4 landscape, figures footnoted."))]
    = "json",
) -> Response:
    """The steering committee's pack, replayed from the log: headline, changes since the last
    pack, escalations, benefits against the business case and decisions, every figure with
    the log positions it was derived from, under a signed checkpoint."""
    require_scope(principal, program_id)
    pack = build_pack(services.ledger, services.query_engine, PackRequest(
        program_id, as_of or datetime.now(UTC).date(), since, position))
    name = f"{pack.code}-board-pack-{pack.as_of.isoformat()}"
    if format == "html":
        return HTMLResponse(render_html(pack),
                            headers={"Content-Security-Policy": PAGE_POLICY})
    if format == "pdf":
        return Response(render_pdf(pack), media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}.pdf"'})
    return JSONResponse(to_manifest(pack))
