"""Benchmarks of Ledger against raw baselines measured in the same run (see TARGETS.md)."""
