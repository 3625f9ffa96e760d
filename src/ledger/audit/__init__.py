"""Tamper evidence: hash chain, Merkle tree, signed checkpoints, verification and export."""
