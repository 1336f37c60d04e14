"""Accounts: guest sign-in, registration (guest upgrade in place), login, logout, bans, tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import GameError
from core.pushes import close_player_sockets, close_token_sockets
from game.models import AuthToken, Player

User = get_user_model()


@dataclass(frozen=True)
class Session:
    """A fresh sign-in: the plain token (shown once) and the player it belongs to."""

    token: str
    player_id: int
    created: bool = False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, player: Player) -> str:
    token = secrets.token_urlsafe(32)
    AuthToken.objects.create(
        player=player,
        key_hash=_hash(token),
        expires_at=timezone.now() + timedelta(days=settings.AUTH_TOKEN_TTL_DAYS),
    )
    return token


def token_lookup(token: str) -> AuthToken | None:
    """The live token row for a plain token, or None (unknown, expired, revoked, banned)."""
    if not token or len(token) > 256:
        return None
    row = (
        AuthToken.objects.select_related("player")
        .filter(key_hash=_hash(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or row.player.banned_at is not None:
        return None
    return row


def _new_player(*, device_id: str | None) -> Player:
    user = User.objects.create_user(username=f"guest-{secrets.token_hex(12)}")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return Player.objects.create(user=user, device_id=device_id)


def sign_in_device(*, device_id: str) -> Session:
    """The same device id always signs in to the same account (created on first sight)."""
    player = Player.objects.filter(device_id=device_id).first()
    created = False
    if player is None:
        try:
            with transaction.atomic():
                player = _new_player(device_id=device_id)
                created = True
        except IntegrityError:  # another request created it a moment ago
            player = Player.objects.get(device_id=device_id)
    _refuse_banned(player)
    return Session(token=issue_token(player=player), player_id=player.pk, created=created)


def _refuse_banned(player: Player) -> None:
    if player.banned_at is not None:
        raise GameError("forbidden", "This account is banned.")


def _clean_credentials(email: str, password: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise GameError("bad_request", "Enter a valid email address.", fields=["email"]) from exc
    if not isinstance(password, str) or not password:
        raise GameError("bad_request", "A password is required.", fields=["password"])
    return email


def register(*, email: str, password: str, guest_token: str | None = None) -> Session:
    """Create an email account, or upgrade the guest of `guest_token` in place (same player)."""
    email = _clean_credentials(email, password)
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
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise GameError("bad_request", " ".join(exc.messages), fields=["password"]) from exc
        if User.objects.filter(email__iexact=email).exists():
            raise GameError("conflict", "An account with this email already exists.")
        user.email = email
        user.set_password(password)
        user.save()
        if guest is None:
            guest = Player.objects.create(user=user)
        guest.is_guest = False
        guest.save(update_fields=["is_guest"])
        return Session(token=issue_token(player=guest), player_id=guest.pk, created=guest_token is None)


def _failure_keys(email: str, ip: str) -> tuple[str, str]:
    return f"login-fail:acct:{_hash(email)}", f"login-fail:ip:{ip}"


def _count_failure(key: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)


def login(*, email: str, password: str, ip: str) -> Session:
    """Check a password; failures are counted per account and per IP and throttled (rate_limited)."""
    email = _clean_credentials(email, password)
    acct_key, ip_key = _failure_keys(email, ip)
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if (cache.get(acct_key) or 0) >= settings.LOGIN_FAILURES_PER_ACCOUNT or (
        cache.get(ip_key) or 0
    ) >= settings.LOGIN_FAILURES_PER_IP:
        raise GameError("rate_limited", "Too many failed sign-ins; try again later.", retry_after=window)
    user = User.objects.filter(email__iexact=email).select_related("player").first()
    if user is None or not user.check_password(password) or not hasattr(user, "player"):
        _count_failure(acct_key)
        _count_failure(ip_key)
        raise GameError("unauthenticated", "Wrong email or password.")
    cache.delete(acct_key)
    _refuse_banned(user.player)
    return Session(token=issue_token(player=user.player), player_id=user.player.pk)


def logout(*, token: str) -> None:
    """Revoke the token everywhere and close the sockets signed in with it."""
    with transaction.atomic():
        row = token_lookup(token)
        if row is None:
            raise GameError("unauthenticated", "The token is not valid.")
        AuthToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
        close_token_sockets(row.pk)


def ban(*, player_id: int, reason: str) -> None:
    """Ban a player: every token stops working and every open socket closes (4003)."""
    with transaction.atomic():
        now = timezone.now()
        Player.objects.filter(pk=player_id).update(banned_at=now, ban_reason=reason[:200])
        AuthToken.objects.filter(player_id=player_id, revoked_at__isnull=True).update(revoked_at=now)
        close_player_sockets(player_id)


def unban(*, player_id: int) -> None:
    Player.objects.filter(pk=player_id).update(banned_at=None, ban_reason="")


def session_player_id(user) -> int | None:  # noqa: ANN001 - Django user or AnonymousUser
    """The player behind a browser session's user, unless banned."""
    if not getattr(user, "is_authenticated", False):
        return None
    row = Player.objects.filter(user_id=user.pk, banned_at__isnull=True).values_list("pk", flat=True).first()
    return row


def purge_expired_tokens() -> int:
    """Delete tokens expired or revoked more than a day ago (idempotent housekeeping)."""
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _ = AuthToken.objects.filter(expires_at__lt=cutoff).delete()
    revoked, _ = AuthToken.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted + revoked
