"""A wake-up call for the projection runner that select() can wait on with other sockets."""

from __future__ import annotations

import os
import selectors
from contextlib import suppress
from typing import Any
from weakref import finalize


class Doorbell:
    """A wake-up call that select() can wait on together with the LISTEN connection, so that
    a poke or a stop interrupts the wait at once. Ringing it is safe in a signal handler."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        for descriptor in (self._read, self._write):
            os.set_blocking(descriptor, False)
        finalize(self, os.close, self._read)
        finalize(self, os.close, self._write)

    def ring(self) -> None:
        with suppress(BlockingIOError):  # a full pipe rings already
            os.write(self._write, b"!")

    def wait(self, timeout: float, *others: Any) -> list[Any]:
        """Wait until the bell rings or one of ``others`` is readable; return the readable."""
        # A selector, not select.select: a busy server's descriptors can pass FD_SETSIZE.
        with selectors.DefaultSelector() as selector:
            for source in (self._read, *others):
                selector.register(source, selectors.EVENT_READ)
            readable = [key.fileobj for key, _ in selector.select(timeout)]
        if self._read in readable:
            with suppress(BlockingIOError):
                while os.read(self._read, 512):
                    pass
        return readable
