"""ASGI middleware: request ids on every response and log line, and the body-size limit."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger("ledger.api")
access_log = logging.getLogger("ledger.api.access")


class RequestIdFilter(logging.Filter):
    """Gives every record of the API's loggers a ``request_id`` for formats that show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def install_request_id_filter() -> None:
    """Once per process, however many apps are built (tests build hundreds)."""
    for logger in (log, access_log):
        if not any(isinstance(f, RequestIdFilter) for f in logger.filters):
            logger.addFilter(RequestIdFilter())


class RequestId:
    """Accept a well-formed X-Request-ID or make one; return it and put it in the logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if SAFE_ID.match(given) else str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)

        started, status = time.perf_counter(), 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append(
                    (b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # One line per request that names its id, so a client's report can be traced.
            access_log.info("%s %s %s -> %d in %.1f ms", request_id, scope["method"],
                            scope["path"], status, (time.perf_counter() - started) * 1000)
            request_id_var.reset(token)


class BodyLimit:
    """413 for a body over the limit, declared or streamed, before any parsing."""

    def __init__(self, app: ASGIApp, max_bytes: int,
                 files: tuple[re.Pattern[str], int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.files = files  # paths that take files, and their own limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.files[1] if self.files and self.files[0].match(scope["path"]) \
            else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        # Bodies are small (256 KiB by default, files 5 MiB), so read the whole body before the
        # app sees it: a streamed body over the limit is refused just like a declared one.
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > limit:
                await self._refuse(scope, send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        body = json.dumps({
            "type": "https://ledger.example/problems/payload-too-large",
            "title": "Payload too large", "status": 413,
            "detail": f"the body exceeds {limit} bytes; send less",
            "instance": scope.get("path"),
            "request_id": scope.get("state", {}).get("request_id"),
        }).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
