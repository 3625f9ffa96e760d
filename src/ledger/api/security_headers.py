"""Security headers on every response, API and UI alike.

The content security policy allows no inline script anywhere. The UI's charts are inline
SVG drawn by matplotlib, which styles its shapes with ``style`` attributes and one fixed
``<style>`` element, so those (and only those) are allowed. A response that sets its own
policy (the interactive docs, for their inline start-up script) or its own Cache-Control
(as-of answers by position, which never change) keeps it.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What matplotlib writes into every SVG it draws (ledger.ui.charts).
MATPLOTLIB_SVG_STYLE = "*{stroke-linejoin: round; stroke-linecap: butt}"


def csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'",
    f"style-src 'self' {csp_hash(MATPLOTLIB_SVG_STYLE)}", "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'"))
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # nothing to other sites; "no-referrer" would make
    # browsers send `Origin: null` on our own forms, which the CSRF check must refuse
}
# Files that are the same for everybody may be cached; nothing else may be stored.
STATIC_PREFIXES = ("/ui/static/", "/docs/assets/")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(STATIC_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if "content-security-policy" not in headers:
                    headers["content-security-policy"] = CONTENT_SECURITY_POLICY
                if "cache-control" not in headers and not static:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
