"""ProgramLedger: the application service. Commands run through ``execute``; the queries
(reports, replay, reviews) are methods of their own."""

from __future__ import annotations

from ledger.application.execution import Executor
from ledger.application.reports import Reports
from ledger.settings import APPLICATION_NAME


class ProgramLedger(Executor, Reports):
    """Records every fact about programs as immutable events, and replays them."""

    name = APPLICATION_NAME
