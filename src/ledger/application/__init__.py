"""The application layer: ProgramLedger and what its commands return."""

from ledger.application.ledger import ProgramLedger
from ledger.application.replay import ProgramAsOf
from ledger.application.reviews import DecisionReview
from ledger.application.service import CommandResult

__all__ = ["CommandResult", "DecisionReview", "ProgramAsOf", "ProgramLedger"]
