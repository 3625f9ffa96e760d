"""Security headers on API and UI responses; the docs pages keep working under their CSP."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from ledger.api.security_headers import MATPLOTLIB_SVG_STYLE, SecurityHeaders, csp_hash
from ledger.ui import charts
from tests.api.conftest import Api, World
from tests.api.test_ui_access import signed_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src/ledger/ui/templates"


def _policy(header: str) -> dict[str, str]:
    return {d.split()[0]: d.partition(" ")[2] for d in header.split("; ")}


def test_api_and_ui_responses_carry_the_security_headers(api: Api, world: World) -> None:
    browser = signed_in(api, "admin")
    for response in (api.get(f"/v1/programs/{world.program}"), api.get("/v1/programs"),
                     browser.get("/ui"), browser.get(f"/ui/programs/{world.program}"),
                     browser.get("/ui/login"), api.client.get("/v1/programs")):  # a 401 too
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
        policy = _policy(headers["content-security-policy"])
        assert policy["frame-ancestors"] == "'none'"
        assert policy["script-src"] == "'self'"  # no inline script, no eval
        assert "unsafe-inline" not in policy["style-src"]


def test_static_files_may_be_cached(api: Api) -> None:
    css = api.client.get("/ui/static/ledger.css")
    assert css.status_code == 200 and "cache-control" not in css.headers
    assert css.headers["x-content-type-options"] == "nosniff"


def test_a_response_that_sets_its_own_cache_control_keeps_it() -> None:
    """As-of answers by position never change, and say so with `immutable`."""
    app = FastAPI()
    app.get("/fixed")(lambda: JSONResponse({}, headers={
        "Cache-Control": "public, max-age=31536000, immutable"}))
    app.get("/live")(lambda: {})
    app.add_middleware(SecurityHeaders)
    client = TestClient(app)
    assert client.get("/fixed").headers["cache-control"].endswith("immutable")
    assert client.get("/live").headers["cache-control"] == "no-store"


def test_the_chart_style_that_the_policy_allows_is_the_one_matplotlib_writes() -> None:
    svg = charts.realization_bars(["a"], [0.5], [""])
    assert f"<style type=\"text/css\">{MATPLOTLIB_SVG_STYLE}</style>" in svg


def test_templates_hold_no_inline_script_or_style() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", text), template.name


def test_the_docs_pages_allow_exactly_their_inline_script_and_load_their_assets(
        api: Api) -> None:
    for path in ("/docs", "/redoc"):
        page = api.client.get(path)
        assert page.status_code == 200
        policy = _policy(page.headers["content-security-policy"])
        assert policy["frame-ancestors"] == "'none'"
        for script in re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL):
            assert csp_hash(script) in policy["script-src"]
        assert "unsafe-inline" not in policy["script-src"]
        for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', page.text):
            loaded = api.client.get(asset)
            assert loaded.status_code == 200, asset
    assert api.client.get("/openapi.json").status_code == 200
