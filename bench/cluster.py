"""A throwaway PostgreSQL primary and a streaming hot standby of it, on free ports in a
temporary directory, for the standby drill (tests/reliability) and the read benchmark.

Built with the server's own tools: `initdb`, then `pg_basebackup -R` (which writes the
standby's primary_conninfo and standby.signal). It never touches the machine's own server on
5432. initdb and pg_ctl refuse to run as root, so as root every tool runs as the `postgres`
user, in a directory that user owns.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2

PG_BIN = Path(os.environ.get("LEDGER_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "ledger"
SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{sockets}'
port = {port}
wal_level = replica
max_wal_senders = 5
hot_standby = on
hot_standby_feedback = on
max_connections = 60
shared_buffers = 64MB
fsync = off
full_page_writes = off
"""


def binaries_present() -> bool:
    return all((PG_BIN / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _one(cursor: psycopg2.extensions.cursor) -> object:
    row = cursor.fetchone()
    assert row is not None
    return row[0]


class Cluster:
    """A primary and a hot standby; ``close`` stops both and removes every file."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ledger-standby-"))
        self.primary_dir, self.standby_dir = self.root / "primary", self.root / "standby"
        self.primary_port, self.standby_port = free_port(), free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.started: list[Path] = []

    def url(self, port: int) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{port}/{DATABASE}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def standby_url(self) -> str:
        return self.url(self.standby_port)

    def start(self) -> Cluster:
        self._run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync", "--no-instructions")
        self._configure(self.primary_dir, self.primary_port)
        self._pg_ctl(self.primary_dir, "start")
        with contextlib.closing(self._connect(self.primary_port, "postgres")) as admin:
            admin.autocommit = True
            admin.cursor().execute(f"CREATE DATABASE {DATABASE}")
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port),
                  "-U", "postgres", "-D", str(self.standby_dir), "-R", "-X", "stream",
                  "--checkpoint=fast", "--no-sync")
        self._configure(self.standby_dir, self.standby_port)
        self.start_standby()
        return self

    def start_standby(self) -> None:
        self._pg_ctl(self.standby_dir, "start")

    def stop_standby(self) -> None:
        """A fast shutdown: sessions are ended, as when a replica host is taken away."""
        self._pg_ctl(self.standby_dir, "stop", "-m", "fast")

    def replay_lsn_caught_up(self) -> bool:
        """Whether the standby has replayed everything the primary has written so far."""
        with contextlib.closing(self._connect(self.primary_port)) as primary:
            cursor = primary.cursor()
            cursor.execute("SELECT pg_current_wal_lsn()")
            written = _one(cursor)
        with contextlib.closing(self._connect(self.standby_port)) as standby:
            cursor = standby.cursor()
            cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0",
                           (written,))
            return bool(_one(cursor))

    def is_in_recovery(self, port: int) -> bool:
        with contextlib.closing(self._connect(port)) as connection:
            cursor = connection.cursor()
            cursor.execute("SELECT pg_is_in_recovery()")
            return bool(_one(cursor))

    def close(self) -> None:
        """Stop what this cluster started (immediate: the files go next) and delete it all."""
        for data in reversed(self.started):
            if (data / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    self._pg_ctl(data, "stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _configure(self, data: Path, port: int) -> None:
        with (data / "postgresql.conf").open("a") as conf:  # later lines win
            conf.write(SETTINGS.format(sockets=self.root, port=port))

    def _pg_ctl(self, data: Path, action: str, *options: str) -> None:
        self._run("pg_ctl", "-D", str(data), "-l", str(data.with_suffix(".log")), "-w",
                  "-t", "60", action, *options)
        if action == "start" and data not in self.started:
            self.started.append(data)

    def _run(self, tool: str, *arguments: str) -> None:
        command = [str(PG_BIN / tool), *arguments]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, cwd=self.root,
                       timeout=120)

    @staticmethod
    def _connect(port: int, database: str = DATABASE) -> psycopg2.extensions.connection:
        deadline = time.monotonic() + 30
        while True:
            try:
                return psycopg2.connect(host="127.0.0.1", port=port, user="postgres",
                                        dbname=database, connect_timeout=3)
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
