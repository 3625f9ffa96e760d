"""The read-only UI in a real headless Chromium: sign in, dashboard, decision review."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.conftest import Server, start_server, stop_server

CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("ui")
    url = f"sqlite:///{data / 'ledger.db'}"
    subprocess.run([sys.executable, "-c", "from ledger.cli import main; main()", "demo"],
                   env={**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_DATA_DIR": str(data)},
                   check=True, capture_output=True, timeout=120)
    server = start_server(url, data)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required under CI; .ci/run installs it")
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield launched
        launched.close()


def _signed_in(browser: Browser, server: Server, token: str | None = None) -> Page:
    page = browser.new_page(viewport={"width": 1366, "height": 800})
    page.goto(f"{server.url}/ui")
    expect(page).to_have_url(f"{server.url}/ui/login")
    page.get_by_label("API token").fill(token or server.admin_token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()
    return page


def _shot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def test_dashboard_shows_health_benefits_risks_and_dependencies(
        browser: Browser, demo_server: Server) -> None:
    page = _signed_in(browser, demo_server)
    page.get_by_role("link", name="ERP-TRANSFORM").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "ERP transformation ERP-TRANSFORM · active")
    health = page.get_by_role("table", name="Latest status report of each project")
    expect(health.get_by_role("rowheader", name="Data migration")).to_be_visible()
    benefits = page.get_by_role("table", name="Benefits")
    expect(benefits).to_contain_text("Order-to-cash cycle time")
    expect(benefits).to_contain_text("76%")  # (31.4 - 42) / (28 - 42)
    expect(page.locator("figure svg").first).to_be_visible()
    heat = page.get_by_role("table", name="Heat map of open risks", exact=False)
    expect(heat).to_be_visible()
    dependencies = page.get_by_role("table", name="Dependencies; at-risk ones are marked")
    expect(dependencies).to_contain_text("at risk")  # training: needed by date passed
    expect(page).to_have_title("ERP-TRANSFORM · Ledger")
    expect(page.get_by_role("heading", name="Decisions")).to_have_count(1)
    _shot(page, "dashboard")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ledger_session"]["httpOnly"] is True
    assert cookies["ledger_session"]["sameSite"] == "Strict"


def test_decision_review_marks_the_choice_and_the_decision_date(
        browser: Browser, demo_server: Server) -> None:
    page = _signed_in(browser, demo_server)
    page.get_by_role("link", name="ERP-TRANSFORM").click()
    page.get_by_role("link", name="Defer the warehouse module to protect go-live").click()
    options = page.get_by_role("table", name="The options considered", exact=False)
    chosen = options.locator("tr.chosen")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("defer")
    expect(chosen).to_contain_text("chosen")
    expect(page.locator("figure").first).to_contain_text("decision date marked")
    expect(page.locator("figure svg").first).to_contain_text("decision 05 Mar 2026")
    expect(page.get_by_text("As expected")).to_be_visible()
    _shot(page, "decision-review")
    session = next(c for c in page.context.cookies() if c["name"] == "ledger_session")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{demo_server.url}/ui/login")
    page.goto(f"{demo_server.url}/ui")
    expect(page).to_have_url(f"{demo_server.url}/ui/login")
    # The session ended on the server: the cookie it had, put back, opens nothing.
    page.context.add_cookies([session])
    page.goto(f"{demo_server.url}/ui")
    expect(page).to_have_url(f"{demo_server.url}/ui/login")


def test_audit_timeline_filters_and_verification_status(browser: Browser,
                                                          demo_server: Server) -> None:
    page = _signed_in(browser, demo_server)
    page.get_by_role("link", name="Audit timeline").click()
    page.get_by_label("Event").fill("DecisionRecorded")
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(7)
    page.get_by_role("link", name="Verification").click()
    expect(page.get_by_role("status")).to_contain_text("Verified")
    _shot(page, "verification")


def test_a_scoped_auditor_sees_no_other_programs_events_in_the_ui(
        browser: Browser, demo_server: Server) -> None:
    with demo_server.client() as admin:
        erp = next(p for p in admin.get("/v1/programs").json()["items"]
                   if p["code"] == "ERP-TRANSFORM")
        other = admin.post("/v1/programs", json={
            "code": "CRM", "name": "CRM renewal", "objectives": ["One view"],
            "sponsor": "CSO", "manager": "Kim"})
        assert other.status_code == 201, other.text
        issued = admin.post("/v1/tokens", json={
            "role": "auditor", "name": "crm.auditor", "program_ids": [other.json()["id"]]})
        assert issued.status_code == 201, issued.text
    page = _signed_in(browser, demo_server, issued.json()["token"])
    programs = page.get_by_role("table", name="Programs you may see")
    expect(programs).to_contain_text("CRM")
    expect(programs).not_to_contain_text("ERP-TRANSFORM")
    for url in (f"/ui/audit?program_id={erp['id']}", "/ui/audit", "/ui/verify",
                f"/ui/programs/{erp['id']}"):
        page.goto(f"{demo_server.url}{url}")
        expect(page.get_by_role("heading", name="Forbidden")).to_be_visible()
        expect(page.get_by_role("alert")).not_to_contain_text(erp["id"])
        expect(page.locator("main")).not_to_contain_text("ERP transformation")
        expect(page.locator("main")).not_to_contain_text("warehouse")
    page.goto(f"{demo_server.url}/ui/audit?program_id={other.json()['id']}")
    expect(page.get_by_role("table").locator("tbody tr")).to_contain_text(
        ["Program defined (code: CRM"])


def test_the_api_docs_work_under_their_content_security_policy(
        browser: Browser, demo_server: Server) -> None:
    page = browser.new_page()
    refused: list[str] = []
    # Only a refused script or style would break the pages; and nothing may load from
    # elsewhere (ReDoc's own logo used to come from its CDN).
    page.on("console", lambda message: refused.append(message.text)
            if re.search(r"directive: \"(script|style)-src", message.text) else None)
    elsewhere: list[str] = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if request.url.startswith("http") and not request.url.startswith(demo_server.url)
            else None)
    page.goto(f"{demo_server.url}/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_role("button", name="Authorize", exact=True)).to_be_visible()
    page.goto(f"{demo_server.url}/redoc")
    # ReDoc renders the whole document at once: slow on a busy machine, hence the timeout.
    expect(page.get_by_role("heading", name="Ledger", exact=False).first).to_be_visible(
        timeout=60_000)
    expect(page.get_by_alt_text("redocly logo")).to_have_attribute(
        "src", "/docs/assets/favicon.png")
    assert refused == [] and elsewhere == []
