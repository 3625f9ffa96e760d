"""The audit trail: timeline, verification, signed checkpoints, proofs and the streamed export.

Verification, proofs and the export read the raw events and the audit tables, never the read
models, so they hold even if a projection is wrong. Only the timeline is a read model.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse, StreamingResponse

from ledger.api.deps import (
    READ_FROM,
    AuditEngineDep,
    AuditorDep,
    CheckpointSignerDep,
    HistoryReaderDep,
    ReadDep,
    WholeLogAuditorDep,
    require_program_scope,
)
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.routes.decisions import utc
from ledger.api.routes.programs import Cursor, Limit
from ledger.api.schemas.audit import (
    CheckpointOut,
    ConsistencyOut,
    InclusionOut,
    PublicKeyOut,
    VerifyOut,
    WitnessOut,
)
from ledger.application.commands.fields import LINE
from ledger.application.commands.times import IsoDatetime
from ledger.audit import checkpoints
from ledger.audit.checkpoints import (
    checkpoint_or_latest,
    create_checkpoint,
    latest_checkpoint,
)
from ledger.audit.cosignatures import cosigned_note, last_cosigned
from ledger.audit.export import export_csv, export_jsonl
from ledger.audit.proofs import consistency_proof, inclusion_proof
from ledger.audit.signing import load_public_key
from ledger.audit.tree import log_head
from ledger.audit.verify import verify
from ledger.domain.errors import InvalidInput
from ledger.domain.program import Program
from ledger.projections.pages import DEFAULT_LIMIT, MAX_POSITION, Page, decode_cursor, encode_cursor
from ledger.projections.timeline import TimelineEntry, audit_timeline
from ledger.services import ServicesDep

router = APIRouter(prefix="/audit", tags=["audit"], responses=PROBLEM_RESPONSES)
CheckpointId = Annotated[int | None, Query(ge=1, le=MAX_POSITION, description=(
    "A checkpoint's id; by default the latest."))]
EXPORT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


@router.get("/events", response_model=Page[TimelineEntry])
def list_audit_events(
    principal: HistoryReaderDep, connection: ReadDep,
    program_id: UUID | None = None, aggregate_id: UUID | None = None,
    actor: Annotated[str | None, Query(max_length=64, pattern=LINE)] = None,
    type: Annotated[str | None, Query(max_length=64, pattern=LINE,
                                      description="Event type name.")] = None,
    recorded_from: Annotated[IsoDatetime | None, Query(alias="from")] = None,
    recorded_to: Annotated[IsoDatetime | None, Query(alias="to")] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_POSITION,
                                       description="Only positions after this.")] = None,
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
) -> Page[TimelineEntry]:
    """The audit timeline in log order: who did what, when (recorded and effective), why."""
    require_program_scope(principal, program_id, "read the timeline")
    return audit_timeline(connection, program_id=program_id, aggregate_id=aggregate_id,
                          actor=actor, event_type=type, recorded_from=utc(recorded_from),
                          recorded_to=utc(recorded_to), after=after, limit=limit,
                          cursor=cursor)


@router.get("/verify", response_model=VerifyOut)
def verify_audit_log(
    principal: WholeLogAuditorDep, services: ServicesDep, engine: AuditEngineDep,
    against: Annotated[int | None, Query(ge=1, le=MAX_POSITION, description=(
        "A checkpoint id: also prove the log was only appended to since then."))] = None,
    public_key: Annotated[str | None, Query(pattern="^[0-9a-fA-F]{64}$", description=(
        "Your own copy of the signing key (hex), rather than trusting the server's."))]
    = None,
) -> VerifyOut:
    """Recompute every digest, the chain and the Merkle tree from the raw events table and
    check every signed checkpoint; name the first position that fails and how."""
    key = _public_key(public_key) if public_key else services.signing_key.public_key()
    with engine.connect() as connection:
        return VerifyOut.of(verify(connection, key, against=against))


@router.get("/checkpoints", response_model=Page[CheckpointOut])
def list_checkpoints(principal: WholeLogAuditorDep, services: ServicesDep,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[CheckpointOut]:
    """Signed checkpoints, oldest first; keep copies to verify against later."""
    with services.query_engine.connect() as connection:
        found = checkpoints.list_checkpoints(connection, after_id=_after_id(cursor),
                                             limit=limit + 1)
    more = len(found) > limit
    return Page(items=[CheckpointOut.of(c) for c in found[:limit]],
                next_cursor=encode_cursor([found[limit - 1].id]) if more else None)


@router.post("/checkpoints", response_model=CheckpointOut, status_code=201, responses={
    200: {"model": CheckpointOut, "description": "The latest checkpoint already covers the "
                                                  "whole log; nothing new was signed."}})
def sign_checkpoint(principal: CheckpointSignerDep, services: ServicesDep) -> JSONResponse:
    """Sign the current head of the log, so that every event so far can be proved."""
    with services.query_engine.connect() as connection:
        latest, size = latest_checkpoint(connection), log_head(connection)[0]
    if latest is not None and latest.tree_size == size:
        return JSONResponse(CheckpointOut.of(latest).model_dump(mode="json"), status_code=200)
    checkpoint = create_checkpoint(services.read_engine, services.signing_key)
    if services.witnessing is not None:
        services.witnessing.cosign(checkpoint)  # a refusal is logged; the checkpoint stands
    return JSONResponse(CheckpointOut.of(checkpoint).model_dump(mode="json"), status_code=201)


@router.get("/public-key", response_model=PublicKeyOut)
def get_public_key(services: ServicesDep) -> PublicKeyOut:
    """The Ed25519 key that signs checkpoints, as hex and PEM. Public by nature: no token, so
    anyone can check a signed checkpoint or an export against it."""
    return PublicKeyOut.of(services.signing_key.public_key())


@router.get("/witnesses", response_model=list[WitnessOut])
def list_witnesses(services: ServicesDep) -> list[WitnessOut]:
    """The witnesses this log asks to cosign (LEDGER_WITNESSES), their verifier keys, and
    the latest checkpoint each cosigned. Public, like the checkpoint itself."""
    configured = services.witnessing.witnesses if services.witnessing else []
    with services.query_engine.connect() as connection:
        cosigned = last_cosigned(connection)
    return [WitnessOut.of(witness, cosigned.get(witness.verifier.name))
            for witness in configured]


@router.get("/proof/{position}", response_model=InclusionOut)
def get_inclusion_proof(principal: WholeLogAuditorDep, services: ServicesDep,
                        position: Annotated[int, Path(ge=1, le=MAX_POSITION)],
                        checkpoint_id: CheckpointId = None) -> InclusionOut:
    """The inclusion proof of the event at ``position`` against a signed checkpoint."""
    with services.query_engine.connect() as connection:
        return InclusionOut.of(inclusion_proof(connection, position, checkpoint_id))


@router.get("/consistency", response_model=ConsistencyOut)
def get_consistency_proof(
    principal: WholeLogAuditorDep, services: ServicesDep,
    old: Annotated[int, Query(ge=1, le=MAX_POSITION, description="The older checkpoint.")],
    new: CheckpointId = None,
) -> ConsistencyOut:
    """Proof that checkpoint ``new`` (default: the latest) only appended to ``old``."""
    with services.query_engine.connect() as connection:
        return ConsistencyOut.of(consistency_proof(connection, old, new))


@router.get("/export", response_class=StreamingResponse, responses={200: {
    "description": "A header line, the events, then the checkpoint they verify against. "
                   "Check it offline: `python -m ledger.audit.offline FILE --public-key K`.",
    "content": {EXPORT_TYPES["jsonl"]: {"schema": {"type": "string"}},
                EXPORT_TYPES["csv"]: {"schema": {"type": "string"}}}}})
def export_audit_trail(
    principal: AuditorDep, services: ServicesDep, engine: AuditEngineDep, response: Response,
    format: Literal["jsonl", "csv"] = "jsonl", program_id: UUID | None = None,
    checkpoint_id: CheckpointId = None,
) -> StreamingResponse:
    """Stream the audit trail up to a signed checkpoint (sign one first to include the
    latest events); one program's export carries an inclusion proof per event."""
    require_program_scope(principal, program_id, "export")
    if program_id is not None:
        services.ledger.load(program_id, Program)  # 404 for an id that is no program
    with engine.connect() as connection:
        checkpoint = checkpoint_or_latest(
            connection, checkpoint_id, when_none="an export needs one to end with")
    # Everything that can fail cleanly has been checked: the stream starts with a 200.
    lines = (export_jsonl if format == "jsonl" else export_csv)(
        engine, checkpoint_id=checkpoint.id, program_id=program_id,
        note=lambda made, db: cosigned_note(db, made, services.settings.log_origin,
                                            services.signing_key).text())
    name = f"ledger-audit-{program_id or 'all'}-checkpoint-{checkpoint.id}.{format}"
    source = {READ_FROM: where} if (where := response.headers.get(READ_FROM)) else {}
    return StreamingResponse(lines, media_type=EXPORT_TYPES[format], headers={
        "Content-Disposition": f'attachment; filename="{name}"', **source})


def _after_id(cursor: str | None) -> int:
    key = decode_cursor(cursor, int)
    assert key is None or isinstance(key, int)
    return key or 0


def _public_key(text: str) -> Ed25519PublicKey:
    try:
        return load_public_key(text)
    except ValueError:
        raise InvalidInput("public_key", "is not an Ed25519 public key") from None
