"""`ledger serve --workers N`: several API processes, and the projector in a process of its
own beside them (an API worker never runs one: two would only take turns at its lock)."""

from __future__ import annotations

import subprocess
import sys

import uvicorn

from ledger.bootstrap import die_with_parent


def serve_with_workers(host: str, port: int, workers: int, projector: bool) -> None:
    """Run ``workers`` uvicorn processes on one socket until SIGINT or SIGTERM, then stop the
    projector process too, so none is left behind; if this process is killed outright, each
    of them gets SIGTERM from the kernel (``die_with_parent``)."""
    follower = subprocess.Popen([sys.executable, "-m", "ledger.projections"],
                                preexec_fn=die_with_parent) if projector else None
    try:
        uvicorn.run("ledger.web:create_worker_app", factory=True, host=host, port=port,
                    workers=workers, log_level="info")
    finally:
        if follower is not None:
            follower.terminate()  # it finishes the batch in hand and exits
            try:
                follower.wait(timeout=30)
            except subprocess.TimeoutExpired:
                follower.kill()
