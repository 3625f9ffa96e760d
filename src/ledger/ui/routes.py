"""The pages: sign-in, programs, a program dashboard, a decision review, a proposal's options
side by side, the audit timeline and the verification status. Read-only (a comparison
simulates, and records nothing); every figure comes from read models or replay. Every page
asks the same rules as the API (``ledger.access.authorization``)."""

from __future__ import annotations

from datetime import date as date_type
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Connection

from ledger.access.authorization import (
    Forbidden,
    component_program,
    may_audit_whole_log,
    may_post_commands,
    may_read,
    may_read_timeline,
    may_replay,
    require_program,
)
from ledger.access.sessions import end_session, start_session
from ledger.access.tokens import Principal
from ledger.application.replay import ProgramAsOf
from ledger.audit.verify import verify
from ledger.domain.base import Provenance
from ledger.domain.errors import InvalidInput
from ledger.domain.project import RAG_DIMENSIONS
from ledger.domain.proposal import Proposal
from ledger.projections import benefits, resources
from ledger.projections.dependencies import today
from ledger.projections.names import entity_names
from ledger.projections.summary import get_program, list_programs
from ledger.projections.timeline import audit_timeline
from ledger.services import Services, ServicesDep
from ledger.ui import charts, csrf, wording
from ledger.ui.audit_filters import read_filters
from ledger.ui.board import TREND_LENGTH, exposure_band
from ledger.ui.board_now import board_now
from ledger.ui.board_then import Then, board_then, end_of
from ledger.ui.changes import entity_changes
from ledger.ui.comparison import comparison, open_proposals
from ledger.ui.prediction import error_summary, prediction_rows
from ledger.ui.session import (
    COOKIE,
    UiPrincipal,
    clear_session_cookie,
    lifetime,
    set_session_cookie,
)

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters.update(
    number=wording.number, signed=wording.signed, money=wording.money,
    verdict=wording.verdict, linked_positions=wording.linked_positions,
    count_of=wording.count_of)
templates.env.globals.update(event_link=wording.event_link)
templates.env.globals.update(band=exposure_band)
router = APIRouter(prefix="/ui", include_in_schema=False)
PAGE_SIZE = 100  # timeline events per page
DATE_OR_EMPTY = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"
DIGITS_OR_EMPTY = "^[0-9]*$"


def render(request: Request, name: str, status_code: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """A rendered page; its forms carry the CSRF token, and a new one is set as a cookie."""
    response = templates.TemplateResponse(
        request, name, {"principal": None, **context, "csrf_token": csrf.form_token(request)},
        status_code=status_code, headers=headers)
    csrf.remember(request, response)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", error=None)


@router.post("/login", response_model=None, dependencies=[csrf.VerifiedForm])
def login(request: Request, services: ServicesDep,
          token: Annotated[str, Form(max_length=200)]) -> Response:
    session_id = start_session(services.query_engine, token.strip(),
                               lifetime(services.settings))
    if session_id is None:
        return render(request, "login.html", status_code=401, error="That token is not valid.")
    redirect = RedirectResponse("/ui", status_code=303)
    set_session_cookie(request, redirect, session_id, services.settings)
    csrf.remember(request, redirect, renew=True)
    return redirect


@router.post("/logout", dependencies=[csrf.VerifiedForm])
def logout(request: Request, services: ServicesDep) -> RedirectResponse:
    if session_id := request.cookies.get(COOKIE):
        end_session(services.query_engine, session_id)
    redirect = RedirectResponse("/ui/login", status_code=303)
    clear_session_cookie(redirect)
    csrf.remember(request, redirect, renew=True)
    return redirect


@router.get("", response_class=HTMLResponse)
def home(request: Request, principal: UiPrincipal, services: ServicesDep) -> HTMLResponse:
    may_read(principal)
    with services.query_engine.connect() as connection:
        page = list_programs(connection, set(principal.programs)
                             if principal.programs is not None else None, limit=500)
    return render(request, "programs.html", principal=principal, programs=page.items)


@router.get("/programs/{program_id}", response_class=HTMLResponse)
def dashboard(request: Request, program_id: UUID, principal: UiPrincipal,
              services: ServicesDep,
              date: Annotated[str, Query(max_length=10, pattern=DATE_OR_EMPTY)] = "",
              position: Annotated[str, Query(max_length=18, pattern=DIGITS_OR_EMPTY)] = "",
              ) -> HTMLResponse:
    """Today from the read models; with a date or a position, as it stood then (replayed)."""
    may_read(principal)
    require_program(principal, program_id)
    then = None
    with services.query_engine.connect() as connection:
        summary = get_program(connection, program_id)
        if date or position:
            then, state = _as_of(services, program_id, date, position)
            board = board_then(connection, state, then.date)
        else:
            board = board_now(connection, program_id)
    titles = {d.id: d.title for d in board.decisions}
    # Proposals are for those who may decide them (as in the API); today's only.
    proposals = open_proposals(services.ledger, program_id) \
        if _may_compare(principal) and not then else None
    return render(request, "dashboard.html", principal=principal, program=summary,
                  board=board, then=then, decision_titles=titles, proposals=proposals,
                  dimensions=RAG_DIMENSIONS, trend_length=TREND_LENGTH)


def _may_compare(principal: Principal) -> bool:
    try:
        may_post_commands(principal)
    except Forbidden:
        return False
    return True


def _as_of(services: Services, program_id: UUID, day_text: str,
           position_text: str) -> tuple[Then, ProgramAsOf]:
    """The replayed program at ``position`` (default: the head), as it stood at the end of
    ``day`` (default: today)."""
    head = services.ledger.head_position()
    position = int(position_text) if position_text else head
    if not 1 <= position <= head:
        raise InvalidInput("position", f"give a position from 1 to {head}, the log's head")
    try:
        day = date_type.fromisoformat(day_text) if day_text else today()
    except ValueError:
        raise InvalidInput("date", "give a date as YYYY-MM-DD") from None
    state = services.ledger.program_as_of(program_id, position=position,
                                          effective=end_of(day))
    return Then(day, state.resolved_position, head, state.note), state


@router.get("/decisions/{decision_id}", response_class=HTMLResponse)
def decision_review(request: Request, decision_id: UUID, principal: UiPrincipal,
                    services: ServicesDep) -> HTMLResponse:
    may_read(principal)
    component_program(principal, services.ledger.program_of, decision_id)
    review = services.ledger.review_decision(decision_id)
    decision = review.decision
    # The first benefits get a chart each; the rest, however many, one row each in a table.
    charted = review.benefits[:charts.MAX_CHARTS_PER_PAGE]
    figures = []
    with services.query_engine.connect() as connection:
        # Options name benefits by id; the page names them as the board knows them.
        listed = benefits.list_benefits(connection, decision.program_id, limit=500).items
        benefit_names = {key: b.name for b in listed for key in (str(b.id), b.id.hex)}
        for outcome in charted:
            view = benefits.get_benefit(connection, outcome.benefit_id)
            profile = view.profile or {}
            figures.append((outcome, charts.benefit_series(
                view.name, view.unit, [(m.effective_at, m.value) for m in view.measurements],
                profile.get("baseline_value"), profile.get("target_value"),
                decision.taken_at, f"decision {decision.taken_at:%d %b %Y}")))
        predicted = None if review.prediction is None else (
            prediction_rows(review.prediction, _units(connection, decision.program_id,
                                                      listed)),
            error_summary(review.prediction))
    return render(request, "decision.html", principal=principal, review=review,
                  decision=decision, figures=figures, benefit_names=benefit_names,
                  uncharted=review.benefits[charts.MAX_CHARTS_PER_PAGE:],
                  predicted=predicted, may_compare=_may_compare(principal))


def _units(connection: Connection, program_id: UUID,
           listed: list[benefits.BenefitView]) -> dict[tuple[str, str], str]:
    """The unit of each benefit and resource of the program, as a prediction names them."""
    return {("benefits", str(b.id)): b.unit for b in listed} | {
        ("resources", str(r.id)): r.unit
        for r in resources.list_resources(connection, program_id, limit=500).items}


@router.get("/proposals/{proposal_id}", response_class=HTMLResponse)
def proposal_comparison(request: Request, proposal_id: UUID, principal: UiPrincipal,
                        services: ServicesDep) -> HTMLResponse:
    """Every option simulated against the program as it stands, side by side; nothing is
    written. For those who may decide it, as ``GET /v1/proposals/{id}/comparison``."""
    may_post_commands(principal)
    program_id = component_program(principal, services.ledger.program_of, proposal_id)
    proposal = services.ledger.load(proposal_id, Proposal)
    by = Provenance(actor=principal.id,
                    correlation_id=getattr(request.state, "request_id", None))
    compared = comparison(proposal, services.ledger.compare(proposal_id, by))
    with services.query_engine.connect() as connection:
        program = get_program(connection, program_id)
    return render(request, "proposal.html", principal=principal, program=program,
                  proposal=proposal, compared=compared)


@router.get("/audit", response_class=HTMLResponse)
def timeline(request: Request, principal: UiPrincipal, services: ServicesDep,
             program: Annotated[str, Query(max_length=64)] = "",
             program_id: Annotated[str, Query(max_length=64)] = "",
             actor: Annotated[str, Query(max_length=64)] = "",
             type: Annotated[str, Query(max_length=64)] = "",
             after: Annotated[str, Query(max_length=32)] = "",
             cursor: Annotated[str, Query(max_length=200)] = "",
             ) -> HTMLResponse:
    """Form fields arrive as text, empty when unused; only filled ones filter. Unreadable
    ones are named on the page (a 422), with the form to correct them."""
    may_replay(principal)
    visible = set(principal.programs) if principal.programs is not None else None
    with services.query_engine.connect() as connection:
        filters = read_filters(connection, program or program_id, actor, type, after, visible)
        if filters.problems:
            return render(request, "audit.html", status_code=422, principal=principal,
                          entries=[], changes={}, filters=filters, next_page=None)
        may_read_timeline(principal, filters.program_id)
        page = audit_timeline(
            connection, program_id=filters.program_id, actor=filters.actor or None,
            event_type=filters.event_type, after=filters.after_position,
            limit=PAGE_SIZE, cursor=cursor or None)
        names = entity_names(connection, {e.program_id for e in page.items if e.program_id})
    changes = entity_changes(services.ledger,
                             [(e.aggregate_id, e.version) for e in page.items], names)
    next_page = (f"/ui/audit?{urlencode(filters.query(cursor=page.next_cursor))}"
                 if page.next_cursor else None)
    return render(request, "audit.html", principal=principal, entries=page.items,
                  changes=changes, filters=filters, next_page=next_page,
                  first_page=f"/ui/audit?{urlencode(filters.query())}" if cursor else None)


@router.get("/verify", response_class=HTMLResponse)
def verification(request: Request, principal: UiPrincipal,
                 services: ServicesDep) -> HTMLResponse:
    may_audit_whole_log(principal, "verify the whole log")
    result = verify(services.query_engine, services.signing_key.public_key())
    return render(request, "verify.html", principal=principal, result=result)
