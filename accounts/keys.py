"""The one way a secret (an API token, an email or username used as a counter key) is turned into
the key stored or counted: SHA-256, hex. Tokens are stored only as this hash."""

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
