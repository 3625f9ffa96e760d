"""How far each projection has got against the head of the log, for operators and /readyz."""

from __future__ import annotations

from pydantic import BaseModel, computed_field
from sqlalchemy import Engine

from ledger.db import READ_ONLY
from ledger.projections.projector import EventLog, head_of
from ledger.projections.tracking import LIVE, REBUILD, tracked_names


class ProjectionStatus(BaseModel):
    """How far one projection has got: its tracked position against the head of the log."""

    name: str
    position: int
    head: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


def projection_statuses(log: EventLog, engine: Engine) -> list[ProjectionStatus]:
    """The live read models first, then a rebuild in progress, if there is one."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        positions = tracked_names(connection)
    head = head_of(log)
    names = [LIVE] + ([REBUILD] if REBUILD in positions else [])
    return [ProjectionStatus(name=n, position=positions.get(n, 0), head=head) for n in names]


FOLLOWER_PREFIXES = ("nats:",)


def follower_statuses(log: EventLog, engine: Engine) -> list[ProjectionStatus]:
    """The feeds that track a position like a projection (`ledger publish`), if any ran."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        positions = tracked_names(connection)
    head = head_of(log)
    return [ProjectionStatus(name=name, position=position, head=head)
            for name, position in sorted(positions.items())
            if name.startswith(FOLLOWER_PREFIXES)]
