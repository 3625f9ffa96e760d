"""P10: the demo program's board pack, cut from the log and printed to PDF, against the raw
as-of replay of the same program on the same date (what every pack starts from)."""

from __future__ import annotations

import tempfile

from bench import progress
from bench.databases import throwaway
from bench.measure import Figure, median, paired_latencies, sample_latencies
from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.keys import load_or_create_signing_key
from ledger.bootstrap import open_ledger, open_migrated_engine
from ledger.demo import load_demo
from ledger.demo.calendar import STEERING_COMMITTEES
from ledger.domain.program import program_id_for_code
from ledger.pack import PackRequest, build_pack
from ledger.pack.cut import end_of
from ledger.pack.render import render_html, render_pdf
from ledger.settings import Settings

TARGET_SECONDS = 2.0


def p10_figures(repeats: int) -> list[Figure]:
    with (throwaway() as database, tempfile.TemporaryDirectory() as data_dir,
          progress.phase("P10: the demo's board pack")):
        settings = Settings(database_url=database.url, data_dir=data_dir)
        engine = open_migrated_engine(settings)
        ledger = open_ledger(settings)
        try:
            load_demo(ledger)
            create_checkpoint(engine, load_or_create_signing_key(
                settings.resolved_signing_key_path))
            program = program_id_for_code("ERP-TRANSFORM")
            first, second = STEERING_COMMITTEES
            request = PackRequest(program, second, first)

            def replay() -> object:
                return ledger.program_as_of(program, effective=end_of(second))

            def pdf() -> object:
                return render_pdf(build_pack(ledger, engine, request))

            replays, pdfs = paired_latencies(replay, pdf, repeats)
            html = sample_latencies(lambda: render_html(build_pack(ledger, engine, request)),
                                    repeats)
        finally:
            ledger.close()
            engine.dispose()
    b = Figure("B10", "as-of replay of the demo program on the pack's date (p50)",
               median(replays) * 1000, "ms")
    seconds = median(pdfs)
    return [b, Figure("P10", "board pack of the demo program, cut and printed to PDF (p50)",
                      seconds * 1000, "ms", b.id, b.value, seconds * 1000 / b.value,
                      f"< {TARGET_SECONDS:.0f} s", seconds < TARGET_SECONDS,
                      {"html_ms": median(html) * 1000, "repeats": float(repeats)})]
