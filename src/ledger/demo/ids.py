"""Stable ids for the demo: each is derived from the demo's own names, so every fresh demo
has the same ids (and, being told in the same order, the same positions) and a README or a
script can rely on them. Outside the demo ids stay random."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID, uuid5

# Fixed once; changing it changes every demo id.
DEMO_NAMESPACE = UUID("6c1b7f0e-2a44-5d3e-9f61-0d5e1a7c3b20")


def demo_id(*names: object) -> UUID:
    """The id named by ``names`` (a kind, then what distinguishes it within the demo)."""
    return uuid5(DEMO_NAMESPACE, "/".join(str(name) for name in names))


def demo_aggregate_id(kind: type, fields: Mapping[str, Any]) -> UUID:
    """A new aggregate's id from its class, its program and its name or title; an aggregate
    with neither (a dependency) is named by all it records."""
    label = fields.get("name") or fields.get("title") or ";".join(
        f"{key}={fields[key]}" for key in sorted(fields))
    return demo_id(kind.__name__, fields.get("program_id"), label)
