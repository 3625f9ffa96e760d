"""Peak RSS and speed of a full read-model rebuild on SQLite, at several log sizes.

`python -m bench.rebuild_memory [--events 10000 100000] [--keep DIR [--reuse]]`

For each size the log is written through the ledger's own commands (in batched
transactions), then a fresh child process rebuilds every read model and reports its own peak
RSS (``getrusage(RUSAGE_SELF).ru_maxrss``). A second child that opens the same ledger and
engine but rebuilds nothing is the raw baseline measured in the same run, so the figure that
matters is the growth over that baseline, and it must not grow with the log.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.workload import populate
from ledger.application import ProgramLedger
from ledger.schema import all_tables_metadata
from ledger.settings import Settings

PROGRAMS = 10
CHILD = """
import json, resource, sys, time
from ledger.application import ProgramLedger
from ledger.projections.catalog import read_model_engine
from ledger.projections.rebuild import rebuild
from ledger.settings import Settings

settings = Settings(database_url=sys.argv[1])
ledger = ProgramLedger(settings)
engine = read_model_engine(settings.resolved_database_url)
started = time.perf_counter()
result = rebuild(ledger, engine) if sys.argv[2] == "rebuild" else None
seconds = time.perf_counter() - started
print(json.dumps({"events": result.events if result else 0, "seconds": seconds,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_log(url: str, events: int) -> int:
    """A realistic log of about ``events`` events over PROGRAMS interleaved programs."""
    settings = Settings(database_url=url, create_tables=True)
    ledger = ProgramLedger(settings)
    all_tables_metadata().create_all(ledger.recorder.datastore.engine)  # type: ignore[attr-defined]
    populate(ledger, PROGRAMS, events // PROGRAMS)
    head = ledger.head_position()
    ledger.close()
    return head


def existing_head(url: str) -> int:
    ledger = ProgramLedger(Settings(database_url=url))
    head = ledger.recorder.max_notification_id() or 0
    ledger.close()
    return head


def measure(url: str, mode: str) -> dict[str, float]:
    """Run the child in ``mode`` (rebuild or baseline) and return what it reports."""
    output = subprocess.run([sys.executable, "-c", CHILD, url, mode], check=True,
                            capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="Keep the SQLite files in this directory.")
    parser.add_argument("--reuse", action="store_true",
                        help="With --keep: rebuild logs written by an earlier run.")
    arguments = parser.parse_args()
    directory = arguments.keep or Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    print("| events | write s | rebuild s | events/s | peak RSS MiB | baseline MiB | growth MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in arguments.events:
        path = directory / f"rebuild-{size}.db"
        url = f"sqlite:///{path}"
        started = time.perf_counter()
        if arguments.reuse and path.exists():
            head = existing_head(url)
        else:
            for stale in directory.glob(f"{path.name}*"):  # the file and its WAL companions
                stale.unlink()
            head = write_log(url, size)
        written = time.perf_counter() - started
        baseline = measure(url, "baseline")
        rebuilt = measure(url, "rebuild")
        assert rebuilt["events"] == head, (rebuilt, head)
        print(f"| {head:,} | {written:.0f} | {rebuilt['seconds']:.1f} | "
              f"{head / rebuilt['seconds']:,.0f} | {rebuilt['peak_rss_mib']:.1f} | "
              f"{baseline['peak_rss_mib']:.1f} | "
              f"{rebuilt['peak_rss_mib'] - baseline['peak_rss_mib']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
