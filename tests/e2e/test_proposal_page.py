"""A proposal's options side by side in a real Chromium against a real `ledger serve` with the
demo loaded: one option a rule refuses (shown in red, with its rule), changes with their sign
and unit, and the resource load per option as a titled chart (issue 16)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Server
from tests.e2e.test_ui_browser import _shot, _signed_in, browser, demo_server

__all__ = ["browser", "demo_server"]  # the fixtures, shared with the first browser tests

TITLE = "Staff phase 2 of the warehouse module"
RED_INK = "rgb(183, 28, 28)"  # --red-ink in ledger.css


def _by_name(items: list[dict[str, Any]], field: str, value: str) -> dict[str, Any]:
    return next(item for item in items if item[field] == value)


def _propose(server: Server, title: str = TITLE) -> dict[str, Any]:
    """Three ways to staff phase 2: contract two specialists, stretch the team over its
    capacity, or free specialists by deferring training, which was delivered in June, so
    that option's scope change is refused."""
    with server.client() as api:
        program = _by_name(api.get("/v1/programs").json()["items"], "code", "ERP-TRANSFORM")
        base = f"/v1/programs/{program['id']}"
        resource = _by_name(api.get(f"{base}/resources").json()["items"], "name",
                            "SAP specialists")
        projects = api.get(f"{base}/projects").json()["items"]
        erp = _by_name(projects, "name", "ERP implementation")["id"]
        change = _by_name(projects, "name", "Change management")["id"]
        risk = _by_name(api.get(f"{base}/risks").json()["items"], "title",
                        "Loss of the lead SAP architect")
        inventory = _by_name(api.get(f"{base}/benefits").json()["items"], "name",
                             "Inventory carrying cost")

        def allocate(month: str, amount: str) -> dict[str, Any]:
            return {"type": "allocate_resource", "resource_id": resource["id"],
                    "project_id": erp, "month": month, "amount": amount}

        phase_2 = [allocate("2027-01", "5"), allocate("2027-02", "7"), allocate("2027-03", "6")]
        response = api.post(f"{base}/proposals", json={
            "title": title, "forum": "Steering committee", "authority": "Maria Keller, CFO",
            "question": "How do we staff extended warehouse management from January to "
                        "March 2027?",
            "options": [
                {"key": "contract", "summary": "Contract two SAP specialists for the quarter",
                 "pros": ["Warehouse live in April 2027"], "cons": ["EUR 96k"], "commands": [
                     {"type": "change_resource_capacity", "resource_id": resource["id"],
                      "capacity_per_month": "8", "reason": "Two contractors for phase 2"},
                     *phase_2,
                     {"type": "assess_risk", "risk_id": risk["id"], "likelihood": 1,
                      "impact": 3, "rationale": "A contractor shadows the architect"},
                     {"type": "revise_benefit_target", "benefit_id": inventory["id"],
                      "target_value": 19.5, "target_date": "2027-09-30",
                      "reason": "The warehouse module is back"}]},
                {"key": "stretch", "summary": "Run phase 2 with the current six specialists",
                 "pros": ["No extra spend"], "cons": ["February over capacity"],
                 "commands": phase_2},
                {"key": "free-trainers", "summary": "Free specialists by deferring training",
                 "pros": ["No extra spend"], "cons": ["Users trained later"], "commands": [
                     allocate("2027-01", "4"),
                     {"type": "change_project_scope", "project_id": change,
                      "defer": ["training"], "rationale": "Trainers move to phase 2"}]}]})
        assert response.status_code == 201, response.text
        return {"id": response.json()["id"], "risk": risk, "resource": resource,
                "program": program["id"]}


def test_the_options_side_by_side_with_a_refusal_in_red_and_the_load_chart(
        browser: Browser, demo_server: Server) -> None:
    proposed = _propose(demo_server)
    page = _signed_in(browser, demo_server)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("link", name="ERP-TRANSFORM").click()
    page.get_by_role("table", name="Decisions proposed and not yet taken", exact=False) \
        .get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(f"{demo_server.url}/ui/proposals/{proposed['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator("#proposal-status")).to_have_text("open")
    expect(page.locator("#compared-at")).to_contain_text("position")

    refused = page.locator("li.step.refused")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("deliverable_closed")
    expect(refused).to_contain_text("options.free-trainers.commands[1]")
    assert refused.evaluate("e => getComputedStyle(e).color") == RED_INK
    assert refused.evaluate("e => getComputedStyle(e).borderLeftColor") == RED_INK
    accepted = page.locator("li.step.accepted").first
    assert accepted.evaluate("e => getComputedStyle(e).color") != RED_INK

    changes = page.get_by_role("table", name="Every figure an option would move", exact=False)
    capacity = changes.get_by_role("row", name=re.compile(
        r"SAP specialists: capacity"))  # one capacity for every month: one row
    expect(capacity).to_contain_text("+2 FTE")
    february = changes.get_by_role("row", name=re.compile("SAP specialists: 2027-02 allocated"))
    expect(february.locator("td.moved")).to_have_text(["+7 FTE to 7 FTE"] * 2)
    risk = proposed["risk"]
    exposure = changes.get_by_role("row", name=re.compile(
        "Loss of the lead SAP architect: exposure"))
    expect(exposure).to_contain_text(f"−{risk['likelihood'] * risk['impact'] - 3} exposure")
    target = changes.get_by_role("row", name=re.compile(r"^Inventory carrying cost: target \d"))
    expect(target).to_contain_text("−1 % of value")  # 20.5 → 19.5

    chart = page.locator("figure.option-load svg")
    expect(chart).to_have_count(1)
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("SAP specialists: monthly load against capacity, per option")
    expect(chart).to_contain_text("Option stretch")
    expect(chart).to_contain_text("FTE per month")
    _shot(page, "proposal-comparison")


def test_the_review_of_the_decided_proposal_shows_predicted_against_actual(
        browser: Browser, demo_server: Server) -> None:
    title = "Staff phase 2, decided"
    proposed = _propose(demo_server, title)
    resource = proposed["resource"]["id"]
    with demo_server.client() as api:
        decided = api.post(f"/v1/proposals/{proposed['id']}/decide", json={
            "chosen_option": "contract", "rationale": "Warehouse live in April",
            "tradeoffs": "EUR 96k"})
        assert decided.status_code == 201, decided.text
        decision = decided.json()["decision_id"]
        # February then needs one specialist more than predicted.
        erp = next(p for p in api.get(f"/v1/programs/{proposed['program']}/projects").json()[
            "items"] if p["name"] == "ERP implementation")
        more = api.post(f"/v1/resources/{resource}/allocations", json={
            "project_id": erp["id"], "month": "2027-02", "amount": "1"})
        assert more.status_code == 201, more.text
    page = _signed_in(browser, demo_server)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("link", name="ERP-TRANSFORM").click()
    page.get_by_role("link", name=title).click()
    expect(page).to_have_url(f"{demo_server.url}/ui/decisions/{decision}")
    expect(page.get_by_role("heading", name="Predicted against actual")).to_be_visible()
    predicted = page.get_by_role("table", name="Each predicted figure", exact=False)
    february = predicted.get_by_role("row", name=re.compile("SAP specialists: 2027-02 allocated"))
    # Before the decision February had no allocation, so no figure: a dash.
    expect(february.locator("td")).to_have_text(
        ["—", "7 FTE", "8 FTE", "+1 FTE", "not as predicted"])
    assert february.locator(".failed").evaluate("e => getComputedStyle(e).color") == RED_INK
    capacity = predicted.get_by_role("row", name=re.compile("SAP specialists: 2026-01 capacity"))
    expect(capacity.locator("td")).to_have_text(["6 FTE", "8 FTE", "8 FTE", "0 FTE", "held"])
    expect(page.locator("#prediction-error")).to_contain_text("1 not as predicted now")
    _shot(page, "decision-prediction")
