"""The CloudEvents envelope says at which version of its class an event's fields were
recorded, so a follower can read an old event's shape without Ledger's upcasters."""

from __future__ import annotations

import json
import uuid

from ledger.feeds.cloudevents import structured
from ledger.feeds.log import LoggedEvent


def _measured(**extra: object) -> LoggedEvent:
    return LoggedEvent(
        position=7, aggregate_id=uuid.uuid4(), aggregate_type="Benefit", version=3,
        name="BenefitMeasured", program_id=uuid.uuid4(),
        state={"timestamp": "2026-12-04T09:00:00+00:00", "value": "30.9", "actor": "pat",
               "reason": "monthly", **extra})


def test_the_fields_version_is_in_the_metadata_not_among_the_fields() -> None:
    event = json.loads(structured(_measured(class_version=3)))
    assert event["data"]["metadata"]["event_version"] == 3
    assert event["data"]["fields"] == {"value": "30.9"}
    # A class never versioned records no number: it is version 1.
    assert json.loads(structured(_measured()))["data"]["metadata"]["event_version"] == 1
