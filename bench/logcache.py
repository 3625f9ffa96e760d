"""Large logs written once per version of the code that shapes them, then copied per run.

Writing a million events takes longer than a whole benchmark run may, so each log is kept:
on PostgreSQL as a template database, on SQLite as a file under bench/results/cache. Its
name carries a fingerprint of everything that decides what is written (domain, store, audit
chain, migrations, this generator); when any of it changes, the log is written again. Every
run measures a fresh copy (CREATE DATABASE ... TEMPLATE, or a file copy), so what a
benchmark does to it never leaks into the next run. How long the writing took is kept with
the log and reported with every figure measured on it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from bench import biglog, databases, progress
from bench.workload import BenchProgram
from ledger.bootstrap import open_ledger
from ledger.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "results" / "cache"
SHAPING = ["src/ledger/domain/*.py", "src/ledger/store.py", "src/ledger/settings.py",
           "src/ledger/audit/chain.py", "src/ledger/audit/digest.py", "src/ledger/audit/merkle.py",
           "src/ledger/audit/tree.py", "src/ledger/audit/tables.py",
           "src/ledger/audit/checkpoints.py", "src/ledger/audit/signing.py", "migrations/**/*.py",
           "bench/biglog.py", "bench/workload.py"]


@dataclass(frozen=True)
class Log:
    """A throwaway copy of a cached log, ready to measure."""

    url: str
    key_path: Path
    generation: biglog.Generation
    reused: bool
    programs: list[BenchProgram]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in SHAPING:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def log_copy(backend: str, events: int, fresh: bool = False) -> Iterator[Log]:
    """A copy of the cached log of ``events`` events on ``backend``, written first if needed."""
    name = f"ledger_benchlog_{backend[:2]}_{events}_{fingerprint()}"
    CACHE.mkdir(parents=True, exist_ok=True)
    meta_path, key_path = CACHE / f"{name}.json", CACHE / f"{name}.pem"
    exists = _pg_exists(name) if backend == "postgresql" else (CACHE / f"{name}.db").exists()
    reused = exists and meta_path.exists() and key_path.exists() and not fresh
    if not reused:
        _write(backend, name, events, meta_path, key_path)
    meta = json.loads(meta_path.read_text())
    generation = biglog.Generation(**meta["generation"])
    programs = [_program(p) for p in meta["programs"]]
    if backend == "postgresql":
        with databases.throwaway(template=name) as copy:
            yield Log(copy.url, key_path, generation, reused, programs)
    else:
        with tempfile.TemporaryDirectory(prefix="ledger-bench-") as directory:
            path = Path(directory) / "ledger.db"
            shutil.copyfile(CACHE / f"{name}.db", path)
            yield Log(f"sqlite:///{path}", key_path, generation, reused, programs)


def _write(backend: str, name: str, events: int, meta_path: Path, key_path: Path) -> None:
    """Write the log under a temporary name, and give it its real name only once complete."""
    _forget_stale(backend, name)
    building = f"{name}_building"
    key_path.unlink(missing_ok=True)
    if backend == "postgresql":
        databases.drop(building)
        databases.admin(f'CREATE DATABASE "{building}"')
        url = databases.Database(building).url
    else:
        (CACHE / f"{building}.db").unlink(missing_ok=True)
        url = f"sqlite:///{CACHE / f'{building}.db'}"
    try:
        programs, generation = _generate(url, events, key_path, f"{backend} {events:,}")
    except BaseException:
        if backend == "postgresql":
            databases.drop(building)
        raise
    if backend == "postgresql":
        databases.admin(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    else:
        _fold_wal(CACHE / f"{building}.db")
        (CACHE / f"{building}.db").rename(CACHE / f"{name}.db")
    meta_path.write_text(json.dumps({
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generation": asdict(generation), "programs": [_plain(p) for p in programs[:3]]}))


def _generate(url: str, events: int, key_path: Path, label: str
              ) -> tuple[list[BenchProgram], biglog.Generation]:
    ledger = open_ledger(Settings(database_url=url))
    try:
        with progress.bar(f"writing the {label}-event log", events) as advance:
            return biglog.write_log(ledger, events, key_path, progress=advance)
    finally:
        ledger.close()


def _forget_stale(backend: str, name: str) -> None:
    """Logs of the same size written by an older version of the code are useless now."""
    prefix = name.rsplit("_", 1)[0] + "_"
    for path in CACHE.glob(f"{prefix}*"):
        path.unlink()
    if backend == "postgresql":
        for (stale,) in databases.admin(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", prefix):
            databases.drop(str(stale))


def _pg_exists(name: str) -> bool:
    return bool(databases.admin("SELECT 1 FROM pg_database WHERE datname = %s", name))


def _fold_wal(path: Path) -> None:
    """Fold SQLite's write-ahead log into the file, so the file alone is the whole log."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _plain(program: BenchProgram) -> dict[str, Any]:
    return {"program_id": str(program.program_id),
            "projects": [str(p) for p in program.projects],
            "benefits": [str(b) for b in program.benefits],
            "risks": [str(r) for r in program.risks], "resource": str(program.resource)}


def _program(plain: dict[str, Any]) -> BenchProgram:
    return BenchProgram(UUID(plain["program_id"]), [UUID(p) for p in plain["projects"]],
                        [UUID(b) for b in plain["benefits"]], [UUID(r) for r in plain["risks"]],
                        UUID(plain["resource"]))


if __name__ == "__main__":
    # `python -m bench.logcache BACKEND EVENTS...`: write cached logs ahead of a run.
    import sys

    for size in sys.argv[2:]:
        with log_copy(sys.argv[1], int(size)) as written:
            progress.console.print(f"{sys.argv[1]} {size}: {written.generation}")
