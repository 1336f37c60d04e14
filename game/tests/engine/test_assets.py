"""Assets: a house or a car is kept, costs upkeep, changes value, can be sold and is inherited."""

from __future__ import annotations

import pytest

from game.engine import MONTH, YEAR, NotAllowed, UnknownTarget, advance_settling, apply_activity


def _rich(life, seed: int):
    state = life(seed, 30)
    state.money, state.energy, state.busy_until = 1_000_000, 100.0, 0
    return state


def test_a_house_is_kept_costs_upkeep_and_gains_value(content, life):
    state = _rich(life, 61)
    state, events = apply_activity(state, state.clock, "shop", content, target="house")
    asset = state.assets[-1]
    assert (asset["item"], asset["price"]) == ("house", 180_000)
    assert state.money == 1_000_000 - 180_000
    later, events = advance_settling(state, state.clock + MONTH + 1, content)
    bills = [e for e in events if e.kind == "bill"]
    assert bills and bills[0].data["items"]["upkeep"] == 350
    house = content.items["house"]
    assert house.value_at(180_000, 0, 10 * YEAR) == int(180_000 * 1.03**10)


def test_selling_pays_what_it_is_worth_now(content, life):
    state = _rich(life, 62)
    state, _ = apply_activity(state, state.clock, "shop", content, target="new_car")
    car = state.assets[-1]
    state, _ = advance_settling(state, state.clock + 2 * YEAR + 1, content)
    state.busy_until, state.energy = 0, 100.0
    money = state.money
    sold, events = apply_activity(state, state.clock, "sell_asset", content, target=car["id"])
    worth = content.items["new_car"].value_at(28_000, car["bought_at"], sold.clock)
    assert worth == int(28_000 * 0.88**2)
    assert sold.money == money + worth and sold.assets == [a for a in state.assets if a["id"] != car["id"]]
    assert any(e.data.get("text") == f"You sold your New Car for ${worth:,}." for e in events)


def test_selling_needs_something_owned_and_named(content, life):
    state = _rich(life, 63)
    with pytest.raises(NotAllowed, match="own nothing"):
        apply_activity(state, state.clock, "sell_asset", content)
    state, _ = apply_activity(state, state.clock, "shop", content, target="used_car")
    state.busy_until = 0
    with pytest.raises(NotAllowed, match="Say what to sell: Used Car"):
        apply_activity(state, state.clock, "sell_asset", content)
    with pytest.raises(UnknownTarget):
        apply_activity(state, state.clock, "sell_asset", content, target="a999")
