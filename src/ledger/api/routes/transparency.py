"""The log in C2SP formats: the latest checkpoint as a cosigned note, and hash tiles. Both
hold hashes only, never event content, so they need no token; entries stay behind one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import PlainTextResponse, Response

from ledger.api.problems import PROBLEM_RESPONSES
from ledger.audit.checkpoints import checkpoint_or_latest
from ledger.audit.cosignatures import cosigned_note
from ledger.audit.tiles import MAX_LEVEL, WIDTH, tile, tile_index
from ledger.domain.errors import InvalidInput
from ledger.services import ServicesDep

router = APIRouter(tags=["audit"], responses=PROBLEM_RESPONSES)
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=5"
Level = Annotated[int, Path(ge=0, le=MAX_LEVEL, description="Tile level L.")]
TilePath = Annotated[str, Path(max_length=40, pattern=r"^[x0-9/]+(\.p/[0-9]{1,3})?$",
                               description="N as x001/x234/067, then .p/W for a partial tile")]


@router.get("/checkpoint", response_class=PlainTextResponse)
def get_checkpoint_note(services: ServicesDep) -> PlainTextResponse:
    """The latest checkpoint as a C2SP tlog-checkpoint signed note: the log's signature
    first, then every witness cosignature gathered."""
    with services.query_engine.connect() as connection:
        checkpoint = checkpoint_or_latest(connection, None, when_none="there is none to serve")
        note = cosigned_note(connection, checkpoint, services.settings.log_origin,
                             services.signing_key)
    return PlainTextResponse(note.text(), headers={"Cache-Control": SHORT})


@router.get("/tile/{level}/{path:path}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}})
def get_tile(services: ServicesDep, level: Level, path: TilePath) -> Response:
    """A tlog-tiles hash tile: full tiles never change, so caches may keep them forever."""
    index_text, partial, width_text = path.partition(".p/")
    index = tile_index(index_text)
    width = int(width_text) if partial else WIDTH
    if partial and width >= WIDTH:
        raise InvalidInput("W", f"a partial tile's width is 1..{WIDTH - 1}")
    with services.query_engine.connect() as connection:
        size = checkpoint_or_latest(connection, None, when_none="no tile exists yet").tree_size
        hashes = tile(connection, size, level, index, width)
    return Response(hashes, media_type="application/octet-stream",
                    headers={"Cache-Control": SHORT if partial else IMMUTABLE})
