"""`ledger tokens create|list|revoke` in a subprocess: printed once, stored hashed, revocable."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from ledger.access.tokens import authenticate, ensure_first_admin
from ledger.domain.program import program_id_for_code
from tests.cli.conftest import RunLedger


def _engine(tmp_path: Path) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{tmp_path / 'data' / 'ledger.db'}")


def test_created_token_is_printed_once_and_authenticates(run_ledger: RunLedger,
                                                         tmp_path: Path) -> None:
    created = run_ledger("tokens", "create", "--role", "editor", "--name", "pat.pm",
                         "--programs", "ERP,CRM")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    engine = _engine(tmp_path)
    principal = authenticate(engine, token)
    assert principal is not None and (principal.id, principal.role) == ("pat.pm", "editor")
    assert principal.programs == {program_id_for_code("ERP"), program_id_for_code("CRM")}
    listed = run_ledger("tokens", "list", "--json")
    rows = json.loads(listed.stdout)
    assert [(r["principal_id"], r["role"]) for r in rows] == [("pat.pm", "editor")]
    assert token not in listed.stdout and "hash" not in listed.stdout
    with engine.connect() as connection:  # only the hash is stored
        stored = connection.execute(sa.text("SELECT token_hash FROM ledger_api_tokens")).scalar()
    assert stored != token and len(stored) == 64
    engine.dispose()


def test_revoked_token_no_longer_authenticates(run_ledger: RunLedger, tmp_path: Path) -> None:
    token = run_ledger("tokens", "create", "--role", "auditor", "--name", "ann.audit",
                       "--all-programs").stdout.strip().splitlines()[-1]
    token_id = json.loads(run_ledger("tokens", "list", "--json").stdout)[0]["token_id"]
    table = run_ledger("tokens", "list")
    assert "ann.audit" in table.stdout and "all" in table.stdout
    assert run_ledger("tokens", "revoke", token_id).returncode == 0
    engine = _engine(tmp_path)
    assert authenticate(engine, token) is None
    engine.dispose()
    again = run_ledger("tokens", "revoke", token_id)
    assert again.returncode == 1 and "no live token" in again.stderr


def test_bad_options_are_refused_without_creating_a_token(run_ledger: RunLedger) -> None:
    for args in (("--role", "boss", "--name", "x.y", "--all-programs"),
                 ("--role", "viewer", "--name", "x.y"),
                 ("--role", "viewer", "--name", "x.y", "--all-programs", "--programs", "ERP"),
                 ("--role", "viewer", "--name", "Not A Name", "--all-programs")):
        result = run_ledger("tokens", "create", *args)
        assert result.returncode != 0 and "Traceback" not in result.stderr, args
    assert json.loads(run_ledger("tokens", "list", "--json").stdout) == []


def test_first_admin_is_created_once(tmp_path: Path, run_ledger: RunLedger) -> None:
    run_ledger("tokens", "list")  # migrates the database
    engine = _engine(tmp_path)
    token = ensure_first_admin(engine)
    assert token is not None and ensure_first_admin(engine) is None
    principal = authenticate(engine, token)
    assert principal is not None and principal.role == "admin" and principal.programs is None
    engine.dispose()
