"""Pausing Python's cyclic garbage collector around bulk row work, safely across threads.

Verification and rebuilds keep batches of driver rows (tuples) alive while allocating new
ones, so the collector rescans them over and over; that cost half their CPU. The rows form
no cycles, so reference counting alone frees them and memory stays flat.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold the collector paused for the block. Pauses nest and are shared between threads:
    the last holder to leave resumes the collector, and only if it was on when the first
    one came in, so no holder switches it back on under another's feet."""
    global _holders, _resume
    with _lock:
        if _holders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _resume:
                gc.enable()
