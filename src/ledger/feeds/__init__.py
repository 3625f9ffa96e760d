"""Followers of the log: the SSE stream, the NATS publisher and webhooks, each reading the
events after a position it tracks, as CloudEvents."""
