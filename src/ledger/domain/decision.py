"""Decision: the governance record of a choice, its options, trade-offs and outcome."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from ledger.domain.base import (
    LedgerAggregate,
    Provenance,
    check_effective_at,
    require_choice,
    require_text,
    utc_now,
)
from ledger.domain.errors import InvalidInput, InvariantViolated

AFFECTED_KINDS = ("project", "benefit", "risk", "dependency", "resource")
VERDICTS = frozenset({"as_expected", "better", "worse", "inconclusive"})
ROOT_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class CitedCheckpoint:
    """The signed checkpoint a decision cites: the log as it stood when the decision was
    recorded (root: lower-case hex, as in the checkpoint)."""

    id: int
    tree_size: int
    root: str

    def __post_init__(self) -> None:
        if self.id < 1 or self.tree_size < 0 or not ROOT_HEX.fullmatch(self.root):
            raise ValueError(f"not a checkpoint: id {self.id}, size {self.tree_size}, "
                             f"root {self.root!r}")

    def to_event(self) -> dict[str, Any]:
        return asdict(self)


def decision_option(
    key: str,
    summary: str,
    pros: list[str] | None = None,
    cons: list[str] | None = None,
    expected_impact: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One option as events store it; expected_impact.benefits maps benefit id → delta."""
    impact = expected_impact or {}
    return {
        "key": require_text("options.key", key),
        "summary": require_text("options.summary", summary),
        "pros": [p.strip() for p in pros or [] if p.strip()],
        "cons": [c.strip() for c in cons or [] if c.strip()],
        "expected_impact": {
            "cost": float(impact.get("cost") or 0),
            "schedule_days": int(impact.get("schedule_days") or 0),
            "benefits": {str(k): float(v) for k, v in (impact.get("benefits") or {}).items()},
        },
    }


class Decision(LedgerAggregate):
    """A governance decision: what was asked, the options, the choice and what was given up.

    Version 2 added ``cited_checkpoint``; snapshots of version 1 are read with none.
    Version 3 added ``prediction``; snapshots of version 2 are read with none."""

    class_version = 3

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["cited_checkpoint"] = None

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        state["prediction"] = None

    class DecisionRecorded(LedgerAggregate.Created):
        """Version 2 added ``cited_checkpoint``, the signed checkpoint current when the
        decision was recorded (None if none had been signed); version 1 events are read
        with None. Version 3 added ``prediction``: for a decision taken from a proposal,
        what the chosen option was simulated to do (the figures, and the position they were
        computed at); version 2 events, and decisions taken directly, have None."""

        class_version = 3

        program_id: UUID
        title: str
        question: str
        forum: str
        authority: str
        options: list[dict[str, Any]]
        chosen_option: str
        rationale: str
        tradeoffs: str
        evidence: list[str]
        affects: dict[str, list[UUID]]
        review_by: date | None
        cited_checkpoint: dict[str, Any] | None
        prediction: dict[str, Any] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["cited_checkpoint"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["prediction"] = None

    class DecisionSuperseded(LedgerAggregate.Event):
        by_decision_id: UUID

        def apply(self, decision: Any) -> None:
            decision.superseded_by = self.by_decision_id

    class DecisionOutcomeReviewed(LedgerAggregate.Event):
        verdict: str
        summary: str
        evidence: list[str]

        def apply(self, decision: Any) -> None:
            decision.outcome_verdicts.append(self.verdict)
            decision.outcome_reviews.append({
                "verdict": self.verdict, "summary": self.summary,
                "evidence": list(self.evidence), "reviewed_at": self.effective_at,
                "actor": self.actor,
            })

    def __init__(
        self,
        program_id: UUID,
        title: str,
        question: str,
        forum: str,
        authority: str,
        options: list[dict[str, Any]],
        chosen_option: str,
        rationale: str,
        tradeoffs: str,
        evidence: list[str],
        affects: dict[str, list[UUID]],
        review_by: date | None,
        cited_checkpoint: dict[str, Any] | None,
        prediction: dict[str, Any] | None,
        effective_at: datetime,
    ) -> None:
        self.program_id = program_id
        self.title = title
        self.question = question
        self.forum = forum
        self.authority = authority
        self.options = [dict(option) for option in options]
        self.chosen_option = chosen_option
        self.rationale = rationale
        self.tradeoffs = tradeoffs
        self.evidence = list(evidence)
        self.affects = {kind: list(ids) for kind, ids in affects.items()}
        self.review_by = review_by
        self.cited_checkpoint = None if cited_checkpoint is None else dict(cited_checkpoint)
        self.prediction = None if prediction is None else dict(prediction)
        self.taken_at = effective_at
        self.superseded_by: UUID | None = None
        self.outcome_verdicts: list[str] = []
        self.outcome_reviews: list[dict[str, Any]] = []

    @classmethod
    def record(
        cls,
        *,
        program_id: UUID,
        title: str,
        question: str,
        forum: str,
        authority: str,
        options: list[dict[str, Any]],
        chosen_option: str,
        rationale: str,
        tradeoffs: str,
        evidence: list[str],
        affects: dict[str, list[UUID]],
        review_by: date | None,
        by: Provenance,
        effective_at: datetime | None = None,
        cited_checkpoint: CitedCheckpoint | None = None,
        prediction: dict[str, Any] | None = None,
        id: UUID | None = None,
    ) -> Self:
        """``cited_checkpoint`` is the log's latest signed checkpoint, which the caller
        reads: the domain has no storage. ``prediction`` and ``id`` come from a proposal:
        its simulated figures, and the id its option's commands already cite."""
        keys = [option["key"] for option in options]
        if not options:
            raise InvalidInput("options", "list at least one option, with the chosen one")
        if len(set(keys)) != len(keys):
            raise InvalidInput("options", "option keys must be unique")
        if chosen_option not in keys:
            raise InvalidInput(
                "chosen_option", f"'{chosen_option}' is not an option; choose one of {keys}"
            )
        unknown = set(affects) - set(AFFECTED_KINDS)
        if unknown:
            raise InvalidInput("affects", f"unknown kinds {sorted(unknown)}")
        return cls._start(
            cls.DecisionRecorded,
            by,
            id=id,
            reason=rationale,
            effective_at=effective_at,
            program_id=program_id,
            title=require_text("title", title),
            question=require_text("question", question),
            forum=require_text("forum", forum),
            authority=require_text("authority", authority),
            options=options,
            chosen_option=chosen_option,
            rationale=require_text("rationale", rationale),
            tradeoffs=require_text("tradeoffs", tradeoffs),
            evidence=[str(item) for item in evidence],
            affects={kind: list(dict.fromkeys(affects.get(kind, []))) for kind in AFFECTED_KINDS},
            review_by=review_by,
            cited_checkpoint=None if cited_checkpoint is None else cited_checkpoint.to_event(),
            prediction=prediction,
        )

    def affects_entity(self, kind: str, entity_id: UUID) -> bool:
        return entity_id in self.affects.get(kind, [])

    def require_governs(self, kind: str, entity_id: UUID, program_id: UUID) -> None:
        """A cited decision must belong to the program, list the entity, and still stand."""
        # Only the id the caller gave is named: the decision may be another program's, whose
        # title and content the caller may have no right to read.
        if self.program_id != program_id:
            raise InvariantViolated(
                f"decision {self.id} is not a decision of this program; cite one of this "
                "program",
                rule="decision_not_in_program",
            )
        if not self.affects_entity(kind, entity_id):
            raise InvariantViolated(
                f"decision {self.id} does not list this {kind} ({entity_id}) as affected; "
                f"cite a decision whose affects.{kind}_ids includes it",
                rule="decision_does_not_govern",
            )
        if self.superseded_by is not None:
            raise InvariantViolated(
                f"decision {self.id} was superseded by {self.superseded_by}; "
                "cite the superseding decision instead",
                rule="decision_superseded",
            )

    def supersede(self, later: Decision, by: Provenance, reason: str,
                  effective_at: datetime | None = None) -> None:
        if self.superseded_by is not None:
            raise InvariantViolated(
                f"decision '{self.title}' was already superseded by {self.superseded_by}",
                rule="decision_already_superseded",
            )
        if later.id == self.id or later.program_id != self.program_id:
            raise InvariantViolated(
                "a decision is superseded by a different decision of the same program",
                rule="decision_supersession_invalid",
            )
        if later.taken_at < self.taken_at:
            raise InvariantViolated(
                f"decision '{later.title}' was taken before '{self.title}'; only a later "
                "decision can supersede it",
                rule="decision_supersession_invalid",
            )
        if effective_at is not None:  # by default, now: when the later decision stands
            effective_at = check_effective_at(effective_at, utc_now())
        if effective_at is not None and effective_at < later.taken_at:
            raise InvalidInput(
                "effective_at", f"{effective_at.isoformat()} is before the superseding decision "
                f"was taken ({later.taken_at.isoformat()}); a decision is superseded only once "
                "the later one stands")
        self._record(
            self.DecisionSuperseded,
            by,
            reason=require_text("reason", reason),
            effective_at=effective_at,
            by_decision_id=later.id,
        )

    def review_outcome(
        self,
        verdict: str,
        summary: str,
        evidence: list[str],
        by: Provenance,
        effective_at: datetime | None = None,
    ) -> None:
        self._record(
            self.DecisionOutcomeReviewed,
            by,
            effective_at=effective_at,
            verdict=require_choice("verdict", verdict, VERDICTS),
            summary=require_text("summary", summary),
            evidence=[str(item) for item in evidence],
        )
