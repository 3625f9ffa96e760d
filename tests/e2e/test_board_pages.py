"""The board pages in a real Chromium against a real `ledger serve` with the demo loaded:
each page's key facts as a governance board member reads them (issue 18)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server
from tests.e2e.test_ui_browser import _shot, _signed_in, browser, demo_server

__all__ = ["browser", "demo_server"]  # the fixtures, shared with the first browser tests


def _program_page(browser: Browser, server: Server) -> Page:
    page = _signed_in(browser, server)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("link", name="ERP-TRANSFORM").click()
    return page


def _erp(programs: list[dict[str, Any]]) -> dict[str, Any]:
    return next(p for p in programs if p["code"] == "ERP-TRANSFORM")


def test_the_at_risk_tile_counts_the_at_risk_rows_by_one_rule(
        browser: Browser, demo_server: Server) -> None:
    page = _program_page(browser, demo_server)
    table = page.get_by_role("table", name="Dependencies; at-risk ones are marked")
    rows = table.locator("tbody tr.at-risk")
    expect(rows.first).to_contain_text("needed-by date passed")  # the demo's training
    tile = int(page.locator("#tile-dependencies-at-risk").inner_text())
    assert tile == rows.count() >= 1
    with demo_server.client() as api:
        program = _erp(api.get("/v1/programs").json()["items"])
    assert program["rollups"]["dependencies_at_risk"] == tile  # the API's rollup agrees


def test_the_heat_map_names_its_risks_and_the_list_gives_owner_and_response(
        browser: Browser, demo_server: Server) -> None:
    page = _program_page(browser, demo_server)
    heat = page.get_by_role("table", name="Heat map of open risks", exact=False)
    with demo_server.client() as api:
        program = _erp(api.get("/v1/programs").json()["items"])
        risks = api.get(f"/v1/programs/{program['id']}/risks").json()["items"]
    open_risks = [r for r in risks if r["status"] != "closed"]
    assert open_risks
    for risk in open_risks:  # rows run from likelihood 5 down; columns from impact 1 up
        cell = heat.locator("tbody tr").nth(5 - risk["likelihood"]).locator("td").nth(
            risk["impact"] - 1)
        expect(cell).to_contain_text(risk["title"])
        band = "high" if risk["exposure"] >= 15 else "medium" if risk["exposure"] >= 6 else "low"
        expect(cell).to_have_class(re.compile(rf"\b{band}\b"))
    expect(heat.locator("td.filled")).to_have_count(
        len({(r["likelihood"], r["impact"]) for r in open_risks}))
    listed = page.get_by_role("table", name="Open risks, highest exposure first")
    row = listed.get_by_role("row", name=re.compile("Loss of the lead SAP architect"))
    expect(row).to_contain_text("aisha.rahman")
    expect(row).to_contain_text(str(next(
        r["exposure"] for r in open_risks if r["title"] == "Loss of the lead SAP architect")))
    expect(row).to_contain_text("Transfer: Contract a backup architect")
    expect(listed).not_to_contain_text("Legacy data quality")  # closed: not listed


def test_resources_chart_marks_the_governed_over_allocation_and_links_its_decision(
        browser: Browser, demo_server: Server) -> None:
    page = _program_page(browser, demo_server)
    chart = page.locator("figure.resource-chart svg").first
    expect(chart).to_contain_text("SAP specialists: monthly load against capacity")
    expect(chart).to_contain_text("governed")
    over = page.get_by_role("table", name="Over-allocations of SAP specialists")
    expect(over.locator("tbody tr")).to_have_count(
        int(page.locator("#tile-over-allocated").inner_text()))
    over.get_by_role("link", name="Cover the February peak of SAP specialists").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cover the February peak of SAP specialists")


def test_benefits_chart_has_value_labels_a_target_and_drift_explained(
        browser: Browser, demo_server: Server) -> None:
    page = _program_page(browser, demo_server)
    chart = page.locator("#benefits + figure svg")
    expect(chart).to_contain_text("76%  (31.4 days, target 28 days)")
    expect(chart).to_contain_text("target")
    drift = page.get_by_role("table", name="Benefits").get_by_role(
        "row", name=re.compile("Inventory carrying cost"))
    expect(drift.locator("td").last).to_have_text("+1.5 % of value")
    expect(page.locator("#drift-note")).to_contain_text("rebaselined by a decision")
    strip = page.get_by_label("Trend of Data migration")
    expect(strip.locator(".cell.red")).to_have_count(1)  # the watermelon's red month
    _shot(page, "board-program")


def test_time_travel_shows_the_program_on_the_day_of_a_decision(
        browser: Browser, demo_server: Server) -> None:
    page = _program_page(browser, demo_server)
    health = page.get_by_role("table", name="Latest status report", exact=False)
    erp = health.get_by_role("row", name=re.compile("ERP implementation"))
    expect(erp.locator(".rag").first).to_have_text("green")
    page.get_by_role("row", name=re.compile("Cover the February peak")).get_by_role(
        "link", name="the program on that day").click()
    expect(page.locator("#as-of-banner")).to_contain_text("as it stood on 26 January 2026")
    expect(page.locator("#as-of-banner")).to_contain_text("Nothing here is current")
    # Then: ERP implementation reported amber, and later decisions did not exist yet.
    expect(erp.locator(".rag").first).to_have_text("amber")
    decisions = page.get_by_role("table", name="The decision log", exact=False)
    expect(decisions).to_contain_text("Cover the February peak of SAP specialists")
    expect(decisions).not_to_contain_text("Defer the warehouse module")
    expect(page.locator("#tile-over-allocated")).to_have_text("0")  # not yet allocated
    _shot(page, "board-time-travel")
    page.get_by_role("link", name="Back to today").click()
    expect(page.locator("#as-of-banner")).to_have_count(0)
    page.goto(page.url + "?position=999999")
    expect(page.locator("main")).to_contain_text("give a position from 1 to")


def test_decision_review_reads_in_money_words_and_links(
        browser: Browser, demo_server: Server) -> None:
    page = _program_page(browser, demo_server)
    page.get_by_role("link", name="Defer the warehouse module to protect go-live").click()
    options = page.get_by_role("table", name="The options considered", exact=False)
    expect(options.locator("tr.chosen")).to_contain_text("−420,000 EUR")
    expect(options).to_contain_text("+600,000 EUR")
    expect(options).to_contain_text("+90 days")
    expect(options).not_to_contain_text("0.0")
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\bposition \d"))
    expect(page.get_by_text("As expected")).to_be_visible()
    expect(page.get_by_role("link", name="See the program as it stood that day")).to_be_visible()
    _shot(page, "board-decision")
    page.get_by_role("link", name="event 122").click()
    expect(page.locator("#event-122")).to_be_visible()
    expect(page.locator("#event-122 td").first).to_have_text("122")


def test_audit_timeline_pages_filters_and_shows_readable_changes(
        browser: Browser, demo_server: Server) -> None:
    page = _signed_in(browser, demo_server)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("link", name="Audit timeline").click()
    rows = page.locator("table.timeline tbody tr")
    expect(rows).to_have_count(100)
    expect(rows.first.locator("td").first).to_have_text("1")
    changes = page.locator("table.timeline td.changes")
    for junk in ("None", "note: )", "{'", "[{"):
        expect(page.locator("table.timeline")).not_to_contain_text(junk)
    expect(changes.filter(has_text="likelihood: 4 → 5").first).to_be_visible()
    expect(changes.filter(has_text="kind:")).to_have_count(0)  # not another event's field
    expect(changes.filter(has_text="affects: project").first).to_be_visible()
    expect(page.locator("table.timeline")).not_to_contain_text(
        re.compile(r"\bproject [0-9a-f]{8}\b"))  # ids read as names
    page.get_by_role("link", name="Next 100 events").click()
    expect(rows.first.locator("td").first).to_have_text("101")
    expect(page.get_by_role("link", name="First page")).to_be_visible()
    page.get_by_role("link", name="Audit timeline").click()
    page.get_by_label("Program (code or id)").fill("erp-transform")
    page.get_by_label("Event").fill("Decision recorded")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(7)
    _shot(page, "board-audit")
    page.get_by_label("After position").fill("ten")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("alert")).to_contain_text("“ten” is not a position")
    expect(rows).to_have_count(0)


def test_verify_page_counts_in_words_that_agree(browser: Browser,
                                                 demo_server: Server) -> None:
    with demo_server.client() as api:
        assert api.post("/v1/audit/checkpoints").status_code in (200, 201)
    page = _signed_in(browser, demo_server)
    page.get_by_role("link", name="Verification").click()
    status = page.get_by_role("status").inner_text()
    match = re.search(r"Verified: ([\d,]+) events and (\d+) signed (checkpoints?) ", status)
    assert match, status
    assert match.group(3) == ("checkpoint" if match.group(2) == "1" else "checkpoints")
