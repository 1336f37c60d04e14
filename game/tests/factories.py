"""Test factories (factory-boy) for the game's models. A life is begun by the real service
(`life.start_life`): its state is the engine's, seeded so a test knows which life it gets."""

from typing import Any

import factory

from accounts.tests.factories import PlayerFactory
from game.models import Character
from game.services import life


class CharacterFactory(factory.django.DjangoModelFactory):
    """The current life of a new (or given) player, from a fixed seed."""

    class Meta:
        model = Character

    player = factory.SubFactory(PlayerFactory)
    seed = factory.Sequence(lambda n: 1000 + n)

    @classmethod
    def _create(cls, model_class: type[Character], *args: Any, **kwargs: Any) -> Character:
        return life.start_life(player_id=kwargs["player"].pk, seed=kwargs["seed"])
