"""Response bodies of the audit routes: checkpoints, verification, proofs and the public key.

Hashes, signatures and keys travel as lower-case hex, exactly as the offline verifier and the
export write them, so an auditor can compare them byte for byte.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field

from ledger.audit.proofs import ConsistencyProof, InclusionProof
from ledger.audit.signing import Checkpoint, canonical_time, public_key_hex, public_key_pem
from ledger.audit.verify import VerifyResult
from ledger.audit.witnessing import Witness

Hex = Annotated[str, Field(pattern=r"^[0-9a-f]*$", description="Lower-case hex.")]


class CheckpointOut(BaseModel):
    """A signed statement: the log held ``tree_size`` events up to ``position``, with this
    Merkle root and chain head, at ``created_at``."""

    id: int
    position: int
    tree_size: int
    root: Hex
    chain_head: Hex
    created_at: datetime
    signature: Hex
    public_key: Hex

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": 3, "position": 1207, "tree_size": 1207, "root": "9f2c…", "chain_head": "41ab…",
        "created_at": "2026-01-31T09:00:00.000000+00:00", "signature": "c0de…",
        "public_key": "7a3e…"}]})

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> CheckpointOut:
        return cls.model_validate({**checkpoint.to_dict(),
                                   "created_at": canonical_time(checkpoint.created_at)})


class PublicKeyOut(BaseModel):
    """The key that signs checkpoints; keep your own copy to verify against later."""

    algorithm: Literal["Ed25519"] = "Ed25519"
    hex: Hex
    pem: str

    @classmethod
    def of(cls, key: Ed25519PublicKey) -> PublicKeyOut:
        return cls(hex=public_key_hex(key), pem=public_key_pem(key))


class HeadOut(BaseModel):
    position: int
    tree_size: int
    root: Hex
    chain: Hex


class FailureOut(BaseModel):
    position: int
    kind: Literal["altered", "missing", "reordered", "inserted"]
    detail: str


class ConsistencyOut(BaseModel):
    """The ``old`` checkpoint's tree is a prefix of the ``new`` one's: only appends since."""

    old_size: int
    new_size: int
    old_root: Hex
    new_root: Hex
    path: list[Hex]
    old: CheckpointOut
    new: CheckpointOut

    @classmethod
    def of(cls, proof: ConsistencyProof) -> ConsistencyOut:
        return cls.model_validate({**proof.to_dict(), "old": CheckpointOut.of(proof.old),
                                   "new": CheckpointOut.of(proof.new)})


class VerifyOut(BaseModel):
    """The whole log recomputed from the raw events table; the first failure, if any."""

    ok: bool
    checked: int
    head: HeadOut
    first_failure: FailureOut | None = None
    checkpoints_checked: int
    consistency: ConsistencyOut | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "ok": False, "checked": 41,
        "head": {"position": 41, "tree_size": 41, "root": "9f2c…", "chain": "41ab…"},
        "first_failure": {"position": 42, "kind": "altered",
                          "detail": "the stored fields of event … v3 no longer match its "
                                    "digest"},
        "checkpoints_checked": 2}]})

    @classmethod
    def of(cls, result: VerifyResult) -> VerifyOut:
        data = result.to_dict()
        if result.consistency is not None:
            data["consistency"] = ConsistencyOut.of(result.consistency)
        return cls.model_validate(data)


class InclusionOut(BaseModel):
    """The event at ``position`` is leaf ``leaf_index`` of the checkpoint's Merkle tree:
    hash the leaf with ``path`` (RFC 6962) to get the checkpoint's signed ``root``."""

    position: int
    leaf_index: int
    tree_size: int
    digest: Hex
    path: list[Hex]
    root: Hex
    checkpoint: CheckpointOut

    @classmethod
    def of(cls, proof: InclusionProof) -> InclusionOut:
        return cls.model_validate({**proof.to_dict(),
                                   "checkpoint": CheckpointOut.of(proof.checkpoint)})


class WitnessOut(BaseModel):
    """A witness the log asks to cosign, and the latest checkpoint it cosigned."""

    url: str
    name: str
    verifier_key: str = Field(description="name+hash+base64, signature type 0x04")
    checkpoint_id: int | None = Field(description="The latest checkpoint it cosigned")
    tree_size: int | None

    @classmethod
    def of(cls, witness: Witness, cosigned: tuple[int, int] | None) -> WitnessOut:
        checkpoint_id, tree_size = cosigned or (None, None)
        return cls(url=witness.url, name=witness.verifier.name,
                   verifier_key=witness.verifier.vkey(), checkpoint_id=checkpoint_id,
                   tree_size=tree_size)
