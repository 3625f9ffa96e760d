"""Ways to take the database away and bring it back: a real PostgreSQL stopped and started,
or, where no PostgreSQL binaries are at hand, a TCP proxy that drops every connection.

The real one is a throwaway cluster (initdb in a temporary directory, a free port), so that
stopping it never disturbs the shared server the other tests use.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from tests.e2e.conftest import TcpProxy, free_port


class Database(Protocol):
    url: str
    kind: str

    def stop(self) -> None: ...
    def start(self) -> None: ...
    def destroy(self) -> None: ...


def postgres_binaries() -> Path | None:
    """The newest local PostgreSQL's bin directory that has initdb, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


class ThrowawayCluster:
    """A PostgreSQL cluster of its own; ``stop`` is a real fast shutdown of the server."""

    kind = "postgres-stopped"

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.root = Path(tempfile.mkdtemp(prefix="ledger-pg-"))
        self.port = free_port()
        self.running = False
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.root, "postgres")
        self._pg("initdb", "-D", str(self.root / "data"), "-A", "trust", "-U", "postgres",
                 "-E", "UTF8", "--no-sync")
        self.start()
        admin = sa.create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres",
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text("CREATE DATABASE ledger"))
        admin.dispose()
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/ledger"

    def _pg(self, program: str, *arguments: str) -> None:
        command = [str(self.binaries / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)

    def start(self) -> None:
        """Start and wait (bounded) until it accepts connections."""
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=60 -c shared_buffers=32MB")
        self._pg("pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "log"),
                 "-o", options, "-w", "-t", "30", "start")
        self.running = True

    def stop(self) -> None:
        """A fast shutdown: sessions are ended and open transactions rolled back."""
        self._pg("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "-t", "30",
                 "stop")
        self.running = False

    def destroy(self) -> None:
        if self.running:
            with contextlib.suppress(subprocess.SubprocessError):
                self._pg("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w",
                         "-t", "30", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


class ProxiedDatabase:
    """The shared server behind a TCP proxy; ``stop`` drops and refuses every connection."""

    kind = "proxy-cut"

    def __init__(self, database_url: str) -> None:
        self.proxy = TcpProxy(sa.make_url(database_url).port or 5432)
        self.url = sa.make_url(database_url).set(port=self.proxy.port).render_as_string(
            hide_password=False)
        self.down = False

    def stop(self) -> None:
        self.proxy.cut()
        self.down = True

    def start(self) -> None:
        self.proxy.restore()
        self.down = False

    def destroy(self) -> None:
        if not self.down:
            self.proxy.cut()
