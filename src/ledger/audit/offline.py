"""Standalone verifier of an audit export: `python -m ledger.audit.offline EXPORT --public-key K`.

It needs only the standard library, ``cryptography`` and Ledger's stdlib-only digest, Merkle,
signed-note and readable-event modules: no service, no database. It recomputes every digest
(and, for a full export, the chain and the Merkle root), checks the checkpoint's signature
with the auditor's own copy of the public key, with ``--witness K --min-witnesses N`` also
the witnesses' cosignatures, and names the first line that fails. Lines must be
standard JSON: a bare NaN or Infinity, which Python's json would read, fails the line. An
event's readable ``event`` must be exactly what its stored ``state`` reads as, so what an
auditor reads is what was hashed. Exit status: 0 verified, 1 failed, 2 unusable arguments.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.audit.digest import GENESIS, chain_link, event_digest
from ledger.audit.merkle import Frontier, leaf_hash, verify_inclusion
from ledger.audit.notes import BadNote, Verifier, parse_vkey
from ledger.audit.readable import readable_event
from ledger.audit.signing import Checkpoint, load_public_key, raw_public_key
from ledger.audit.tlog import checkpoint_body, log_verifier, open_checkpoint

FORMAT = "ledger-audit-export"
Record = tuple[int, dict[str, Any]]


class BadLine(Exception):
    """The export fails at ``line``."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line, self.problem = line, problem


@dataclass(frozen=True)
class Verified:
    events: int
    checkpoint: Checkpoint
    filtered: bool


def verify_export(path: Path, public_key: Ed25519PublicKey,
                  witnesses: Sequence[Verifier] = (), min_witnesses: int = 0) -> Verified:
    """Check the export at ``path``; raise BadLine naming the first line that fails. With
    ``min_witnesses``, the checkpoint's note must carry that many of the witnesses'
    cosignatures."""
    # A first pass finds the checkpoint at the end, in constant memory: a filtered export's
    # proofs can only be checked against its root.
    last = deque(_records(path), maxlen=1)
    if not last:
        raise BadLine(1, "the export is empty")
    trailer_line, trailer = last[0]
    checkpoint = _checkpoint(trailer_line, trailer)
    if min_witnesses:
        _witnessed(trailer_line, trailer, checkpoint, public_key, witnesses, min_witnesses)
    records = _records(path)
    header_line, header = next(records)
    filtered = _header(header_line, header, checkpoint)
    signed = checkpoint.signature_valid(public_key)
    if filtered and not signed:
        # Every proof leads to the signed root; with no valid signature nothing is anchored.
        raise BadLine(trailer_line, "the checkpoint's signature does not verify with the key")
    check = _Filtered(checkpoint) if filtered else _Full()
    for number, record in records:
        if number == trailer_line:
            break
        check.event(number, _event(number, record))
    if not signed:
        raise BadLine(trailer_line, "the checkpoint's signature does not verify with the key")
    if checkpoint.public_key != raw_public_key(public_key):
        raise BadLine(trailer_line, "the checkpoint names a different signing key")
    return Verified(check.finish(trailer_line, checkpoint), checkpoint, filtered)


def _witnessed(number: int, trailer: dict[str, Any], checkpoint: Checkpoint,
               public_key: Ed25519PublicKey, witnesses: Sequence[Verifier], minimum: int
               ) -> None:
    """The trailer's note must be this checkpoint, signed by the log, cosigned enough."""
    text = trailer.get("note")
    if not isinstance(text, str):
        raise BadLine(number, f"checkpoint {checkpoint.id} carries no cosigned note; export "
                              "it again with this version of Ledger")
    origin = text.split("\n", 1)[0]
    try:
        opened = open_checkpoint(text, log_verifier(origin, public_key), witnesses, minimum)
    except BadNote as error:
        raise BadLine(number, f"checkpoint {checkpoint.id}: {error}") from None
    if opened.note.body != checkpoint_body(checkpoint, origin):
        raise BadLine(number, f"checkpoint {checkpoint.id}: the note states another checkpoint")


def _records(path: Path) -> Iterator[Record]:
    with path.open("rb") as file:
        first = file.read(1)
    yield from (_json_records if first == b"{" else _csv_records)(path)


def _standard_only(token: str) -> Any:
    """Python's json reads NaN and Infinity; standard JSON, and so an export, has neither."""
    raise ValueError(f"{token} is not standard JSON")


def _strict_json(text: str) -> Any:
    return json.loads(text, parse_constant=_standard_only)


def _json_records(path: Path) -> Iterator[Record]:
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            try:
                record = _strict_json(raw.decode("utf-8"))
            except ValueError as error:  # UnicodeDecodeError is a ValueError too
                raise BadLine(number, f"not a JSON object: {error}") from None
            if not isinstance(record, dict):
                raise BadLine(number, "not a JSON object")
            yield number, record


def _csv_records(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8", errors="strict", newline="") as file:
        rows = csv.DictReader(file)
        try:
            for row in rows:
                yield rows.line_num, _from_csv(rows.line_num, row)
        except (UnicodeDecodeError, csv.Error) as error:
            raise BadLine(rows.line_num + 1, f"not readable CSV: {error}") from None


def _from_csv(number: int, row: dict[str, Any]) -> dict[str, Any]:
    if row.get("type") != "event":
        try:
            record = _strict_json(row.get("record") or "")
        except ValueError as error:
            raise BadLine(number, f"the record column is not JSON: {error}") from None
        return record if isinstance(record, dict) else {}
    record = {key: value for key, value in row.items() if value not in ("", None)}
    for key in ("position", "leaf_index", "originator_version"):
        if key in record and record[key].lstrip("-").isdigit():
            record[key] = int(record[key])
    if "proof" in record:
        record["proof"] = record["proof"].split(" ")
    if "event" in record:
        try:
            record["event"] = _strict_json(record["event"])
        except ValueError as error:
            raise BadLine(number, f"the event column is not JSON: {error}") from None
    return record


def _checkpoint(number: int, record: dict[str, Any]) -> Checkpoint:
    if record.get("type") != "checkpoint":
        raise BadLine(number, "the export does not end with its checkpoint")
    try:
        return Checkpoint.from_dict(record)
    except (KeyError, TypeError, ValueError) as error:
        raise BadLine(number, f"malformed checkpoint: {error!r}") from None


def _header(number: int, record: dict[str, Any], checkpoint: Checkpoint) -> bool:
    """Check the header against the checkpoint; return whether the export is filtered."""
    if record.get("type") != "header" or record.get("format") != FORMAT:
        raise BadLine(number, f"not a {FORMAT} header")
    if record.get("version") != 1:
        raise BadLine(number, f"unknown export version {record.get('version')!r}")
    if (record.get("checkpoint_id"), record.get("tree_size")) != (checkpoint.id,
                                                                    checkpoint.tree_size):
        raise BadLine(number, "the header names another checkpoint than the one at the end")
    return record.get("program_id") is not None


@dataclass(frozen=True)
class _Event:
    position: int
    leaf_index: int
    digest: bytes
    chain: bytes
    proof: list[bytes]


def _event(number: int, record: dict[str, Any]) -> _Event:
    """Parse an event line and check that its digest and recorded time follow from it."""
    if record.get("type") != "event":
        raise BadLine(number, f"expected an event, found {record.get('type')!r}")
    try:
        state = (record["state"].encode("utf-8") if "state" in record
                 else base64.b64decode(record["state_b64"], validate=True))
        position, version = _int(record["position"]), _int(record["originator_version"])
        digest = event_digest(position, UUID(record["originator_id"]), version,
                              record["topic"], state)
        event = _Event(position, _int(record["leaf_index"]), bytes.fromhex(record["digest"]),
                       bytes.fromhex(record["chain"]),
                       [bytes.fromhex(node) for node in record.get("proof", [])])
        recorded_at = datetime.fromisoformat(record["recorded_at"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BadLine(number, f"malformed event: {error!r}") from None
    if digest != event.digest:
        raise BadLine(number, "the digest does not match the event's fields")
    if not _same_time(state, recorded_at):
        raise BadLine(number, "recorded_at differs from the timestamp inside the state")
    if "event" in record and record["event"] != readable_event(state):
        raise BadLine(number, "the readable event differs from the stored state")
    return event


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _same_time(state: bytes, recorded_at: datetime) -> bool:
    try:
        stamped = datetime.fromisoformat(json.loads(state)["timestamp"]["_data_"])
    except (ValueError, KeyError, TypeError):
        return True  # A state without the library's timestamp has nothing to compare.
    if stamped.tzinfo is None or recorded_at.tzinfo is None:
        return stamped.replace(tzinfo=None) == recorded_at.replace(tzinfo=None)
    return stamped == recorded_at


class _Full:
    """Every event is present: recompute the chain and the tree."""

    def __init__(self) -> None:
        self.frontier, self.link, self.position = Frontier(), GENESIS, 0

    def event(self, number: int, event: _Event) -> None:
        if event.leaf_index != self.frontier.size:
            raise BadLine(number, f"expected leaf {self.frontier.size}, found "
                                  f"{event.leaf_index}: an event is missing or out of order")
        if event.position <= self.position:
            raise BadLine(number, "positions do not rise")
        self.link = chain_link(self.link, event.digest)
        if self.link != event.chain:
            raise BadLine(number, "the chain link does not follow from the previous line")
        self.frontier.append(leaf_hash(event.digest))
        self.position = event.position

    def finish(self, number: int, checkpoint: Checkpoint) -> int:
        if self.frontier.size != checkpoint.tree_size:
            raise BadLine(number, f"the checkpoint covers {checkpoint.tree_size} events, "
                                  f"the export holds {self.frontier.size}")
        if (self.position, self.link) != (checkpoint.position, checkpoint.chain_head):
            raise BadLine(number, "the recomputed chain head differs from the signed one")
        if self.frontier.root() != checkpoint.root:
            raise BadLine(number, "the recomputed Merkle root differs from the signed one")
        return self.frontier.size


class _Filtered:
    """Some events are left out: check each one's inclusion proof against the signed root."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.checkpoint, self.leaf, self.count = checkpoint, -1, 0

    def event(self, number: int, event: _Event) -> None:
        if event.leaf_index <= self.leaf:
            raise BadLine(number, "leaf indices do not rise")
        if not verify_inclusion(leaf_hash(event.digest), event.leaf_index,
                                self.checkpoint.tree_size, event.proof, self.checkpoint.root):
            raise BadLine(number, "the inclusion proof does not lead to the signed root")
        self.leaf, self.count = event.leaf_index, self.count + 1

    def finish(self, number: int, checkpoint: Checkpoint) -> int:
        return self.count


def _read_key(value: str) -> Ed25519PublicKey:
    candidate = Path(value)
    if not candidate.is_file():
        return load_public_key(value)
    try:
        return load_public_key(candidate.read_text())
    except ValueError:  # also text that is not UTF-8
        raise ValueError(f"the key file {value} is not an Ed25519 public key; give the PEM "
                         "that `ledger audit public-key` prints (or its 64 hex digits)") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ledger.audit.offline",
                                     description="Verify a Ledger audit export offline.")
    parser.add_argument("export", type=Path, help="the .jsonl or .csv export")
    parser.add_argument("--public-key", required=True,
                        help="the signer's Ed25519 public key: a PEM file, PEM text or hex")
    parser.add_argument("--witness", action="append", default=[],
                        help="a witness's verifier key (name+hash+base64); repeat")
    parser.add_argument("--min-witnesses", type=int, default=0,
                        help="require this many of the --witness keys to have cosigned")
    arguments = parser.parse_args(argv)
    try:
        key = _read_key(arguments.public_key)
    except (OSError, ValueError) as error:
        print(f"error: unusable public key: {error}", file=sys.stderr)
        return 2
    try:
        witnesses = [parse_vkey(text) for text in arguments.witness]
    except BadNote as error:
        print(f"error: unusable --witness: {error}", file=sys.stderr)
        return 2
    if not 0 <= arguments.min_witnesses <= len(witnesses):
        print(f"error: --min-witnesses must be 0..{len(witnesses)} (the --witness keys given)",
              file=sys.stderr)
        return 2
    try:
        verified = verify_export(arguments.export, key, witnesses, arguments.min_witnesses)
    except OSError as error:
        print(f"error: cannot read the export: {error}", file=sys.stderr)
        return 2
    except BadLine as failure:
        print(f"FAILED {arguments.export}:{failure.line}: {failure.problem}", file=sys.stderr)
        return 1
    scope = "events of one program" if verified.filtered else "events"
    print(f"OK {verified.events} {scope} verified against checkpoint {verified.checkpoint.id} "
          f"(tree size {verified.checkpoint.tree_size}, root {verified.checkpoint.root.hex()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
