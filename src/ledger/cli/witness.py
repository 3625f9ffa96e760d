"""`ledger witness serve|key`: run a tlog-witness for a Ledger log, as an audit firm would."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from ledger.audit import notes
from ledger.audit.keys import load_or_create_signing_key
from ledger.witness.app import witness_app
from ledger.witness.protocol import Witness
from ledger.witness.state import WitnessState

app = typer.Typer(help="Run a witness that cosigns a log's checkpoints.", no_args_is_help=True)
KeyPath = Annotated[Path, typer.Option("--key", help="The witness's Ed25519 key (PEM); "
                                                     "generated, mode 0600, if absent.")]
Name = Annotated[str, typer.Option("--name", help="The witness's key name, e.g. "
                                                  "witness.auditfirm.example")]


def _vkey(name: str, key: Path) -> str:
    private = load_or_create_signing_key(key)
    try:
        return notes.verifier(name, private.public_key(), notes.COSIGNATURE_V1).vkey()
    except notes.BadNote as error:
        raise typer.BadParameter(str(error), param_hint="--name") from None


@app.command("key")
def key_command(key: KeyPath, name: Name) -> None:
    """Print the witness's verifier key, for the log's LEDGER_WITNESSES and for auditors."""
    typer.echo(_vkey(name, key))


@app.command()
def serve(
    key: KeyPath, name: Name,
    log_key: Annotated[list[str], typer.Option(
        "--log-key", help="A log's verifier key (`ledger audit public-key --note`); "
                          "repeat for several logs.")],
    state: Annotated[Path, typer.Option(help="The witness's own SQLite file.")]
    = Path("witness.db"),
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to bind.")] = 7380,
) -> None:
    """Cosign checkpoints of the given logs (POST /add-checkpoint, C2SP tlog-witness)."""
    try:
        logs = {found.name: found for found in map(notes.parse_vkey, log_key)}
    except notes.BadNote as error:
        raise typer.BadParameter(str(error), param_hint="--log-key") from None
    if any(found.alg != notes.ED25519 for found in logs.values()):
        raise typer.BadParameter("a log key has signature type 0x01", param_hint="--log-key")
    vkey = _vkey(name, key)
    witness = Witness(name, load_or_create_signing_key(key), logs, WitnessState(state))
    typer.echo(f"witness {vkey} following {', '.join(logs)}", err=True)
    uvicorn.run(witness_app(witness), host=host, port=port, log_level="warning")
