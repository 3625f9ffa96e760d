"""The web UI keeps every rule of the API: each page × each role × in and out of scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from ledger.ui.board_pack import router as pack_router
from ledger.ui.routes import router as ui_router
from tests.api.conftest import ROLES, Api, World, propose_with_a_refusal


@dataclass
class UiWorld(World):
    """The world, with a proposal whose options its page compares."""

    proposal: UUID


Page = tuple[str, Callable[[UiWorld], str]]
READ, WRITE, TIMELINE, WHOLE_LOG = "read", "write", "timeline", "whole log"
PAGES: list[Page] = [
    (READ, lambda w: f"/ui/programs/{w.program}"),
    (READ, lambda w: f"/ui/decisions/{w.decision}"),
    (READ, lambda w: f"/ui/programs/{w.program}/board-pack"),
    (WRITE, lambda w: f"/ui/proposals/{w.proposal}"),  # as the API's comparison
    (TIMELINE, lambda w: f"/ui/audit?program_id={w.program}"),
    (TIMELINE, lambda w: "/ui/audit"),  # every program: needs a token for all of them
    (WHOLE_LOG, lambda w: "/ui/verify"),
]
ALLOWED = {READ: set(ROLES), WRITE: {"editor", "admin"},
           TIMELINE: {"editor", "auditor", "admin"}, WHOLE_LOG: {"auditor", "admin"}}
# Pages anyone signed in may open, that show only what the token's scope holds.
OPEN_TO_ALL = {"/ui"}
PUBLIC = {"/ui/login", "/ui/logout", "/ui/board-pack.css"}


def csrf_token(client: TestClient) -> str:
    page = client.get("/ui/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def signed_in(api: Api, token_name: str) -> TestClient:
    """A browser of its own (its own cookie jar) signed in with that token."""
    browser = TestClient(api.client.app, base_url="http://testserver")
    response = browser.post("/ui/login", data={"token": api.tokens[token_name],
                                               "csrf_token": csrf_token(browser)},
                            follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/ui"
    return browser


@pytest.fixture
def ui_world(api: Api, world: World) -> UiWorld:
    return UiWorld(**vars(world), proposal=propose_with_a_refusal(api, world))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_ui_page_access_by_role_and_scope(api: Api, ui_world: UiWorld, page: Page) -> None:
    kind, path = page
    world = ui_world
    url = path(world)
    anonymous = TestClient(api.client.app).get(url, follow_redirects=False)
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/ui/login")
    for role in ROLES:
        for in_scope in (False, True):
            browser = signed_in(api, role if in_scope else f"{role}-elsewhere")
            response = browser.get(url, follow_redirects=False)
            assert response.headers["content-type"].startswith("text/html")
            if role in ALLOWED[kind] and in_scope:
                assert response.status_code == 200, (role, in_scope, response.text)
            else:
                assert response.status_code == 403, (role, in_scope, response.text)
                assert "<h1>Forbidden</h1>" in response.text
                detail = re.search(r'role="alert"[^>]*>([^<]*)<', response.text)
                assert detail is not None and str(world.program) not in detail.group(1)
                # Nothing of the program leaks: not its events' actors, not its decisions.
                assert "editor.one" not in response.text
                assert "Defer warehouse" not in response.text
                assert "Spring capacity" not in response.text


def test_a_scoped_auditor_sees_none_of_another_programs_events_in_the_ui(
        api: Api, world: World) -> None:
    """The issue's finding: /ui/audit with another program's id, or with none, showed it."""
    api.post("/v1/audit/checkpoints", role="admin")
    browser = signed_in(api, "auditor-elsewhere")
    for url in (f"/ui/audit?program_id={world.program}", "/ui/audit", "/ui/verify",
                f"/ui/programs/{world.program}", f"/ui/decisions/{world.decision}"):
        response = browser.get(url)
        assert response.status_code == 403, url
        assert "ERP transformation" not in response.text and "editor.one" not in response.text
    home = browser.get("/ui")
    assert home.status_code == 200 and "ERP transformation" not in home.text
    assert "/ui/verify" not in home.text  # no link to what it may not open
    own = signed_in(api, "auditor").get(f"/ui/audit?program_id={world.program}")
    assert own.status_code == 200 and "editor.one" in own.text


def test_a_viewer_typing_an_audit_url_gets_an_html_page(api: Api, world: World) -> None:
    response = signed_in(api, "viewer").get("/ui/audit")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "viewer&#39; cannot replay history" in response.text
    unknown = signed_in(api, "admin").get(f"/ui/decisions/{world.program}-x")
    assert unknown.status_code == 422 and unknown.headers["content-type"].startswith("text/html")
    # The API keeps answering in problem+json.
    assert api.get("/v1/audit/events", role="viewer").headers["content-type"] == \
        "application/problem+json"


def test_bad_timeline_filters_are_a_422_page_naming_each_one(api: Api, world: World) -> None:
    browser = signed_in(api, "admin")
    for query, named in (("after=%C2%B3", "After position: “³” is not a position"),
                         ("program_id=not-a-program", "no program you may see has the code"),
                         ("program=----", "“----”"),
                         ("type=Nonsense+happened", "no recorded event is called")):
        response = browser.get(f"/ui/audit?{query}")
        assert response.status_code == 422, query
        assert 'role="alert"' in response.text and named in response.text, query
        assert 'name="program"' in response.text  # the form is there to correct it
        assert "<tbody>" not in response.text  # and nothing was searched


def test_a_scoped_reader_cannot_learn_another_programs_code(api: Api, world: World) -> None:
    code = api.get(f"/v1/programs/{world.program}").json()["code"]
    own = signed_in(api, "auditor").get(f"/ui/audit?program={code.lower()}")
    assert own.status_code == 200 and "editor.one" in own.text
    elsewhere = signed_in(api, "auditor-elsewhere").get(f"/ui/audit?program={code}")
    unknown = signed_in(api, "auditor-elsewhere").get("/ui/audit?program=NO-SUCH-CODE")
    assert elsewhere.status_code == unknown.status_code == 422
    assert "no program you may see" in elsewhere.text


def test_every_ui_page_is_in_the_matrix(ui_world: UiWorld) -> None:
    world = ui_world
    paths = {route.path for router in (ui_router, pack_router) for route in router.routes
             if isinstance(route, APIRoute)}
    assert "/ui/verify" in paths
    covered = {re.sub(r"[0-9a-f-]{36}", "{id}", path(world).partition("?")[0])
               for _, path in PAGES}
    normalised = {re.sub(r"\{\w+\}", "{id}", p) for p in paths}
    assert normalised - PUBLIC - OPEN_TO_ALL == covered
