"""Read models: SQL tables derived from the event log, exactly once, rebuildable at any time."""
