"""ProgramLedger: the application service, one method per command of the HTTP contract."""

from __future__ import annotations

from ledger.application.benefits import BenefitCommands
from ledger.application.decisions import DecisionCommands
from ledger.application.dependencies import DependencyCommands
from ledger.application.programs import ProgramCommands
from ledger.application.projects import ProjectCommands
from ledger.application.reports import Reports
from ledger.application.resources import ResourceCommands
from ledger.application.risks import RiskCommands
from ledger.settings import APPLICATION_NAME


class ProgramLedger(
    ProgramCommands,
    ProjectCommands,
    DependencyCommands,
    ResourceCommands,
    BenefitCommands,
    RiskCommands,
    DecisionCommands,
    Reports,
):
    """Records every fact about programs as immutable events, and replays them."""

    name = APPLICATION_NAME
