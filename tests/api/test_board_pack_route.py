"""GET /v1/programs/{id}/board-pack in its three forms, on both backends, with bad input
refused as a 422 naming the parameter."""

from __future__ import annotations

import uuid

import pytest

from ledger.api.security_headers import csp_hash
from ledger.demo import load_demo
from ledger.domain.program import program_id_for_code
from tests.api.conftest import Api
from tests.api.test_ui_access import signed_in

PATH = f"/v1/programs/{program_id_for_code('ERP-TRANSFORM')}/board-pack"


@pytest.fixture
def demo_api(api: Api) -> Api:
    assert load_demo(api.client.app.state.services.ledger) is not None  # type: ignore[attr-defined]
    return api


def test_the_manifest_page_and_pdf_of_one_pack(demo_api: Api) -> None:
    dates = {"as_of": "2026-03-23", "since": "2026-01-12"}
    manifest = demo_api.get(PATH, role="viewer", **dates).json()
    assert (manifest["as_of"], manifest["since"]) == ("2026-03-23", "2026-01-12")
    assert manifest["checkpoint"]["id"] is None  # none signed: the pack says so
    assert manifest["knowledge"].startswith("no checkpoint has been signed yet: the head of "
                                            "the log, position ")
    assert "Data migration went red (reason: Mock load 2 rejected 14% of customer records)." \
        in manifest["sections"]["changes"]
    # The proposals section (#16) is there, named; none was open on that date.
    assert manifest["sections"]["escalations"]["proposals_awaiting_decision"] == {
        "title": "Proposals awaiting a decision", "lines": []}
    assert manifest["figures"][manifest["sections"]["headline"]["status"]]["value"] == "active"
    page = demo_api.get(PATH, format="html", **dates)
    assert page.headers["content-type"].startswith("text/html")
    assert "No signed checkpoint covers this position yet" in page.text
    # The browser may apply the page's stylesheet: its hash is in the policy.
    css = page.text.split("<style>", 1)[1].split("</style>", 1)[0]
    assert csp_hash(css) in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    pdf = demo_api.get(PATH, format="pdf", **dates)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "ERP-TRANSFORM-board-pack-2026-03-23.pdf" in pdf.headers["content-disposition"]


def test_an_id_that_is_no_program_is_a_404(demo_api: Api) -> None:
    ledger = demo_api.client.app.state.services.ledger  # type: ignore[attr-defined]
    [project_id, *_] = ledger.program_as_of(program_id_for_code("ERP-TRANSFORM")).program \
        .component_ids("project")
    for missing in (project_id, uuid.uuid4()):
        response = demo_api.get(f"/v1/programs/{missing}/board-pack")
        assert response.status_code == 404, response.text
        assert f"no program with id {missing}" in response.json()["detail"]


@pytest.mark.parametrize(("params", "field"), [
    ({"as_of": "2026-01-12", "since": "2026-03-23"}, "since"),
    ({"as_of": "23/03/2026"}, "as_of"),
    ({"format": "docx"}, "format"),
    ({"position": "-1"}, "position"),
    ({"position": "999999"}, "position"),
])
def test_bad_input_is_a_422_naming_the_parameter(demo_api: Api, params: dict[str, str],
                                                 field: str) -> None:
    response = demo_api.get(PATH, **params)
    assert response.status_code == 422, response.text
    assert field in response.text


def test_the_ui_page_links_its_stylesheet_and_its_figures_to_the_timeline(
        demo_api: Api) -> None:
    browser = signed_in(demo_api, "viewer")
    program = program_id_for_code("ERP-TRANSFORM")
    dashboard = browser.get(f"/ui/programs/{program}")
    assert f'href="/ui/programs/{program}/board-pack"' in dashboard.text
    page = browser.get(f"/ui/programs/{program}/board-pack",
                       params={"as_of": "2026-03-23", "since": "2026-01-12"})
    assert page.status_code == 200, page.text
    assert '<link rel="stylesheet" href="/ui/board-pack.css">' in page.text
    assert "<style>" not in page.text.split("<svg", 1)[0]  # none inline before the charts
    assert 'href="/ui/audit?program=ERP-TRANSFORM&amp;after=' in page.text
    stylesheet = browser.get("/ui/board-pack.css")
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert "@page { size: A4 landscape" in stylesheet.text
    assert browser.get(f"/ui/programs/{program}/board-pack",
                       params={"format": "pdf"}).content.startswith(b"%PDF")
    refused = browser.get(f"/ui/programs/{program}/board-pack", params={"as_of": "2026-13-01"})
    assert refused.status_code == 422 and "as_of" in refused.text
