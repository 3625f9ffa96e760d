"""The export's readable `event` object: the domain event's own fields as plain JSON, beside
the stored state that the digest covers, for real Ledger events (ids, dates, times, decimals,
nested options and id lists); and the offline verifier still accepts the export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.application import ProgramLedger
from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.export import export_csv, export_jsonl
from ledger.audit.signing import public_key_hex
from ledger.bootstrap import open_ledger
from ledger.settings import Settings
from tests.application.builders import ProgramBuilder
from tests.audit.test_export import offline

# Kept in their own columns of the events table (and of the export line), not in the state.
OUTSIDE_THE_STATE = {"originator_id", "originator_version"}


@pytest.fixture
def ledger(database_url: str, tmp_path: Path) -> Iterator[ProgramLedger]:
    app = open_ledger(Settings(database_url=database_url, data_dir=tmp_path))
    yield app
    app.close()


def as_plain_json(value: Any) -> Any:
    """What a reader expects each Python value to look like, written independently of the
    export's decoding of the stored JSON."""
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_plain_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_plain_json(item) for item in value]
    return value


def test_the_readable_event_holds_the_domain_events_fields_and_the_export_verifies(
        ledger: ProgramLedger, database_url: str, tmp_path: Path) -> None:
    erp = ProgramBuilder(ledger)
    project = erp.project("ERP build", "blueprint")
    resource, benefit = erp.resource("2.5"), erp.benefit()
    decision = erp.decision(project=[project], benefit=[benefit])
    engine = sa.create_engine(database_url)
    key = Ed25519PrivateKey.generate()
    try:
        create_checkpoint(engine, key)
        export = tmp_path / "trail.jsonl"
        export.write_text("".join(export_jsonl(engine)), encoding="utf-8")
        (tmp_path / "trail.csv").write_text("".join(export_csv(engine)), encoding="utf-8")
    finally:
        engine.dispose()
    lines = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    readable = {(line["originator_id"], line["originator_version"]): line["event"]
                for line in lines if line["type"] == "event"}

    names = set()
    for aggregate in (erp.program_id, project, resource, benefit, decision):
        for event in ledger.events.get(aggregate):
            fields = {k: v for k, v in vars(event).items() if k not in OUTSIDE_THE_STATE}
            if getattr(event, "class_version", 1) > 1:  # stored, so a reader knows the shape
                fields["class_version"] = event.class_version  # type: ignore[attr-defined]
            assert readable[(str(aggregate), event.originator_version)] == as_plain_json(fields)
            names.add(type(event).__qualname__)
    assert {"Program.ProgramDefined", "Project.ProjectAuthorized", "SharedResource."
            "ResourceRegistered", "Benefit.BenefitProfileSet", "Decision.DecisionRecorded"
            } <= names, names

    registered = readable[(str(resource), 1)]
    assert registered["capacity_per_month"] == "2.5"  # a decimal, exactly, as text
    assert registered["program_id"] == str(erp.program_id)  # an id as the line writes ids
    profile = readable[(str(benefit), 2)]
    assert (profile["baseline_date"], profile["target_date"]) == ("2025-01-01", "2026-12-31")
    for trail in (export, tmp_path / "trail.csv"):
        verified = offline(trail, public_key_hex(key.public_key()))
        assert verified.returncode == 0, verified.stderr
