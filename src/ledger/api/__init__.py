"""The HTTP API of API.md: FastAPI routers over ProgramLedger and the read models."""
