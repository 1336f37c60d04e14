"""Test factories (factory-boy) for accounts' models: rows as they are after a sign-up, without the
sign-up service's limits (signup counting, hashing) getting in the way of tests about other things."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from accounts.models import Player
from accounts.services.tokens import issue_token


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"guest-factory-{n:06d}")
    password = factory.LazyFunction(lambda: make_password(None))  # unusable, as a guest's


class PlayerFactory(factory.django.DjangoModelFactory):
    """A guest player bound to a device (`registered=True`: an email account instead)."""

    class Meta:
        model = Player

    user = factory.SubFactory(UserFactory)
    device_id = factory.Sequence(lambda n: f"device-factory-{n:06d}")
    is_guest = True

    class Params:
        registered = factory.Trait(
            is_guest=False,
            device_id=None,
            email=factory.Sequence(lambda n: f"player{n}@example.com"),
        )


def player_with_token(**kwargs: object) -> tuple[Player, str]:
    """A player and a live token of theirs (issued by the real token service)."""
    player = PlayerFactory(**kwargs)
    return player, issue_token(player_id=player.pk)
