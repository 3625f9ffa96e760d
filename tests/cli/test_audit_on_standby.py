"""`ledger audit verify|export --read-url`: the work done on a standby in one snapshot and
checked against the primary's latest checkpoint. Here the primary's own database stands in
for its standby (a real replica is in tests/reliability/test_standby.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import RunLedger


@pytest.mark.postgres
def test_verify_and_export_on_a_standby_report_the_primarys_head_and_trail(
        run_ledger: RunLedger, postgres_url: str, tmp_path: Path) -> None:
    env = {"LEDGER_DATABASE_URL": postgres_url}
    demo = json.loads(run_ledger("demo", "--json", **env).stdout.splitlines()[-1])
    on_primary = run_ledger("audit", "verify", "--json", **env)
    on_standby = run_ledger("audit", "verify", "--json", "--read-url", postgres_url, **env)
    assert on_primary.returncode == on_standby.returncode == 0, on_standby.stderr
    primary, standby = (json.loads(r.stdout.splitlines()[-1]) for r in (on_primary, on_standby))
    assert (primary["source"], standby["source"]) == ("primary", "standby")
    assert standby["ok"] and standby["head"] == primary["head"]
    assert standby["head"]["position"] == demo["head"]
    assert f"the primary's checkpoint {demo['checkpoint']}" in on_standby.stderr
    text = run_ledger("audit", "verify", "--read-url", postgres_url, **env).stdout
    assert text.startswith("ok on the standby: ") and f"head position {demo['head']:,}" in text

    trails = {name: tmp_path / f"{name}.jsonl" for name in ("primary", "standby")}
    assert run_ledger("audit", "export", "--out", str(trails["primary"]), **env).returncode == 0
    assert run_ledger("audit", "export", "--out", str(trails["standby"]), "--read-url",
                      postgres_url, **env).returncode == 0
    assert trails["standby"].read_bytes() == trails["primary"].read_bytes()


@pytest.mark.postgres
def test_a_standby_url_that_is_not_postgresql_is_refused_naming_the_option(
        run_ledger: RunLedger, postgres_url: str) -> None:
    refused = run_ledger("audit", "verify", "--read-url", "sqlite:///replica.db",
                         LEDGER_DATABASE_URL=postgres_url)
    assert refused.returncode == 2 and "--read-url" in refused.stderr
    assert "Traceback" not in refused.stderr
