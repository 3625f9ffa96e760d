"""The board pack: the steering committee's pack cut from the log as of a date, every figure
carrying the log positions it was derived from, and the checkpoint it was cut under.

It sits between the services and the edges (``tests/test_layers.py``), so the API, the CLI
and the pages all render the same pack and ``ledger audit verify-pack`` recomputes it."""

from ledger.pack.build import PackRequest, build_pack
from ledger.pack.model import Figure, Pack

__all__ = ["Figure", "Pack", "PackRequest", "build_pack"]
