"""purchase_diamonds end to end with real verification: our own Apple chain, a local Play stub."""

import json

import pytest
from django.db import connection

from core.errors import GameError
from core.testing import run_concurrently
from core.verbs import load_all
from monetization.models import DiamondTransaction, ProcessedTransaction, StoreNotification
from monetization.services import ledger, purchases, store_sync, stores
from monetization.tests.stores.fakeapple import BUNDLE_ID, FakeAppleCA, notification_payload, transaction_payload
from monetization.tests.stores.playstub import PlayStub, make_service_account

PACK = "com.baolife.diamonds.600"
PACKAGE = "com.baolife.game"


@pytest.fixture
def apple_ca(settings, tmp_path):
    ca = FakeAppleCA.create()
    root = tmp_path / "root.cer"
    root.write_bytes(ca.root_der)
    settings.APPLE_ROOT_CERTIFICATES = [str(root)]
    settings.APPLE_BUNDLE_ID = BUNDLE_ID
    settings.APPLE_APP_ID = 1234567890
    settings.APPLE_ENVIRONMENT = "production"
    settings.APPLE_ALLOW_SANDBOX = False
    stores.reset()
    yield ca
    stores.reset()


@pytest.fixture
def play(settings, tmp_path):
    stub = PlayStub().start()
    account = make_service_account(stub.token_uri)
    stub.trust(account)
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps(account))
    settings.GOOGLE_PLAY_PACKAGE_NAME = PACKAGE
    settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = str(key_file)
    settings.GOOGLE_PLAY_API_BASE_URL = stub.base_url
    stores.reset()
    yield stub
    stub.stop()
    stores.reset()


def apple_tx(ca: FakeAppleCA, transaction_id: str = "2000000000000001", **overrides: object) -> str:
    return ca.sign(
        transaction_payload(
            transactionId=transaction_id, originalTransactionId=transaction_id, productId=PACK, **overrides
        )
    )


def buy(player_id: int, **params: object) -> dict:
    """The two steps the `purchase_diamonds` verb runs (monetization/handlers.py), in this thread:
    the verb's own parameter model, the store's verification, then the grant."""
    request = load_all()["purchase_diamonds"].model.model_validate(params)
    purchase = purchases.verify_store_purchase(
        player_id=player_id,
        platform=request.platform,
        product_id=request.product_id,
        signed_transaction=request.signed_transaction,
        purchase_token=request.purchase_token,
    )
    return purchases.redeem_store_purchase(
        player_id=player_id, purchase=purchase, purchase_token=request.purchase_token or ""
    )


def buy_apple(player_id: int, signed: str, product_id: str = PACK) -> dict:
    return buy(player_id, platform="apple", product_id=product_id, signed_transaction=signed)


@pytest.mark.django_db
def test_apple_purchase_grants_once(apple_ca, make_player):
    player, _ = make_player()
    signed = apple_tx(apple_ca)
    assert buy_apple(player.pk, signed) == {"diamonds": 600, "granted": 600, "sandbox": False}
    assert buy_apple(player.pk, signed) == {"diamonds": 600, "granted": 0, "sandbox": False}
    row = ProcessedTransaction.objects.get()
    assert (row.store, row.transaction_id, row.diamonds, row.counts_as_revenue) == (
        "apple",
        "2000000000000001",
        600,
        True,
    )


@pytest.mark.django_db
def test_same_transaction_from_another_account_is_refused(apple_ca, make_player):
    first, _ = make_player()
    second, _ = make_player()
    signed = apple_tx(apple_ca)
    buy_apple(first.pk, signed)
    with pytest.raises(GameError) as err:
        buy_apple(second.pk, signed)
    assert err.value.code == "invalid_receipt"
    assert ledger.balance(player_id=second.pk).diamonds == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    ["bundle", "sandbox", "payload", "chain", "algorithm", "garbage"],
)
def test_failed_verification_is_invalid_receipt_and_grants_nothing(apple_ca, make_player, tamper):
    player, _ = make_player()
    if tamper == "bundle":
        signed = apple_tx(apple_ca, bundleId="com.other.app")
    elif tamper == "sandbox":
        signed = apple_tx(apple_ca, environment="Sandbox")
    elif tamper == "payload":
        head, body, sig = apple_tx(apple_ca).split(".")
        other = apple_tx(apple_ca, transaction_id="2000000000000999").split(".")[1]
        signed = ".".join([head, other, sig])
        assert body != other
    elif tamper == "chain":
        signed = apple_tx(FakeAppleCA.create())
    elif tamper == "algorithm":
        signed = apple_ca.sign(transaction_payload(productId=PACK), header={"alg": "HS256"})
    else:
        signed = "not.a.jws"
    with pytest.raises(GameError) as err:
        buy_apple(player.pk, signed)
    assert err.value.code == "invalid_receipt"
    assert not DiamondTransaction.objects.exists() and not ProcessedTransaction.objects.exists()


@pytest.mark.django_db
def test_sandbox_allowed_is_granted_but_not_revenue(apple_ca, make_player, settings):
    settings.APPLE_ALLOW_SANDBOX = True
    stores.reset()
    player, _ = make_player()
    reply = buy_apple(player.pk, apple_tx(apple_ca, environment="Sandbox"))
    assert reply == {"diamonds": 600, "granted": 600, "sandbox": True}
    assert ProcessedTransaction.objects.get().counts_as_revenue is False


@pytest.mark.django_db
def test_receipt_for_another_product_is_refused(apple_ca, make_player):
    player, _ = make_player()
    with pytest.raises(GameError) as err:
        buy_apple(player.pk, apple_tx(apple_ca), product_id="com.baolife.diamonds.2000")
    assert err.value.code == "invalid_receipt"


@pytest.mark.django_db
def test_apple_refund_notification_claws_back_once_with_debt(apple_ca, make_player, client):
    player, _ = make_player()
    signed = apple_tx(apple_ca)
    buy_apple(player.pk, signed)
    ledger.diamonds_spend(player_id=player.pk, amount=500, reason=DiamondTransaction.Reason.TIME_SKIP)
    refund_tx = apple_tx(apple_ca, revocationDate=1_700_000_000_000, revocationReason=0)
    body = notification_payload(notification_type="REFUND", signed_transaction=refund_tx)
    payload = apple_ca.sign(body)
    for _ in range(2):
        response = client.post(
            "/api/store/apple/notifications",
            data=json.dumps({"signedPayload": payload}),
            content_type="application/json",
        )
        assert response.status_code == 200
    assert StoreNotification.objects.count() == 1
    assert ledger.balance(player_id=player.pk) == ledger.Balance(diamonds=0, debt=500)
    assert ProcessedTransaction.objects.get().refunded_at is not None


@pytest.mark.django_db
def test_forged_notification_is_refused(apple_ca, client):
    forged = FakeAppleCA.create().sign(notification_payload(notification_type="REFUND", signed_transaction=None))
    response = client.post(
        "/api/store/apple/notifications", data=json.dumps({"signedPayload": forged}), content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_receipt"
    assert not StoreNotification.objects.exists()


def play_purchase(stub: PlayStub, token: str, state: int = 0, order: str = "GPA.1234-5678-9012-34567") -> None:
    stub.purchases[(PACKAGE, PACK, token)] = (
        200,
        {
            "kind": "androidpublisher#productPurchase",
            "purchaseTimeMillis": "1700000000000",
            "purchaseState": state,
            "consumptionState": 0,
            "orderId": order,
            "acknowledgementState": 0,
            "productId": PACK,
        },
    )


def buy_google(player_id: int, token: str) -> dict:
    return buy(player_id, platform="google", product_id=PACK, purchase_token=token)


@pytest.mark.django_db
def test_google_purchased_grants_and_is_acknowledged(play, make_player, settings):
    player, _ = make_player()
    play_purchase(play, "tok-1")
    assert buy_google(player.pk, "tok-1")["granted"] == 600
    assert store_sync.acknowledge_google(transaction_id="GPA.1234-5678-9012-34567") is True
    assert [a[2] for a in play.acknowledged] == ["tok-1"]
    assert ProcessedTransaction.objects.get().acknowledged_at is not None


@pytest.mark.django_db
def test_google_pending_grants_nothing(play, make_player):
    player, _ = make_player()
    play_purchase(play, "tok-pending", state=2)
    with pytest.raises(GameError) as err:
        buy_google(player.pk, "tok-pending")
    assert err.value.code == "invalid_receipt" and err.value.extra == {"pending": True}
    assert ledger.balance(player_id=player.pk).diamonds == 0


@pytest.mark.django_db
def test_google_unknown_token_is_invalid(play, make_player):
    player, _ = make_player()
    with pytest.raises(GameError) as err:
        buy_google(player.pk, "never-issued")
    assert err.value.code == "invalid_receipt"


@pytest.mark.django_db
def test_google_voided_poll_claws_back_once(play, make_player):
    player, _ = make_player()
    play_purchase(play, "tok-v", order="GPA.void-1")
    buy_google(player.pk, "tok-v")
    play.voided_pages = [
        {"voidedPurchases": [{"purchaseToken": "tok-v", "orderId": "GPA.void-1", "voidedTimeMillis": "1700000500000"}]}
    ]
    assert store_sync.poll_google_voided() == 1
    assert store_sync.poll_google_voided() == 0
    assert ledger.balance(player_id=player.pk).diamonds == 0


@pytest.mark.django_db(transaction=True)
def test_same_transaction_sent_concurrently_by_many_accounts_grants_once(apple_ca, make_player):
    if connection.vendor != "mysql":
        pytest.skip("real concurrency is tested on MariaDB")
    players = [make_player()[0] for _ in range(10)]
    signed = apple_tx(apple_ca)

    def send(i: int) -> object:
        try:
            return buy_apple(players[i % 10].pk, signed)["granted"]
        except GameError as exc:
            return exc.code

    results = run_concurrently(30, send)
    assert results.count(600) == 1
    assert ProcessedTransaction.objects.count() == 1
    assert sum(ledger.balance(player_id=p.pk).diamonds for p in players) == 600


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_purchase_diamonds_over_the_socket(apple_ca, asgi_app, make_player):
    from asgiref.sync import sync_to_async

    from game.tests.wsclient import signed_in

    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    signed = apple_tx(apple_ca, transaction_id="2000000000000777")
    reply = await client.request(
        "purchase_diamonds", rid="buy", platform="apple", product_id=PACK, signed_transaction=signed
    )
    assert reply["ok"] and reply["data"] == {"diamonds": 600, "granted": 600, "sandbox": False}
    forged = apple_tx(FakeAppleCA.create(), transaction_id="2000000000000778")
    reply = await client.request(
        "purchase_diamonds", rid="bad", platform="apple", product_id=PACK, signed_transaction=forged
    )
    assert reply["error"]["code"] == "invalid_receipt"
    assert await sync_to_async(lambda: ledger.balance(player_id=player.pk).diamonds)() == 600
    await client.close()
