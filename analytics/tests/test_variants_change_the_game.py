"""`premium_pricing`, `daily_reward_amount` and `energy_regeneration` really change the game for their
variants (each test puts every player in one variant with weights 100/0)."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from analytics.models import Assignment, Experiment
from analytics.services import experiments
from core.errors import GameError
from dating.services import profiles
from game import engine
from game.models import Character
from game.services import content as content_service
from game.services import life, purchases
from game.tests import play
from game.tests.factories import CharacterFactory
from monetization.catalog import catalog
from monetization.models import DiamondTransaction, EnergyRefillPurchase, TimeSkipPurchase
from monetization.tests.factories import fund
from retention.services import login

pytestmark = pytest.mark.django_db


def everyone_in(flag: str, variant: str) -> None:
    call_command("load_content", verbosity=0)
    e = Experiment.objects.get(flag=flag)
    experiments.set_variants(
        flag=flag, variants=[{"name": v["name"], "weight": 100 if v["name"] == variant else 0} for v in e.variants]
    )
    experiments.start(flag=flag)


def _rested(player_id: int, energy: float) -> None:
    character = Character.objects.get(current_of_id=player_id)
    character.state = {**character.state, "energy": energy, "busy_until": 0}
    character.save(update_fields=["state"])


@pytest.mark.parametrize(("variant", "small"), [("standard", 10), ("discount", 8), ("premium", 13)])
def test_premium_pricing_sets_what_refills_cost(make_player, variant, small) -> None:
    everyone_in("premium_pricing", variant)
    player, _ = make_player()
    CharacterFactory(player=player)
    fund(player, 1000)
    _rested(player.pk, 10)
    reply = purchases.purchase_energy_refill(player_id=player.pk, refill_type="small")
    assert reply["diamonds"] == 1000 - small
    assert EnergyRefillPurchase.objects.get().price == small
    spent = DiamondTransaction.objects.get(reason="energy_refill")
    assert spent.amount == -small


def test_premium_pricing_is_charged_on_the_skip_too(make_player) -> None:
    everyone_in("premium_pricing", "premium")
    player, _ = make_player()
    CharacterFactory(player=player)
    fund(player, 1000)
    before = purchases.price_for(player.pk, 100)
    assert before == 125
    purchases.purchase_time_skip(player_id=player.pk, skip_type="hour")
    skip = TimeSkipPurchase.objects.get()
    charged = -DiamondTransaction.objects.get(reason="time_skip").amount
    assert charged == round(catalog().time_skips["hour"].price * 1.25)
    assert skip.price <= charged


@pytest.mark.parametrize(("variant", "first_day"), [("standard", 5), ("generous", 8)])
def test_daily_reward_amount_sets_the_login_reward(make_player, variant, first_day) -> None:
    everyone_in("daily_reward_amount", variant)
    player, _ = make_player()
    view = login.check(player_id=player.pk)
    assert view["rewards"][0]["diamonds"] == first_day
    reply = login.claim(player_id=player.pk)
    assert reply["reward"]["diamonds"] == first_day
    assert DiamondTransaction.objects.get(reason="daily_login").amount == first_day


@pytest.mark.parametrize(("variant", "factor"), [("standard", 1.0), ("fast", 1.5)])
def test_energy_regeneration_sets_how_fast_the_life_regains_energy(make_player, variant, factor) -> None:
    everyone_in("energy_regeneration", variant)
    player, _ = make_player()
    character = life.current_character(player_id=player.pk, lock=False)  # a new life takes the variant
    assert character.state["regen_factor"] == factor
    content = content_service.current()

    def gained(regen_factor: float) -> float:
        state = engine.LifeState.from_dict(character.state)
        state.energy, state.regen_factor = 10.0, regen_factor
        later, _ = engine.advance(state, state.clock, state.clock + 2 * 3600, [], content)
        return later.energy - 10.0

    assert gained(1.0) > 0
    assert gained(character.state["regen_factor"]) == pytest.approx(gained(1.0) * factor)


def test_a_running_life_takes_its_variant_when_the_player_arrives(make_player) -> None:
    player, _ = make_player()
    character = life.current_character(player_id=player.pk, lock=False)
    assert character.state.get("regen_factor", 1.0) == 1.0
    everyone_in("energy_regeneration", "fast")
    life.arrive(player_id=player.pk, now=character.anchor_real + timedelta(seconds=1))
    assert Character.objects.get(pk=character.pk).state["regen_factor"] == 1.5


def test_dating_match_algorithm_ranks_the_matches_with_the_variant(grown) -> None:
    everyone_in("dating_match_algorithm", "personality_first")
    player = grown(age=24)
    reply = profiles.matches(player_id=player.pk, limit=5, min_age=None, max_age=None, gender=None)
    assert reply["algorithm"] == "personality_first"
    assert Assignment.objects.get(player_id=player.pk).variant == "personality_first"


def test_the_clients_flags_are_in_the_auth_reply_and_exposed_there(make_player) -> None:
    everyone_in("conversation_ui", "bubbles")
    player, _ = make_player()
    reply = play.sign_in(player.pk)
    assert reply["experiments"] == {
        "conversation_ui": "bubbles",
        "notification_frequency": "normal",
        "tutorial_flow": "classic",
    }
    assert list(Assignment.objects.filter(player_id=player.pk).values_list("variant", flat=True)) == ["bubbles"]


def test_the_auth_reply_shows_the_players_own_prices_and_exposes_them_there(make_player) -> None:
    everyone_in("premium_pricing", "premium")
    player, _ = make_player()
    reply = play.sign_in(player.pk)
    assert reply["prices"]["energy_refills"]["small"] == 13 and reply["prices"]["energy_refills"]["full"] == 44
    assert set(reply["prices"]["time_skips"]) == set(catalog().time_skips)
    assert Assignment.objects.get(player_id=player.pk).variant == "premium"


def test_a_refused_purchase_keeps_the_exposure(make_player) -> None:
    """The price was computed and refused (not enough diamonds): the player stays in their variant."""
    everyone_in("premium_pricing", "discount")
    player, _ = make_player()
    CharacterFactory(player=player)
    with pytest.raises(GameError) as refused:
        purchases.purchase_energy_refill(player_id=player.pk, refill_type="full")
    assert refused.value.code == "insufficient_diamonds" and refused.value.extra["price"] == 28
    assert Assignment.objects.get(player_id=player.pk).variant == "discount"
