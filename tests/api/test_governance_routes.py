"""The decision review and the program reports over HTTP, with exact figures, on a fixture
with a late-recorded decision, a later correction and a superseded decision."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit import notes
from ledger.audit.checkpoints import get_checkpoint
from ledger.audit.cosignatures import store_cosignature
from ledger.audit.merkle import leaf_hash, verify_inclusion
from ledger.audit.tables import audit_chain
from ledger.audit.tlog import checkpoint_body
from ledger.settings import Settings
from tests.api.conftest import OPTIONS, PROGRAM, PROJECT, Api


def _id(response: object) -> str:
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    return str(response.json()["id"])  # type: ignore[attr-defined]


@pytest.fixture
def story(api: Api) -> dict[str, str]:
    program = _id(api.post("/v1/programs", PROGRAM))
    api.post(f"/v1/programs/{program}/status", {"status": "active", "reason": "go"})
    project = _id(api.post(f"/v1/programs/{program}/projects",
                           {**PROJECT, "effective_at": "2025-01-01T00:00:00Z"}))
    benefit = _id(api.post(f"/v1/programs/{program}/benefits", {
        "name": "Cycle time", "kpi": "days", "unit": "days", "direction": "decrease",
        "owner": "COO", "effective_at": "2025-01-01T00:00:00Z"}))
    api.post(f"/v1/benefits/{benefit}/profile", {
        "baseline_value": 40, "baseline_date": "2025-01-01", "target_value": 20,
        "target_date": "2025-12-31", "measurement_method": "m",
        "effective_at": "2025-01-01T00:00:00Z"})
    for day, overall in (("2025-01-31", "green"), ("2025-02-10", "red")):
        api.post(f"/v1/projects/{project}/status-reports", {
            "overall": overall, "schedule": "green", "cost": "green", "scope": "green",
            "resources": "green", "narrative": "n", "reason": "slip",
            "effective_at": f"{day}T12:00:00Z"})
    ids = {}
    for day, value in (("01-31", 38), ("02-14", 36), ("03-31", 30)):
        ids[day] = api.post(f"/v1/benefits/{benefit}/measurements", {
            "value": value, "source": "BI",
            "effective_at": f"2025-{day}T12:00:00Z"}).json()["measurement_id"]
    decisions = [_id(api.post(f"/v1/programs/{program}/decisions", {
        "title": title, "question": "q", "forum": "SteerCo", "authority": "Sponsor",
        "options": OPTIONS, "chosen_option": "defer", "rationale": "r", "tradeoffs": "t",
        "affects": {"project_ids": [project], "benefit_ids": [benefit]},
        "effective_at": when})) for title, when in (
            ("Defer warehouse", "2025-02-15T12:00:00Z"), ("Rebaseline", "2025-04-01T12:00:00Z"))]
    api.post(f"/v1/benefits/{benefit}/measurements/{ids['02-14']}/corrections",
             {"value": 35, "reason": "late invoices"})
    api.post(f"/v1/decisions/{decisions[0]}/supersede",
             {"by_decision_id": decisions[1], "reason": "new facts"})
    api.post(f"/v1/benefits/{benefit}/target-revisions", {
        "target_value": 25, "reason": "slower", "decision_id": decisions[1]})
    api.post(f"/v1/decisions/{decisions[0]}/outcome-reviews",
             {"verdict": "worse", "summary": "late savings"})
    return {"program": program, "decision": decisions[0], "later": decisions[1]}


def test_review_has_exact_then_and_now_figures(api: Api, story: dict[str, str]) -> None:
    review = api.get(f"/v1/decisions/{story['decision']}/review").json()
    (benefit,) = review["benefits"]
    assert [m["value"] for m in benefit["before"]] == [38.0, 35.0]  # corrected, as known now
    assert [m["value"] for m in benefit["after"]] == [30.0]
    assert benefit["realization_then"] == pytest.approx(0.2)  # 36 then: (36-40)/(20-40)
    assert benefit["realization_now"] == pytest.approx(10 / 15)  # (30-40)/(25-40)
    (project,) = review["projects"]
    assert project["health_then"]["overall"] == "red"
    assert [d["title"] for d in review["superseded_by_chain"]] == ["Rebaseline"]
    assert [r["verdict"] for r in review["outcome_reviews"]] == ["worse"]
    assert review["decision"]["chosen_option"] == "defer"


def test_reports_have_exact_figures(api: Api, story: dict[str, str]) -> None:
    program = story["program"]
    (benefit,) = api.get(f"/v1/programs/{program}/reports/benefits").json()
    assert (benefit["baseline"], benefit["original_target"], benefit["target"],
            benefit["latest"]) == (40.0, 20.0, 25.0, 30.0)
    assert benefit["realization"] == pytest.approx(10 / 15)
    assert [(d["from_value"], d["to_value"], d["decision_title"]) for d in benefit["drift"]] \
        == [(20.0, 25.0, "Rebaseline")]
    february = api.get(f"/v1/programs/{program}/reports/decisions",
                       **{"from": "2025-02-01T00:00:00Z", "to": "2025-02-28T00:00:00Z"}).json()
    assert [d["decision"]["title"] for d in february] == ["Defer warehouse"]
    (jump,) = api.get(f"/v1/programs/{program}/reports/watermelons").json()
    assert jump["skipped_amber"] is True and jump["days"] == pytest.approx(10.0)


def test_review_cites_the_log_and_proves_the_decision_in_a_witnessed_checkpoint(
        api: Api, api_settings: Settings, story: dict[str, str]) -> None:
    path = f"/v1/decisions/{story['decision']}/review"
    assert api.get(path).json()["log"] == {"checkpoint_then": None,
                                           "checkpoint_then_from": None, "witnessed": None,
                                           "witnesses": [], "leaf_index": None,
                                           "inclusion_path": []}
    signed = api.post("/v1/audit/checkpoints", role="admin").json()
    assert api.get(path).json()["log"]["witnessed"] is None  # signed, not yet cosigned
    engine = sa.create_engine(api_settings.resolved_database_url)
    try:
        with engine.connect() as connection:
            checkpoint = get_checkpoint(connection, signed["id"])
        witness = Ed25519PrivateKey.generate()
        body = checkpoint_body(checkpoint, api_settings.log_origin)
        store_cosignature(engine, checkpoint.id, notes.cosign(body, "w.test", witness, 1))
        log = api.get(path).json()["log"]
        with engine.connect() as connection:
            digest = connection.execute(sa.select(audit_chain.c.digest).where(
                audit_chain.c.leaf_index == log["leaf_index"])).scalar_one()
    finally:
        engine.dispose()
    assert log["checkpoint_then"] is None  # the story's decision predates every checkpoint
    assert (log["witnessed"]["id"], log["witnesses"]) == (checkpoint.id, ["w.test"])
    assert verify_inclusion(leaf_hash(bytes(digest)), log["leaf_index"], checkpoint.tree_size,
                            [bytes.fromhex(h) for h in log["inclusion_path"]],
                            bytes.fromhex(log["witnessed"]["root"]))
    later = _id(api.post(f"/v1/programs/{story['program']}/decisions", {
        "title": "After the checkpoint", "question": "q", "forum": "SteerCo",
        "authority": "Sponsor", "options": OPTIONS, "chosen_option": "defer",
        "rationale": "r", "tradeoffs": "t", "affects": {}}))
    review = api.get(f"/v1/decisions/{later}/review").json()
    cited = review["log"]
    # The decision's own event recorded the checkpoint; the review shows that one.
    assert review["decision"]["cited_checkpoint"] == {
        "id": checkpoint.id, "tree_size": checkpoint.tree_size, "root": checkpoint.root.hex()}
    assert cited["checkpoint_then_from"] == "event"
    assert (cited["checkpoint_then"]["id"], cited["checkpoint_then"]["tree_size"],
            cited["checkpoint_then"]["root"]) == (checkpoint.id, checkpoint.tree_size,
                                                  checkpoint.root.hex())
    assert cited["witnessed"] is None  # no witnessed checkpoint covers it yet


def test_a_client_cannot_choose_the_checkpoint_a_decision_cites(
        api: Api, story: dict[str, str]) -> None:
    refused = api.post(f"/v1/programs/{story['program']}/decisions", {
        "title": "Forged citation", "question": "q", "forum": "SteerCo",
        "authority": "Sponsor", "options": OPTIONS, "chosen_option": "defer",
        "rationale": "r", "tradeoffs": "t",
        "cited_checkpoint": {"id": 1, "tree_size": 1, "root": "00" * 32}})
    assert refused.status_code == 422 and "cited_checkpoint" in refused.text
