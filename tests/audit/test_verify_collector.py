"""Verification pauses Python's cyclic garbage collector for its walk, and always leaves it
as it found it: on, off, after a failure, and when walks overlap in threads."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit.verify import verify
from tests.audit.kennel import Kennel


@pytest.fixture
def written(kennel: Kennel) -> Iterator[None]:
    kennel.write(12)
    was_on = gc.isenabled()
    yield
    if was_on:
        gc.enable()


def test_the_walk_runs_with_the_collector_paused_and_resumes_it(
        written: None, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    during: list[bool] = []
    gc.enable()
    assert verify(engine, key.public_key(), batch_size=5,
                  progress=lambda done, total: during.append(gc.isenabled())).ok
    assert during and not any(during)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(
        written: None, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    gc.disable()
    assert verify(engine, key.public_key()).ok
    assert not gc.isenabled()


def test_the_collector_resumes_when_the_walk_raises(
        written: None, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    gc.enable()
    with pytest.raises(KeyboardInterrupt):
        verify(engine, key.public_key(), progress=interrupt)
    assert gc.isenabled()


def test_overlapping_walks_resume_the_collector_only_when_the_last_ends(
        written: None, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    first_inside, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def slow(done: int, total: int) -> None:
        # The first walk stays inside until the second has finished.
        first_inside.set()
        second_done.wait(timeout=10)
        seen.append(gc.isenabled())

    gc.enable()
    first = threading.Thread(target=verify, args=(engine, key.public_key()),
                             kwargs={"progress": slow})
    first.start()
    assert first_inside.wait(timeout=10)
    assert verify(engine, key.public_key()).ok
    assert not gc.isenabled()
    second_done.set()
    first.join(timeout=30)
    assert seen and not any(seen)
    assert gc.isenabled()
