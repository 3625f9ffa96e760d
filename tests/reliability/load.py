"""A load process: client threads posting a mix of commands to one program over HTTP.

Run as ``python tests/reliability/load.py CONFIG.json OUT.jsonl``, in its own process so that
clients and the server under test never share a GIL. Each response (or transport error) is
appended to OUT as one JSON line as soon as it arrives, so the record survives whatever the
test does to the server meanwhile. The base URL is re-read from ``url_file`` before every
request, so a restarted server on a new port is found without restarting the load.

Bounded in count (``commands`` per client) and in wall time (``seconds``); it also stops
early once ``stop_file`` exists. It exits 1 if any client thread raised.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPORT = {"overall": "green", "schedule": "green", "cost": "green", "scope": "green",
          "resources": "green", "narrative": "under load"}
MONTHS = ("2026-01", "2026-02", "2026-03")
# The share of each kind of command; status reports also try If-Match, stale or fresh.
MIX = (("report", 0.35), ("allocate", 0.25), ("measure", 0.28), ("dependency", 0.12))
# After a transport error (the server is being restarted), pace the retries.
ERROR_PAUSE_SECONDS = 0.1


@dataclass(frozen=True)
class Command:
    kind: str
    path: str
    body: dict[str, Any]
    target: str  # the aggregate the command acts on (its subject)
    if_match: str | None = None  # "stale", "fresh" or None


class Log:
    """One JSON line per outcome; one write() per line on an O_APPEND file."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record) + "\n").encode()
        with self._lock:
            os.write(self._fd, line)


def choose(chooser: random.Random, config: dict[str, Any],
           versions: dict[str, int]) -> Command:
    kind = chooser.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
    projects = config["projects"]
    if kind == "report":
        project = chooser.choice(projects)
        draw = chooser.random()
        if draw < 0.1:  # version 1 is stale for sure: set-up already reported once
            return Command(kind, f"/v1/projects/{project}/status-reports", REPORT, project,
                           "stale")
        if draw < 0.2 and project in versions:  # fresh when read, maybe stale when it lands
            return Command(kind, f"/v1/projects/{project}/status-reports", REPORT, project,
                           "fresh")
        return Command(kind, f"/v1/projects/{project}/status-reports", REPORT, project)
    if kind == "allocate":
        resource = chooser.choice(config["resources"])
        return Command(kind, f"/v1/resources/{resource}/allocations", {
            "project_id": chooser.choice(projects), "month": chooser.choice(MONTHS),
            "amount": "0.5"}, resource)
    if kind == "measure":
        benefit = chooser.choice(config["benefits"])
        return Command(kind, f"/v1/benefits/{benefit}/measurements", {
            "value": round(chooser.uniform(20, 45), 2), "source": "load"}, benefit)
    provider, consumer = chooser.sample(projects, 2)
    return Command(kind, f"/v1/programs/{config['program']}/dependencies", {
        "provider_project_id": provider, "consumer_project_id": consumer,
        "needed_by": "2026-06-30", "description": "load"}, config["program"])


def send(http: httpx.Client, url_file: Path, command: Command, request_id: str,
         versions: dict[str, int]) -> dict[str, Any]:
    headers = {"X-Request-ID": request_id}
    if command.if_match == "stale":
        headers["If-Match"] = '"1"'
    elif command.if_match == "fresh":
        headers["If-Match"] = f'"{versions[command.target]}"'
    record: dict[str, Any] = {"rid": request_id, "kind": command.kind,
                              "target": command.target, "if_match": command.if_match,
                              "t0": time.monotonic()}
    try:
        response = http.post(url_file.read_text().strip() + command.path, json=command.body,
                             headers=headers)
    except httpx.TransportError as error:
        record.update(t1=time.monotonic(), status=None, error=f"{type(error).__name__}")
        return record
    record.update(t1=time.monotonic(), status=response.status_code,
                  ctype=response.headers.get("content-type"),
                  retry_after=response.headers.get("retry-after"))
    body = _json(response)
    if response.is_success:
        record.update(id=body["id"], version=body["version"], position=body["position"])
        if command.kind == "report":
            versions[command.target] = body["version"]
    else:
        record.update(rule=body.get("rule"), detail=str(body.get("detail", response.text))[:300])
    return record


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def client(number: int, config: dict[str, Any], log: Log, start: threading.Barrier,
           deadline: float, failures: list[str]) -> None:
    try:
        chooser = random.Random(config["seed"] * 1000 + number)
        url_file, stop_file = Path(config["url_file"]), Path(config["stop_file"])
        versions: dict[str, int] = {}
        with httpx.Client(timeout=config["request_timeout"], headers={
                "Authorization": f"Bearer {config['token']}"}) as http:
            start.wait(timeout=60)
            for n in range(config["commands"]):
                if time.monotonic() > deadline or stop_file.exists():
                    break
                command = choose(chooser, config, versions)
                # The kind leads the request id, which becomes the events' correlation id.
                request_id = f"{command.kind}-{number}-{n}-{uuid.uuid4().hex[:12]}"
                record = send(http, url_file, command, request_id, versions)
                log.write({"client": number, **record})
                if record["status"] is None:
                    threading.Event().wait(ERROR_PAUSE_SECONDS)
    except BaseException:
        failures.append(traceback.format_exc())
        log.write({"client": number, "crash": traceback.format_exc()})


def main(config_path: str, out_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    log = Log(out_path)
    deadline = time.monotonic() + config["seconds"]
    start = threading.Barrier(config["clients"])
    failures: list[str] = []
    threads = [threading.Thread(target=client, args=(n, config, log, start, deadline, failures),
                                daemon=True) for n in range(config["clients"])]
    for thread in threads:
        thread.start()
    for thread in threads:  # each request is bounded by its timeout; this is a backstop
        thread.join(timeout=max(1.0, deadline - time.monotonic()) + 2 * config["request_timeout"])
    hung = sum(thread.is_alive() for thread in threads)
    if hung:
        log.write({"crash": f"{hung} client thread(s) still running at the deadline"})
    return 1 if failures or hung else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
