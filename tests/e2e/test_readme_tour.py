"""The README's curl tour and auditor's guide, parsed from the README itself and run as
written (bash, curl, jq, `.venv/bin/ledger`) against a fresh demo served by `ledger serve`,
so the README and the product cannot drift apart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.e2e.conftest import start_server, stop_server

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(section: str) -> str:
    """The first ```sh block of a README section, exactly as written."""
    text = README.read_text().split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return text.split("```sh\n", 1)[1].split("```", 1)[0]


def json_documents(output: str) -> list[Any]:
    """Each JSON document a sequence of curl calls printed, one after the other."""
    decoder, documents, at = json.JSONDecoder(), [], 0
    while (at := len(output) - len(output[at:].lstrip())) < len(output):
        document, at = decoder.raw_decode(output, at)
        documents.append(document)
    return documents


def run_as_written(script: str, checkout: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``script`` in bash, stopping at the first failing command, on the embedded SQLite."""
    inherited = {k: v for k, v in os.environ.items() if k != "LEDGER_DATABASE_URL"}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=checkout,
                          env={**inherited, **env}, capture_output=True, text=True,
                          timeout=300, check=False)


def test_the_readme_tour_and_auditors_guide_run_as_written_on_a_fresh_demo(
        tmp_path: Path) -> None:
    assert shutil.which("jq") and shutil.which("curl"), "the tour needs curl and jq"
    # A checkout whose .venv is the virtualenv running the tests.
    (tmp_path / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    assert (tmp_path / ".venv" / "bin" / "ledger").exists()
    data_dir = tmp_path / ".ledger"
    env = {"LEDGER_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    demo = run_as_written(".venv/bin/ledger demo", tmp_path, **env)  # as `make demo` does
    assert demo.returncode == 0, demo.stderr
    server = start_server(f"sqlite:///{data_dir / 'ledger.db'}", data_dir)
    printed = "".join(server.banner)
    assert f"web UI: {server.url}/ui" in printed and f"API docs: {server.url}/docs" in printed
    try:
        tour = run_as_written(readme_block("A tour with curl"), tmp_path, LEDGER=server.url,
                              **env)
        imports = run_as_written(readme_block("Importing measurements"), tmp_path,
                                 LEDGER=server.url, **env)
    finally:
        stop_server(server)
    assert tour.returncode == 0, tour.stderr
    answers = json_documents(tour.stdout)
    problems = [a for a in answers if "status" in a and "title" in a]
    assert problems == []
    (report, decision, benefit, review, benefits, before, on_date, two, three, hypercare,
     verified) = answers
    assert report["position"] < decision["position"]
    readings = [m["value"] for m in benefit["measurements"]]
    assert 30.9 in readings  # read after the position its write returned
    assert review["decision"]["chosen_option"] == "defer"
    o2c = next(b for b in benefits if b["name"] == "Order-to-cash cycle time")
    assert o2c["latest"] == 30.9 and 0 < o2c["realization"] <= 1.5  # the tour's own reading
    assert before["position"] == 100
    assert on_date["effective"].startswith("2025-12-31")
    assert verified["ok"] is True and verified["checkpoints_checked"] >= 1
    # August holds 4 of 6 specialists: 2 more fit, 3 are refused by the real rule
    assert two["steps"] == [{"type": "allocate_resource", "status": "accepted", "rule": None}]
    assert {"figure": "months.2026-08.allocated", "delta": 2.0} in two["moved"]
    assert three["steps"][0]["rule"] == "capacity_exceeded" and three["moved"] == []
    assert {line["figure"] for line in hypercare["missed"]} >= {"months.2026-08.allocated"}
    assert hypercare["error"]["missed"] == len(hypercare["missed"])

    assert imports.returncode == 0, imports.stdout + imports.stderr
    dry_run, (imported, again, *history) = imports.stdout, json_documents(
        imports.stdout[imports.stdout.index("{"):])
    assert "would record 2, corrected 0" in dry_run and "refused 1" in dry_run
    assert "changes_recorded_value" in dry_run
    assert (imported["recorded"], imported["corrected"], imported["refused"]) == (2, 1, 0)
    assert again == {"recorded": 0, "corrected": 0, "already_imported": 3, "position": None}
    assert [(e["type"], e["imported_from"]["row"]) for e in history] == [
        ("BenefitMeasured", 2), ("BenefitMeasurementCorrected", 4)]
    assert history[1]["reason"] == "Late logins counted"

    guide = run_as_written(readme_block("An auditor's guide"), tmp_path, **env)
    assert guide.returncode == 0, guide.stdout + guide.stderr
    assert (tmp_path / "key.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert "OK " in guide.stdout and "verified against checkpoint 1" in guide.stdout
    assert json.loads(guide.stdout.strip().splitlines()[-1])["position"] == 42
