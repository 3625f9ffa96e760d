"""One measured job in a fresh interpreter: rebuild, verify or export a log, or nothing.

`python -m bench.child MODE URL KEY` prints one JSON line: events, seconds, peak_rss_mb.
Every mode imports the same modules and opens the same ledger and engines before its work,
so the ``baseline`` mode (no work at all) is the memory every job starts from, measured in
the same run; peak minus baseline is what the job itself needed.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

MODES = ("baseline", "rebuild", "verify", "export")


def run(mode: str, url: str, key_path: Path) -> dict[str, float]:
    """Run one job in a child process and return what it reports."""
    child = subprocess.run([sys.executable, "-m", "bench.child", mode, url, str(key_path)],
                           capture_output=True, text=True)
    if child.returncode != 0:
        raise RuntimeError(f"bench.child {mode} failed:\n{child.stderr[-3000:]}")
    result: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def _job(mode: str, url: str, key_path: Path) -> dict[str, Any]:
    from sqlalchemy import create_engine

    from ledger.application import ProgramLedger
    from ledger.audit.export import export_jsonl
    from ledger.audit.keys import load_or_create_signing_key
    from ledger.audit.verify import verify
    from ledger.bootstrap import open_read_engine
    from ledger.projections.rebuild import rebuild
    from ledger.settings import Settings

    settings = Settings(database_url=url)
    ledger = ProgramLedger(settings)
    read_models = open_read_engine(settings)  # as the projector opens it
    engine = create_engine(settings.resolved_database_url)  # as `ledger audit` opens it
    public_key = load_or_create_signing_key(key_path).public_key()
    with engine.connect():
        pass  # every mode holds an open connection before it starts
    started, events = time.perf_counter(), 0
    if mode == "rebuild":
        events = rebuild(ledger, read_models).events
    elif mode == "verify":
        result = verify(engine, public_key)
        if not result.ok:
            raise SystemExit(f"verify failed on a freshly written log: {result.to_dict()}")
        events = result.checked
    elif mode == "export":
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for line in export_jsonl(engine):
                sink.write(line)
                events += 1
        events -= 2  # the header and the closing checkpoint
    return {"mode": mode, "events": events, "seconds": time.perf_counter() - started,
            "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """This process's own peak resident memory. Linux carries ru_maxrss over from the
    parent across fork and exec, so a child would report the parent's peak; the kernel's
    per-process high-water mark (VmHWM) starts afresh at exec."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


if __name__ == "__main__":
    job, database_url, key = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    if job not in MODES:
        raise SystemExit(f"mode must be one of {MODES}")
    print(json.dumps(_job(job, database_url, key)))
