"""tlog-witness add-checkpoint: parse the request, check it against the witness's state,
and cosign. Each refusal carries the status the specification gives and a reason."""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit import notes
from ledger.audit.merkle import verify_consistency
from ledger.audit.notes import BadNote, Verifier
from ledger.audit.tlog import tree_head
from ledger.witness.state import WitnessState

MAX_PROOF_LINES = 63


class Refused(Exception):
    def __init__(self, status: int, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.status, self.reason, self.size = status, reason, size


@dataclass(frozen=True)
class Request:
    old: int
    proof: list[bytes]
    checkpoint: str


def parse_request(body: bytes) -> Request:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the body is not UTF-8") from None
    head, separator, checkpoint = text.partition("\n\n")
    if not separator:
        raise Refused(400, "expected 'old N', proof lines, a blank line, then the checkpoint")
    lines = head.split("\n")
    old = lines[0].removeprefix("old ")
    if old == lines[0] or not old.isdigit() or (old != "0" and old.startswith("0")):
        raise Refused(400, "the first line must be 'old N', N a decimal without leading zeros")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise Refused(400, f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            proof.append(base64.b64decode(line, validate=True))
        except binascii.Error:
            raise Refused(400, f"line {number}: a proof line is one base64 hash") from None
        if len(proof[-1]) != 32:
            raise Refused(400, f"line {number}: a proof hash has 32 bytes")
    return Request(int(old), proof, checkpoint)


@dataclass
class Witness:
    name: str
    key: Ed25519PrivateKey
    logs: dict[str, Verifier]  # by origin
    state: WitnessState

    def add_checkpoint(self, body: bytes) -> str:
        """Cosign the checkpoint in ``body`` or raise Refused; returns the signature line."""
        request = parse_request(body)
        try:
            note = notes.parse(request.checkpoint)
            head = tree_head(note.body)
        except BadNote as error:
            raise Refused(400, f"not a checkpoint: {error}") from None
        log = self.logs.get(head.origin)
        if log is None:
            raise Refused(404, f"this witness does not follow the log {head.origin!r}")
        try:
            if log not in notes.verified_by(note, [log]):
                raise Refused(403, f"no signature by the log's key {log.vkey()}")
        except BadNote as error:
            raise Refused(403, str(error)) from None
        if request.old > head.size:
            raise Refused(400, f"old size {request.old} is larger than the checkpoint's "
                               f"{head.size}")
        with self.state.locked() as connection:
            known = self.state.latest(connection, head.origin) or (0, b"")
            if request.old != known[0]:
                raise Refused(409, f"this witness last cosigned size {known[0]}", known[0])
            if request.old == head.size and head.root != known[1] and request.old:
                raise Refused(409, f"size {head.size} was cosigned with another root: a fork",
                              known[0])
            if request.old == 0 and request.proof:
                raise Refused(422, "a proof from size 0 must be empty")
            if request.old and not verify_consistency(request.old, head.size, known[1],
                                                      head.root, request.proof):
                raise Refused(422, f"the consistency proof from size {request.old} does not "
                                   f"verify: the checkpoint does not extend what this "
                                   f"witness cosigned")
            self.state.record(connection, head.origin, head.size, head.root,
                              request.checkpoint)
        return notes.cosign(note.body, self.name, self.key, int(time.time())).line()
