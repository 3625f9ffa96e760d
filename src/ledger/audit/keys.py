"""The checkpoint signing key: loaded from a PEM file, or generated into one on first use."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


class SigningKeyError(Exception):
    """The key file cannot be used as it is; the message says how to fix it."""


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """Load the Ed25519 key at ``path``, generating it (mode 0600) if the file is absent.

    A key file that group or others can read is refused, as ssh does: whoever reads it can
    sign checkpoints that auditors would trust.
    """
    if not path.exists():
        _create(path)
    _check_private(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # mkstemp creates the file 0600; linking it into place fails if another process created
    # the key meanwhile, so both then load the same complete file, never a half-written one.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _check_private(path: Path) -> None:
    if os.name != "posix":
        return  # Permission bits mean nothing there; the platform's ACLs are the guard.
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SigningKeyError(
            f"{path} is readable by others (mode {mode:04o}); run: chmod 600 {path}"
        )
