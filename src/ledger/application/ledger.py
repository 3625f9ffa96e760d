"""ProgramLedger: the application service. Commands run through ``execute``; the queries
(reports, replay, reviews, what-if) are methods of their own."""

from __future__ import annotations

from ledger.application.execution import Executor
from ledger.application.reports import Reports
from ledger.application.simulation.whatif import Simulations
from ledger.settings import APPLICATION_NAME


class ProgramLedger(Executor, Reports, Simulations):
    """Records every fact about programs as immutable events, and replays them."""

    name = APPLICATION_NAME
