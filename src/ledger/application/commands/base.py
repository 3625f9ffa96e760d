"""What every command is: a frozen value naming what to do and to which aggregate.

A command is the body a client sends plus its address, the aggregate it is sent to. The body
classes (``Measure``, ``ChangeStatus``, ...) are what the HTTP API publishes; each command
adds an address mixin (``ToBenefit``, ``InProgram``, ...), so its fields are declared once.
Who asks (``by``) and the version it expects (``if_match``) travel beside the command, since
they come from the credentials and headers, never from the body.

Unknown fields are refused, so no body can set actor, time or position.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ledger.application.commands.fields import EffectiveAt, ShortCode, Text
from ledger.domain.base import LedgerAggregate
from ledger.domain.benefit import Benefit
from ledger.domain.decision import Decision
from ledger.domain.dependency import Dependency
from ledger.domain.program import Program
from ledger.domain.project import Project
from ledger.domain.resource import SharedResource
from ledger.domain.risk import Risk


def example(**fields: Any) -> ConfigDict:
    """Unknown fields refused, and an example body for the OpenAPI document."""
    return ConfigDict(extra="forbid", frozen=True, json_schema_extra={"examples": [fields]})


PROJECT_ID = "0494e40a-1555-4720-8527-9458bb2f0808"
DECISION_ID = "08053456-6d96-45fd-8a9a-e52e3d0e90d9"
BENEFIT_ID = "6f1d3c2b-9a8e-4b7d-8c6f-5e4d3c2b1a09"


class Command(BaseModel):
    """A body, or with an address mixin a whole command. Frozen, so a retry re-runs exactly
    the request that was made (ids the command mints, such as a measurement's, included)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: ClassVar[type[LedgerAggregate] | None] = None
    """The class of the aggregate the command is addressed to; None when it makes a program."""
    address: ClassVar[str] = ""
    """The field that holds the subject's id."""
    creates: ClassVar[bool] = False
    """It adds a new component to its subject, a program, which must still be open."""
    reports: ClassVar[tuple[str, ...]] = ()
    """Fields minted by the command that its caller needs back (a new measurement's id)."""

    @property
    def subject_id(self) -> UUID:
        subject_id: UUID = getattr(self, self.address)
        return subject_id

    def named_program(self) -> UUID | None:
        """The program the command names itself; a component's program must be looked up."""
        return None

    def reported(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in self.reports}

    @classmethod
    def addressed(cls, body: Command, **address: UUID | str) -> Self:
        """The command for a body and an address that the HTTP layer has validated already."""
        fields: dict[str, Any] = {**dict(body), **address}
        return cls.model_construct(**fields)  # type: ignore[return-value]


class ChangeStatus(Command):
    model_config = example(
        status="on_hold", reason="Funding paused until the Q3 board")

    status: ShortCode
    reason: Text
    effective_at: EffectiveAt = None


class ToProgram(Command):
    """Addressed to a program itself, whatever its status (it may be reopened)."""

    subject = Program
    address = "program_id"
    program_id: UUID

    def named_program(self) -> UUID | None:
        return self.program_id


class InProgram(ToProgram):
    """Adds a new component to a program, which must still be open."""

    creates = True


class ToProject(Command):
    subject = Project
    address = "project_id"
    project_id: UUID


class ToDependency(Command):
    subject = Dependency
    address = "dependency_id"
    dependency_id: UUID


class ToResource(Command):
    subject = SharedResource
    address = "resource_id"
    resource_id: UUID


class ToBenefit(Command):
    subject = Benefit
    address = "benefit_id"
    benefit_id: UUID


class ToRisk(Command):
    subject = Risk
    address = "risk_id"
    risk_id: UUID


class ToDecision(Command):
    subject = Decision
    address = "decision_id"
    decision_id: UUID
