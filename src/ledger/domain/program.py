"""Program: the header of a program and the register of its components."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.domain.base import LedgerAggregate, Provenance, require_choice, require_text
from ledger.domain.errors import InvariantViolated, NotFound
from ledger.domain.lifecycle import PROGRAM_LIFECYCLE

COMPONENT_KINDS = frozenset({"project", "dependency", "resource", "benefit", "risk", "decision",
                             "proposal"})
FINAL_STATUSES = frozenset({"closed", "cancelled"})


def program_id_for_code(code: str) -> UUID:
    """Programs are identified by their code, which makes the code unique by construction."""
    return uuid5(NAMESPACE_URL, f"/ledger/programs/{code.strip().upper()}")


class Program(LedgerAggregate):
    """A set of related projects that together deliver a business outcome."""

    class ProgramDefined(LedgerAggregate.Created):
        code: str
        name: str
        objectives: list[str]
        sponsor: str
        manager: str

    class ProgramObjectiveAdded(LedgerAggregate.Event):
        objective: str

        def apply(self, program: Any) -> None:
            program.objectives.append(self.objective)

    class ProgramStatusChanged(LedgerAggregate.Event):
        from_status: str
        to_status: str

        def apply(self, program: Any) -> None:
            program.status = self.to_status

    class ProgramComponentRegistered(LedgerAggregate.Event):
        """A project, dependency, resource, benefit, risk or decision joined the program."""

        kind: str
        component_id: UUID

        def apply(self, program: Any) -> None:
            program.components[self.component_id.hex] = self.kind

    def __init__(
        self, code: str, name: str, objectives: list[str], sponsor: str, manager: str
    ) -> None:
        self.code = code
        self.name = name
        self.objectives = list(objectives)
        self.sponsor = sponsor
        self.manager = manager
        self.status = "proposed"
        self.components: dict[str, str] = {}

    @classmethod
    def define(
        cls,
        *,
        code: str,
        name: str,
        objectives: list[str],
        sponsor: str,
        manager: str,
        by: Provenance,
        reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> Self:
        code = require_text("code", code).upper()
        return cls._start(
            cls.ProgramDefined,
            by,
            id=program_id_for_code(code),
            reason=reason,
            effective_at=effective_at,
            code=code,
            name=require_text("name", name),
            objectives=[require_text("objectives", o) for o in objectives],
            sponsor=require_text("sponsor", sponsor),
            manager=require_text("manager", manager),
        )

    @property
    def is_closed(self) -> bool:
        return self.status in FINAL_STATUSES

    def require_open(self) -> None:
        """Components of a closed or cancelled program accept no commands."""
        if self.is_closed:
            raise InvariantViolated(
                f"program {self.code} is {self.status}; its components accept no commands",
                rule="program_closed",
            )

    def add_objective(self, objective: str, by: Provenance, reason: str | None = None) -> None:
        self.require_open()
        self._record(
            self.ProgramObjectiveAdded,
            by,
            reason=reason,
            objective=require_text("objective", objective),
        )

    def change_status(
        self, to_status: str, by: Provenance, reason: str, effective_at: datetime | None = None
    ) -> None:
        PROGRAM_LIFECYCLE.check(self.status, to_status)
        self._record(
            self.ProgramStatusChanged,
            by,
            reason=require_text("reason", reason),
            effective_at=effective_at,
            from_status=self.status,
            to_status=to_status,
        )

    def register_component(self, kind: str, component: LedgerAggregate, by: Provenance) -> None:
        """Add a new component to the register, effective when the component itself is."""
        self.require_open()
        self._record(
            self.ProgramComponentRegistered,
            by,
            effective_at=component.effective_since,
            kind=require_choice("kind", kind, COMPONENT_KINDS),
            component_id=component.id,
        )

    def component_ids(self, kind: str) -> list[UUID]:
        return [UUID(hex_id) for hex_id, k in self.components.items() if k == kind]

    def require_component(self, kind: str, component_id: UUID, field: str) -> None:
        """Raise NotFound unless the id is a component of this kind in this program."""
        if self.components.get(component_id.hex) != kind:
            raise NotFound(f"{field}: no {kind} {component_id} in program {self.code}")
