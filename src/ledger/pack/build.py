"""Cut the pack: choose the position (the checkpoint signed by the pack's date, unless given),
read what the log knew there, fold the program on both dates and build each section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, Engine

from ledger.application import ProgramLedger
from ledger.domain.errors import InvalidInput, NotFound
from ledger.pack import benefits, changes, checkpoint, decisions, escalations, headline
from ledger.pack.cut import cut, end_of
from ledger.pack.known import read_known
from ledger.pack.model import Checkpoint, Pack
from ledger.pack.wording import day


@dataclass(frozen=True)
class PackRequest:
    program_id: UUID
    as_of: date  # the business date the pack is cut at (the steering committee's)
    since: date | None = None  # the previous pack's date: changes and decisions since then
    position: int | None = None  # the knowledge cut; default the checkpoint signed by as_of


def build_pack(ledger: ProgramLedger, engine: Engine, request: PackRequest,
               proposals: escalations.ProposalSource = escalations.open_proposals) -> Pack:
    if request.since is not None and request.since >= request.as_of:
        raise InvalidInput("since", f"must be before as_of ({request.as_of.isoformat()}): it "
                           "is the previous pack's date")
    with engine.connect() as connection:
        position, cover, knowledge = _knowledge(ledger, connection, request)
    known = read_known(ledger, request.program_id, position)
    now = cut(known, request.as_of)
    if now is None:
        raise NotFound(f"program {request.program_id} was not yet defined on "
                       f"{request.as_of.isoformat()}")
    then = cut(known, request.since) if request.since is not None else None
    program = now.program.aggregate
    return Pack(
        program_id=str(request.program_id), code=program.code, name=program.name,
        as_of=request.as_of, since=request.since, position=position, knowledge=knowledge,
        status=headline.status_figure(now), projects=headline.projects(now, then),
        benefits=headline.benefits(now), changes=changes.changes(now, then, request.since),
        escalations=escalations.escalations(now, then, proposals),
        charts=benefits.charts(now), decisions=decisions.decisions_since(now, then),
        checkpoint=cover)


def _knowledge(ledger: ProgramLedger, connection: Connection, request: PackRequest
               ) -> tuple[int, Checkpoint, str]:
    """The position the pack is cut at, the checkpoint covering it, and both in words."""
    if request.position is not None:
        head = ledger.head_position()
        if request.position > head:
            raise InvalidInput("position", f"is past the log's head (position {head})")
        # Never half a command: the end of the command that recorded the asked position.
        position = ledger.command_end(request.position) if request.position else 0
        latest = checkpoint.latest(connection)
        covering = latest.position is not None and latest.position >= position
        asked = (f"as the log stood at position {position}, as asked"
                 if position == request.position else
                 f"position {request.position} lies inside a command that recorded several "
                 f"events, so as the log stood after the whole command, at position {position}")
        return position, latest if covering else checkpoint.NONE, asked
    signed = checkpoint.signed_by(connection, end_of(request.as_of))
    if signed.covers:
        return signed.position or 0, signed, (
            f"as the ledger knew it on {day(request.as_of)}: the last checkpoint signed by "
            f"then, {_signed(signed)}")
    latest = checkpoint.latest(connection)
    if latest.covers:
        return latest.position or 0, latest, (
            f"no checkpoint had been signed by {day(request.as_of)}, so as the ledger knows "
            f"it now: {_signed(latest)}")
    head = ledger.head_position()
    return head, latest, (f"no checkpoint has been signed yet: the head of the log, position "
                          f"{head}, which no signature covers")


def _signed(signed: Checkpoint) -> str:
    when = f"{signed.signed_at:%d %b %Y %H:%M} UTC" if signed.signed_at else "at an unknown time"
    return f"checkpoint {signed.id}, signed {when}"
