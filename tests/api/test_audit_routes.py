"""The audit routes: checkpoints, verification (and tamper detection), proofs, the export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit.merkle import leaf_hash, verify_consistency, verify_inclusion
from ledger.audit.offline import verify_export
from ledger.audit.signing import Checkpoint, load_public_key, public_key_hex
from ledger.settings import Settings
from tests.api.conftest import REPORT, Api, World
from tests.audit.tampering import alter_one_byte


def _checkpoint(api: Api) -> dict[str, Any]:
    response = api.post("/v1/audit/checkpoints", role="admin")
    assert response.status_code in {200, 201}, response.text
    body: dict[str, Any] = response.json()
    return body


def _head(api: Api) -> int:
    head: int = api.get("/readyz").json()["projection"]["head"]
    return head


def test_checkpoint_signs_the_head_once_and_the_public_key_verifies_it(api: Api,
                                                                       world: World) -> None:
    first = api.post("/v1/audit/checkpoints", role="admin")
    assert first.status_code == 201
    signed = first.json()
    assert signed["position"] == _head(api) and signed["tree_size"] == _head(api)
    again = api.post("/v1/audit/checkpoints", role="admin")
    assert (again.status_code, again.json()) == (200, signed)  # nothing new to sign
    key = api.get("/v1/audit/public-key", role="auditor").json()
    assert key["algorithm"] == "Ed25519" and key["pem"].startswith("-----BEGIN PUBLIC KEY")
    assert signed["public_key"] == key["hex"]
    assert Checkpoint.from_dict(signed).signature_valid(load_public_key(key["pem"]))


def test_verify_is_ok_and_proves_appends_since_an_old_checkpoint(api: Api,
                                                                 world: World) -> None:
    old = _checkpoint(api)
    api.post(f"/v1/projects/{world.project}/status-reports", REPORT)
    new = _checkpoint(api)
    assert new["tree_size"] == old["tree_size"] + 1
    result = api.get("/v1/audit/verify", role="auditor", against=old["id"]).json()
    assert result["ok"] is True and result["first_failure"] is None, result
    assert result["checked"] == _head(api) and result["checkpoints_checked"] == 2
    proof = result["consistency"]
    assert (proof["old"]["id"], proof["new"]["id"]) == (old["id"], new["id"])
    assert verify_consistency(old["tree_size"], new["tree_size"], bytes.fromhex(old["root"]),
                              bytes.fromhex(new["root"]),
                              [bytes.fromhex(node) for node in proof["path"]])
    listed = api.get("/v1/audit/consistency", role="auditor", old=old["id"]).json()
    assert listed["path"] == proof["path"]
    assert api.get("/v1/audit/verify", role="auditor", against=999).status_code == 404


def test_verify_names_the_altered_position(api: Api, world: World,
                                           api_settings: Settings) -> None:
    _checkpoint(api)
    engine = sa.create_engine(api_settings.resolved_database_url)
    try:
        alter_one_byte(engine, 5)
    finally:
        engine.dispose()
    result = api.get("/v1/audit/verify", role="auditor").json()
    assert result["ok"] is False
    assert result["first_failure"]["position"] == 5
    assert result["first_failure"]["kind"] == "altered"
    assert result["checked"] == 4


def test_verify_with_a_key_that_did_not_sign_fails(api: Api, world: World) -> None:
    _checkpoint(api)
    stranger = public_key_hex(Ed25519PrivateKey.generate().public_key())
    result = api.get("/v1/audit/verify", role="auditor", public_key=stranger).json()
    assert result["ok"] is False
    assert "signature does not verify" in result["first_failure"]["detail"]
    assert api.get("/v1/audit/verify", role="auditor", public_key="xyz").status_code == 422


def test_inclusion_proof_leads_to_the_signed_root(api: Api, world: World) -> None:
    signed = _checkpoint(api)
    proof = api.get("/v1/audit/proof/3", role="auditor").json()
    assert proof["checkpoint"] == signed and proof["root"] == signed["root"]
    assert verify_inclusion(leaf_hash(bytes.fromhex(proof["digest"])), proof["leaf_index"],
                            proof["tree_size"], [bytes.fromhex(n) for n in proof["path"]],
                            bytes.fromhex(signed["root"]))
    later = api.post(f"/v1/projects/{world.project}/status-reports", REPORT).json()
    assert api.get(f"/v1/audit/proof/{later['position']}",
                   role="auditor").status_code == 404  # after the checkpoint
    assert api.get("/v1/audit/proof/0", role="auditor").status_code == 422


def test_export_streams_a_file_the_offline_verifier_accepts(api: Api, world: World,
                                                            tmp_path: Path) -> None:
    assert api.get("/v1/audit/export", role="auditor").status_code == 404  # no checkpoint
    signed = _checkpoint(api)
    key = load_public_key(api.get("/v1/audit/public-key", role="auditor").json()["hex"])
    for format, media in (("jsonl", "application/x-ndjson"), ("csv", "text/csv")):
        response = api.get("/v1/audit/export", role="auditor", format=format)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        assert f"checkpoint-{signed['id']}.{format}" in response.headers["content-disposition"]
        path = tmp_path / f"export.{format}"
        path.write_bytes(response.content)
        verified = verify_export(path, key)
        assert verified.events == signed["tree_size"] and not verified.filtered
    lines = [json.loads(line) for line in api.get(
        "/v1/audit/export", role="admin", program_id=str(world.program)).text.splitlines()]
    assert lines[0]["program_id"] == str(world.program)
    assert lines[-1]["type"] == "checkpoint" and lines[-1]["id"] == signed["id"]
    assert all("proof" in line for line in lines[1:-1])
    assert api.get("/v1/audit/export", role="auditor",
                   program_id=str(world.project)).status_code == 404  # not a program
    assert api.get("/v1/audit/export", role="auditor", format="xml").status_code == 422


def test_checkpoints_are_listed_oldest_first_in_pages(api: Api, world: World) -> None:
    made = []
    for _ in range(3):
        made.append(_checkpoint(api)["id"])
        api.post(f"/v1/projects/{world.project}/status-reports", REPORT)
    first = api.get("/v1/audit/checkpoints", role="auditor", limit=2).json()
    second = api.get("/v1/audit/checkpoints", role="auditor", limit=2,
                     cursor=first["next_cursor"]).json()
    assert [c["id"] for c in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None
    assert api.get("/v1/audit/checkpoints", role="auditor",
                   cursor="WyJ4Il0=").status_code == 422  # ["x"]: not one of ours


def test_without_a_checkpoint_export_and_proof_say_how_to_sign_one(api: Api,
                                                                   world: World) -> None:
    for path in ("/v1/audit/export", "/v1/audit/proof/1"):
        answer = api.get(path, role="auditor")
        assert answer.status_code == 404, answer.text
        assert "POST /v1/audit/checkpoints" in answer.json()["detail"]
        assert "ledger audit checkpoint" in answer.json()["detail"]
