"""Cut the pack: choose the position (the latest signed checkpoint's, unless given), read what
the log knew there, fold the program on both dates and build each section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Engine

from ledger.application import ProgramLedger
from ledger.domain.errors import InvalidInput, NotFound
from ledger.pack import benefits, changes, checkpoint, decisions, escalations, headline
from ledger.pack.cut import cut
from ledger.pack.known import read_known
from ledger.pack.model import Checkpoint, Pack


@dataclass(frozen=True)
class PackRequest:
    program_id: UUID
    as_of: date  # the business date the pack is cut at (the steering committee's)
    since: date | None = None  # the previous pack's date: changes and decisions since then
    position: int | None = None  # the knowledge cut; default the latest checkpoint's


def build_pack(ledger: ProgramLedger, engine: Engine, request: PackRequest,
               proposals: escalations.ProposalSource = escalations.no_proposals) -> Pack:
    if request.since is not None and request.since >= request.as_of:
        raise InvalidInput("since", f"must be before as_of ({request.as_of.isoformat()}): it "
                           "is the previous pack's date")
    with engine.connect() as connection:
        signed = checkpoint.latest(connection)
    position = _position(ledger, request.position, signed)
    cover = signed if signed.position is not None and signed.position >= position \
        else checkpoint.NONE
    known = read_known(ledger, request.program_id, position)
    now = cut(known, request.as_of)
    if now is None:
        raise NotFound(f"program {request.program_id} was not yet defined on "
                       f"{request.as_of.isoformat()}")
    then = cut(known, request.since) if request.since is not None else None
    program = now.program.aggregate
    return Pack(
        program_id=str(request.program_id), code=program.code, name=program.name,
        as_of=request.as_of, since=request.since, position=position,
        status=headline.status_figure(now), projects=headline.projects(now, then),
        benefits=headline.benefits(now), changes=changes.changes(now, then),
        escalations=escalations.escalations(now, then, proposals),
        charts=benefits.charts(now), decisions=decisions.decisions_since(now, then),
        checkpoint=cover)


def _position(ledger: ProgramLedger, asked: int | None, signed: Checkpoint) -> int:
    """The end of the command at the asked position (never half a command); by default the
    latest checkpoint's, or the head when none has been signed."""
    head = ledger.head_position()
    if asked is not None and asked > head:
        raise InvalidInput("position", f"is past the log's head (position {head})")
    if asked is None:
        asked = signed.position if signed.position is not None else head
    return ledger.command_end(asked) if asked else asked
