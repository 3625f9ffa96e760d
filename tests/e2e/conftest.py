"""A real `ledger serve` (uvicorn) in a subprocess, and a TCP proxy to cut its database."""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ledger.bootstrap import die_with_parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    admin_token: str
    process: subprocess.Popen[str]
    database_url: str
    banner: list[str] = field(default_factory=list)
    """What it printed until it answered."""

    def client(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=15, headers={
            "Authorization": f"Bearer {token or self.admin_token}"})


def start_server(database_url: str, data_dir: Path, *options: str, **env: str) -> Server:
    """``ledger serve`` on a free port; ``options`` go on its command line (``--no-projector``)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from ledger.cli import main; main()", "serve",
         "--port", str(port), *options],
        env={**os.environ, "LEDGER_DATABASE_URL": database_url,
             "LEDGER_DATA_DIR": str(data_dir), "COLUMNS": "200", **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=die_with_parent)  # a killed test run leaves no server holding a port
    token, banner = "", list[str]()
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:  # read the banner until the server answers
        line = process.stdout.readline()
        banner.append(line)
        if match := re.match(r"LEDGER_ADMIN_TOKEN=(\S+)", line):
            token = match.group(1)
        if "Uvicorn running" in line:  # logged once the socket is bound
            break
        assert process.poll() is None, f"server exited: {line}"
    threading.Thread(target=_drain, args=(process,), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    _until_healthy(url, process, deadline)
    return Server(url, token, process, database_url, banner)


def _until_healthy(url: str, process: subprocess.Popen[str], deadline: float) -> None:
    """With several workers the socket is bound before any worker listens on it, so a
    connection may be refused for a moment after uvicorn's banner."""
    while True:
        with contextlib.suppress(httpx.ConnectError):
            if httpx.get(f"{url}/healthz", timeout=10).status_code == 200:
                return
        assert process.poll() is None, "server exited"
        assert time.monotonic() < deadline, "server never answered /healthz"
        time.sleep(0.05)


def start_demo_server(data: Path) -> Server:
    """`ledger serve` on a SQLite file in ``data`` holding the demo program, projected."""
    url = f"sqlite:///{data / 'ledger.db'}"
    env = {**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_DATA_DIR": str(data)}
    loaded = subprocess.run(
        [sys.executable, "-c", "from ledger.cli import main; main()", "demo", "--json"],
        env=env, capture_output=True, text=True, check=True)
    head = json.loads(loaded.stdout.strip().splitlines()[-1])["head"]
    server = start_server(url, data, LEDGER_READ_WAIT_SECONDS="5")
    with server.client() as client:  # the demo projected before the tests start
        for _ in range(12):
            if client.get("/v1/programs", params={"min_position": head}).status_code == 200:
                return server
    stop_server(server)
    pytest.fail("the demo was never projected")


def _drain(process: subprocess.Popen[str]) -> None:
    """Keep reading the server's output so its pipe never fills and blocks it."""
    assert process.stdout is not None
    for _ in process.stdout:
        pass


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture
def server(postgres_url: str, tmp_path: Path) -> Iterator[Server]:
    running = start_server(postgres_url, tmp_path)
    yield running
    stop_server(running)


class TcpProxy:
    """Forwards a local port to PostgreSQL; ``cut`` drops every connection and refuses new
    ones, as a database outage would, and ``restore`` brings it back on the same port."""

    def __init__(self, target_port: int = 5432) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)  # wakes a blocked accept()
                self._listener.close()
                self._listener = None
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.close()
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                if self._listener is not listener:  # accepted just as the proxy was cut
                    client.close()
                    return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._connections += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):  # the proxy was cut under us
            return
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()
