"""ProgramLedger: the application service. Commands run through ``execute``; the queries
(reports, replay, reviews, what-if) are methods of their own."""

from __future__ import annotations

from ledger.application.reports import Reports
from ledger.application.simulation.proposals import Proposals
from ledger.settings import APPLICATION_NAME


class ProgramLedger(Proposals, Reports):
    """Records every fact about programs as immutable events, and replays them."""

    name = APPLICATION_NAME
