"""Who may do what: hashed bearer tokens and principals, and idempotency records."""
