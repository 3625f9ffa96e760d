"""The pack's JSON form, its manifest: what was cut (program, dates, position), under which
checkpoint, every figure with its positions, and the sentences of each section."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

from ledger.domain.errors import InvalidInput
from ledger.pack.build import PackRequest
from ledger.pack.model import ESCALATION_TITLES, Pack

FORMAT = "ledger-board-pack/1"


def to_manifest(pack: Pack) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "program": {"id": pack.program_id, "code": pack.code, "name": pack.name},
        "as_of": pack.as_of.isoformat(),
        "since": pack.since.isoformat() if pack.since else None,
        "position": pack.position,
        "knowledge": pack.knowledge,
        "checkpoint": {**asdict(pack.checkpoint), "witnesses": list(pack.checkpoint.witnesses),
                       "signed_at": (pack.checkpoint.signed_at.isoformat()
                                     if pack.checkpoint.signed_at else None)},
        "figures": {key: figure.to_plain() for key, figure in sorted(pack.figures.items())},
        "sections": {
            "headline": {
                "status": pack.status.key,
                "projects": [{"name": p.name, "rating": p.rating.key, "previous": p.previous,
                              "trend": p.trend, "reason": p.reason} for p in pack.projects],
                "benefits": [{"name": b.name, "realization": b.realization.key,
                              "forecast": b.forecast.key, "target": b.target.key}
                             for b in pack.benefits],
            },
            "changes": [line.text for line in pack.changes],
            "escalations": {k: {"title": ESCALATION_TITLES[k],
                                "lines": [line.text for line in lines]}
                            for k, lines in pack.escalations.items()},
            "benefits": {c.name: [line.text for line in c.lines] for c in pack.charts},
            "decisions": [{"title": d.title, "taken": d.taken.isoformat(), "chosen": d.chosen,
                           "options": list(d.options), "tradeoffs": d.tradeoffs,
                           "rationale": d.rationale} for d in pack.decisions],
        },
    }


def request_of(manifest: dict[str, Any]) -> PackRequest:
    """What to cut again to check a manifest; a manifest that cannot say is refused."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput("format", f"is not a board pack manifest ({FORMAT})")
    try:
        since = manifest["since"]
        return PackRequest(UUID(manifest["program"]["id"]), date.fromisoformat(manifest["as_of"]),
                           date.fromisoformat(since) if since else None,
                           int(manifest["position"]))
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput("manifest", f"cannot be read: {error!r}") from None
