"""The program as it stood at one position, held in memory: the source a what-if's batch
reads from. It never writes and holds no lock, so boards may simulate while managers post."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar, cast
from uuid import UUID

from ledger.application.replay import ProgramAsOf
from ledger.application.service import kind_of
from ledger.audit.signing import Checkpoint
from ledger.domain.base import LedgerAggregate, one_moment
from ledger.domain.errors import NotFound, PreconditionFailed
from ledger.domain.program import Program

TAggregate = TypeVar("TAggregate", bound=LedgerAggregate)


class Snapshot:
    """Every aggregate of one program at ``state.resolved_position``. A batch gets a copy
    of each it loads, so the snapshot itself stays as recorded for the next scenario."""

    def __init__(self, state: ProgramAsOf, checkpoint: Checkpoint | None) -> None:
        self.state = state
        self.checkpoint = checkpoint
        self._by_id: dict[UUID, LedgerAggregate] = {state.program.id: state.program}
        for components in state.components.values():
            self._by_id.update((c.id, c) for c in components)

    @property
    def program(self) -> Program:
        return self.state.program

    @property
    def position(self) -> int:
        return self.state.resolved_position

    def components(self) -> list[LedgerAggregate]:
        return [a for a in self._by_id.values() if a is not self.program]

    def load(self, aggregate_id: UUID, cls: type[TAggregate],
             if_match: int | None = None) -> TAggregate:
        return copy_of(self._recorded(aggregate_id, cls, if_match))

    def _recorded(self, aggregate_id: UUID, cls: type[TAggregate],
                  if_match: int | None = None) -> TAggregate:
        aggregate = self._by_id.get(aggregate_id)
        if not isinstance(aggregate, cls):
            # Only this program's aggregates can be read: a command citing another
            # program's decision is refused, as a recorded one would be.
            raise NotFound(f"no {kind_of(cls)} with id {aggregate_id} in program "
                           f"{self.program.code} at position {self.position}")
        if if_match is not None and aggregate.version != if_match:
            raise PreconditionFailed(
                f"{kind_of(cls)} {aggregate_id} was at version {aggregate.version} at "
                f"position {self.position}, not {if_match}")
        return aggregate

    def program_of(self, aggregate_id: UUID,
                   cls: type[LedgerAggregate] = LedgerAggregate) -> UUID:
        self._recorded(aggregate_id, cls)
        return self.program.id

    def current_states(self, aggregate_ids: Sequence[UUID],
                       cls: type[TAggregate]) -> list[TAggregate]:
        """The recorded objects themselves: callers read them and never change them."""
        states = []
        for aggregate_id in aggregate_ids:
            aggregate = self._by_id.get(aggregate_id)
            if not isinstance(aggregate, cls):
                raise NotFound(f"no {kind_of(cls)} with id {aggregate_id}")
            states.append(aggregate)
        return states

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self._by_id

    def latest_checkpoint(self) -> Checkpoint | None:
        return self.checkpoint

    @contextmanager
    def appending(self) -> Iterator[None]:
        """No lock: nothing is appended. The events still share one moment, as they would."""
        with one_moment():
            yield


def copy_of(aggregate: TAggregate) -> TAggregate:
    """A deep copy, by pickling: for aggregates of thousands of events several times faster
    than ``copy.deepcopy``, which a what-if would otherwise spend most of its time in."""
    return cast(TAggregate, pickle.loads(pickle.dumps(aggregate, pickle.HIGHEST_PROTOCOL)))
