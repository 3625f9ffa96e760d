"""`ledger board-pack` writes the PDF and its manifest; `ledger audit verify-pack` passes the
saved pack and, once one figure in it is changed, names that figure and exits 1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import RunLedger


def test_a_saved_pack_verifies_until_one_figure_is_changed(run_ledger: RunLedger,
                                                           tmp_path: Path) -> None:
    assert run_ledger("demo").returncode == 0
    made = run_ledger("board-pack", "--program", "erp-transform", "--as-of", "2026-03-23",
                      "--since", "2026-01-12", "--out", "pack.pdf")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    assert run_ledger("audit", "verify-pack", "pack.json").returncode == 0

    manifest = json.loads((tmp_path / "pack.json").read_text())
    key, figure = next((k, f) for k, f in manifest["figures"].items()
                       if f["label"] == "Order-to-cash cycle time: target")
    figure["value"] = 26.0
    (tmp_path / "tampered.json").write_text(json.dumps(manifest))
    checked = run_ledger("audit", "verify-pack", "tampered.json")
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == [
        f"MISMATCH {key} (Order-to-cash cycle time: target): the pack says 26.0, the log at "
        "its position says 28.0"]


def test_an_unknown_output_kind_is_refused(run_ledger: RunLedger) -> None:
    refused = run_ledger("board-pack", "--program", "ERP-TRANSFORM", "--out", "pack.docx")
    assert refused.returncode == 2
    assert "--out must end in .pdf, .html or .json" in refused.stderr


def test_a_file_that_is_no_manifest_is_refused_by_name(run_ledger: RunLedger,
                                                       tmp_path: Path) -> None:
    (tmp_path / "slides.json").write_text(json.dumps({"format": "pptx"}))
    refused = run_ledger("audit", "verify-pack", "slides.json")
    assert refused.returncode == 1
    assert "format: is not a board pack manifest (ledger-board-pack/1)" in refused.stderr
    (tmp_path / "broken.json").write_text("{")
    assert run_ledger("audit", "verify-pack", "broken.json").returncode == 2
