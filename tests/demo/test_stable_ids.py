"""Every fresh demo has the same ids in the same order, so a tour or a script can rely on
them; outside the demo, ids stay random, and choosing an id changes no event's shape."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select

from ledger.application.commands.programs import DefineProgram
from ledger.application.commands.projects import AuthorizeProject
from ledger.audit.tables import events
from ledger.bootstrap import open_ledger, open_migrated_engine
from ledger.demo import DEMO_PROGRAM_CODE, load_demo
from ledger.demo.ids import demo_aggregate_id
from ledger.domain.base import Provenance, ids_chosen_by
from ledger.domain.program import program_id_for_code
from ledger.domain.project import Project
from ledger.settings import Settings


def _fresh_demo(data_dir: Path) -> list[tuple[UUID, int, str, str]]:
    """Each event of a fresh demo: its aggregate, version, type and the id it mints."""
    settings = Settings(data_dir=data_dir)
    ledger = open_ledger(settings)
    try:
        assert load_demo(ledger) is not None
    finally:
        ledger.close()
    engine = open_migrated_engine(settings)
    with engine.connect() as connection:
        rows = connection.execute(select(events.c.originator_id, events.c.originator_version,
                                         events.c.topic, events.c.state)
                                  .order_by(events.c.id)).all()
    engine.dispose()
    return [(_uuid(row[0]), int(row[1]), str(row[2]), _minted(row[3])) for row in rows]


def _minted(state: bytes | str) -> str:
    """A measurement's or an allocation's id, as stored."""
    fields = json.loads(state)
    return json.dumps(fields.get("measurement_id") or fields.get("allocation_id"))


def _uuid(raw: object) -> UUID:
    return UUID(bytes=raw) if isinstance(raw, bytes) else UUID(str(raw))


def test_two_fresh_demos_have_the_same_ids_in_the_same_order(tmp_path: Path) -> None:
    first, second = _fresh_demo(tmp_path / "a"), _fresh_demo(tmp_path / "b")
    assert first == second
    aggregates = {originator for originator, version, _topic, _minted in first if version == 1}
    minted = {minted for *_, minted in first if minted != "null"}
    assert len(minted) > 20  # measurements and allocations
    assert len(aggregates) > 20  # projects, benefits, risks, decisions, dependencies...
    assert program_id_for_code(DEMO_PROGRAM_CODE) in aggregates


def _authorize(ledger: Any, program: UUID, name: str) -> tuple[UUID, set[str]]:
    """A project's id and the fields its first stored event holds."""
    made: UUID = ledger.execute(AuthorizeProject(
        program_id=program, name=name, manager="Li", planned_start=date(2025, 1, 1),
        planned_finish=date(2025, 6, 30)), by=Provenance("li")).id
    return made, set(json.loads(ledger.recorder.select_events(made)[0].state))


def test_a_chosen_id_changes_no_events_shape_and_outside_the_demo_ids_are_random(
        tmp_path: Path) -> None:
    ledger = open_ledger(Settings(data_dir=tmp_path))
    try:
        program = ledger.execute(DefineProgram(code="P", name="P", objectives=["o"],
                                               sponsor="s", manager="m"), by=Provenance("m")).id
        first, random_shape = _authorize(ledger, program, "Pilot")
        second, _ = _authorize(ledger, program, "Pilot")
        with ids_chosen_by(demo_aggregate_id):
            chosen, chosen_shape = _authorize(ledger, program, "Chosen")
    finally:
        ledger.close()
    assert first != second  # outside the demo, two projects named alike get random ids
    assert chosen == demo_aggregate_id(Project, {"program_id": program, "name": "Chosen"})
    assert chosen_shape == random_shape
