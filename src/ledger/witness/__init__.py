"""A tlog-witness: a separate process, run by a third party, that cosigns a log's checkpoints
only after checking that each one extends the last it cosigned."""
