"""Pushes leave after commit, together, and never from a rolled-back transaction or savepoint."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from core.pushes import close_player_sockets, coalesced, player_group, push_many, push_to_player

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def received(channel: str) -> list[int]:
    """The pushes' `n`, in the order they arrived (a layer message carries a transaction's pushes)."""
    layer = get_channel_layer()
    out = []
    while True:
        try:
            message = await asyncio.wait_for(layer.receive(channel), timeout=0.3)
        except TimeoutError:
            return out
        assert message["type"] == "pushes"
        out.extend(push["n"] for push in message["pushes"])


async def subscribe(player_id: int) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(player_group(player_id), channel)
    return channel


async def test_pushes_wait_for_commit_and_keep_order():
    channel = await subscribe(1)

    def work() -> None:
        with transaction.atomic():
            push_to_player(1, {"n": 1})
            push_to_player(1, {"n": 2})

    await sync_to_async(work)()
    assert await received(channel) == [1, 2]


async def test_rolled_back_transaction_sends_nothing():
    channel = await subscribe(2)

    def work() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            push_to_player(2, {"n": 1})
            raise RuntimeError
        with transaction.atomic():
            push_to_player(2, {"n": 3})

    await sync_to_async(work)()
    assert await received(channel) == [3]


async def test_rolled_back_savepoint_sends_nothing_but_the_rest_goes():
    channel = await subscribe(3)

    def work() -> None:
        with transaction.atomic():
            push_to_player(3, {"n": 1})
            with pytest.raises(RuntimeError), transaction.atomic():
                push_to_player(3, {"n": 2})
                raise RuntimeError
            push_to_player(3, {"n": 4})

    await sync_to_async(work)()
    assert await received(channel) == [1, 4]


async def test_outside_a_transaction_it_goes_at_once():
    channel = await subscribe(4)
    await sync_to_async(push_to_player)(4, {"n": 9})
    assert await received(channel) == [9]


async def test_a_transactions_pushes_to_a_player_are_one_layer_message_and_closes_keep_their_place():
    one, other = await subscribe(5), await subscribe(6)
    layer = get_channel_layer()

    def work() -> None:
        with transaction.atomic():
            push_many([(5, {"n": 1}), (6, {"n": 10}), (5, {"n": 2})])
            close_player_sockets(5)
            push_to_player(5, {"n": 3})

    await sync_to_async(work)()
    first = await asyncio.wait_for(layer.receive(one), timeout=1)
    assert first == {"type": "pushes", "pushes": [{"n": 1}, {"n": 2}]}
    assert (await asyncio.wait_for(layer.receive(one), timeout=1))["type"] == "close"
    assert (await asyncio.wait_for(layer.receive(one), timeout=1))["pushes"] == [{"n": 3}]
    assert await received(other) == [10]


async def test_coalesced_keeps_each_groups_order():
    plan = coalesced(
        [
            ("a", {"type": "push", "push": 1}),
            ("b", {"type": "close", "code": 4003}),
            ("a", {"type": "push", "push": 2}),
            ("a", {"type": "close", "code": 4003}),
            ("a", {"type": "push", "push": 3}),
        ]
    )
    assert plan == {
        "a": [
            {"type": "pushes", "pushes": [1, 2]},
            {"type": "close", "code": 4003},
            {"type": "pushes", "pushes": [3]},
        ],
        "b": [{"type": "close", "code": 4003}],
    }


async def test_many_players_pushes_all_arrive():
    channels = {pid: await subscribe(pid) for pid in range(100, 180)}

    def work() -> None:
        with transaction.atomic():
            push_many([(pid, {"n": n}) for n in range(3) for pid in channels])

    await sync_to_async(work)()
    for channel in channels.values():
        assert await received(channel) == [0, 1, 2]
