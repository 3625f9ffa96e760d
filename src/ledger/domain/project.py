"""Project: a component of a program, with its lifecycle, status reports and scope baseline."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from ledger.domain.base import (
    LedgerAggregate,
    Provenance,
    require_choice,
    require_order,
    require_text,
)
from ledger.domain.decision import Decision
from ledger.domain.errors import InvalidInput, InvariantViolated
from ledger.domain.lifecycle import PROJECT_LIFECYCLE

RAG = frozenset({"green", "amber", "red"})
RAG_DIMENSIONS = ("overall", "schedule", "cost", "scope", "resources")
# Once work has started the scope baseline is locked: changes need a governing decision.
BASELINE_LOCKED = frozenset({"in_progress", "on_hold"})


def deliverable(key: str, name: str, due: date) -> dict[str, Any]:
    """A deliverable as the events and snapshots store it."""
    return {"key": require_text("deliverables.key", key), "name": require_text("name", name),
            "due": due, "status": "planned"}


class Project(LedgerAggregate):
    """A project authorised within a program."""

    class ProjectAuthorized(LedgerAggregate.Created):
        program_id: UUID
        name: str
        manager: str
        planned_start: date
        planned_finish: date
        deliverables: list[dict[str, Any]]

    class ProjectLifecycleChanged(LedgerAggregate.Event):
        from_status: str
        to_status: str

        def apply(self, project: Any) -> None:
            project.lifecycle = self.to_status

    class ProjectStatusReported(LedgerAggregate.Event):
        """A RAG report on each dimension; amber or red carries a reason."""

        ratings: dict[str, str]
        narrative: str

        def apply(self, project: Any) -> None:
            project.latest_ratings = dict(self.ratings)

    class ScopeChanged(LedgerAggregate.Event):
        added: list[dict[str, Any]]
        removed: list[str]
        deferred: list[str]
        rationale: str
        cost_impact: float
        schedule_impact_days: int
        decision_id: UUID | None

        def apply(self, project: Any) -> None:
            for item in self.added:
                project.deliverables[item["key"]] = dict(item)
            for key in self.removed:
                project.deliverables[key]["status"] = "removed"
            for key in self.deferred:
                project.deliverables[key]["status"] = "deferred"

    class DeliverableDelivered(LedgerAggregate.Event):
        key: str

        def apply(self, project: Any) -> None:
            project.deliverables[self.key]["status"] = "delivered"

    def __init__(
        self,
        program_id: UUID,
        name: str,
        manager: str,
        planned_start: date,
        planned_finish: date,
        deliverables: list[dict[str, Any]],
    ) -> None:
        self.program_id = program_id
        self.name = name
        self.manager = manager
        self.planned_start = planned_start
        self.planned_finish = planned_finish
        self.deliverables = {d["key"]: dict(d) for d in deliverables}
        self.lifecycle = "planned"
        self.latest_ratings: dict[str, str] = {}

    @classmethod
    def authorize(
        cls,
        *,
        program_id: UUID,
        name: str,
        manager: str,
        planned_start: date,
        planned_finish: date,
        deliverables: list[dict[str, Any]],
        by: Provenance,
        reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> Self:
        require_order("planned_start", planned_start, "planned_finish", planned_finish)
        _require_unique_keys([d["key"] for d in deliverables])
        return cls._start(
            cls.ProjectAuthorized,
            by,
            reason=reason,
            effective_at=effective_at,
            program_id=program_id,
            name=require_text("name", name),
            manager=require_text("manager", manager),
            planned_start=planned_start,
            planned_finish=planned_finish,
            deliverables=deliverables,
        )

    @property
    def is_final(self) -> bool:
        return PROJECT_LIFECYCLE.is_final(self.lifecycle)

    def require_active(self, action: str) -> None:
        if self.is_final:
            raise InvariantViolated(
                f"project '{self.name}' is {self.lifecycle}; it cannot {action}",
                rule="project_closed",
            )

    def change_lifecycle(
        self, to_status: str, by: Provenance, reason: str, effective_at: datetime | None = None
    ) -> None:
        PROJECT_LIFECYCLE.check(self.lifecycle, to_status)
        self._record(
            self.ProjectLifecycleChanged,
            by,
            reason=require_text("reason", reason),
            effective_at=effective_at,
            from_status=self.lifecycle,
            to_status=to_status,
        )

    def report_status(
        self,
        ratings: dict[str, str],
        narrative: str,
        by: Provenance,
        reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> None:
        self.require_active("report status")
        for dimension in RAG_DIMENSIONS:
            require_choice(dimension, ratings.get(dimension, ""), RAG)
        if any(ratings[d] != "green" for d in RAG_DIMENSIONS) and not (reason or "").strip():
            raise InvalidInput("reason", "is required when any dimension is amber or red")
        self._record(
            self.ProjectStatusReported,
            by,
            reason=reason,
            effective_at=effective_at,
            ratings={d: ratings[d] for d in RAG_DIMENSIONS},
            narrative=narrative.strip(),
        )

    def change_scope(
        self,
        *,
        added: list[dict[str, Any]],
        removed: list[str],
        deferred: list[str],
        rationale: str,
        cost_impact: float,
        schedule_impact_days: int,
        decision: Decision | None,
        by: Provenance,
        effective_at: datetime | None = None,
    ) -> None:
        self.require_active("change scope")
        if not (added or removed or deferred):
            raise InvalidInput("add", "a scope change must add, remove or defer a deliverable")
        _require_unique_keys([d["key"] for d in added] + removed + deferred)
        for item in added:
            if item["key"] in self.deliverables:
                raise InvalidInput("add", f"deliverable '{item['key']}' already exists")
        for key in removed + deferred:
            self._require_open_deliverable(key)
        if decision is not None:  # whenever one is cited, it must govern this project
            decision.require_governs("project", self.id, self.program_id)
        elif self.lifecycle in BASELINE_LOCKED:
            raise InvariantViolated(
                f"project '{self.name}' is {self.lifecycle}, so its scope baseline is "
                "locked; cite a decision (decision_id) that lists this project as affected",
                rule="scope_baseline_locked",
            )
        self._record(
            self.ScopeChanged,
            by,
            reason=rationale,
            effective_at=effective_at,
            added=added,
            removed=removed,
            deferred=deferred,
            rationale=require_text("rationale", rationale),
            cost_impact=float(cost_impact),
            schedule_impact_days=int(schedule_impact_days),
            decision_id=decision.id if decision else None,
        )

    def deliver(
        self, key: str, by: Provenance, reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> None:
        if self.lifecycle != "in_progress":
            raise InvariantViolated(
                f"project '{self.name}' is {self.lifecycle}; deliverables are delivered "
                "only while it is in_progress",
                rule="project_not_in_progress",
            )
        self._require_open_deliverable(key)
        self._record(
            self.DeliverableDelivered, by, reason=reason, effective_at=effective_at, key=key
        )

    def _require_open_deliverable(self, key: str) -> None:
        found = self.deliverables.get(key)
        if found is None:
            known = ", ".join(sorted(self.deliverables)) or "none"
            raise InvalidInput("key", f"no deliverable '{key}' in '{self.name}' (known: {known})")
        if found["status"] != "planned":
            raise InvariantViolated(
                f"deliverable '{key}' is already {found['status']}", rule="deliverable_closed"
            )


def _require_unique_keys(keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise InvalidInput("deliverables", f"key '{key}' appears more than once")
        seen.add(key)
