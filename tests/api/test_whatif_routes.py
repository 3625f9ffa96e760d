"""POST /v1/programs/{id}/what-if: the real rules, per command, and nothing written."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, World


def _allocate(world: World, amount: str, month: str = "2026-02") -> dict[str, Any]:
    return {"type": "allocate_resource", "resource_id": str(world.resource),
            "project_id": str(world.project), "month": month, "amount": amount}


def _head(api: Api) -> int:
    head: int = api.get("/readyz").json()["projection"]["head"]
    return head


def test_each_scenario_reports_its_commands_events_and_figures(api: Api, world: World) -> None:
    head = _head(api)
    response = api.post(f"/v1/programs/{world.program}/what-if", {"scenarios": [
        {"key": "over", "commands": [_allocate(world, "1")]},  # 1.5 + 1 > 2
        {"key": "governed", "commands": [{**_allocate(world, "1"),
                                          "decision_id": str(world.decision)},
                                         {"type": "assess_risk", "risk_id": str(world.risk),
                                          "likelihood": 1, "impact": 4, "rationale": "less"}]},
    ]})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["written"] is False and body["resolved_position"] == head
    over, governed = body["scenarios"]
    assert (over["accepted"], over["refused"]) == (0, 1)
    assert over["steps"][0]["rule"] == "capacity_exceeded" and over["differences"] == []
    assert [s["status"] for s in governed["steps"]] == ["accepted", "accepted"]
    assert [e["event_type"] for e in governed["steps"][1]["events"]] == ["RiskAssessed"]
    month = governed["figures"]["resources"][str(world.resource)]["months"]["2026-02"]
    assert month == {"allocated": 2.5, "capacity": 2.0, "over": 0.5, "governed": True}
    moved = {(d["section"], d["figure"]): d["delta"] for d in governed["differences"]}
    assert moved[("risks", "exposure")] == -8  # 3 × 4 → 1 × 4
    assert moved[("resources", "months.2026-02.over")] == 0.5
    assert _head(api) == head  # nothing written


def test_a_bad_command_is_refused_naming_its_place_and_nothing_runs(api: Api,
                                                                    world: World) -> None:
    path = f"/v1/programs/{world.program}/what-if"
    bad_amount = api.post(path, {"scenarios": [{"key": "a", "commands": [
        _allocate(world, "1"), _allocate(world, "NaN")]}]})
    assert bad_amount.status_code == 422
    assert bad_amount.json()["errors"][0]["field"] == "scenarios[0].commands[1].amount"
    unknown = api.post(path, {"scenarios": [{"key": "a", "commands": [{"type": "drop_table"}]}]})
    assert unknown.status_code == 422 and "scenarios[0].commands[0].type" in unknown.text
    twice = api.post(path, {"scenarios": [{"key": "a", "commands": []},
                                          {"key": "a", "commands": []}]})
    assert twice.status_code == 422 and "scenarios.key" in twice.text
    future = api.post(path, {"position": _head(api) + 1, "scenarios": [{"key": "a",
                                                                         "commands": []}]})
    assert future.status_code == 422 and f"holds {_head(api)} events" in future.text


def test_a_viewer_may_not_run_a_what_if(api: Api, world: World) -> None:
    response = api.post(f"/v1/programs/{world.program}/what-if",
                        {"scenarios": [{"key": "a", "commands": []}]}, role="viewer")
    assert response.status_code == 403
