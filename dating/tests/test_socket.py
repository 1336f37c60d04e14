"""A whole courtship over the socket, as a client that knows only the protocol plays it: matches, a
bio, a date with its question, then friend -> dating -> exclusive -> engaged -> married -> a child ->
divorce; every refusal's code; the history and the milestones reaching the other apps."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from dating.models import Compatibility, NpcBio, RelationshipEvent
from game import engine
from game.models import Character
from game.tests.test_life import grow_up
from game.tests.wsclient import Client, signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@sync_to_async
def _grown(make_player: Any, age: int = 24) -> tuple[Any, str]:
    player, token = make_player()
    grow_up(player.pk, age)
    _rested(player.pk)
    return player, token


def _rested(player_id: int, **person: Any) -> None:
    """Between two requests a player rests: the last activity's hours and energy waived (the test plays
    a year of courtship in a minute), no question waiting; `person` edits one person of the life."""
    character = Character.objects.get(current_of_id=player_id)
    state = dict(character.state)
    state.update(busy_until=0, energy=100, pending=[], money=max(state["money"], 60_000))
    if person:
        pid = person.pop("id")
        state["people"] = [{**p, **person} if p["id"] == pid else p for p in state["people"]]
    character.state = state
    character.save(update_fields=["state"])


rested = sync_to_async(_rested)


async def _act(
    client: Client, player_id: int, person_id: str, action: str, bond: float | None = None, **extra: Any
) -> dict:
    """One action after a rest; `bond`: their affinity set first (each try a fresh roll at the same bond)."""
    await rested(player_id, **({"id": person_id, "affinity": bond} if bond is not None else {}))
    reply = await client.request("relationship_action", rid=action, person_id=person_id, action=action, **extra)
    assert reply["ok"], reply
    return reply["data"]


async def _until(
    client: Client, player_id: int, person_id: str, action: str, key: str, bond: float | None = None, tries: int = 40
) -> dict:
    for _ in range(tries):
        data = await _act(client, player_id, person_id, action, bond)
        if data["effects"].get(key):
            return data
    raise AssertionError(f"{action} never gave {key}")


async def test_a_courtship_from_meeting_to_wedding_to_children_to_divorce(asgi_app, make_player):
    player, token = await _grown(make_player)
    client = await signed_in(asgi_app, token)

    options = await client.request("get_date_options", rid="o")
    assert len(options["data"]["venues"]) >= 8 and len(options["data"]["activities"]) >= 15
    matches = await client.request("get_matches", rid="m", limit=50)
    assert matches["ok"] and len(matches["data"]["matches"]) == 50
    me = (await client.request("get_state", rid="g"))["data"]["character"]["gender"]
    other = "female" if me == "male" else "male"
    best = next(m for m in matches["data"]["matches"] if m["gender"] == other)
    assert 0 <= best["compatibility"] <= 100 and best["age"] >= 18
    them = best["person_id"]
    bio = await client.request("get_bio", rid="b", person_id=them)
    assert bio["ok"] and bio["data"]["bio"]["about"] and bio["data"]["stage"] == "stranger"
    again = await client.request("get_bio", rid="b2", person_id=them)
    assert again["data"]["bio"] == bio["data"]["bio"]

    await rested(player.pk)
    date = await client.request("plan_date", rid="d", person_id=them, venue="cafe", activity="coffee_chat")
    assert date["ok"], date
    assert date["data"]["story"] and date["data"]["person"]["stage"] == "acquaintance"
    question = date["data"]["question"]
    assert question is not None and question["choices"]
    answer = await client.request("choose", rid="c", event_id=question["event_id"], choice=question["choices"][0]["id"])
    assert answer["ok"], answer

    data = await _act(client, player.pk, them, "spend_time")
    await rested(player.pk, id=them, affinity=45)
    data = await _act(client, player.pk, them, "spend_time")
    assert data["stage"] == "friend"
    data = await _until(client, player.pk, them, "ask_out", "accepted", bond=45)
    assert data["stage"] == "dating" and data["person"]["relation"] == "partner"
    character = await sync_to_async(Character.objects.get)(current_of_id=player.pk)
    await rested(player.pk, id=them, since=character.state["clock"] - 40 * engine.DAY, affinity=70)
    data = await _until(client, player.pk, them, "ask_out", "accepted", bond=70)
    assert data["stage"] == "exclusive"
    for _ in range(20):
        data = await _act(client, player.pk, them, "move_in", bond=70)
        if "living_together" in data["person"]["memory"]:
            break
    await rested(player.pk, id=them, affinity=85)
    data = await _until(client, player.pk, them, "propose", "accepted", bond=85)
    assert data["stage"] == "engaged"
    data = await _act(client, player.pk, them, "marry")
    assert data["stage"] == "married"
    data = await _until(client, player.pk, them, "try_for_baby", "child", bond=85)
    child = data["effects"]["child"]
    talk = await client.request("talk", rid="t", person_id=child, text="Hello little one, I love you")
    assert talk["ok"], talk  # a child can be talked to
    care = await _act(client, player.pk, child, "spend_time")
    assert care["stage"] == "family"
    data = await _act(client, player.pk, them, "divorce")
    assert data["stage"] == "divorced" and data["person"]["relation"] == "ex"

    stats = await client.request("get_statistics", rid="s")
    assert stats["data"]["statistics"]["marriages"] == 1 and stats["data"]["statistics"]["children"] == 1
    kinds = await sync_to_async(
        lambda: list(RelationshipEvent.objects.filter(person_id=them).values_list("kind", "stage"))
    )()
    stages = [s for k, s in kinds if k == "stage"]
    assert stages == ["friend", "dating", "exclusive", "engaged", "married", "divorced"]
    assert ("met", "acquaintance") in [(k, s) for k, s in kinds] or kinds[0][0] in ("met", "date")
    assert any(k == "date" for k, _ in kinds) and any(k == "event" for k, _ in kinds)
    assert await sync_to_async(NpcBio.objects.filter(person_id=them).count)() == 1
    assert await sync_to_async(Compatibility.objects.filter(person_id=them).exists)()
    history = await client.request("get_bio", rid="h", person_id=them)
    assert history["data"]["history"][0]["stage"] == "divorced"
    await client.close()


async def test_refusals_over_the_socket(asgi_app, make_player):
    player, token = await _grown(make_player)
    client = await signed_in(asgi_app, token)
    character = await sync_to_async(Character.objects.get)(current_of_id=player.pk)
    parent = next(p["id"] for p in character.state["people"] if p["relation"] == "parent")
    state_before = character.state

    cases = [
        ("get_bio", {"person_id": parent}, "forbidden"),
        ("get_bio", {"person_id": "p99999"}, "not_found"),
        ("plan_date", {"person_id": parent, "venue": "park", "activity": "walk"}, "forbidden"),
        ("plan_date", {"person_id": "nobody", "venue": "park", "activity": "walk"}, "not_found"),
        ("plan_date", {"person_id": "m1", "venue": "moon", "activity": "walk"}, "bad_request"),
        ("relationship_action", {"person_id": parent, "action": "ask_out"}, "forbidden"),
        ("relationship_action", {"person_id": parent, "action": "fly"}, "bad_request"),
        ("relationship_action", {"person_id": "m1", "action": "propose"}, "forbidden"),
        ("relationship_action", {"person_id": parent, "action": "compliment", "gift": "wine"}, "bad_request"),
        ("get_matches", {"limit": 0}, "bad_request"),
        ("get_matches", {"gender": "robot"}, "bad_request"),
        ("get_matches", {"limit": "5"}, "bad_request"),
        ("get_matches", {"min_age": 40, "max_age": 20}, "bad_request"),
        ("get_bio", {"person_id": "m²"}, "not_found"),
        ("relationship_action", {"person_id": "m①", "action": "compliment"}, "not_found"),
    ]
    for verb, params, code in cases:
        reply = await client.request(verb, rid=verb, **params)
        assert not reply["ok"] and reply["error"]["code"] == code, (verb, params, reply)
    after = await sync_to_async(Character.objects.get)(pk=character.pk)
    assert after.state["people"] == state_before["people"] and after.state["money"] == state_before["money"]

    await sync_to_async(_tired)(player.pk)
    tired = await client.request("relationship_action", rid="x", person_id=parent, action="spend_time")
    assert tired["error"]["code"] == "insufficient_energy"
    await client.close()


def _tired(player_id: int) -> None:
    character = Character.objects.get(current_of_id=player_id)
    character.state = {**character.state, "energy": 0, "busy_until": 0}
    character.save(update_fields=["state"])


async def test_a_child_player_is_refused_matches(asgi_app, make_player):
    player, token = await _grown(make_player, age=12)
    client = await signed_in(asgi_app, token)
    reply = await client.request("get_matches", rid="m")
    assert reply["error"]["code"] == "forbidden"
    await client.close()
