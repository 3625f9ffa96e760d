"""The board pack of the demo on both backends: the figures it states, what changed between
the two steering committees, the escalations, and verify-pack naming a tampered figure."""

from __future__ import annotations

import copy
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit import notes
from ledger.audit.checkpoints import create_checkpoint, latest_checkpoint
from ledger.audit.cosignatures import store_cosignature
from ledger.audit.keys import load_or_create_signing_key
from ledger.audit.tlog import checkpoint_body
from ledger.demo.calendar import STEERING_COMMITTEES
from ledger.domain.errors import InvalidInput
from ledger.pack import Pack, PackRequest, build_pack
from ledger.pack.manifest import to_manifest
from ledger.pack.model import PROPOSALS
from ledger.pack.render import render_html, render_pdf
from ledger.pack.verify import verify_manifest
from tests.pack.conftest import Demo

FIRST, SECOND = STEERING_COMMITTEES


def second_pack(demo: Demo) -> Pack:
    return build_pack(demo.ledger, demo.engine, PackRequest(demo.program_id, SECOND, FIRST))


def by_label(pack: Pack, label: str) -> Any:
    return next(f for f in pack.figures.values() if f.label == label)


def test_the_headline_states_each_project_with_its_trend_and_the_events_behind_it(
        demo: Demo) -> None:
    pack = second_pack(demo)
    assert pack.status.value == "active"
    # The demo's history was recorded after its dates: the pack says so, and is cut at the
    # checkpoint signed once it was loaded.
    assert pack.knowledge.startswith("no checkpoint had been signed by 23 Mar 2026, so as the "
                                     "ledger knows it now: checkpoint 1, signed ")
    migration = next(p for p in pack.projects if p.name == "Data migration")
    assert (migration.rating.value, migration.previous, migration.trend) == ("red", "green",
                                                                              "worse")
    assert migration.reason == "Mock load 2 rejected 14% of customer records"
    # The cited position holds the report that said red, and nothing later on that day.
    [position] = migration.rating.positions
    event = demo.ledger.recorder.select_notifications(start=position, limit=1)[0]
    assert event.topic.endswith("Project.ProjectStatusReported")
    inventory = next(b for b in pack.benefits if b.name == "Inventory carrying cost")
    assert inventory.target.value == 20.5  # revised on 20 March, before the second pack
    assert inventory.realization.value == round((24.2 - 24.0) / (20.5 - 24.0) * 100, 1)


def test_changes_since_the_last_pack_are_told_in_words(demo: Demo) -> None:
    texts = [line.text for line in second_pack(demo).changes]
    assert ("Data migration went red (reason: Mock load 2 rejected 14% of customer records)."
            in texts)
    assert any(t.startswith("Inventory carrying cost target revised 19 → 20.5 % of value")
               and "Rebaseline the inventory carrying-cost target" in t for t in texts)
    assert "Risk “Go-live collides with fiscal year-end close” is now closed." in texts
    # A decision taken before the first pack is no change of the second.
    assert not any("Adopt SAP standard" in t for t in texts)


def test_escalations_apply_the_at_risk_rule(demo: Demo) -> None:
    escalations = second_pack(demo).escalations
    assert escalations[PROPOSALS] == []
    [mock_loads, *_] = escalations["dependencies_at_risk"]
    assert mock_loads.text.startswith("Data migration → ERP implementation (mock-loads): "
                                      "provider reports red")
    [quality] = escalations["program_risks"]
    assert "affects 2 projects: cumulative exposure 40" in quality.text
    # On the first committee's date the February peak was within capacity: 4 + 2 of 6.
    first = build_pack(demo.ledger, demo.engine, PackRequest(demo.program_id, FIRST))
    assert first.escalations["over_capacity"] == []
    assert first.changes == []
    # With no previous pack nothing "crossed" the threshold since: it is simply over it.
    assert [line.text for line in first.escalations["program_risks"]] == [
        "“Legacy data quality worse than expected” (open): exposure 5 × 4 = 20; at or over "
        "15; affects 2 projects: cumulative exposure 40.",
        "“Go-live collides with fiscal year-end close” (open): exposure 4 × 4 = 16; at or "
        "over 15."]


def test_decisions_since_the_last_pack_carry_options_and_trade_offs(demo: Demo) -> None:
    decisions = second_pack(demo).decisions
    assert [d.title for d in decisions][:1] == ["Move go-live to 1 July 2026"]
    assert decisions[0].tradeoffs == "Three months of O2C benefit and EUR 150k run cost"
    assert any(o.startswith("april: Keep 1 April 2026") for o in decisions[0].options)


def test_verify_pack_recomputes_every_figure_and_names_the_one_changed(demo: Demo) -> None:
    manifest = to_manifest(second_pack(demo))
    check = verify_manifest(demo.ledger, demo.engine, demo.public_key, manifest)
    assert check.ok, check.mismatches + check.checkpoint_problems
    assert check.figures_checked == len(manifest["figures"]) > 30

    tampered = copy.deepcopy(manifest)
    key = next(k for k, f in tampered["figures"].items() if f["label"] == "Program status")
    tampered["figures"][key]["value"] = "on_hold"
    check = verify_manifest(demo.ledger, demo.engine, demo.public_key, tampered)
    assert check.mismatches == [f"{key} (Program status): the pack says 'on_hold', the log "
                                "at its position says 'active'"]


def test_verify_refuses_a_pack_whose_checkpoint_is_not_the_signed_one(demo: Demo) -> None:
    head = demo.ledger.head_position()
    manifest = to_manifest(second_pack(demo))
    manifest["checkpoint"]["root"] = "00" * 32
    problems = verify_manifest(demo.ledger, demo.engine, demo.public_key,
                               manifest).checkpoint_problems
    assert len(problems) == 1 and "the pack gives size" in problems[0]
    assert second_pack(demo).checkpoint.position == head


def test_since_must_come_before_as_of(demo: Demo) -> None:
    with pytest.raises(InvalidInput, match="since"):
        build_pack(demo.ledger, demo.engine, PackRequest(demo.program_id, FIRST, SECOND))


def test_the_page_links_every_figure_to_its_event_in_the_audit_timeline(demo: Demo) -> None:
    page = render_html(second_pack(demo))
    assert 'href="/ui/audit?program=ERP-TRANSFORM&amp;after=' in page
    assert "Checkpoint 1: tree size" in page
    assert page.count("<svg") == 3  # a chart per benefit


def test_the_pdf_states_the_headline_a_change_and_an_escalation(demo: Demo,
                                                                 tmp_path: Path) -> None:
    assert shutil.which("pdftotext") and shutil.which("pdfinfo"), \
        "the PDF test reads the PDF with poppler-utils, which .ci/run installs"
    key = load_or_create_signing_key(demo.settings.resolved_signing_key_path)
    create_checkpoint(demo.engine, key)  # a second one: the pack names the latest
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(render_pdf(second_pack(demo)))
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    assert "Program status: active" in text
    assert "Data migration red" in text and "worse" in text
    assert "Data migration went red (reason: Mock load 2 rejected 14% of customer records)" \
        in text
    assert "cumulative exposure 40" in text
    assert "Checkpoint 2: tree size" in text
    assert "Data migration: overall RAG: log position" in text  # a footnote
    assert "Order-to-cash cycle time against the business case (days)" in text  # chart title
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    assert "Page size:       841.89 x 595.276 pts (A4)" in info  # landscape: wider than high


def test_the_first_pack_has_no_changes_to_tell(demo: Demo) -> None:
    pack = build_pack(demo.ledger, demo.engine, PackRequest(demo.program_id, date(2025, 6, 1)))
    assert pack.changes == [] and pack.decisions == []


def test_the_footer_names_the_witnesses_that_cosigned_the_checkpoint(demo: Demo) -> None:
    with demo.engine.connect() as connection:
        signed = latest_checkpoint(connection)
    assert signed is not None
    body = checkpoint_body(signed, demo.settings.log_origin)
    witness = Ed25519PrivateKey.generate()
    store_cosignature(demo.engine, signed.id, notes.cosign(body, "w.example", witness, 1))
    pack = second_pack(demo)
    assert pack.checkpoint.witnesses == ("w.example",)
    assert to_manifest(pack)["checkpoint"]["witnesses"] == ["w.example"]
    assert f"root {signed.root.hex()};\nwitnesses: w.example." in render_html(pack)


def test_a_previous_pack_before_the_program_existed_makes_everything_new(demo: Demo) -> None:
    pack = build_pack(demo.ledger, demo.engine,
                      PackRequest(demo.program_id, FIRST, since=date(2025, 1, 1)))
    [line] = pack.changes
    assert line.text == ("ERP transformation was defined after 01 Jan 2025: all of this pack "
                         "is new since then.")
    assert line.figures[0].positions == (1,)


def test_a_proposal_awaits_a_decision_between_its_proposal_and_the_decision(
        demo: Demo) -> None:
    # The demo proposes hypercare cover on 8 June 2026 and decides it on 10 June.
    waiting = build_pack(demo.ledger, demo.engine,
                         PackRequest(demo.program_id, date(2026, 6, 9), date(2026, 6, 1)))
    [line] = waiting.escalations[PROPOSALS]
    assert line.text.startswith("“Hypercare cover for July and August”, proposed 08 Jun 2026 "
                                "to the steering committee: “Two contract specialists")
    assert line.figures[0].value == "open"
    decided = build_pack(demo.ledger, demo.engine,
                         PackRequest(demo.program_id, date(2026, 6, 11), date(2026, 6, 9)))
    assert decided.escalations[PROPOSALS] == []
    [taken] = [d for d in decided.decisions if d.title == "Hypercare cover for July and August"]
    # A prediction names the benefit, not its id.
    assert any(option.endswith("User adoption -10)") for option in taken.options)
