"""The README's quick start, step by step, in a temporary directory: demo, serve, a few
HTTP calls, verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import start_server, stop_server

LEDGER = [sys.executable, "-c", "from ledger.cli import main; main()"]


def test_quick_start_in_a_fresh_directory(tmp_path: Path) -> None:
    env = {**os.environ, "LEDGER_DATA_DIR": str(tmp_path / ".ledger")}
    env.pop("LEDGER_DATABASE_URL", None)  # the embedded SQLite default
    demo = subprocess.run([*LEDGER, "demo", "--json"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=180, check=True)
    assert json.loads(demo.stdout)["loaded"] is True
    url = f"sqlite:///{tmp_path / '.ledger' / 'ledger.db'}"
    server = start_server(url, tmp_path / ".ledger")
    try:
        assert server.admin_token.startswith("ldg_")
        with server.client() as http:
            programs = http.get("/v1/programs").json()["items"]
            assert [p["code"] for p in programs] == ["ERP-TRANSFORM"]
            program = programs[0]["id"]
            decisions = http.get(f"/v1/programs/{program}/decisions",
                                 params={"q": "warehouse"}).json()["items"]
            deferral = next(d for d in decisions if d["title"].startswith("Defer"))
            review = http.get(f"/v1/decisions/{deferral['id']}/review").json()
            assert review["decision"]["chosen_option"] == "defer"
            projects = http.get(f"/v1/programs/{program}/projects").json()["items"]
            project = next(p["id"] for p in projects if p["name"] == "Change management")
            posted = http.post(f"/v1/projects/{project}/status-reports", json={
                "overall": "green", "schedule": "green", "cost": "green", "scope": "green",
                "resources": "green", "narrative": "quick start"})
            assert posted.status_code == 201, posted.text  # an open project, found by name
            as_of = http.get(f"/v1/programs/{program}/as-of", params={"position": 10})
            assert list(as_of.json()["components"]) == ["project"]
    finally:
        stop_server(server)
    verified = subprocess.run([*LEDGER, "audit", "verify", "--json"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=180, check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["ok"] is True
