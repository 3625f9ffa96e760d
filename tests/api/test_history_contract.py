"""Over HTTP: as-of answers whole commands and says so, a supersession takes effect when
given, and a refused citation never quotes another program's decision (issue 13, 6 and 7)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import OPTIONS, PROGRAM, PROJECT, Api


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _program(api: Api, code: str = "ERP") -> str:
    program = _created(api.post("/v1/programs", {**PROGRAM, "code": code}))["id"]
    _created(api.post(f"/v1/programs/{program}/status", {"status": "active", "reason": "go"}))
    return str(program)


def _decision(api: Api, program: str, title: str, when: str, **affects: list[str]
              ) -> dict[str, Any]:
    return _created(api.post(f"/v1/programs/{program}/decisions", {
        "title": title, "question": "q", "forum": "SteerCo", "authority": "Sponsor",
        "options": OPTIONS, "chosen_option": "defer", "rationale": "r", "tradeoffs": "t",
        "affects": affects, "effective_at": when}))


def test_as_of_a_position_inside_a_command_answers_after_it_and_says_so(api: Api) -> None:
    program = _program(api)
    end = _decision(api, program, "Defer", "2025-02-01T00:00:00Z")["position"]
    inside = api.get(f"/v1/programs/{program}/as-of", position=end - 1)
    assert inside.status_code == 200, inside.text
    body = inside.json()
    assert (body["position"], body["resolved_position"]) == (end - 1, end)
    assert f"position {end}" in body["note"]
    assert [d["state"]["title"] for d in body["components"]["decision"]] == ["Defer"]
    at_end = api.get(f"/v1/programs/{program}/as-of", position=end).json()
    assert (at_end["position"], at_end["resolved_position"], at_end["note"]) == (end, end, None)


def test_a_supersession_takes_effect_when_the_body_says(api: Api) -> None:
    program = _program(api)
    april = _decision(api, program, "Go live in April", "2026-01-05T09:00:00Z")["id"]
    july = _decision(api, program, "Go live in July", "2026-01-19T15:00:00Z")["id"]
    _created(api.post(f"/v1/decisions/{april}/supersede", {
        "by_decision_id": july, "reason": "moved", "effective_at": "2026-01-19T16:00:00Z"}))

    def superseded_by(effective: str) -> Any:
        state = api.get(f"/v1/programs/{program}/as-of", effective=effective).json()
        (decision,) = [d for d in state["components"]["decision"] if d["id"] == april]
        return decision["state"]["superseded_by"]

    assert superseded_by("2026-06-30T00:00:00Z") == july
    assert superseded_by("2026-01-19T15:30:00Z") is None


def test_a_supersession_dated_before_the_later_decision_is_refused(api: Api) -> None:
    program = _program(api)
    april = _decision(api, program, "Go live in April", "2026-01-05T09:00:00Z")["id"]
    july = _decision(api, program, "Go live in July", "2026-01-19T15:00:00Z")
    refused = api.post(f"/v1/decisions/{april}/supersede", {
        "by_decision_id": july["id"], "reason": "moved", "effective_at": "2026-01-10T00:00:00Z"})
    assert refused.status_code == 422, refused.text
    assert "effective_at" in refused.text
    assert api.get(f"/v1/aggregates/{april}/history").json()[-1]["type"] == "DecisionRecorded"


def test_citing_another_programs_decision_does_not_quote_it(api: Api) -> None:
    ours, theirs = _program(api, "OURS"), _program(api, "THEIRS")
    project = _created(api.post(f"/v1/programs/{ours}/projects", PROJECT))["id"]
    secret = _decision(api, theirs, "Close the Leeds plant", "2025-02-01T00:00:00Z")["id"]
    refused = api.post(f"/v1/projects/{project}/scope-changes", {
        "defer": ["build"], "rationale": "r", "decision_id": secret})
    assert refused.status_code == 409, refused.text
    assert "Leeds" not in refused.text
