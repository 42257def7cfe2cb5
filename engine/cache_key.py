"""The key of this user's caches: a secret kept in the user's cache folder, so a cache made elsewhere never matches.

``$XDG_CACHE_HOME/orgsim/index-key`` (mode 0600) is made on first use. The compiled index beside a log
(``index_cache.py``) and the replayed state kept in a store (``replayed.py``) are both signed with it:
a file planted beside a log, or a store copied from someone else, carries no digest this user's key
gives, so it is recomputed, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import secrets

KEY_BYTES = 32


def user_key() -> bytes | None:
    """This user's key for the caches' digests, made on first use (None if it cannot be kept)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(home, "orgsim", "index-key")
    try:
        with open(path, "rb") as fh:
            key = fh.read(KEY_BYTES + 1)
        if len(key) == KEY_BYTES:
            return key
    except OSError:
        pass
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        tmp = f"{path}.tmp-{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES))
        try:
            os.link(tmp, path)  # never over a key another process made first: its caches stay valid
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        with open(path, "rb") as fh:
            key = fh.read(KEY_BYTES + 1)
        return key if len(key) == KEY_BYTES else None
    except OSError:
        return None


def signed(data: bytes) -> str | None:
    """The keyed BLAKE2b digest of some bytes (None if there is no key to sign with)."""
    key = user_key()
    return None if key is None else hashlib.blake2b(data, key=key, digest_size=32).hexdigest()


__all__ = ["KEY_BYTES", "user_key", "signed"]
