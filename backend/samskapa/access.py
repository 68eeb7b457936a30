"""Capability tokens: access links per role and members' personal credentials.

Tokens carry 256 random bits, so a plain SHA-256 is enough to store them: there
is nothing to brute-force, and a fast hash keeps every handshake cheap. Only the
hashes are stored.
"""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_id(prefix: str) -> str:
    """A public id (board, member): unguessable, but not a credential."""
    return f"{prefix}_{secrets.token_urlsafe(9)}"
