"""Ledger: an event-sourced, tamper-evident ledger for program management."""

__version__ = "0.1.0"
