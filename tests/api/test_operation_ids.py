"""Every operation in the OpenAPI document has a readable, unique camelCase `operationId` and
one tag, and the ids the README documents are the ones the document publishes: generated
clients name their functions and modules after them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ledger.settings import Settings
from ledger.web import create_app

README = Path(__file__).resolve().parents[2] / "README.md"
CAMEL_CASE = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)*")
TAGS = {"programs", "projects", "dependencies", "resources", "benefits", "risks", "decisions",
        "reports", "history", "audit", "tokens", "health", "feeds", "proposals"}


@pytest.fixture(scope="module")
def operations(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Any]:
    """(METHOD, path) → operation, from the document the app publishes (no database needed:
    the document is built from the routes alone)."""
    data = tmp_path_factory.mktemp("spec")
    app = create_app(Settings(database_url=f"sqlite:///{data / 'unused.db'}", data_dir=data))
    return {(method.upper(), path): operation
            for path, methods in app.openapi()["paths"].items()
            for method, operation in methods.items()}


def documented_ids() -> dict[str, tuple[str, str]]:
    """The README's table of key operations: | `operationId` | `METHOD /path` |."""
    rows = re.findall(r"^\| `([A-Za-z]+)` \| `([A-Z]+) (/\S+)` \|", README.read_text(), re.M)
    return {operation_id: (method, path) for operation_id, method, path in rows}


def test_every_operation_has_a_unique_camel_case_id_and_one_tag(
        operations: dict[tuple[str, str], Any]) -> None:
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(ids) >= 60
    assert [i for i in ids if not CAMEL_CASE.fullmatch(i)] == []
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)
    for key, operation in operations.items():
        assert len(operation["tags"]) == 1 and operation["tags"][0] in TAGS, key


def test_the_key_operation_ids_are_as_the_readme_documents(
        operations: dict[tuple[str, str], Any]) -> None:
    documented = documented_ids()
    assert {"listPrograms", "getProject", "reportProjectStatus", "recordDecision",
            "exportAuditTrail"} <= set(documented)
    for operation_id, address in documented.items():
        assert address in operations, f"README documents {operation_id} at {address}"
        assert operations[address]["operationId"] == operation_id

