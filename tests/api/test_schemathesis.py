"""Property-based fuzzing of every operation against the app's own OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from ledger.access.tokens import issue_token
from ledger.api.app import create_app
from ledger.demo import load_demo
from ledger.settings import Settings

TOKEN: dict[str, str] = {}
# Every check stays on. Schema-valid data may still name an unknown id (404), break a business
# rule (409), miss a precondition (412) or fail a domain validation (422): all documented.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2XX", "404", "409", "412", "422"]}}})


@pytest.fixture(scope="module")
def seeded_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The app on SQLite with the demo program loaded and projected, and an admin token."""
    data = Path(tmp_path_factory.mktemp("fuzz"))
    app = create_app(Settings(data_dir=data, read_wait_seconds=0.5))
    with TestClient(app):
        services = app.state.services
        load_demo(services.ledger)
        assert services.wait_for(services.ledger.head_position(), 30)
        TOKEN["admin"] = issue_token(services.read_engine, principal_id="fuzzer",
                                     role="admin", programs=None).token
        yield schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("seeded_schema")


@schema.parametrize()
@settings(max_examples=20, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case: schemathesis.Case) -> None:
    # A min_position far past the head is answered 503 by contract; it has its own tests.
    if case.query:
        case.query.pop("min_position", None)
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN['admin']}"})
