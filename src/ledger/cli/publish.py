"""`ledger publish`: the broker publisher, a process of its own like `ledger projector`."""

from __future__ import annotations

from rich.console import Console

from ledger.bootstrap import run_publisher_process
from ledger.settings import Settings

console = Console()


def publish() -> None:
    """Publish every event, in order and exactly once, to NATS JetStream as CloudEvents
    (`Nats-Msg-Id` = position) until Ctrl-C (or SIGTERM). The server and stream come from
    LEDGER_NATS_URL, LEDGER_NATS_STREAM and LEDGER_NATS_SUBJECT; the lag shows in
    `ledger projections status` and /readyz."""
    run_publisher_process(Settings(), announce=console.print)
