"""Every read model."""

from __future__ import annotations

from sqlalchemy import Table

from ledger.projections import (
    benefits,
    decisions,
    dependencies,
    failures,  # noqa: F401 - defines its table on the metadata
    programs,
    projects,
    resources,
    risks,
    timeline,
)
from ledger.projections.registry import ReadModel

READ_MODELS: tuple[ReadModel, ...] = (
    programs.model, projects.model, dependencies.model, resources.model, benefits.model,
    risks.model, decisions.model, timeline.model,
)


def all_tables() -> dict[str, Table]:
    """Every read-model table by its SQL name."""
    return {t.name: t for model in READ_MODELS for t in model.tables.values()}
