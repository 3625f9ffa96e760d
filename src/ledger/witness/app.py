"""The witness's HTTP face: POST /add-checkpoint per tlog-witness, and its verifier key."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from ledger.audit import notes
from ledger.witness.protocol import Refused, Witness

MAX_BODY_BYTES = 64 * 1024


def witness_app(witness: Witness) -> FastAPI:
    app = FastAPI(title="Ledger witness", docs_url=None, redoc_url=None, openapi_url=None)
    vkey = notes.verifier(witness.name, witness.key.public_key(), notes.COSIGNATURE_V1).vkey()

    @app.post("/add-checkpoint")
    async def add_checkpoint(request: Request) -> PlainTextResponse:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return PlainTextResponse("the request is too large\n", status_code=413)
        try:
            return PlainTextResponse(witness.add_checkpoint(body))
        except Refused as refusal:
            if refusal.status == 409 and refusal.size is not None:
                return PlainTextResponse(f"{refusal.size}\n", status_code=409,
                                         media_type="text/x.tlog.size",
                                         headers={"X-Reason": refusal.reason})
            return PlainTextResponse(refusal.reason + "\n", status_code=refusal.status)

    @app.get("/")
    def key() -> PlainTextResponse:
        return PlainTextResponse(vkey + "\n")

    return app
