"""A decision's event records the signed checkpoint current when it was recorded."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent
from sqlalchemy import Engine, select

from ledger.application import ProgramLedger
from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.citations import cite
from ledger.audit.tables import audit_chain
from ledger.domain.decision import Decision
from tests.application.builders import ProgramBuilder


def _engine(ledger: ProgramLedger) -> Engine:
    engine: Engine = ledger.recorder.datastore.engine  # type: ignore[attr-defined]
    return engine


def test_a_decision_cites_exactly_the_latest_checkpoint_signed_before_it(
        erp: ProgramBuilder) -> None:
    ledger, key = erp.ledger, Ed25519PrivateKey.generate()
    before_any = ledger.load(erp.decision(), Decision)
    assert before_any.cited_checkpoint is None
    create_checkpoint(_engine(ledger), key)
    latest = create_checkpoint(_engine(ledger), key)
    after = erp.decision()
    assert ledger.load(after, Decision).cited_checkpoint == {
        "id": latest.id, "tree_size": latest.tree_size, "root": latest.root.hex()}
    # The cited checkpoint stops before the decision's own event.
    position = ledger.review_decision(after).recorded_position
    with _engine(ledger).connect() as connection:
        leaf = connection.execute(select(audit_chain.c.leaf_index)
                                  .where(audit_chain.c.position == position)).scalar_one()
        citation = cite(connection, position, ledger.load(after, Decision).cited_checkpoint)
    assert latest.tree_size <= leaf
    assert (citation.then_from, citation.checkpoint_then) == ("event", latest)


def test_a_version_1_decision_in_the_store_loads_and_is_cited_from_the_audit_tables(
        erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    checkpoint = create_checkpoint(_engine(ledger), Ed25519PrivateKey.generate())
    # Given a DecisionRecorded stored as version 1 wrote it: no citation, no class version
    state = json.loads(ledger.mapper.to_stored_event(
        next(iter(ledger.events.get(erp.decision())))).state)
    del state["cited_checkpoint"], state["class_version"]
    ledger.recorder.insert_events([StoredEvent(
        originator_id=(old := Decision.create_id()), originator_version=1,
        topic="ledger.domain.decision:Decision.DecisionRecorded",
        state=json.dumps(state).encode())])
    # When it is loaded and its place in the log is cited
    decision = ledger.load(old, Decision)
    position = ledger.head_position()
    with _engine(ledger).connect() as connection:
        citation = cite(connection, position, decision.cited_checkpoint)
    # Then it cites nothing itself, and the review derives the checkpoint signed before it
    assert decision.cited_checkpoint is None and decision.title == "Accept the trade-off"
    assert (citation.then_from, citation.checkpoint_then) == ("audit_tables", checkpoint)
