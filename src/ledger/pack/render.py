"""The pack as a page (figures link to the audit timeline) and as a PDF (figures footnoted),
from one template. PDF by WeasyPrint: CSS paged media gives true footnotes and a running
footer on every page, in process, with no browser to start."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ledger.pack.model import ESCALATION_TITLES, Pack
from ledger.pack.wording import day, number

# The page's one stylesheet, inline so a saved page or a PDF stands alone; the API allows
# exactly this text in its content security policy (by hash).
PACK_CSS = (Path(__file__).parent / "templates" / "pack.css").read_text(encoding="utf-8")
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(["html"]), trim_blocks=True,
                         lstrip_blocks=True)


def _positions_text(positions: tuple[int, ...]) -> str:
    return ("log position " if len(positions) == 1 else "log positions ") + \
        ", ".join(str(p) for p in positions)


def render_html(pack: Pack, *, pdf: bool = False, stylesheet: str | None = None) -> str:
    """The page; with ``stylesheet``, linked to it rather than carrying PACK_CSS inline."""
    def timeline(position: int) -> str:
        # The audit timeline lists events after a position: this one comes first.
        return "/ui/audit?" + urlencode({"program": pack.code, "after": position - 1})

    return _TEMPLATES.get_template("pack.html").render(
        pack=pack, pdf=pdf, css=PACK_CSS, stylesheet=stylesheet, titles=ESCALATION_TITLES,
        day=day, number=number, timeline=timeline, positions_text=_positions_text)


def render_pdf(pack: Pack) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # loads Pango: only for a PDF

    pdf: bytes = HTML(string=render_html(pack, pdf=True)).write_pdf()
    return pdf
