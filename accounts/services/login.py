"""Email sign-in, throttled per account and per client address.

Every attempt is counted before its password is hashed (an atomic increment, then a decision on
the new value), so a burst of parallel guesses checks at most LOGIN_FAILURES_PER_ACCOUNT
passwords. Unknown emails cost the same hashing as known ones, so timing tells nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.keys import token_hash
from accounts.models import Player
from accounts.services.credentials import Session, clean_credentials
from accounts.services.signup import refuse_banned
from accounts.services.tokens import issue_token
from core import counters
from core.errors import GameError

User = get_user_model()


def _counters(key: str, ip: str) -> tuple[str, str]:
    return f"login:acct:{token_hash(key)}", f"login:ip:{ip}"


def login(*, email: str, password: str, ip: str) -> Session:
    _, key = clean_credentials(email, password)
    acct, addr = _counters(key, ip)
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    acct_count, acct_retry = counters.hit(acct, window=window)
    addr_count, addr_retry = counters.hit(addr, window=window)
    if acct_count > settings.LOGIN_FAILURES_PER_ACCOUNT or addr_count > settings.LOGIN_FAILURES_PER_IP:
        retry = max(
            acct_retry if acct_count > settings.LOGIN_FAILURES_PER_ACCOUNT else 0,
            addr_retry if addr_count > settings.LOGIN_FAILURES_PER_IP else 0,
        )
        counters.release(acct)  # a refused attempt checks no password: it does not stretch the lockout
        counters.release(addr)
        raise GameError("rate_limited", "Too many failed sign-ins; try again later.", retry_after=round(retry))
    player = Player.objects.filter(email=key).select_related("user").first()
    if player is None:
        User().set_password(password)  # the hashing a real check costs (Django's ModelBackend does the same)
        raise GameError("unauthenticated", "Wrong email or password.")
    if not player.user.check_password(password):
        raise GameError("unauthenticated", "Wrong email or password.")
    # A success does not count, but does not wipe the failures either: clearing them would hand
    # a burst of guesses running beside the owner's sign-in a fresh allowance.
    counters.release(acct)
    counters.release(addr)
    refuse_banned(player)
    return Session(token=issue_token(player_id=player.pk), player_id=player.pk)
