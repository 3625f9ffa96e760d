"""The board pack as a page of the UI (signed in, so its figures' links to the audit
timeline open), or as its PDF; the same pack the API and `ledger board-pack` cut."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from ledger.access.authorization import may_read, require_program
from ledger.domain.errors import InvalidInput
from ledger.pack import PackRequest, build_pack
from ledger.pack.render import PACK_CSS, render_html, render_pdf
from ledger.projections.dependencies import today
from ledger.services import ServicesDep
from ledger.ui.session import UiPrincipal

router = APIRouter(prefix="/ui", include_in_schema=False)
DATE_OR_EMPTY = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"
STYLESHEET = "/ui/board-pack.css"  # 'self': the page needs no inline style allowed


@router.get("/board-pack.css")
def board_pack_stylesheet() -> Response:
    return Response(PACK_CSS, media_type="text/css")


@router.get("/programs/{program_id}/board-pack", response_model=None)
def board_pack_page(
    program_id: UUID, principal: UiPrincipal, services: ServicesDep,
    as_of: Annotated[str, Query(max_length=10, pattern=DATE_OR_EMPTY)] = "",
    since: Annotated[str, Query(max_length=10, pattern=DATE_OR_EMPTY)] = "",
    format: Annotated[Literal["html", "pdf"], Query()] = "html",
) -> Response:
    may_read(principal)
    require_program(principal, program_id)
    pack = build_pack(services.ledger, services.query_engine, PackRequest(
        program_id, _day("as_of", as_of) or today(), _day("since", since)))
    if format == "pdf":
        return Response(render_pdf(pack), media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{pack.code}-board-pack-'
                                   f'{pack.as_of.isoformat()}.pdf"'})
    return HTMLResponse(render_html(pack, stylesheet=STYLESHEET))


def _day(name: str, text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidInput(name, "give a date as YYYY-MM-DD") from None
