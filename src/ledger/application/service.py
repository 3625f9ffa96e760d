"""The service core: serialised command execution, loading, citing decisions, and results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    project_aggregate,
)
from eventsourcing.domain import DomainEventProtocol, MutableOrImmutableAggregate
from eventsourcing.persistence import JSONTranscoder, Recording, StoredEvent
from eventsourcing.utils import get_topic
from sqlalchemy import text
from sqlalchemy.orm import Session

from ledger.application.correlation import correlate
from ledger.application.retry import retry_on_conflict
from ledger.application.transcoding import DateAsISO
from ledger.audit.checkpoints import latest_checkpoint
from ledger.audit.signing import Checkpoint
from ledger.domain.base import LedgerAggregate, one_moment
from ledger.domain.benefit import Benefit
from ledger.domain.decision import Decision
from ledger.domain.dependency import Dependency
from ledger.domain.errors import NotFound, PreconditionFailed
from ledger.domain.program import Program
from ledger.domain.project import Project
from ledger.domain.proposal import Proposal
from ledger.domain.resource import SharedResource
from ledger.domain.risk import Risk
from ledger.settings import APPLICATION_NAME, Settings
from ledger.store import ChainedApplicationRecorder, busy_is_a_conflict

AGGREGATE_CLASSES: tuple[type[LedgerAggregate], ...] = (
    Program, Project, Dependency, SharedResource, Benefit, Risk, Decision, Proposal,
)
TAggregate = TypeVar("TAggregate", bound=LedgerAggregate)
T = TypeVar("T")
_IDS_PER_QUERY = 1000  # well under SQLite's limit on bound parameters


@dataclass(frozen=True)
class CommandResult:
    """What a command returns: the aggregate it acted on, its new version, and the position."""

    id: UUID
    version: int
    position: int
    extra: dict[str, str] = field(default_factory=dict)


class LedgerService(Application[UUID]):
    """Runs each command in one transaction that holds the event store's write lock.

    eventsourcing-sqlalchemy locks the events table on every insert anyway; taking that lock
    at the start of the command instead of at its end makes load → check → save atomic, so
    rules that span aggregates (no cycles, closed programs, cited decisions) hold under any
    number of concurrent writers, and recorded times rise with positions. The optimistic
    version check stays as a second line of defence, with a bounded retry.
    """

    name = APPLICATION_NAME

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.snapshotting_intervals = {  # type: ignore[misc]
            cls: self.settings.snapshot_interval for cls in AGGREGATE_CLASSES
        }
        super().__init__(env=self.settings.to_eventsourcing_env())
        # Which program a component belongs to never changes, so commands and scope checks
        # need not reload the component just to learn it.
        self._program_ids: LRUCache[UUID, UUID] = LRUCache(
            maxsize=max(1, self.settings.aggregate_cache_size))
        # The library switches SQLite files to WAL on first use; do it now, before other
        # connections (the projector's) hold locks that would make the switch fail.
        self.recorder.datastore.init_sqlite_wal_mode()  # type: ignore[attr-defined]
        # The library builds its engine without pre-ping; with it, a connection that died in a
        # database restart is replaced on checkout instead of failing a request.
        self.recorder.datastore.engine.pool._pre_ping = True  # type: ignore[attr-defined]

    def close(self) -> None:
        super().close()
        # eventsourcing-sqlalchemy never disposes its engine: without this, every closed
        # ledger keeps its pooled connections (and on SQLite five file handles) open.
        self.recorder.datastore.engine.dispose()  # type: ignore[attr-defined]

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    @property
    def dialect(self) -> str:
        return str(self.recorder.datastore.engine.dialect.name)  # type: ignore[attr-defined]

    @contextmanager
    def serialised_transaction(self, program_id: UUID | None = None) -> Iterator[Session]:
        """A write transaction. Given a program, on PostgreSQL it first holds that program's
        lock: commands of one program run one at a time, so rules that span its aggregates
        hold, while other programs' commands load and decide in parallel; the events table is
        locked only from ``appending`` to the commit. Without a program, and always on SQLite
        (one writer), it holds the events table's lock from its first statement."""
        recorder = self.recorder
        assert isinstance(recorder, ChainedApplicationRecorder)
        with busy_is_a_conflict(), recorder.datastore.transaction(commit=True) as session:
            if program_id is not None and self.dialect == "postgresql":
                session.execute(_PROGRAM_LOCK, {"key": program_lock_key(program_id)})
            else:
                recorder.lock_events_table(session)
            yield session

    @contextmanager
    def appending(self) -> Iterator[None]:
        """Lock the events table until the commit, then stamp the command's moment: positions
        are given in commit order, the audit chain grows in that order, and the moment, stamped
        under the lock, never goes back as positions rise (as-of a time relies on it)."""
        recorder = self.recorder
        assert isinstance(recorder, ChainedApplicationRecorder)
        with recorder.datastore.transaction(commit=True) as session:  # the command's own
            recorder.lock_events_table(session)
            with one_moment():
                yield

    def save(
        self,
        *objs: MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None,
        **kwargs: Any,
    ) -> list[Recording[UUID]]:
        """Save as the library does, once every pending event carries a correlation id."""
        correlate([o for o in objs if isinstance(o, LedgerAggregate)])
        return super().save(*objs, **kwargs)

    def run(
        self,
        command: Callable[[], Sequence[LedgerAggregate]],
        extra: dict[str, str] | None = None,
        program_id: UUID | None = None,
    ) -> CommandResult:
        """Load, act and save atomically, retried on a lost race; the first aggregate returned
        is the command's subject. ``command`` enters ``appending`` before it records events."""
        def act() -> tuple[LedgerAggregate, Sequence[LedgerAggregate]]:
            aggregates = command()
            return aggregates[0], aggregates

        subject, recordings = self.transact(act, program_id)
        return CommandResult(
            id=subject.id,
            version=subject.version,
            position=max(r.notification.id for r in recordings),
            extra=extra or {},
        )

    def transact(
        self,
        act: Callable[[], tuple[T, Sequence[LedgerAggregate]]],
        program_id: UUID | None = None,
    ) -> tuple[T, list[Recording[UUID]]]:
        """Run ``act`` and save the aggregates it returns in one serialised transaction,
        retried from the start on a lost race; what ``act`` decided comes back beside what
        was recorded."""
        def attempt() -> tuple[T, list[Recording[UUID]]]:
            with self.serialised_transaction(program_id):
                outcome, aggregates = act()
                recordings = self.save(*aggregates) if aggregates else []
            return outcome, recordings

        return retry_on_conflict(self.settings.command_retries, attempt)

    def load(
        self, aggregate_id: UUID, cls: type[TAggregate], if_match: int | None = None
    ) -> TAggregate:
        """Get an aggregate of the given class, honouring an expected version (If-Match)."""
        aggregate: object
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {kind_of(cls)} with id {aggregate_id}")
        if if_match is not None and aggregate.version != if_match:
            raise _not_at(kind_of(cls), aggregate_id, aggregate.version, if_match)
        return aggregate

    def refuse_if_stale(self, aggregate_id: UUID, cls: type[LedgerAggregate],
                        if_match: int | None) -> None:
        """412 before queueing for the program's lock when the aggregate is already past
        ``if_match``: versions never go back, so waiting could only end in the same answer
        (or in a lock timeout, which would wrongly invite a retry). One indexed read, made
        for conditional commands only; ``load`` checks again under the lock."""
        if if_match is None:
            return
        last = self.recorder.select_events(aggregate_id, desc=True, limit=1)
        if last and last[0].originator_version > if_match \
                and last[0].topic.startswith(f"{get_topic(cls)}."):
            raise _not_at(kind_of(cls), aggregate_id, last[0].originator_version, if_match)

    def latest_checkpoint(self) -> Checkpoint | None:
        """The latest signed checkpoint, read in the command's own transaction: inside a
        command, after ``appending``, no event can join the log before the command's own."""
        recorder = self.recorder
        assert isinstance(recorder, ChainedApplicationRecorder)
        with recorder.datastore.transaction(commit=True) as session:
            return latest_checkpoint(session)

    def exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def program_of(self, aggregate_id: UUID,
                   cls: type[LedgerAggregate] = LedgerAggregate) -> UUID:
        """The program an aggregate belongs to (a program belongs to itself); ``cls`` names
        the kind expected, for the error if there is none."""
        try:
            return self._program_ids.get(aggregate_id)
        except KeyError:
            pass
        aggregate = self.load(aggregate_id, cls)
        program_id: UUID = aggregate.id if isinstance(aggregate, Program) \
            else aggregate.program_id  # type: ignore[attr-defined]
        self._program_ids.put(aggregate_id, program_id)
        return program_id

    def open_program(self, program_id: UUID) -> Program:
        """The program, which must still accept commands for its components."""
        program = self.load(program_id, Program)
        program.require_open()
        return program

    def cited_decision(self, decision_id: UUID | None) -> Decision | None:
        """The decision a command cites; the domain then checks that it governs the entity."""
        if decision_id is None:
            return None
        return self.load(decision_id, Decision)

    def active_edges(self, program: Program) -> list[tuple[UUID, UUID]]:
        """(provider, consumer) for every dependency of the program that is not withdrawn."""
        dependencies = self.current_states(program.component_ids("dependency"), Dependency)
        return [d.edge for d in dependencies if d.is_active]

    def current_states(self, aggregate_ids: Sequence[UUID], cls: type[TAggregate]
                       ) -> list[TAggregate]:
        """Many short-lived aggregates as they are now, read in one query rather than one
        each, so a rule over a whole set (the dependency graph) costs one round trip inside
        the write lock however large the program grows. The objects may be the cached ones
        themselves: callers read them and never change them."""
        cache = self.repository.cache
        cached: dict[UUID, TAggregate] = {}
        for aggregate_id in aggregate_ids if cache is not None else ():
            with suppress(KeyError):
                cached[aggregate_id] = cache.get(aggregate_id)  # type: ignore[union-attr,assignment]
        newer: dict[UUID, list[StoredEvent]] = defaultdict(list)
        for owner, event in self._stored_events_of(aggregate_ids):
            known = cached.get(owner)
            if known is None or event.originator_version > known.version:
                newer[owner].append(event)
        states = []
        for aggregate_id in aggregate_ids:
            state = cached.get(aggregate_id)
            if aggregate_id in newer:  # bring a copy up to date; the cache keeps the result
                state = project_aggregate(
                    deepcopy(state), map(self.mapper.to_domain_event, newer[aggregate_id]))
                if cache is not None:
                    cache.put(aggregate_id, state)
            if not isinstance(state, cls):
                raise NotFound(f"no {kind_of(cls)} with id {aggregate_id}")
            states.append(state)
        return states

    def _stored_events_of(self, aggregate_ids: Sequence[UUID], up_to: int | None = None
                          ) -> Iterator[tuple[UUID, StoredEvent]]:
        """Every stored event of the given aggregates (up to a position), in position order."""
        recorder = self.recorder
        assert isinstance(recorder, ChainedApplicationRecorder)
        record = recorder.events_record_cls
        with recorder.transaction(commit=False) as session:  # joins the command's, if any
            for start in range(0, len(aggregate_ids), _IDS_PER_QUERY):
                chunk = list(aggregate_ids[start:start + _IDS_PER_QUERY])
                query = session.query(record).filter(record.originator_id.in_(chunk))
                if up_to is not None:
                    query = query.filter(record.id <= up_to)
                for row in query.order_by(record.id):
                    owner = UUID(str(row.originator_id))
                    yield owner, StoredEvent(owner, row.originator_version, row.topic,
                                             bytes(row.state))



_PROGRAM_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def _not_at(kind: str, aggregate_id: UUID, version: int, if_match: int) -> PreconditionFailed:
    return PreconditionFailed(f"{kind} {aggregate_id} is at version {version}, not {if_match}; "
                              "read it again and retry with the current version")


def program_lock_key(program_id: UUID) -> int:
    """The program's advisory-lock key: a signed 64-bit number from its id (two programs that
    share one merely wait for each other)."""
    return int.from_bytes(program_id.bytes[:8], "big", signed=True)


def kind_of(cls: type[Any]) -> str:
    """What the program's register and the error messages call an aggregate class."""
    return "resource" if cls is SharedResource else cls.__name__.lower()
