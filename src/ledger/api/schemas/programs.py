"""Command bodies for programs."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ledger.api.schemas.commands import Command, example
from ledger.api.schemas.strict import MAX_IDS, EffectiveAt, Reason, ShortText


class DefineProgram(Command):
    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][\w.-]*$")]
    name: ShortText
    objectives: Annotated[list[ShortText], Field(max_length=MAX_IDS)] = []
    sponsor: ShortText
    manager: ShortText
    reason: Reason = None
    effective_at: EffectiveAt = None

    model_config = example(code="ERP-2026", name="ERP transformation",
                           objectives=["One finance platform"], sponsor="Maria Keller, CFO",
                           manager="Tom Becker")
