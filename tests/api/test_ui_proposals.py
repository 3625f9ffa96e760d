"""The proposal page (options side by side: refusals with their rule, changes with sign and
unit, resource load per option), its link from the program page, and the decision review's
"Predicted against actual" (issue 16)."""

from __future__ import annotations

import html
import re
from typing import Any
from uuid import UUID

from tests.api.conftest import Api, World, propose_with_a_refusal
from tests.api.test_ui_access import signed_in


def _head(api: Api) -> int:
    head: int = api.get("/readyz").json()["projection"]["head"]
    return head


def _text(fragment: str) -> str:
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([:;,.])", r"\1", words)


def _rows(page: str, table_class: str) -> dict[str, list[str]]:
    """Each row of the table, by its header's text: its cells' texts."""
    table = re.search(rf'<table class="{table_class}">(.*?)</table>', page, re.S)
    assert table is not None, f"no table {table_class}"
    return {_text(header): [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells,
                                                              re.S)]
            for header, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>',
                                            table.group(1), re.S)}


def _columns(page: str) -> dict[str, str]:
    """Each option's column, by its key."""
    return {key: body for key, body in re.findall(
        r'<section class="option[^"]*"[^>]*>\s*<h3[^>]*>Option ([\w-]+)</h3>(.*?)</section>',
        page, re.S)}


def test_the_options_side_by_side_with_refusals_changes_and_load(api: Api,
                                                                 world: World) -> None:
    proposal = propose_with_a_refusal(api, world)
    compared = api.get(f"/v1/proposals/{proposal}/comparison").json()
    head = _head(api)
    response = signed_in(api, "editor").get(f"/ui/proposals/{proposal}")
    assert response.status_code == 200, response.text[:2000]
    page = response.text
    assert "<h1>Spring capacity" in page and 'id="proposal-status">open<' in page
    assert "Hire, stretch the team or defer the build?" in page
    assert f"position {compared['resolved_position']}</a> of the log" in page
    assert f'href="/ui/programs/{world.program}"' in page

    columns = _columns(page)
    assert list(columns) == ["hire", "stretch", "defer"]
    refused = re.findall(r'<li class="step refused">(.*?)</li>', columns["defer"], re.S)
    assert len(refused) == 1
    assert "deliverable_closed" in refused[0] and "options.defer.commands[0]" in refused[0]
    assert "this option cannot be decided as it stands" in columns["defer"]
    for key in ("hire", "stretch"):
        assert "step refused" not in columns[key] and "steps accepted" in columns[key]
    assert "Resource capacity changed" in _text(columns["hire"])  # an event's summary

    rows = _rows(page, "compare")  # cells: as it stands, hire, stretch, defer
    assert rows["SAP specialists: 2026-02 allocated"] == [
        "1.5 FTE", "+1.5 FTE to 3 FTE", "+1.5 FTE to 3 FTE", "no change"]
    assert rows["SAP specialists: capacity"] == [
        "2 FTE", "+1 FTE to 3 FTE", "no change", "no change"]
    assert rows["SAP specialists: 2026-02 over capacity"][2] == "+1 FTE to 1 FTE"
    assert rows["SAP specialists: 2026-02 governed"][2] == "yes"
    assert rows["Data quality: exposure"] == ["12 exposure", "−8 exposure to 4 exposure",
                                              "no change", "no change"]
    assert rows["ERP transformation: over-allocated months"][1:] == ["no change", "+1 to 1",
                                                                     "no change"]

    charts = page[page.index('id="resource-load"'):]
    assert charts.count("<svg") == 1
    assert "SAP specialists: monthly load against capacity, per option" in charts
    for panel in ("As it stands", "Option hire", "Option stretch", "Option defer"):
        assert panel in charts
    assert _head(api) == head  # the page simulated; it recorded nothing


def test_the_program_page_lists_open_proposals_to_those_who_may_compare(
        api: Api, world: World) -> None:
    proposal = propose_with_a_refusal(api, world)
    link = f'<a href="/ui/proposals/{proposal}">Spring capacity</a>'
    for role in ("editor", "admin"):
        page = signed_in(api, role).get(f"/ui/programs/{world.program}").text
        assert link in page and "hire, stretch, defer" in page, role
    viewer = signed_in(api, "viewer").get(f"/ui/programs/{world.program}")
    assert viewer.status_code == 200
    assert "/ui/proposals/" not in viewer.text and "Open proposals" not in viewer.text
    assert api.post(f"/v1/proposals/{proposal}/withdraw",
                    {"reason": "the vendor fixed it"}).status_code == 201
    after = signed_in(api, "editor").get(f"/ui/programs/{world.program}").text
    assert link not in after and "No open proposals." in after
    withdrawn = signed_in(api, "editor").get(f"/ui/proposals/{proposal}").text
    assert 'id="proposal-status">withdrawn<' in withdrawn and "if_position" not in withdrawn


def _decide_hire_then_release_half(api: Api, world: World, proposal: UUID) -> dict[str, Any]:
    decided = api.post(f"/v1/proposals/{proposal}/decide", {
        "chosen_option": "hire", "rationale": "build on time", "tradeoffs": "EUR 40k"})
    assert decided.status_code == 201, decided.text
    body: dict[str, Any] = decided.json()
    resource = api.get(f"/v1/resources/{world.resource}", min_position=body["position"]).json()
    (february,) = [m for m in resource["months"] if m["month"] == "2026-02"]
    new = next(a for a in february["allocations"] if a["decision_id"] == body["decision_id"])
    released = api.post(f"/v1/resources/{world.resource}/allocations/{new['id']}/release",
                        {"reason": "only half needed"})
    assert released.status_code == 201, released.text
    return body


def test_the_review_of_a_decided_proposal_shows_predicted_against_actual(
        api: Api, world: World) -> None:
    proposal = propose_with_a_refusal(api, world)
    decided = _decide_hire_then_release_half(api, world, proposal)
    url = f"/ui/decisions/{decided['decision_id']}"
    response = signed_in(api, "viewer").get(url)  # reading a review stays open to viewers
    assert response.status_code == 200, response.text[:2000]
    page = response.text
    assert "Predicted against actual" in page and "choosing option hire" in page
    rows = _rows(page, "predicted")  # cells: before, predicted, now, miss, held
    assert rows["SAP specialists: 2026-02 allocated (resource load)"] == [
        "1.5 FTE", "3 FTE", "1.5 FTE", "−1.5 FTE", "not as predicted"]
    assert rows["SAP specialists: capacity (resource load)"] == [
        "2 FTE", "3 FTE", "3 FTE", "0 FTE", "held"]
    assert rows["Data quality: exposure (risks)"] == [
        "12 exposure", "4 exposure", "4 exposure", "0 exposure", "held"]
    error = api.get(f"/v1/decisions/{decided['decision_id']}/review").json()["prediction"]
    summary = re.search(r'id="prediction-error">(.*?)</p>', page, re.S)
    assert summary is not None
    assert _text(summary.group(1)) == (
        f"Prediction error: {error['error']['figures']} figures predicted; 1 not as "
        f"predicted now. Mean absolute percentage error over the numeric figures: "
        f"{error['error']['mean_absolute_percentage_error']:g}%.")
    assert f'href="/ui/proposals/{proposal}"' not in page  # a viewer may not open it
    assert f'href="/ui/proposals/{proposal}"' in signed_in(api, "editor").get(url).text
    direct = signed_in(api, "viewer").get(f"/ui/decisions/{world.decision}")
    assert direct.status_code == 200 and "Predicted against actual" not in direct.text


def test_an_id_that_is_no_proposal_is_a_404_page(api: Api, world: World) -> None:
    response = signed_in(api, "admin").get(f"/ui/proposals/{world.decision}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no proposal with id" in response.text
