"""What the GDPR export and erasure do with the accounts' tables (core/privacy.py; compliance runs them)."""

from accounts.models import AuthToken, Player
from core.privacy import FINAL, Erasure, declare

declare(
    Player,
    erasure=Erasure.DELETE,
    export=True,
    owner="pk",
    section="account",
    stage=FINAL,
    reason="The account: deleted last, in the transaction that completes the erasure.",
)
declare(
    AuthToken,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="tokens",
    hidden_fields=("key_hash",),
    reason="Sign-in tokens: exported as metadata only (never the hash); revoked at the request, deleted at the end.",
)
