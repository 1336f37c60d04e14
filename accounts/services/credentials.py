"""What sign-in endpoints share: the session they hand out, and how credentials are cleaned."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.errors import GameError

MAX_EMAIL_LENGTH = 254  # players.email and auth_user.email


@dataclass(frozen=True)
class Session:
    """A fresh sign-in: the plain token (shown once) and the player it belongs to."""

    token: str
    player_id: int
    created: bool = False


def email_key(email: str) -> str:
    """The form an email is unique in: trimmed and case-folded (`Ann@X.org` is `ann@x.org`)."""
    return email.strip().casefold()


def clean_credentials(email: str, password: str) -> tuple[str, str]:
    """(email as typed but trimmed, its unique key); `bad_request` naming the field otherwise."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise GameError("bad_request", "Enter a valid email address.", fields=["email"]) from exc
    key = email_key(email)
    if len(key) > MAX_EMAIL_LENGTH:  # case-folding can lengthen it ("ß" becomes "ss")
        raise GameError("bad_request", "This email address is too long.", fields=["email"])
    if not isinstance(password, str) or not password.strip():
        raise GameError("bad_request", "A password is required (not only spaces).", fields=["password"])
    return email, key
