"""Verify a pack's manifest: cut the pack again from the log at the manifest's position and
compare every figure, and check that the checkpoint it names is signed and covers it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine

from ledger.application import ProgramLedger
from ledger.audit.checkpoints import get_checkpoint
from ledger.audit.tree import root_at
from ledger.domain.errors import InvalidInput, NotFound
from ledger.pack.build import build_pack
from ledger.pack.manifest import request_of, to_manifest


@dataclass
class PackCheck:
    figures_checked: int = 0
    mismatches: list[str] = field(default_factory=list)  # one sentence per figure that differs
    checkpoint_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.checkpoint_problems


def verify_manifest(ledger: ProgramLedger, engine: Engine, public_key: Ed25519PublicKey,
                    manifest: dict[str, Any]) -> PackCheck:
    request = request_of(manifest)
    stated = manifest.get("figures")
    if not isinstance(stated, dict):
        raise InvalidInput("figures", "must map each figure's key to its label, value and "
                           "positions, as `ledger board-pack` writes it")
    again = to_manifest(build_pack(ledger, engine, request))
    check = PackCheck(figures_checked=len(stated))
    for key in sorted(stated.keys() | again["figures"].keys()):
        check.mismatches.extend(_compare(key, stated.get(key), again["figures"].get(key)))
    check.checkpoint_problems = _checkpoint(engine, public_key, manifest)
    return check


def _compare(key: str, stated: Any, recomputed: Any) -> list[str]:
    if recomputed is None:
        return [f"{key} ({stated.get('label', '') if isinstance(stated, dict) else ''}): "
                "in the pack, but the log at its position states no such figure"]
    label = recomputed["label"]
    if not isinstance(stated, dict):
        return [f"{key} ({label}): the log states it, the pack does not"]
    problems = []
    if stated.get("value") != recomputed["value"]:
        problems.append(f"{key} ({label}): the pack says {stated.get('value')!r}, the log at "
                        f"its position says {recomputed['value']!r}")
    if stated.get("positions") != recomputed["positions"]:
        problems.append(f"{key} ({label}): the pack cites positions {stated.get('positions')}, "
                        f"the log derives it from {recomputed['positions']}")
    return problems


def _checkpoint(engine: Engine, public_key: Ed25519PublicKey, manifest: dict[str, Any]
                ) -> list[str]:
    named = manifest.get("checkpoint") or {}
    if named.get("id") is None:
        return ["the pack names no signed checkpoint: none covered its position when cut"]
    with engine.connect() as connection:
        try:
            signed = get_checkpoint(connection, int(named["id"]))
        except NotFound as error:
            return [str(error)]
        problems = []
        if not signed.signature_valid(public_key):
            problems.append(f"checkpoint {signed.id}: the signature does not verify")
        if root_at(connection, signed.tree_size) != signed.root:
            problems.append(f"checkpoint {signed.id}: the log's root at size "
                            f"{signed.tree_size} is not the signed root")
    if named.get("root") != signed.root.hex() or named.get("tree_size") != signed.tree_size:
        problems.append(f"checkpoint {signed.id}: the pack gives size {named.get('tree_size')} "
                        f"and root {named.get('root')}, the signed checkpoint "
                        f"{signed.tree_size} and {signed.root.hex()}")
    if signed.position < int(manifest["position"]):
        problems.append(f"checkpoint {signed.id} covers positions up to {signed.position}, "
                        f"not the pack's position {manifest['position']}")
    return problems
