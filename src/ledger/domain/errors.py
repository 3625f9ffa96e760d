"""Typed domain errors, each with a message a person can act on and a stable rule name."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every error the domain or the application service raises on purpose."""

    rule: str = "ledger_error"

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if rule is not None:
            self.rule = rule


class NotFound(LedgerError):
    """The id names nothing of the expected kind."""

    rule = "not_found"


class InvalidInput(LedgerError):
    """A value is malformed or out of range; the field names what to fix."""

    rule = "invalid_input"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", rule="invalid_input")
        self.field = field
        self.reason = message  # without the field name, for per-field error lists


class InvalidTransition(LedgerError):
    """A lifecycle does not allow moving from the current state to the requested one."""

    rule = "invalid_transition"


class InvariantViolated(LedgerError):
    """A business rule would be broken; ``rule`` says which."""

    rule = "invariant_violated"


class ConcurrencyConflict(LedgerError):
    """Other writers kept winning the race for the same aggregates; retry later."""

    rule = "concurrency_conflict"


class PreconditionFailed(LedgerError):
    """The caller's expected version (If-Match) is no longer the aggregate's version."""

    rule = "precondition_failed"


class TooLarge(LedgerError):
    """Input over a size limit; the message names the limit."""

    rule = "too_large"


class InvalidRows(InvalidInput):
    """Several inputs refused at once (the rows of a file), each with its field and rule."""

    def __init__(self, message: str, problems: list[tuple[str, str, str]]) -> None:
        super().__init__(problems[0][0] if problems else "file", message)
        self.message = message
        self.problems = problems  # (field, rule, message)
