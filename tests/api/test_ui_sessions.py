"""UI sessions are server-side and end for real; every UI form is protected against CSRF."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ledger.access.sessions import ui_sessions
from tests.api.conftest import Api
from tests.api.test_ui_access import csrf_token, signed_in


def _engine(api: Api) -> sa.Engine:
    engine: sa.Engine = api.client.app.state.services.query_engine  # type: ignore[attr-defined]
    return engine


def test_the_cookie_names_an_opaque_session_stored_only_as_a_hash(api: Api) -> None:
    browser = signed_in(api, "admin")
    session_id = browser.cookies["ledger_session"]
    assert api.tokens["admin"] not in session_id
    with _engine(api).connect() as connection:
        stored = connection.execute(sa.select(ui_sessions.c.session_hash)).scalars().all()
    assert stored == [hashlib.sha256(session_id.encode()).hexdigest()]
    assert browser.get("/ui").status_code == 200


def test_signing_out_ends_the_session_even_for_a_kept_cookie(api: Api) -> None:
    browser = signed_in(api, "admin")
    kept = browser.cookies["ledger_session"]
    response = browser.post("/ui/logout", data={"csrf_token": browser.cookies["ledger_csrf"]},
                            follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/ui/login")
    replay = TestClient(api.client.app, cookies={"ledger_session": kept})
    assert replay.get("/ui", follow_redirects=False).headers["location"] == "/ui/login"
    with _engine(api).connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(ui_sessions)
                                  ).scalar() == 0


def test_revoking_the_token_ends_its_sessions_at_once(api: Api) -> None:
    browser = signed_in(api, "viewer")
    assert browser.get("/ui").status_code == 200
    token_id = next(t["id"] for t in api.get("/v1/tokens", role="admin").json()["items"]
                    if t["name"] == "viewer.one")
    assert api.client.delete(f"/v1/tokens/{token_id}",
                             headers=api.headers("admin")).status_code == 200
    assert browser.get("/ui", follow_redirects=False).headers["location"] == "/ui/login"


@pytest.mark.parametrize("column", ["last_seen_at", "created_at"])
def test_a_session_expires_when_idle_and_after_its_lifetime(api: Api, column: str) -> None:
    """Clocks are not waited for: the session is made older in the table instead."""
    settings = api.client.app.state.services.settings  # type: ignore[attr-defined]
    limit = timedelta(minutes=settings.ui_session_idle_minutes) if column == "last_seen_at" \
        else timedelta(hours=settings.ui_session_absolute_hours)
    browser = signed_in(api, "admin")
    kept = {"ledger_session": browser.cookies["ledger_session"]}
    for age, signed_in_still in ((limit - timedelta(minutes=1), True),
                                 (limit + timedelta(seconds=1), False)):
        with _engine(api).begin() as connection:
            connection.execute(sa.update(ui_sessions).values(
                {column: datetime.now(UTC) - age}))
        response = TestClient(api.client.app, cookies=kept).get("/ui", follow_redirects=False)
        assert (response.status_code == 200) is signed_in_still, (age, response.status_code)


def test_a_cross_origin_sign_in_is_refused(api: Api) -> None:
    browser = TestClient(api.client.app, base_url="http://testserver")
    token = csrf_token(browser)
    form = {"token": api.tokens["admin"], "csrf_token": token}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        refused = browser.post("/ui/login", data=form, headers=headers, follow_redirects=False)
        assert refused.status_code == 403, headers
        assert "ledger_session" not in refused.cookies
    # A forged form from elsewhere cannot know the token that is in this site's cookie.
    forged = TestClient(api.client.app).post("/ui/login", data={
        "token": api.tokens["admin"], "csrf_token": "guessed"}, follow_redirects=False)
    assert forged.status_code == 403
    no_token = browser.post("/ui/login", data={"token": api.tokens["admin"]},
                            follow_redirects=False)
    assert no_token.status_code == 403
    same_origin = browser.post("/ui/login", data=form, follow_redirects=False, headers={
        "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
    assert same_origin.status_code == 303 and "ledger_session" in same_origin.cookies


def test_a_cross_origin_sign_out_is_refused(api: Api) -> None:
    browser = signed_in(api, "admin")
    refused = browser.post("/ui/logout", data={"csrf_token": "guessed"},
                           follow_redirects=False)
    assert refused.status_code == 403
    cross = browser.post("/ui/logout", data={"csrf_token": browser.cookies["ledger_csrf"]},
                         headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert cross.status_code == 403
    assert browser.get("/ui").status_code == 200  # still signed in


def test_signing_in_renews_the_csrf_token(api: Api) -> None:
    browser = TestClient(api.client.app, base_url="http://testserver")
    before = csrf_token(browser)
    browser.post("/ui/login", data={"token": api.tokens["admin"], "csrf_token": before},
                 follow_redirects=False)
    assert browser.cookies["ledger_csrf"] != before
