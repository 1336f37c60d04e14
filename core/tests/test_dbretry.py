"""A verb whose transaction the database ended to break a deadlock is run again, not answered `internal`."""

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, transaction

from core.dbretry import retry_on_deadlock
from core.verbs import REGISTRY, NoParams, verb
from game.tests.wsclient import signed_in

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_deadlocked_unit_of_work_runs_again():
    calls = []

    @retry_on_deadlock
    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")
        return "done"

    assert work() == "done" and len(calls) == 3


def test_other_errors_and_work_inside_a_transaction_are_not_retried():
    calls = []

    @retry_on_deadlock
    def work() -> None:
        calls.append(1)
        raise OperationalError(1213, "Deadlock")

    with pytest.raises(OperationalError), transaction.atomic():
        work()
    assert len(calls) == 1  # the transaction around it is already rolled back: only its owner may retry

    @retry_on_deadlock
    def other() -> None:
        calls.append(2)
        raise OperationalError(1205, "Lock wait timeout")

    with pytest.raises(OperationalError):
        other()
    assert calls.count(2) == 1


@pytest.mark.asyncio
async def test_a_verb_deadlocked_once_answers_ok_and_one_deadlocked_for_good_answers_unavailable(
    asgi_app, make_player, monkeypatch
):
    attempts: list[str] = []

    def flaky(ctx, params):
        attempts.append("flaky")
        if attempts.count("flaky") == 1:
            raise OperationalError(1213, "Deadlock found when trying to get lock")
        return {"done": True}

    def stuck(ctx, params):
        attempts.append("stuck")
        raise OperationalError(1213, "Deadlock found when trying to get lock")

    for name, fn in (("test_flaky", flaky), ("test_stuck", stuck)):
        monkeypatch.delitem(REGISTRY, name, raising=False)
        verb(name, NoParams)(fn)
    try:
        _, token = await sync_to_async(make_player)()
        client = await signed_in(asgi_app, token)
        assert (await client.request("test_flaky", rid="f"))["data"] == {"done": True}
        reply = await client.request("test_stuck", rid="s")
        assert reply["error"]["code"] == "unavailable" and reply["error"]["retry_after"] > 0
        assert attempts.count("stuck") == 3
        await client.close()
    finally:
        REGISTRY.pop("test_flaky", None)
        REGISTRY.pop("test_stuck", None)
