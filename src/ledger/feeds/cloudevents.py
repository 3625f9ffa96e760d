"""Ledger events as CloudEvents 1.0, built and written by the CloudEvents SDK.

One namespace for every type: ``org.ledger.<EventClass>``, e.g.
``org.ledger.ProjectStatusReported``. ``id`` is the log position, ``source`` the program
(``/v1/programs/<id>``), ``subject`` the aggregate's id, ``time`` when it was recorded. The
data holds the event's own fields under ``fields``, as recorded, and its provenance under
``metadata``, with ``event_version``, the version of the event's class they were recorded at.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from ledger.domain import benefit, decision, dependency, program, project, resource, risk
from ledger.domain.base import LedgerAggregate
from ledger.feeds.log import LoggedEvent

TYPE_PREFIX = "org.ledger."
CONTENT_TYPE = JSONFormat.CONTENT_TYPE
METADATA = ("actor", "reason", "effective_at", "correlation_id", "causation_id")
_IDENTITY = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic",
                       "class_version", *METADATA})
_FORMAT = JSONFormat()
# Named so the catalogue is loaded whoever imports this module first.
_AGGREGATES = (benefit.Benefit, decision.Decision, dependency.Dependency, program.Program,
               project.Project, resource.SharedResource, risk.Risk)


@cache
def event_names() -> frozenset[str]:
    """Every event class name of the catalogue: the vocabulary of the ``type`` filters."""
    found, pending = set(), list(LedgerAggregate.Event.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        aggregate, _, name = cls.__qualname__.partition(".")
        if aggregate in {a.__name__ for a in _AGGREGATES} and name not in {"Event", "Created"}:
            found.add(name)
    return frozenset(found)


def type_of(name: str) -> str:
    return TYPE_PREFIX + name


def name_of(type_or_name: str) -> str | None:
    """The event class named by a CloudEvents type or by the bare name; None if unknown."""
    name = type_or_name.removeprefix(TYPE_PREFIX)
    return name if name in event_names() else None


def to_cloudevent(event: LoggedEvent) -> CloudEvent:
    state = event.state
    attributes: dict[str, Any] = {
        "id": str(event.position),
        "source": f"/v1/programs/{event.program_id}" if event.program_id else "/v1",
        "type": type_of(event.name),
        "subject": str(event.aggregate_id),
        "datacontenttype": "application/json",
    }
    if isinstance(recorded := state.get("timestamp"), str):
        attributes["time"] = datetime.fromisoformat(recorded)
    data = {
        "fields": {k: v for k, v in state.items() if k not in _IDENTITY},
        "metadata": {
            "position": event.position, "recorded_at": recorded,
            "program_id": str(event.program_id) if event.program_id else None,
            "aggregate_id": str(event.aggregate_id), "aggregate_type": event.aggregate_type,
            "aggregate_version": event.version,
            # The shape of ``fields``: an event's fields are as recorded at this version of
            # its class (a later version adds fields; see the history's upcasters).
            "event_version": state.get("class_version", 1),
            **{name: state.get(name) for name in METADATA}},
    }
    return CloudEvent(attributes, data)


def structured(event: LoggedEvent) -> bytes:
    """The event in CloudEvents' structured JSON format."""
    return _FORMAT.write(to_cloudevent(event))
