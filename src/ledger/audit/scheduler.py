"""Signs checkpoints automatically: every N events or M minutes, whichever comes first."""

from __future__ import annotations

import logging
import threading

import sqlalchemy.exc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from ledger.audit.checkpoints import maybe_checkpoint
from ledger.audit.signing import Checkpoint
from ledger.audit.witnessing import Witnessing

log = logging.getLogger(__name__)


class CheckpointScheduler:
    """A background thread that asks, every ``interval`` seconds, whether a checkpoint is due.

    The rule itself lives in ``maybe_checkpoint`` (a pure function of the log and the clock),
    so this class only decides how often to ask.
    """

    def __init__(self, engine: Engine, key: Ed25519PrivateKey, *, every_events: int,
                 every_minutes: float, interval: float = 5.0,
                 witnessing: Witnessing | None = None) -> None:
        self.engine = engine
        self.key = key
        self.every_events = every_events
        self.every_minutes = every_minutes
        self.interval = interval
        self.witnessing = witnessing
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> Checkpoint | None:
        """Sign a checkpoint now if one is due; database outages are waited out."""
        try:
            made = maybe_checkpoint(self.engine, self.key, every_events=self.every_events,
                                    every_minutes=self.every_minutes)
            if self.witnessing is not None:
                self.witnessing.latest()  # also retries witnesses that were away
            return made
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as error:
            log.warning("checkpoint postponed, database unavailable: %s", error)
            return None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ledger-checkpoints",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.engine.dispose()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()
