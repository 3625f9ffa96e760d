"""The bounded retry of a command whose save lost a race on an aggregate's version."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import IntegrityError

from ledger.domain.errors import ConcurrencyConflict

T = TypeVar("T")


def retry_on_conflict(attempts: int, attempt: Callable[[], T]) -> T:
    """Run ``attempt`` again (from loading onwards) whenever its save hit a version another
    writer had taken; after ``attempts`` tries give up with a conflict the client may retry."""
    for _attempt in range(attempts):
        try:
            return attempt()
        except IntegrityError:
            continue
    raise ConcurrencyConflict(
        f"other writers kept changing the same records; gave up after "
        f"{attempts} attempts, so retry the request"
    )
