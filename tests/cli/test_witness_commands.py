"""`ledger witness` and the witness settings: bad keys and policies are named, not traced."""

from __future__ import annotations

import pytest

from ledger.audit import notes
from tests.cli.conftest import RunLedger


@pytest.mark.parametrize(("witnesses", "said"), [
    ("http://w.example nonsense", "invalid setting witnesses"),
    ("http://w.example w+00000000+AAAA", "LEDGER_WITNESSES: verifier key 'w'"),
])
def test_a_bad_witness_setting_is_named_and_signs_nothing(
        run_ledger: RunLedger, witnesses: str, said: str) -> None:
    result = run_ledger("audit", "checkpoint", LEDGER_WITNESSES=witnesses)
    assert result.returncode != 0 and said in result.stderr
    assert "Traceback" not in result.stderr
    assert "no checkpoint" in run_ledger("audit", "checkpoints").stderr


def test_the_witness_key_is_a_cosignature_verifier_key(run_ledger: RunLedger) -> None:
    printed = run_ledger("witness", "key", "--key", "w.pem", "--name", "w.example")
    assert printed.returncode == 0, printed.stderr
    parsed = notes.parse_vkey(printed.stdout.strip())
    assert (parsed.name, parsed.alg) == ("w.example", notes.COSIGNATURE_V1)
    bad = run_ledger("witness", "key", "--key", "w.pem", "--name", "two words")
    assert bad.returncode == 2 and "without spaces" in bad.stderr


def test_a_witness_policy_needs_as_many_keys_as_it_counts(run_ledger: RunLedger) -> None:
    key = run_ledger("witness", "key", "--key", "w.pem", "--name", "w.example").stdout.strip()
    result = run_ledger("audit", "verify", "--witness", key, "--min-witnesses", "2")
    assert result.returncode == 2 and "only 1 --witness keys given" in result.stderr
    log = run_ledger("audit", "public-key", "--note").stdout.strip()
    assert notes.parse_vkey(log).name == "ledger.example/log"
