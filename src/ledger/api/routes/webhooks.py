"""Webhooks (admin): subscribe a URL to programs and event types; the secret is shown once.
Deliveries are made by `ledger publish`, never in a request."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from ledger.api.deps import WebhookAdminDep
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.application.commands.fields import LINE
from ledger.domain.errors import InvalidInput
from ledger.feeds import webhooks as store
from ledger.feeds.cloudevents import TYPE_PREFIX, name_of
from ledger.feeds.webhooks import Delivery, SecretBox, Subscription
from ledger.services import ServicesDep

router = APIRouter(prefix="/webhooks", tags=["feeds"], responses=PROBLEM_RESPONSES)
EventType = Annotated[str, StringConstraints(max_length=100, pattern=LINE)]
URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00-\x1f\x7f]+$"
HTTP_URL = TypeAdapter(HttpUrl)


class Subscribe(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"url": "https://hooks.example.com/ledger", "types": ["ProjectStatusReported"]}]})

    url: Annotated[str, StringConstraints(max_length=2000, pattern=URL), Field(
        description="Where deliveries are POSTed (http or https).")]
    program_ids: Annotated[list[UUID] | None, Field(
        max_length=100, description="These programs' events; null for every program.")] = None
    types: Annotated[list[EventType] | None, Field(
        max_length=100, description=f"These event types (`{TYPE_PREFIX}RiskRaised` or "
        "`RiskRaised`); null for every type.")] = None


class Subscribed(Subscription):
    secret: str = Field(description="The `whsec_` signing secret: shown this once.")


class SubscriptionList(BaseModel):
    items: list[Subscription]


class DeliveryLog(BaseModel):
    items: list[Delivery] = Field(description="The latest attempts first.")


@router.post("", response_model=Subscribed, status_code=201)
def subscribe_webhook(body: Subscribe, principal: WebhookAdminDep,
                      services: ServicesDep) -> Subscribed:
    """Deliver the events recorded from now on, signed per Standard Webhooks."""
    types = None if body.types is None else sorted({_name(t) for t in body.types})
    subscription, secret = store.subscribe(
        services.query_engine, SecretBox(services.signing_key), url=_url(body.url),
        programs=body.program_ids, types=types, by=principal.id,
        head=services.ledger.head_position())
    return Subscribed(**subscription.model_dump(), secret=secret)


@router.get("", response_model=SubscriptionList)
def list_webhooks(principal: WebhookAdminDep, services: ServicesDep) -> SubscriptionList:
    """Every subscription, active or disabled, oldest first; never a secret."""
    return SubscriptionList(items=store.subscriptions(services.query_engine))


@router.delete("/{webhook_id}", status_code=204, response_class=Response)
def delete_webhook(webhook_id: UUID, principal: WebhookAdminDep,
                   services: ServicesDep) -> Response:
    """Stop delivering; the subscription and its log are removed."""
    store.unsubscribe(services.query_engine, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryLog)
def list_webhook_deliveries(
    webhook_id: UUID, principal: WebhookAdminDep, services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DeliveryLog:
    """Each attempt: the event, when, the answer or error, and the next retry."""
    return DeliveryLog(items=store.delivery_log(services.query_engine, webhook_id, limit))


def _url(value: str) -> str:
    try:
        return str(HTTP_URL.validate_python(value))
    except ValidationError:
        raise InvalidInput("url", f"'{value[:100]}' is not an http(s) URL") from None


def _name(value: str) -> str:
    name = name_of(value)
    if name is None:
        raise InvalidInput("types", f"'{value}' is not an event type; give e.g. "
                                    f"'{TYPE_PREFIX}ProjectStatusReported'")
    return name
