"""New accounts: guest sign-in by device, registration (a guest upgraded in place), per-address limits."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import hooks
from accounts.models import Player
from accounts.selectors import erasing, token_lookup
from accounts.services.credentials import Session, clean_credentials
from accounts.services.tokens import issue_token
from core import counters
from core.errors import GameError

User = get_user_model()
SIGNUP_WINDOW_SECONDS = 3600


def _signup_counter(ip: str) -> str:
    return f"signup:ip:{ip}"


def _count_signup(ip: str | None) -> None:
    """Count a new account against the client's address; `rate_limited` past SIGNUPS_PER_IP_PER_HOUR.

    Counted first and decided on the new value, so a burst cannot slip past together; a refused
    or failed sign-up gives its count back. `ip=None` is an internal caller (tests, tools).
    """
    if ip is None:
        return
    count, retry = counters.hit(_signup_counter(ip), window=SIGNUP_WINDOW_SECONDS)
    if count > settings.SIGNUPS_PER_IP_PER_HOUR:
        counters.release(_signup_counter(ip))
        raise GameError(
            "rate_limited", "Too many new accounts from this address; try again later.", retry_after=round(retry)
        )


def _uncount_signup(ip: str | None) -> None:
    if ip is not None:
        counters.release(_signup_counter(ip))


def refuse_banned(player: Player) -> None:
    """No token for a banned account, nor for one being erased (its deletion's grace is over)."""
    if player.banned_at is not None:
        raise GameError("forbidden", "This account is banned.")
    if erasing(player):
        raise GameError("unauthenticated", "This account has been deleted.")


def sign_in_device(*, device_id: str, ip: str | None = None) -> Session:
    """The same device id always signs in to the same account (created on first sight)."""
    player = Player.objects.filter(device_id=device_id).first()
    created = False
    if player is None:
        _count_signup(ip)
        try:
            with transaction.atomic():
                user = User.objects.create_user(username=f"guest-{secrets.token_hex(12)}")
                user.set_unusable_password()
                user.save(update_fields=["password"])
                player = Player.objects.create(user=user, device_id=device_id)
                hooks.account_created(player.pk)
                created = True
        except IntegrityError:  # another request created it a moment ago: a sign-in, not a sign-up
            _uncount_signup(ip)
            player = Player.objects.get(device_id=device_id)
    refuse_banned(player)
    return Session(token=issue_token(player_id=player.pk), player_id=player.pk, created=created)


def register(*, email: str, password: str, guest_token: str | None = None, ip: str | None = None) -> Session:
    """Create an email account, or upgrade the guest of `guest_token` in place (same player).

    One account per email, enforced by the unique `players.email`: of parallel registrations of
    one address exactly one succeeds, the others get `conflict`. Every attempt counts against the
    address's sign-ups first; a new account keeps its count, and so does a `conflict` (which says
    the email has an account: probing for accounts costs like signing up). A guest upgraded in
    place and input refused as bad give theirs back.
    """
    email, key = clean_credentials(email, password)
    _count_signup(ip)
    try:
        session = _register(email=email, key=key, password=password, guest_token=guest_token)
    except GameError as exc:
        if exc.code != "conflict":
            _uncount_signup(ip)
        raise
    except BaseException:
        _uncount_signup(ip)
        raise
    if guest_token:
        _uncount_signup(ip)  # the same account, now with an email: not a new one
    return session


def _register(*, email: str, key: str, password: str, guest_token: str | None) -> Session:
    conflict = GameError("conflict", "An account with this email already exists.")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise GameError("bad_request", " ".join(exc.messages), fields=["password"]) from exc
    # Hashed before the transaction: on SQLite a transaction holds the one write lock, and a
    # quarter-second hash inside it made every other writer wait behind each registration.
    hashed = make_password(password)
    try:
        with transaction.atomic():
            guest = None
            if guest_token:
                row = token_lookup(guest_token)
                if row is None:
                    raise GameError("unauthenticated", "The guest token is not valid.")
                guest = Player.objects.select_for_update().select_related("user").get(pk=row.player_id)
                if not guest.is_guest:
                    raise GameError("conflict", "This account already has an email.")
            user = guest.user if guest else User(username=f"u-{secrets.token_hex(12)}")
            if Player.objects.filter(email=key).exists():
                raise conflict
            user.email = key
            user.password = hashed
            user.save()
            if guest is None:
                guest = Player.objects.create(user=user, email=key, is_guest=False)
                hooks.account_created(guest.pk)
            else:
                guest.email, guest.is_guest = key, False
                guest.save(update_fields=["email", "is_guest"])
    except IntegrityError as exc:  # the unique email: a parallel registration won
        raise conflict from exc
    return Session(token=issue_token(player_id=guest.pk), player_id=guest.pk, created=guest_token is None)
