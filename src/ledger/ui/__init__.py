"""A read-only web UI for governance boards and auditors, rendered on the server."""
