"""Capability tokens: access links per role and members' personal credentials.

Tokens carry 256 random bits, so a plain SHA-256 is enough to store them: there
is nothing to brute-force, and a fast hash keeps every handshake cheap. Only the
hashes are stored.

An access link's token is sealed rather than drawn directly: it is
HMAC-SHA256(secret, nonce) with a random 256-bit nonce that is stored beside the
hash. Facilitators can then be shown their board's links at any time (the Share
panel) while the database alone still cannot open a board: without the server's
secret, which is kept apart from it (README, "The secret"), a nonce says nothing.
Members' credentials are plain random tokens; nobody is ever shown them again.
"""

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_id(prefix: str) -> str:
    """A public id (board, member): unguessable, but not a credential."""
    return f"{prefix}_{secrets.token_urlsafe(9)}"


def new_link(secret: bytes) -> tuple[str, str]:
    """A fresh access link: (nonce to store, token to hand out)."""
    nonce = secrets.token_urlsafe(TOKEN_BYTES)
    return nonce, link_token(secret, nonce)


def link_token(secret: bytes, nonce: str) -> str:
    """The token sealed under `nonce` (new_link)."""
    digest = hmac.new(secret, b"link:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
