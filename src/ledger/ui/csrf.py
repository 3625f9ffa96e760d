"""Cross-site request forgery: every form the UI posts carries a token that must match a
cookie only this site can set (double submit), and a browser that says the request comes
from another site (Origin, Sec-Fetch-Site) is refused whatever it sends."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Form, Request
from starlette.responses import Response

from ledger.access.authorization import Forbidden

COOKIE = "ledger_csrf"
FIELD = "csrf_token"
SAME_SITE_FETCHES = {"same-origin", "none"}  # "none": typed or bookmarked by the user


def form_token(request: Request) -> str:
    """The token to put in this page's forms: the browser's, or a new one that
    ``remember`` then sets as the cookie."""
    token = request.cookies.get(COOKIE)
    if not token:
        token = request.state.new_csrf_token = secrets.token_urlsafe(32)
    return token


def remember(request: Request, response: Response, *, renew: bool = False) -> None:
    """Set the cookie if this page made a new token; ``renew`` replaces it, as at sign-in
    and sign-out, so a token seen before then is worth nothing after."""
    token = secrets.token_urlsafe(32) if renew else getattr(request.state, "new_csrf_token",
                                                            None)
    if token:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/ui",
                            secure=request.url.scheme == "https")


def _same_origin(request: Request) -> bool:
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in SAME_SITE_FETCHES:
        return False
    origin = request.headers.get("origin")
    if origin is None:  # not sent by every client; the token still has to match
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def verified_form(request: Request,
                  csrf_token: Annotated[str, Form(max_length=100)] = "") -> None:
    """A dependency of every POST route of the UI."""
    cookie = request.cookies.get(COOKIE, "")
    if not _same_origin(request):
        raise Forbidden("this form was sent from another site; use the page on this site")
    if not cookie or not csrf_token or not hmac.compare_digest(cookie, csrf_token):
        raise Forbidden("this form has expired; reload the page and send it again")


VerifiedForm = Depends(verified_form)
