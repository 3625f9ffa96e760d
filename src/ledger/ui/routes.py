"""The pages: sign-in, programs, a program dashboard, a decision review, the audit timeline
and the verification status. Read-only; every figure comes from read models or replay."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ledger.access.tokens import authenticate
from ledger.api.deps import ServicesDep, require_scope
from ledger.api.routes.programs import today
from ledger.audit.verify import verify
from ledger.projections import benefits, decisions, dependencies, projects, risks
from ledger.projections.summary import get_program, list_programs
from ledger.projections.timeline import audit_timeline
from ledger.ui import charts
from ledger.ui.session import COOKIE, UiPrincipal, cookie_settings, require_auditor

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(prefix="/ui", include_in_schema=False)


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _page(request, "login.html", error=None)


@router.post("/login", response_model=None)
def login(request: Request, services: ServicesDep,
          token: Annotated[str, Form(max_length=200)]) -> Response:
    if authenticate(services.query_engine, token.strip()) is None:
        response = _page(request, "login.html", error="That token is not valid.")
        response.status_code = 401
        return response
    redirect = RedirectResponse("/ui", status_code=303)
    redirect.set_cookie(COOKIE, token.strip(), **cookie_settings(request))  # type: ignore[arg-type]
    return redirect


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    redirect = RedirectResponse("/ui/login", status_code=303)
    redirect.delete_cookie(COOKIE, path="/ui")
    return redirect


@router.get("", response_class=HTMLResponse)
def home(request: Request, principal: UiPrincipal, services: ServicesDep) -> HTMLResponse:
    with services.query_engine.connect() as connection:
        page = list_programs(connection, set(principal.programs)
                             if principal.programs is not None else None, limit=500)
    return _page(request, "programs.html", principal=principal, programs=page.items)


@router.get("/programs/{program_id}", response_class=HTMLResponse)
def dashboard(request: Request, program_id: UUID, principal: UiPrincipal,
              services: ServicesDep) -> HTMLResponse:
    require_scope(principal, program_id)
    with services.query_engine.connect() as connection:
        summary = get_program(connection, program_id)
        project_list = projects.list_projects(connection, program_id, limit=500).items
        benefit_list = benefits.list_benefits(connection, program_id, limit=500).items
        heat = {(c.likelihood, c.impact): c.count
                for c in risks.heat_map(connection, program_id)}
        dependency_list = dependencies.list_dependencies(connection, program_id, today(),
                                                         limit=500).items
        decision_list = decisions.list_decisions(connection, program_id, limit=500).items
    names = {p.id: p.name for p in project_list}
    measured = [b for b in benefit_list if b.realization is not None]
    chart = charts.realization_bars([b.name for b in measured],
                                    [b.realization or 0.0 for b in measured])
    return _page(request, "dashboard.html", principal=principal, program=summary,
                 projects=project_list, benefits=benefit_list, heat=heat,
                 dependencies=dependency_list, decisions=decision_list, names=names,
                 realization_chart=chart)


@router.get("/decisions/{decision_id}", response_class=HTMLResponse)
def decision_review(request: Request, decision_id: UUID, principal: UiPrincipal,
                    services: ServicesDep) -> HTMLResponse:
    require_scope(principal, services.ledger.program_of(decision_id))
    review = services.ledger.review_decision(decision_id)
    decision = review.decision
    # The first benefits get a chart each; the rest, however many, one row each in a table.
    charted = review.benefits[:charts.MAX_CHARTS_PER_PAGE]
    figures = []
    with services.query_engine.connect() as connection:
        for outcome in charted:
            view = benefits.get_benefit(connection, outcome.benefit_id)
            profile = view.profile or {}
            figures.append((outcome, charts.benefit_series(
                view.name, view.unit, [(m.effective_at, m.value) for m in view.measurements],
                profile.get("baseline_value"), profile.get("target_value"),
                decision.taken_at, f"decision {decision.taken_at:%d %b %Y}")))
    return _page(request, "decision.html", principal=principal, review=review,
                 decision=decision, figures=figures,
                 uncharted=review.benefits[charts.MAX_CHARTS_PER_PAGE:])


@router.get("/audit", response_class=HTMLResponse)
def timeline(request: Request, principal: UiPrincipal, services: ServicesDep,
             program_id: Annotated[str, Query(max_length=36)] = "",
             actor: Annotated[str, Query(max_length=64)] = "",
             type: Annotated[str, Query(max_length=64)] = "",
             after: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    """Form fields arrive as text, empty when unused; only filled ones filter."""
    require_auditor(principal)
    with services.query_engine.connect() as connection:
        page = audit_timeline(
            connection, program_id=_uuid_or_none(program_id), actor=actor or None,
            event_type=type or None, after=int(after) if after.isdigit() else None, limit=100)
    return _page(request, "audit.html", principal=principal, entries=page.items,
                 filters={"program_id": program_id or "", "actor": actor or "",
                          "type": type or "", "after": after or ""})


def _uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


@router.get("/verify", response_class=HTMLResponse)
def verification(request: Request, principal: UiPrincipal,
                 services: ServicesDep) -> HTMLResponse:
    require_auditor(principal)
    result = verify(services.query_engine, services.signing_key.public_key())
    return _page(request, "verify.html", principal=principal, result=result)
