"""Token management over HTTP: issued once, listed without secrets, revoked at once."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from ledger.access.tokens import tokens
from tests.api.conftest import Api, World


def test_an_admin_issues_lists_and_revokes_a_token(api: Api, world: World) -> None:
    created = api.post("/v1/tokens", {"role": "editor", "name": "pat.pm",
                                      "program_ids": [str(world.program)]}, role="admin")
    assert created.status_code == 201, created.text
    issued = created.json()
    assert issued["token"].startswith("ldg_") and issued["role"] == "editor"
    assert issued["program_ids"] == [str(world.program)] and issued["all_programs"] is False
    assert created.headers["cache-control"] == "no-store"
    secret = issued["token"]
    # The new token works at once, within its scope only.
    as_pat = {"Authorization": f"Bearer {secret}"}
    assert api.client.get(f"/v1/programs/{world.program}", headers=as_pat).status_code == 200
    listed = api.get("/v1/tokens", role="admin")
    assert listed.status_code == 200
    mine = next(t for t in listed.json()["items"] if t["id"] == issued["id"])
    assert mine["last_used_at"] is not None and mine["revoked_at"] is None
    assert secret not in listed.text and "token_hash" not in listed.text
    with api.client.app.state.services.query_engine.connect() as connection:  # type: ignore[attr-defined]
        stored = connection.execute(sa.select(tokens.c.token_hash)).scalars().all()
    assert not any(h in listed.text for h in stored)
    revoked = api.client.delete(f"/v1/tokens/{issued['id']}", headers=api.headers("admin"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert api.client.get(f"/v1/programs/{world.program}", headers=as_pat).status_code == 401
    again = api.client.delete(f"/v1/tokens/{issued['id']}", headers=api.headers("admin"))
    assert again.status_code == 404


def test_all_programs_and_bad_requests(api: Api) -> None:
    created = api.post("/v1/tokens", {"role": "auditor", "name": "internal.audit",
                                      "all_programs": True}, role="admin").json()
    assert created["all_programs"] is True and created["program_ids"] is None
    for body, field in (
            ({"role": "auditor", "name": "a.b"}, "program_ids"),  # no scope
            ({"role": "auditor", "name": "a.b", "all_programs": True,
              "program_ids": [str(uuid.uuid4())]}, "program_ids"),  # both
            ({"role": "root", "name": "a.b", "all_programs": True}, "role"),
            ({"role": "viewer", "name": "A B", "all_programs": True}, "name"),
            ({"role": "viewer", "name": "a.b", "program_ids": []}, "program_ids"),
            ({"role": "viewer", "name": "a.b", "all_programs": True,
              "display_name": "a\u0000b"}, "display_name")):
        response = api.post("/v1/tokens", body, role="admin")
        assert response.status_code == 422, body
        assert any(e["field"] == field for e in response.json()["errors"]), response.text
    assert api.client.delete(f"/v1/tokens/{uuid.uuid4()}",
                             headers=api.headers("admin")).status_code == 404


def test_only_an_admin_of_every_program_manages_tokens(api: Api) -> None:
    body = {"role": "admin", "name": "escalated", "all_programs": True}
    for role in ("editor", "auditor", "viewer", "admin-elsewhere"):
        assert api.post("/v1/tokens", body, role=role).status_code == 403, role
        assert api.get("/v1/tokens", role=role).status_code == 403, role
    names = [t["name"] for t in api.get("/v1/tokens", role="admin").json()["items"]]
    assert "escalated" not in names
