"""Streamed export of the audit trail (JSONL or CSV) that ends with the signed checkpoint it
verifies against; ``ledger.audit.offline`` checks it without the service or its database.

A full export lets the verifier recompute every digest, the chain and the root. An export of
one program leaves events out, so the chain cannot be recomputed; each event then carries its
inclusion proof against the checkpoint's root instead. That proves every exported event is in
the signed log unaltered; it cannot prove that none of the program's events was left out,
which only a full export (or the service's own verify) can show.

Every line is standard JSON (RFC 8259), and so is the JSON in CSV's ``record`` and ``event``
columns: they are written with ``allow_nan=False``. An event's state is carried as the exact
text stored (inside a JSON string, or base64 if it is not UTF-8),
never re-encoded, since its digest covers those bytes. So a state that an older version or a
direct insert wrote with a NaN or an Infinity token (which Python's json writes and reads,
but standard JSON has not) still leaves the line standard: the token is text inside a string.
Each event line also carries ``event``, the same fields as plain JSON values (see
``ledger.audit.readable``): what a reader looks at, while ``state`` is what a verifier hashes.
The format is described for auditors in docs/audit-export.md.
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from ledger.audit.access import Reader, connected
from ledger.audit.checkpoints import checkpoint_or_latest
from ledger.audit.proofs import inclusion_paths
from ledger.audit.readable import readable_event
from ledger.audit.rows import as_utc, to_uuid
from ledger.audit.signing import Checkpoint
from ledger.audit.tables import audit_chain, events

FORMAT = "ledger-audit-export"
VERSION = 1
NoteOf = Callable[[Checkpoint, Reader], str]  # a checkpoint's cosigned note, as text
CSV_COLUMNS = ("type", "position", "leaf_index", "originator_id", "originator_version",
               "topic", "recorded_at", "state", "state_b64", "digest", "chain", "proof",
               "record", "event")


def export_jsonl(bind: Engine | Connection, *, checkpoint_id: int | None = None,
                 program_id: UUID | None = None, batch_size: int = 1000,
                 note: NoteOf | None = None) -> Iterator[str]:
    """The export as JSON lines: a header, one line per event, then the checkpoint.

    An unknown checkpoint raises NotFound here, before the first line is produced, so an
    HTTP handler can still answer 404 instead of a broken 200 stream.
    """
    records = export_records(bind, checkpoint_id=checkpoint_id, program_id=program_id,
                             batch_size=batch_size, note=note)
    return (json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            + "\n" for record in records)


def export_csv(bind: Engine | Connection, *, checkpoint_id: int | None = None,
               program_id: UUID | None = None, batch_size: int = 1000,
               note: NoteOf | None = None) -> Iterator[str]:
    """The same export as CSV; the header and checkpoint rows carry JSON in ``record``."""
    records = export_records(bind, checkpoint_id=checkpoint_id, program_id=program_id,
                             batch_size=batch_size, note=note)
    return itertools.chain([_csv_line(CSV_COLUMNS)], (_csv_row(record) for record in records))


def _csv_row(record: dict[str, Any]) -> str:
    if record["type"] == "event":
        return _csv_line([_csv_cell(record.get(column)) for column in CSV_COLUMNS])
    cells = {"type": record["type"],
             "record": json.dumps(record, separators=(",", ":"), allow_nan=False)}
    return _csv_line([cells.get(column, "") for column in CSV_COLUMNS])


def _csv_line(cells: Any) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # the readable event
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return " ".join(value) if isinstance(value, list) else str(value)


def export_records(bind: Engine | Connection, *, checkpoint_id: int | None = None,
                   program_id: UUID | None = None, batch_size: int = 1000,
                   note: NoteOf | None = None) -> Iterator[dict[str, Any]]:
    """Header, events up to the checkpoint (default: the latest), then the checkpoint."""
    with connected(bind) as db:
        checkpoint = checkpoint_or_latest(db, checkpoint_id,
                                          when_none="an export needs one to end with")
    return _records(bind, checkpoint, program_id, batch_size, note)


def _records(bind: Engine | Connection, checkpoint: Checkpoint, program_id: UUID | None,
             batch_size: int, note: NoteOf | None) -> Iterator[dict[str, Any]]:
    with connected(bind) as db:
        yield {"type": "header", "format": FORMAT, "version": VERSION,
               "program_id": None if program_id is None else str(program_id),
               "checkpoint_id": checkpoint.id, "tree_size": checkpoint.tree_size}
        if program_id is None:
            yield from _all_events(db, checkpoint.tree_size, batch_size)
        else:
            members = program_aggregates(db, program_id)
            yield from _program_events(db, checkpoint.tree_size, members, batch_size)
        # The cosigned note rides along, so the offline verifier can apply a witness policy.
        extra = {} if note is None else {"note": note(checkpoint, db)}
        yield {"type": "checkpoint", **checkpoint.to_dict(), **extra}


_ROW = select(audit_chain.c.leaf_index, audit_chain.c.position, audit_chain.c.digest,
              audit_chain.c.chain, audit_chain.c.recorded_at, events.c.originator_id,
              events.c.originator_version, events.c.topic, events.c.state
              ).join(events, events.c.id == audit_chain.c.position)


def _all_events(db: Reader, tree_size: int, batch_size: int) -> Iterator[dict[str, Any]]:
    for first in range(0, tree_size, batch_size):
        rows = db.execute(_ROW.where(audit_chain.c.leaf_index >= first,
                                     audit_chain.c.leaf_index < min(first + batch_size,
                                                                    tree_size))
                          .order_by(audit_chain.c.leaf_index)).all()
        yield from (_event_record(row) for row in rows)


def _program_events(db: Reader, tree_size: int, members: set[str], batch_size: int
                    ) -> Iterator[dict[str, Any]]:
    for first in range(0, tree_size, batch_size):
        stop = min(first + batch_size, tree_size)
        wanted = [row[0] for row in db.execute(
            select(audit_chain.c.leaf_index, audit_chain.c.originator_id)
            .where(audit_chain.c.leaf_index >= first, audit_chain.c.leaf_index < stop)
            .order_by(audit_chain.c.leaf_index)) if row[1] in members]
        if not wanted:
            continue
        rows = db.execute(_ROW.where(audit_chain.c.leaf_index.in_(wanted))
                          .order_by(audit_chain.c.leaf_index)).all()
        paths = inclusion_paths(db, [row[0] for row in rows], tree_size)
        for row, path in zip(rows, paths, strict=True):
            yield {**_event_record(row), "proof": [node.hex() for node in path]}


def _event_record(row: Any) -> dict[str, Any]:
    state = bytes(row[8])
    record: dict[str, Any] = {
        "type": "event", "position": row[1], "leaf_index": row[0],
        "originator_id": str(to_uuid(row[5])), "originator_version": row[6], "topic": row[7],
        "recorded_at": as_utc(row[4]).isoformat(timespec="microseconds"),
    }
    try:
        # Text keeps the export readable; it round-trips to exactly the same bytes.
        record["state"] = state.decode("utf-8")
    except UnicodeDecodeError:
        record["state_b64"] = base64.b64encode(state).decode("ascii")
    if (event := readable_event(state)) is not None:
        record["event"] = event  # a view for readers; the digest covers only ``state``
    record.update(digest=bytes(row[2]).hex(), chain=bytes(row[3]).hex())
    return record


def program_aggregates(db: Reader, program_id: UUID, batch_size: int = 5000) -> set[str]:
    """Hex ids of the program itself and of every aggregate whose first event names it as
    ``program_id``: the convention every Ledger component follows, whatever its type."""
    members, after = {program_id.hex}, 0
    while True:
        rows = db.execute(select(events.c.id, events.c.originator_id, events.c.state)
                          .where(events.c.id > after, events.c.originator_version == 1)
                          .order_by(events.c.id).limit(batch_size)).all()
        for _, originator_id, state in rows:
            if _names_program(bytes(state), program_id):
                members.add(to_uuid(originator_id).hex)
        if len(rows) < batch_size:
            return members
        after = rows[-1][0]


def _names_program(state: bytes, program_id: UUID) -> bool:
    try:
        value = json.loads(state).get("program_id")
    except (ValueError, AttributeError):
        return False
    if isinstance(value, dict):  # eventsourcing's transcoding of a UUID
        value = value.get("_data_")
    try:
        return isinstance(value, str) and UUID(value) == program_id
    except ValueError:
        return False
