"""The program-management domain: aggregates, their events and their invariants. No I/O."""
