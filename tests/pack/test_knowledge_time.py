"""A pack states what the ledger knew on its date: cut under the last checkpoint signed by
then, so a fact recorded later about that period does not change it when it is cut again;
asked at a later position, it does, and says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledger.application.commands.projects import ReportProjectStatus
from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.keys import load_or_create_signing_key
from ledger.bootstrap import open_ledger, open_migrated_engine
from ledger.demo import load_demo
from ledger.demo.calendar import STEERING_COMMITTEES
from ledger.domain.base import Provenance
from ledger.pack import PackRequest, build_pack
from ledger.settings import Settings
from tests.pack.conftest import Demo

FIRST, SECOND = STEERING_COMMITTEES


@pytest.fixture
def signed_on_the_day(database_url: str, tmp_path: Path) -> Iterator[Demo]:
    """The demo, signed on the evening of the second committee; then a late report about
    the week before it, and a checkpoint of that."""
    settings = Settings(database_url=database_url, data_dir=tmp_path)
    ledger, engine = open_ledger(settings), open_migrated_engine(settings)
    story = load_demo(ledger)
    assert story is not None
    key = load_or_create_signing_key(settings.resolved_signing_key_path)
    create_checkpoint(engine, key, now=datetime(2026, 3, 23, 18, tzinfo=UTC))
    ledger.execute(ReportProjectStatus(
        project_id=story.projects["Change management"], overall="amber", schedule="amber",
        cost="green", scope="green", resources="amber", narrative="Late report",
        reason="Trainers double-booked", effective_at=datetime(2026, 3, 20, 9, tzinfo=UTC)),
        by=Provenance("sofia.martins"))
    create_checkpoint(engine, key)
    yield Demo(ledger, engine, key.public_key(), settings)
    ledger.close()
    engine.dispose()


def test_a_pack_cut_again_later_states_what_was_known_on_its_date(
        signed_on_the_day: Demo) -> None:
    demo = signed_on_the_day
    pack = build_pack(demo.ledger, demo.engine, PackRequest(demo.program_id, SECOND, FIRST))
    assert pack.checkpoint.id == 1
    assert pack.knowledge.startswith("as the ledger knew it on 23 Mar 2026: the last "
                                     "checkpoint signed by then, checkpoint 1, signed 23 Mar")
    change = next(p for p in pack.projects if p.name == "Change management")
    assert change.rating.value == "green"  # the late amber report was not known then

    head = demo.ledger.head_position()
    now_known = build_pack(demo.ledger, demo.engine,
                           PackRequest(demo.program_id, SECOND, FIRST, position=head))
    assert now_known.checkpoint.id == 2 and now_known.position == head > pack.position
    change = next(p for p in now_known.projects if p.name == "Change management")
    assert (change.rating.value, change.rating.positions) == ("amber", (head,))
    assert now_known.knowledge == f"as the log stood at position {head}, as asked"


def test_a_position_inside_a_command_cuts_after_the_whole_command(
        signed_on_the_day: Demo) -> None:
    demo = signed_on_the_day
    # The first position inside a command of several events (a new component is registered
    # with its program by the same command).
    head = demo.ledger.head_position()
    inside = next(p for p in range(1, head) if demo.ledger.command_end(p) > p)
    end = demo.ledger.command_end(inside)
    pack = build_pack(demo.ledger, demo.engine,
                      PackRequest(demo.program_id, SECOND, position=inside))
    assert pack.position == end
    assert pack.knowledge == (f"position {inside} lies inside a command that recorded several "
                              f"events, so as the log stood after the whole command, at "
                              f"position {end}")
