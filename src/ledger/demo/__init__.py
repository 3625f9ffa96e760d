"""The demo: an ERP transformation program with 18 months of believable history."""

from ledger.demo.loader import DEMO_PROGRAM_CODE, load_demo

__all__ = ["DEMO_PROGRAM_CODE", "load_demo"]
