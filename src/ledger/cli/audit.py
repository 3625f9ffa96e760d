"""`ledger audit verify|export|checkpoint|checkpoints|proof|public-key`: tamper evidence for
auditors."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import Connection

from ledger.audit import notes
from ledger.audit.checkpoints import (
    SIGN_ONE,
    create_checkpoint,
    get_checkpoint,
    latest_checkpoint,
    list_checkpoints,
)
from ledger.audit.cosignatures import cosigned_note
from ledger.audit.export import export_csv, export_jsonl
from ledger.audit.keys import load_or_create_signing_key
from ledger.audit.proofs import inclusion_proof
from ledger.audit.signing import Checkpoint, public_key_pem
from ledger.audit.snapshot import one_snapshot, wait_for_checkpoint
from ledger.audit.tlog import log_verifier, open_checkpoint
from ledger.audit.verify import VerifyResult
from ledger.audit.verify import verify as verify_log
from ledger.bootstrap import open_migrated_engine, open_witnessing
from ledger.cli.projections import EventsPerSecond
from ledger.domain.program import program_id_for_code
from ledger.settings import Settings

app = typer.Typer(help="Verify, export and prove the tamper-evident log.", no_args_is_help=True)
console = Console(stderr=True)


@app.command()
def verify(
    against: Annotated[int | None, typer.Option(
        help="A checkpoint id: also prove the log was only appended to since then.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
    witness: Annotated[list[str] | None, typer.Option(
        "--witness", help="A witness's verifier key (name+hash+base64); repeat.")] = None,
    min_witnesses: Annotated[int, typer.Option(
        min=0, help="Require this many of the --witness keys to have cosigned the latest "
                    "checkpoint.")] = 0,
    read_url: ReadUrl = None,
) -> None:
    """Recompute every digest, the chain and the Merkle roots from the raw events, and check
    every signed checkpoint. Exits 1 and names the first bad position if anything differs.

    With a standby (--read-url or LEDGER_READ_DATABASE_URL) the work is done there, in one
    repeatable-read snapshot, and the primary's latest signed checkpoint is checked too."""
    settings = Settings()
    witnesses = _witness_keys(witness or [], min_witnesses)
    engine = open_migrated_engine(settings)
    key = load_or_create_signing_key(settings.resolved_signing_key_path).public_key()
    standby = _standby(settings, read_url)
    with Progress(TextColumn("verifying"), BarColumn(), MofNCompleteColumn(),
                  EventsPerSecond(), TimeRemainingColumn(), console=console) as progress:
        task = progress.add_task("verify", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        if standby is None:
            result = verify_log(engine, key, against=against, progress=report)
        else:
            result = _verify_on_standby(engine, standby, settings, key, against, report)
            standby.dispose()
    policy = witnessed(engine, settings, witnesses, min_witnesses) if min_witnesses else None
    engine.dispose()
    if policy is not None:
        typer.echo(f"FAILED witness policy: {policy}")
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps({**result.to_dict(),
                               "source": "primary" if standby is None else "standby"}))
    elif result.ok:
        signed = (f"{result.checkpoints_checked} signed checkpoint"
                  f"{'' if result.checkpoints_checked == 1 else 's'}")
        where = "" if standby is None else " on the standby"
        typer.echo(f"ok{where}: {result.checked:,} events, {signed}; head position "
                   f"{result.head.position:,}, tree size {result.head.tree_size:,}, root "
                   f"{result.head.root.hex()}")
        if not result.checkpoints_checked:
            console.print(f"note: {SIGN_ONE}; exports and proofs need one")
    else:
        failure = result.first_failure
        assert failure is not None
        typer.echo(f"FAILED at position {failure.position}: {failure.kind} — {failure.detail}")
    if not result.ok:
        raise typer.Exit(1)


ReadUrl = Annotated[str | None, typer.Option(
    "--read-url", help="A hot standby of LEDGER_DATABASE_URL to do the work on (default "
    "LEDGER_READ_DATABASE_URL; '' for the primary).")]


def _standby(settings: Settings, read_url: str | None) -> Engine | None:
    url = settings.read_database_url if read_url is None else read_url
    if not url:
        return None
    if not url.startswith("postgresql"):
        raise typer.BadParameter("a standby is a postgresql+psycopg2:// URL",
                                 param_hint="--read-url")
    return create_engine(url)


def _primary_checkpoint(primary: Engine, standby: Engine, settings: Settings,
                        wanted: int | None = None) -> Checkpoint | None:
    """The primary's checkpoint (``wanted``, or its latest), once the standby holds it."""
    with primary.connect() as connection:
        made = get_checkpoint(connection, wanted) if wanted else latest_checkpoint(connection)
    wait = max(settings.read_wait_seconds, 30.0)
    if made is not None and not wait_for_checkpoint(standby, made, wait):
        typer.echo(f"FAILED: the standby has not replayed the primary's checkpoint {made.id} "
                   f"(tree size {made.tree_size:,}) within {wait:.0f} s; is it replicating?")
        raise typer.Exit(1)
    return made


def _verify_on_standby(primary: Engine, standby: Engine, settings: Settings,
                       key: Ed25519PublicKey, against: int | None,
                       report: Callable[[int, int], None]) -> VerifyResult:
    """Verify the standby's log in one snapshot, against the primary's latest checkpoint
    (the signed copy read from the primary itself), and also ``against`` if given."""
    latest = _primary_checkpoint(primary, standby, settings)
    if latest is None:
        console.print(f"note: the primary has no signed checkpoint to check; {SIGN_ONE}")
    with one_snapshot(standby) as connection:
        if against is not None:
            first = verify_log(connection, key, against=against, progress=report)
            if not first.ok:
                return first
        result = verify_log(connection, key, against=latest, progress=report)
    if latest is not None and result.ok:
        console.print(f"the primary's checkpoint {latest.id} (tree size "
                      f"{latest.tree_size:,}) matches the standby's log")
    return result


def _witness_keys(keys: list[str], min_witnesses: int) -> list[notes.Verifier]:
    try:
        found = [notes.parse_vkey(key) for key in keys]
    except notes.BadNote as error:
        raise typer.BadParameter(str(error), param_hint="--witness") from None
    if min_witnesses > len(found):
        raise typer.BadParameter(f"{min_witnesses} cosignatures required but only "
                                 f"{len(found)} --witness keys given",
                                 param_hint="--min-witnesses")
    return found


def witnessed(engine: Engine, settings: Settings, witnesses: list[notes.Verifier],
              minimum: int) -> str | None:
    """Why the latest checkpoint fails the witness policy, or None if it passes."""
    key = load_or_create_signing_key(settings.resolved_signing_key_path)
    with engine.connect() as connection:
        latest = latest_checkpoint(connection)
        if latest is None:
            return f"no checkpoint to check; {SIGN_ONE}"
        text = cosigned_note(connection, latest, settings.log_origin, key).text()
    try:
        open_checkpoint(text, log_verifier(settings.log_origin, key.public_key()), witnesses,
                        minimum)
    except notes.BadNote as error:
        return f"checkpoint {latest.id} (tree size {latest.tree_size}): {error}"
    return None


@app.command()
def export(
    output: Annotated[Path | None, typer.Option("--out", help="File to write; default stdout.")]
    = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    program: Annotated[str | None, typer.Option(help="Only this program (code or id).")] = None,
    checkpoint: Annotated[int | None, typer.Option(help="Checkpoint id; default latest.")]
    = None,
    read_url: ReadUrl = None,
) -> None:
    """Stream the audit trail, ending with the signed checkpoint it verifies against; check
    it offline with `python -m ledger.audit.offline FILE --public-key KEY`. With a standby
    (--read-url or LEDGER_READ_DATABASE_URL) it is read there, in one repeatable-read
    snapshot, up to the primary's checkpoint."""
    if fmt not in {"jsonl", "csv"}:
        raise typer.BadParameter("use jsonl or csv", param_hint="--format")
    settings = Settings()
    engine = open_migrated_engine(settings)
    standby = _standby(settings, read_url)
    writer = export_jsonl if fmt == "jsonl" else export_csv
    program_id = program_id_for_code(program) if program else None
    try:
        key = load_or_create_signing_key(settings.resolved_signing_key_path)
        with contextlib.ExitStack() as stack:
            source: Engine | Connection = engine
            if standby is not None:
                stack.callback(standby.dispose)
                made = _primary_checkpoint(engine, standby, settings, checkpoint)
                checkpoint = made.id if made is not None else checkpoint
                source = stack.enter_context(one_snapshot(standby))
            lines = writer(source, checkpoint_id=checkpoint, program_id=program_id,
                           note=lambda made, db: cosigned_note(db, made, settings.log_origin,
                                                               key).text())
            if output is None:
                sys.stdout.writelines(lines)
            else:
                _write_whole(output, lines)
    finally:
        engine.dispose()


def _write_whole(path: Path, lines: Iterable[str]) -> None:
    """Write beside ``path`` and rename at the end, so a failed export leaves no file (and
    never a half-written trail that looks like a whole one)."""
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as target:
            target.writelines(lines)
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise


@app.command()
def checkpoint() -> None:
    """Sign a checkpoint of the log's current head now, and ask LEDGER_WITNESSES to cosign
    it; a witness that refuses or is away is named on stderr."""
    settings = Settings()
    engine = open_migrated_engine(settings)
    key = load_or_create_signing_key(settings.resolved_signing_key_path)
    witnessing = open_witnessing(settings, engine, key)  # a bad LEDGER_WITNESSES signs nothing
    made = create_checkpoint(engine, key)
    outcomes = witnessing.cosign(made) if witnessing else {}
    engine.dispose()
    for name, outcome in outcomes.items():
        console.print(f"witness {name}: {outcome}")
    typer.echo(json.dumps(made.to_dict()))


@app.command("checkpoints")
def checkpoints(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List the signed checkpoints, oldest first: keep copies to verify against later."""
    engine = open_migrated_engine(Settings())
    with engine.connect() as connection:
        found = list_checkpoints(connection)
    engine.dispose()
    if not found:
        console.print(f"no checkpoint has been signed yet; {SIGN_ONE}")
    for made in found:
        typer.echo(json.dumps(made.to_dict()) if as_json else
                   f"{made.id:>4}  position {made.position:>8,}  {made.tree_size:>8,} events  "
                   f"{made.created_at:%Y-%m-%d %H:%M:%S}Z  root {made.root.hex()}")


@app.command()
def proof(
    position: Annotated[int, typer.Argument(min=1, help="The event's position.")],
    checkpoint: Annotated[int | None, typer.Option(help="Checkpoint id; default latest.")]
    = None,
) -> None:
    """The inclusion proof of one event against a signed checkpoint."""
    settings = Settings()
    engine = open_migrated_engine(settings)
    with engine.connect() as connection:
        found = inclusion_proof(connection, position, checkpoint)
    engine.dispose()
    typer.echo(json.dumps(found.to_dict()))


@app.command("public-key")
def public_key(
    note: Annotated[bool, typer.Option("--note", help=(
        "The signed-note verifier key (origin+hash+base64) instead, for witnesses and "
        "note tools."))] = False,
) -> None:
    """The checkpoint-signing public key (PEM), for auditors' offline checks."""
    settings = Settings()
    key = load_or_create_signing_key(settings.resolved_signing_key_path)
    typer.echo(log_verifier(settings.log_origin, key.public_key()).vkey() if note
               else public_key_pem(key.public_key()).strip())
