"""The log's side of tlog-witness: push each new checkpoint, with a consistency proof from
the size the witness last cosigned, to every configured witness, and keep the cosignatures."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from ledger.audit import notes
from ledger.audit.checkpoints import latest_checkpoint
from ledger.audit.cosignatures import cosignatures_of, last_cosigned, store_cosignature
from ledger.audit.notes import Note, Verifier
from ledger.audit.proofs import consistency_path
from ledger.audit.signing import Checkpoint
from ledger.audit.tlog import signed_checkpoint

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Witness:
    url: str
    verifier: Verifier


def parse_witnesses(text: str) -> list[Witness]:
    """``URL KEY, URL KEY``; raises ValueError naming the entry that is wrong."""
    found = []
    for entry in filter(None, (piece.strip() for piece in text.split(","))):
        parts = entry.split()
        if len(parts) != 2 or not parts[0].startswith(("http://", "https://")):
            raise ValueError(f"witness {entry!r}: expected 'URL VERIFIER-KEY'")
        key = notes.parse_vkey(parts[1])
        if key.alg != notes.COSIGNATURE_V1:
            raise ValueError(f"witness {entry!r}: a witness key has type 0x04 (cosignature)")
        found.append(Witness(parts[0].rstrip("/"), key))
    return found


@dataclass
class Witnessing:
    """Everything needed to ask for cosignatures; one per process."""

    engine: Engine
    key: Ed25519PrivateKey
    origin: str
    witnesses: list[Witness]

    def latest(self) -> dict[str, str]:
        """Ask every witness that has not cosigned the latest checkpoint; say what happened."""
        with self.engine.connect() as connection:
            checkpoint = latest_checkpoint(connection)
        return {} if checkpoint is None else self.cosign(checkpoint)

    def cosign(self, checkpoint: Checkpoint) -> dict[str, str]:
        with self.engine.connect() as connection:
            have = {s.name for s in cosignatures_of(connection, checkpoint.id)}
            sizes = last_cosigned(connection)
        note = signed_checkpoint(checkpoint, self.origin, self.key)
        outcomes = {}
        for witness in self.witnesses:
            name = witness.verifier.name
            if name in have:
                continue
            old = sizes.get(name, (0, 0))[1]
            if old > checkpoint.tree_size:
                outcomes[name] = f"it cosigned a larger tree ({old}) already"
                continue
            try:
                outcomes[name] = self._ask(witness, checkpoint, note, old, retry=True)
            except (httpx.HTTPError, ValueError) as error:  # BadNote is a ValueError
                # Runs in the scheduler's thread: a witness's bad answer must not end it.
                outcomes[name] = f"failed: {error}"
            if outcomes[name] != "cosigned":
                log.warning("witness %s did not cosign checkpoint %s: %s", name,
                            checkpoint.id, outcomes[name])
        return outcomes

    def _ask(self, witness: Witness, checkpoint: Checkpoint, note: Note, old: int, *,
             retry: bool) -> str:
        with self.engine.connect() as connection:
            proof = consistency_path(connection, old, checkpoint.tree_size) if old else []
        body = (f"old {old}\n" + "".join(base64.b64encode(h).decode() + "\n" for h in proof)
                + "\n" + note.text())
        response = httpx.post(f"{witness.url}/add-checkpoint", content=body.encode(),
                              timeout=TIMEOUT_SECONDS)
        if (response.status_code == 409 and retry and
                response.headers.get("content-type", "").startswith("text/x.tlog.size")):
            known = response.text.strip()
            if known.isdigit() and int(known) <= checkpoint.tree_size:
                return self._ask(witness, checkpoint, note, int(known), retry=False)
        if response.status_code != 200:
            return f"refused ({response.status_code}): {response.text.strip()[:200]}"
        cosigned = notes.parse(note.body + "\n" + response.text)
        if witness.verifier not in notes.verified_by(cosigned, [witness.verifier]):
            return "answered without a cosignature from its configured key"
        signature = next(s for s in cosigned.signatures
                         if (s.name, s.key_id) == (witness.verifier.name,
                                                   witness.verifier.key_id))
        store_cosignature(self.engine, checkpoint.id, signature)
        return "cosigned"
