"""Interactive API docs served from this process: Swagger UI at /docs and ReDoc at /redoc.

FastAPI's own pages load their JavaScript from a CDN, which an air-gapped or strict-CSP
deployment cannot reach; the assets shipped in the fastapi-offline wheel are served instead.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from ledger.api.security_headers import csp_hash

ASSETS_URL = "/docs/assets"
# ReDoc's bundle shows Redocly's logo from their CDN; a local image stands in for it.
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
REDOC_JS_URL = "/docs/redoc.js"


def _assets() -> Path | None:
    """Where the Swagger UI and ReDoc files are, or None if fastapi-offline is missing."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "static"


def install_docs(app: FastAPI) -> None:
    """Add /docs and /redoc (not themselves in the OpenAPI document) and their assets."""
    assets = _assets()
    if assets is None:  # still usable, with the CDN's copies
        app.get("/docs", include_in_schema=False)(lambda: get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API"))
        return
    app.mount(ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _with_policy(get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True}))

    redoc_js = (assets / "redoc.standalone.js").read_bytes().replace(
        REDOC_CDN_LOGO, f"{ASSETS_URL}/favicon.png".encode())

    @app.get(REDOC_JS_URL, include_in_schema=False)
    def redoc_script() -> Response:
        return Response(redoc_js, media_type="text/javascript; charset=utf-8")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _with_policy(get_redoc_html(
            openapi_url=openapi_url, title=f"{app.title} API",
            redoc_js_url=REDOC_JS_URL,
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png", with_google_fonts=False))


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    """The pages start with an inline script, which the site-wide policy forbids: allow
    exactly that script by its hash. Swagger UI and ReDoc style their widgets inline and
    ReDoc searches in a worker, so those are allowed here too; nothing loads from elsewhere."""
    inline = re.findall(r"<script>(.*?)</script>", bytes(page.body).decode(), re.DOTALL)
    page.headers["content-security-policy"] = "; ".join((
        "default-src 'self'", f"script-src 'self' {' '.join(map(csp_hash, inline))}",
        "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
        "worker-src 'self' blob:", "object-src 'none'", "base-uri 'none'",
        "frame-ancestors 'none'"))
    return page
