"""One pause of the cyclic garbage collector, shared by verification and rebuilds: a holder
that leaves while another is still inside (nested, or in another thread) never resumes it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from ledger.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.enable()
    yield
    if was_on:
        gc.enable()
    else:
        gc.disable()


def test_a_nested_pause_leaves_the_collector_paused_until_the_outer_one_ends() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pause_ending_in_another_thread_does_not_resume_the_collector_under_this_one(
        ) -> None:
    inside, leave = threading.Event(), threading.Event()

    def other_holder() -> None:
        with collector_paused():
            inside.set()
            leave.wait()

    thread = threading.Thread(target=other_holder)
    with collector_paused():
        thread.start()
        inside.wait()
        leave.set()
        thread.join()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off_after_every_holder_leaves() -> None:
    gc.disable()
    with collector_paused(), collector_paused():
        pass
    assert not gc.isenabled()


def test_the_pause_ends_when_the_block_raises() -> None:
    with pytest.raises(KeyboardInterrupt), collector_paused():
        raise KeyboardInterrupt
    assert gc.isenabled()
