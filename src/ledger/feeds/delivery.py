"""Delivers webhooks, in the publisher process, never in a request: each subscription gets
its events one at a time, in log order, signed per Standard Webhooks. A failed attempt (an
error status, a timeout, a refused connection) is logged and retried after an exponential
backoff with jitter; after ``webhook_max_failures`` failures in a row the subscription is
disabled. The position is per subscription, recorded with each attempt's log row, so a
restart neither loses nor repeats a delivery that was acknowledged."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import Engine, insert, select, update

from ledger.feeds.cloudevents import CONTENT_TYPE, structured, type_of
from ledger.feeds.log import FeedFilter, LoggedEvent, ProgramIndex, read_page
from ledger.feeds.publisher import sleep_unless
from ledger.feeds.webhooks import SecretBox, deliveries, signature, webhooks
from ledger.projections.leadership import Leadership
from ledger.settings import Settings
from ledger.store import DATABASE_DOWN

log = logging.getLogger(__name__)
DELIVERY_LOCK_KEY = 0x1ED6E2_0006
PAGE_SIZE = 100


def backoff(failures: int, settings: Settings, rng: random.Random) -> float:
    """Seconds before the next attempt: doubling from the base up to the cap, each drawn
    between half and all of that ("equal jitter"), so failing receivers are not hit in step."""
    delay = min(settings.webhook_retry_max_seconds,
                settings.webhook_retry_base_seconds * 2 ** (failures - 1))
    return float(delay * rng.uniform(0.5, 1.0))


class WebhookDelivery:
    def __init__(self, engine: Engine, settings: Settings, box: SecretBox) -> None:
        self.engine = engine
        self.settings = settings
        self.box = box
        self.index = ProgramIndex()
        self.rng = random.Random()
        self.leadership = Leadership(engine, DELIVERY_LOCK_KEY,
                                     "webhook delivery leads: it posts the webhooks")

    async def run(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=self.settings.webhook_timeout_seconds,
                                     follow_redirects=False) as http:
            while not stop.is_set():
                try:
                    if await asyncio.to_thread(self.leadership.lead) is None:
                        busy = False
                    else:
                        due = await asyncio.to_thread(self._due)
                        results = await asyncio.gather(*(self._deliver(http, row)
                                                         for row in due))
                        busy = any(results)
                except DATABASE_DOWN as error:
                    log.warning("webhook delivery waiting for the database: %s", error)
                    await asyncio.to_thread(self.leadership.resign)
                    busy = False
                if not busy:
                    await sleep_unless(stop, self.settings.feed_poll_seconds)
        await asyncio.to_thread(self.leadership.resign)

    def _due(self) -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        with self.engine.connect() as connection:
            rows = connection.execute(select(webhooks).where(
                webhooks.c.disabled_at.is_(None))).all()
        return [dict(row._mapping) for row in rows
                if row.next_attempt_at is None or row.next_attempt_at <= now]

    async def _deliver(self, http: httpx.AsyncClient, row: dict[str, Any]) -> bool:
        """Deliver what is pending for one subscription until one fails; True if it moved."""
        wanted = FeedFilter(
            None if row["programs"] is None else frozenset(UUID(p) for p in row["programs"]),
            None if row["types"] is None else frozenset(row["types"]))
        events, last_read = await asyncio.to_thread(
            read_page, self.engine, self.index, row["position"], PAGE_SIZE, wanted)
        secret = self.box.open(row["secret"])
        for event in events:
            if not await self._attempt(http, row, secret, event):
                return False
        if last_read > row["position"]:
            await asyncio.to_thread(self._advance, row["id"], last_read)
        return last_read > row["position"] or bool(events)

    async def _attempt(self, http: httpx.AsyncClient, row: dict[str, Any], secret: str,
                       event: LoggedEvent) -> bool:
        body = structured(event)
        message_id, timestamp = str(event.position), int(time.time())
        status, error = None, None
        try:
            response = await http.post(row["url"], content=body, headers={
                "content-type": CONTENT_TYPE, "webhook-id": message_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": signature(secret, message_id, timestamp, body)})
            status = response.status_code
            ok = 200 <= status < 300
            if not ok:
                error = f"answered {status}"
        except httpx.HTTPError as failure:
            ok, error = False, f"{type(failure).__name__}: {failure}"
        await asyncio.to_thread(self._log, row, event, ok, status, error)
        return ok

    def _log(self, row: dict[str, Any], event: LoggedEvent, ok: bool, status: int | None,
             error: str | None) -> None:
        """The attempt's log row and the subscription's new state, in one transaction."""
        now = datetime.now(UTC)
        failures = 0 if ok else row["failures"] + 1
        disabled = failures >= self.settings.webhook_max_failures
        retry_at = None if ok or disabled else now + timedelta(
            seconds=backoff(failures, self.settings, self.rng))
        with self.engine.begin() as connection:
            connection.execute(insert(deliveries).values(
                webhook_id=row["id"], position=event.position, event_type=type_of(event.name),
                attempt=row["failures"] + 1, attempted_at=now, ok=ok, status_code=status,
                error=error, next_retry_at=retry_at))
            connection.execute(update(webhooks).where(webhooks.c.id == row["id"]).values(
                failures=failures, next_attempt_at=retry_at,
                disabled_at=now if disabled else None,
                **({"position": event.position} if ok else {})))
        row.update(failures=failures, position=event.position if ok else row["position"])
        if disabled:
            log.warning("webhook %s disabled after %d failures", row["id"], failures)

    def _advance(self, webhook_id: str, position: int) -> None:
        """Past events the subscription does not want."""
        with self.engine.begin() as connection:
            connection.execute(update(webhooks).where(
                webhooks.c.id == webhook_id, webhooks.c.position < position).values(
                position=position))
