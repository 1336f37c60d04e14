"""The diamond catalog as content: loaded from its file into the database, edited by operators in the
admin (validated as a whole), read by the purchases and the verbs without a deploy."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.errors import GameError
from game.services import live, purchases
from game.tests.wsclient import signed_in
from monetization import catalog
from monetization.models import CatalogEntry, DiamondTransaction
from monetization.services import ledger

Reason = DiamondTransaction.Reason


@pytest.fixture
def operator(client, db):
    admin = get_user_model().objects.create_superuser("cat-op", "cat-op@example.com", "op-password-123")
    client.force_login(admin)
    return client


def _edit(client, row: CatalogEntry, data) -> object:
    return client.post(
        f"/admin/monetization/catalogentry/{row.pk}/change/",
        {"kind": row.kind, "key": row.key, "data": json.dumps(data)},
    )


@pytest.mark.django_db
def test_load_content_puts_the_catalog_in_the_database_and_is_repeatable():
    call_command("load_content")
    first = CatalogEntry.objects.count()
    assert CatalogEntry.objects.get(kind="energy_refills", key="small").data == {"price": 10, "energy": 20}
    assert CatalogEntry.objects.filter(kind="diamond_packs").count() == 5
    call_command("load_content")
    assert CatalogEntry.objects.count() == first
    assert catalog.catalog().energy_refills["small"].price == 10


@pytest.mark.django_db
def test_an_operator_changes_a_price_and_the_next_purchase_pays_it(operator, make_player):
    catalog.load_catalog()
    player, _ = make_player()
    live.arrive(player.pk)
    ledger.diamonds_credit(player_id=player.pk, amount=100, reason=Reason.OPERATOR_GRANT)
    row = CatalogEntry.objects.get(kind="energy_refills", key="small")
    response = _edit(operator, row, {"price": 12, "energy": 20})
    assert response.status_code == 302
    reply = purchases.purchase_energy_refill(player_id=player.pk, refill_type="small")
    assert reply["diamonds"] == 100 - 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "key", "data", "says"),
    [
        ("energy_refills", "small", {"price": 0, "energy": 20}, "price"),
        ("energy_refills", "small", {"price": 5}, "a refill gives energy or unlimited hours"),
        ("energy_refills", "small", {"price": 5, "energy": 20, "colour": "red"}, "colour"),
        ("time_skips", "week", {"price": 100, "seconds": 10**7}, "seconds"),
        ("purchase_limits", "time_skip", {"count": 0, "per_seconds": 60}, "count"),
        ("diamond_packs", "com.baolife.diamonds.100", {"product_id": "other", "diamonds": 100, "price_cents": 99}, ""),
    ],
)
def test_the_admin_refuses_an_edit_that_breaks_the_catalog(operator, kind, key, data, says):
    catalog.load_catalog()
    row = CatalogEntry.objects.get(kind=kind, key=key)
    before = row.data
    response = _edit(operator, row, data)
    assert response.status_code == 200 and b"Invalid content" in response.content
    assert says.encode() in response.content
    row.refresh_from_db()
    assert row.data == before


@pytest.mark.django_db
def test_catalog_entries_are_not_deleted_one_by_one_in_the_admin(operator):
    catalog.load_catalog()
    row = CatalogEntry.objects.get(kind="purchase_limits", key="energy_refill")
    assert operator.get(f"/admin/monetization/catalogentry/{row.pk}/delete/").status_code == 403
    assert CatalogEntry.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_purchase_limits_come_from_the_catalog(make_player):
    catalog.load_catalog()
    CatalogEntry.objects.filter(kind="purchase_limits", key="energy_refill").update(
        data={"count": 1, "per_seconds": 3600}
    )
    catalog.STORE.bump()
    player, _ = make_player()
    live.arrive(player.pk)
    ledger.diamonds_credit(player_id=player.pk, amount=100, reason=Reason.OPERATOR_GRANT)
    purchases.purchase_energy_refill(player_id=player.pk, refill_type="small")
    with pytest.raises(GameError) as exc:
        purchases.purchase_energy_refill(player_id=player.pk, refill_type="small")
    assert exc.value.code == "rate_limited"
    assert ledger.balance(player_id=player.pk).diamonds == 90


@pytest.mark.django_db
def test_the_catalog_in_force_is_the_file_until_the_database_has_one():
    assert not CatalogEntry.objects.exists()
    assert catalog.catalog().time_skips["next_event"].until_next_event is True
    assert set(catalog.catalog().energy_refills) == set(catalog.shipped_kinds("energy_refills"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_verbs_sell_the_kinds_the_catalog_has_now(asgi_app, make_player):
    await sync_to_async(catalog.load_catalog)()
    await sync_to_async(CatalogEntry.objects.create)(kind="energy_refills", key="tiny", data={"price": 3, "energy": 5})
    await sync_to_async(CatalogEntry.objects.filter(kind="energy_refills", key="medium").delete)()
    await sync_to_async(catalog.STORE.bump)()
    player, token = await sync_to_async(make_player)()
    await sync_to_async(live.arrive)(player.pk)
    await sync_to_async(ledger.diamonds_credit)(player_id=player.pk, amount=50, reason=Reason.OPERATOR_GRANT)
    client = await signed_in(asgi_app, token)
    reply = await client.request("purchase_energy_refill", rid="a", refill_type="tiny")
    assert reply["ok"] and reply["data"]["diamonds"] == 47
    reply = await client.request("purchase_energy_refill", rid="b", refill_type="medium")
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["refill_type"]
    assert "tiny" in reply["error"]["message"] and "medium" not in reply["error"]["message"].split(";")[1]
    assert (await sync_to_async(ledger.balance)(player_id=player.pk)).diamonds == 47
    await client.close()
