"""Special activities: a registry of one module each, whose numbers come from content."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from game.content_files import read_content_files
from game.engine import Content, ContentError, Job, apply_activity
from game.engine.special_registry import Params, Plan, Special, register, registered


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return read_content_files()


def _with(raw: dict[str, Any], change) -> Content:
    data = copy.deepcopy(raw)
    change(data)
    return Content.from_dicts(**data)


def test_every_special_named_by_content_is_registered_with_its_numbers(content):
    used = {a.special for a in content.activities.values() if a.special}
    assert used == {
        "apply_job",
        "date",
        "socialize",
        "visit_family",
        "shop",
        "doctor",
        "work_overtime",
        "quit_job",
        "retire",
        "study",
        "sell_asset",
    }
    assert used <= set(registered())
    assert set(content.specials) == used
    assert content.specials["date"].meet_chance == 0.5
    assert content.specials["work_overtime"].pay_percent == 150


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["activities"][0].update(special="levitate"), "config.yaml: specials.levitate: no such special"),
        (lambda d: d["config"]["specials"]["date"].update(meet_chance=2), "config.yaml: specials.date: meet_chance"),
        (lambda d: d["config"]["specials"]["date"].pop("partner_chance"), "specials.date: partner_chance"),
        (lambda d: d["config"]["specials"]["study"].update(bonus=3), "specials.study: bonus"),
        (lambda d: d["config"]["specials"].update(teleport={}), "specials.teleport: no such special"),
    ],
)
def test_bad_special_content_is_refused_naming_file_and_key(raw, change, message):
    with pytest.raises(ContentError) as exc:
        _with(raw, change)
    assert message in str(exc.value)


def test_overtime_pay_comes_from_content(raw, life):
    doubled = _with(raw, lambda d: d["config"]["specials"]["work_overtime"].update(pay_percent=300))
    normal = _with(raw, lambda d: None)
    state = life(71, 30)
    state.job = Job("retail", 0, "Clerk", 36_000, 50.0, 0, 0, "Shop")
    state.energy = 100.0
    _, base = apply_activity(state, state.clock, "work_overtime", normal)
    _, more = apply_activity(state, state.clock, "work_overtime", doubled)
    pay = base[-1].data["effects"]["money"]
    hours = normal.activities["work_overtime"].hours
    assert pay == 36_000 * hours * 150 // (360 * 8 * 100)  # the activity's hours at time and a half
    assert more[-1].data["effects"]["money"] == 2 * pay


def test_a_blind_date_meets_someone_exactly_as_often_as_content_says(raw, life):
    never = _with(raw, lambda d: d["config"]["specials"]["date"].update(meet_chance=0))
    always = _with(raw, lambda d: d["config"]["specials"]["date"].update(meet_chance=1))
    state = life(72, 25)
    for p in state.people:
        if p.relation in ("partner", "spouse"):
            p.relation = "ex"
    state.energy = 100.0
    state.money = 1_000
    _, ev_never = apply_activity(state, state.clock, "date", never)
    _, ev_always = apply_activity(state, state.clock, "date", always)
    assert "met" not in next(e for e in ev_never if e.kind == "activity").data["effects"]
    assert any(e.kind == "message" and e.data.get("topic") == "date" for e in ev_never)
    assert next(e for e in ev_always if e.kind == "activity").data["effects"]["met"]


class _GiftParams(Params):
    happiness: int


def _gift_apply(ctx, at: int, act, plan: Plan, params: _GiftParams, r: random.Random) -> dict[str, Any]:
    return {"happiness": ctx.add_stat("happiness", params.happiness)}


def test_an_app_registers_its_own_special_without_touching_the_engine(raw, life):
    register(Special("test_gift", _gift_apply, params=_GiftParams))

    def change(d):
        next(a for a in d["activities"] if a["id"] == "read").update(special="test_gift")
        d["config"]["specials"]["test_gift"] = {"happiness": 7}

    content = _with(raw, change)
    state = life(73, 25)
    state.happiness = 50
    state.energy = 100.0
    after, events = apply_activity(state, state.clock, "read", content)
    effects = next(e for e in events if e.kind == "activity").data["effects"]
    assert effects["happiness"] == 7  # the special's own report of what it changed
    assert after.happiness == 50 + 1 + 7  # the activity's own effect, then the special's


def test_registering_two_specials_under_one_name_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        register(Special("date", _gift_apply))
