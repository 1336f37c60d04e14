"""Pushes leave after commit, together, and never from a rolled-back transaction or savepoint."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from core.pushes import player_group, push_to_player

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def received(channel: str) -> list[int]:
    layer = get_channel_layer()
    out = []
    while True:
        try:
            out.append((await asyncio.wait_for(layer.receive(channel), timeout=0.3))["push"]["n"])
        except TimeoutError:
            return out


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
