"""The audit timeline's filters as people type them: a program by code or id, an event by
its name as the page shows it ("Decision recorded") or as the API does ("DecisionRecorded").
What cannot be read is named back in words, never silently dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy.engine import Connection

from ledger.projections.programs import program_id_by_code
from ledger.projections.timeline import event_types


@dataclass
class Filters:
    program: str = ""
    actor: str = ""
    type: str = ""
    after: str = ""
    program_id: UUID | None = None
    event_type: str | None = None
    after_position: int | None = None
    problems: list[str] = field(default_factory=list)

    def query(self, **extra: str) -> dict[str, str]:
        """The filters as typed, for links that keep them (the next page)."""
        typed = {"program": self.program, "actor": self.actor, "type": self.type,
                 "after": self.after, **extra}
        return {k: v for k, v in typed.items() if v}


def _squeezed(name: str) -> str:
    """"Decision recorded", "decision_recorded" and "DecisionRecorded" alike."""
    return "".join(c for c in name.casefold() if c.isalnum())


def read_filters(connection: Connection, program: str, actor: str, type: str, after: str,
                 visible: set[UUID] | None) -> Filters:
    """The filters resolved; ``visible`` (a token's programs, or None for all) keeps a code
    from telling whether a program the reader may not see exists."""
    filters = Filters(program.strip(), actor.strip(), type.strip(), after.strip())
    if filters.program:
        filters.program_id = _program(connection, filters.program, visible)
        if filters.program_id is None:
            filters.problems.append(f"Program: no program you may see has the code or id "
                                    f"“{filters.program}”. Give a code such as ERP-TRANSFORM, "
                                    "or leave it empty.")
    if filters.type:
        known = {_squeezed(name): name for name in event_types(connection)}
        filters.event_type = known.get(_squeezed(filters.type))
        if filters.event_type is None:
            filters.problems.append(f"Event: no recorded event is called “{filters.type}”. "
                                    "Type a name as the Event column shows it, such as "
                                    "“Decision recorded”.")
    if filters.after:
        if filters.after.isascii() and filters.after.isdigit() and len(filters.after) < 19:
            filters.after_position = int(filters.after)
        else:
            filters.problems.append(f"After position: “{filters.after}” is not a position. "
                                    "Give a whole number such as 120, or leave it empty.")
    return filters


def _program(connection: Connection, text: str, visible: set[UUID] | None) -> UUID | None:
    try:
        return UUID(text)  # an id: its authorization answers, as the API's does
    except ValueError:
        pass
    found = program_id_by_code(connection, text) or program_id_by_code(connection, text.upper())
    if found is None or (visible is not None and found not in visible):
        return None
    return found
