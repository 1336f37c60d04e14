"""The GDPR verbs over the socket, as a client that knows PROTOCOL.md plays them (docs/privacy.md)."""

import gzip
import json
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from accounts.services import grace, signup
from compliance.models import DataExport, DeletionLog
from compliance.services import deletion, exports
from core.testing import asgi_http, run_concurrently
from game.models import Character
from game.tests.wsclient import Client, signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())


async def _closed(client: Client) -> dict:
    while True:
        message = await client.comm.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            return message


async def test_a_deletion_request_answers_then_closes_every_socket_with_4003(asgi_app, make_player):
    player, token = await sync_to_async(make_player)("device-gdpr-1")
    a = await signed_in(asgi_app, token)
    b = await signed_in(asgi_app, token)
    reply = await a.request("request_account_deletion", reason="too much time on it")
    assert reply["ok"], reply
    when = datetime.fromisoformat(reply["data"]["permanent_deletion_at"])
    assert abs(when - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    for client in (a, b):
        assert await _closed(client) == {
            "type": "websocket.close",
            "code": 4003,
            "reason": "This account is scheduled for deletion; sign in again to cancel.",
        }
    again = Client(asgi_app)
    assert await again.connect()
    refused = await again.request("auth", token=token)  # the tokens were revoked
    assert refused["error"]["code"] == "unauthenticated"
    await again.close()


async def test_signing_in_during_the_grace_tells_it_and_only_cancel_restores_play(asgi_app, make_player):
    player, token = await sync_to_async(make_player)("device-gdpr-2")
    client = await signed_in(asgi_app, token)
    assert (await client.request("request_account_deletion"))["ok"]
    await _closed(client)
    paused_at = await sync_to_async(lambda: Character.objects.get(current_of_id=player.pk).active_until)()
    assert paused_at <= timezone.now()

    fresh = (await sync_to_async(signup.sign_in_device)(device_id="device-gdpr-2")).token
    back = Client(asgi_app)
    assert await back.connect()
    auth = await back.request("auth", token=fresh)
    assert auth["ok"] and auth["data"]["pending_deletion"]["permanent_deletion_at"]
    refused = await back.request("do_activity", activity="study")
    assert refused["error"]["code"] == "forbidden" and refused["error"]["pending_deletion"] is True
    assert (await back.request("get_state"))["ok"]
    assert (await back.request("ping"))["ok"]
    assert (await back.request("request_account_deletion"))["error"]["code"] == "conflict"
    await back.close()  # leaving during the grace does not restart the life's offline clock
    still = await sync_to_async(lambda: Character.objects.get(current_of_id=player.pk).active_until)()
    assert still == paused_at

    back = Client(asgi_app)
    assert await back.connect()
    await back.auth(fresh)
    assert await back.request("cancel_account_deletion") == {
        "type": "cancel_account_deletion",
        "id": "r1",
        "ok": True,
        "data": {"restored": True},
    }
    played = await back.request("do_activity", activity="study")
    assert played.get("error", {}).get("pending_deletion") is None
    assert (await back.request("cancel_account_deletion"))["error"]["code"] == "conflict"
    await back.close()
    resumed = await sync_to_async(lambda: Character.objects.get(current_of_id=player.pk).active_until)()
    assert resumed > timezone.now() + timedelta(days=6)
    again = await signed_in(asgi_app, fresh)
    assert "pending_deletion" not in (await again.request("auth", rid="x", token=fresh)).get("data", {})
    await again.close()


async def test_an_export_is_prepared_off_the_socket_pushed_and_downloaded_with_the_token(
    asgi_app, make_player, settings
):
    settings.RUN_JOBS_IN_PROCESS = True  # the embedded default: a thread of this process prepares it
    player, token = await sync_to_async(make_player)("device-gdpr-3")
    _, stranger = await sync_to_async(make_player)("device-gdpr-4")
    client = await signed_in(asgi_app, token)
    asked = await client.request("export_data")
    assert asked["ok"] and asked["data"]["status"] == "preparing" and asked["data"]["url"] is None
    ready = None
    while ready is None:  # the push comes when the thread is done (a timeout here fails the test)
        message = await client.recv_raw(timeout=10)
        pushes = message["messages"] if message.get("type") == "batch" else [message]
        ready = next((p for p in pushes if p.get("kind") == "export_ready"), None)
    assert ready is not None and ready["type"] == "messageEvent"
    url = ready["data"]["url"]
    assert url == f"/api/export/{asked['data']['export_id']}"
    again = await client.request("export_data", rid="r2")  # within the hour: the same export
    assert again["data"]["export_id"] == asked["data"]["export_id"] and again["data"]["status"] == "ready"
    await client.close()

    status, body = await asgi_http(asgi_app, "GET", url, headers=[(b"authorization", f"Bearer {token}".encode())])
    assert status == 200
    document = json.loads(body)
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["player_id"] == player.pk and document["data"]["account"][0]["device_id"] == "device-gdpr-3"
    status, _ = await asgi_http(asgi_app, "GET", url, headers=[(b"authorization", f"Bearer {stranger}".encode())])
    assert status == 404  # another player's export does not exist for them
    status, _ = await asgi_http(asgi_app, "GET", url)
    assert status == 401
    await sync_to_async(DataExport.objects.update)(expires_at=timezone.now() - timedelta(seconds=1))
    status, _ = await asgi_http(asgi_app, "GET", url, headers=[(b"authorization", f"Bearer {token}".encode())])
    assert status == 404


def _stored(export_id: int) -> dict:
    return json.loads(gzip.decompress(bytes(DataExport.objects.get(pk=export_id).content)))


async def test_forty_export_requests_at_once_make_one_export(make_player):
    player, _ = await sync_to_async(make_player)()
    results = await sync_to_async(run_concurrently)(40, lambda i: exports.request(player_id=player.pk))
    assert not [r for r in results if isinstance(r, BaseException)]
    assert sum(1 for _, created in results if created) == 1
    assert await sync_to_async(DataExport.objects.count)() == 1
    export_id = results[0][0].pk
    assert await sync_to_async(exports.prepare)(export_id=export_id) == "ready"
    assert await sync_to_async(exports.prepare)(export_id=export_id) == "nothing to do"
    assert (await sync_to_async(_stored)(export_id))["player_id"] == player.pk


async def test_forty_deletion_requests_at_once_begin_one_grace(make_player):
    player, _ = await sync_to_async(make_player)()
    results = await sync_to_async(run_concurrently)(40, lambda i: deletion.request(player_id=player.pk))
    ok = [r for r in results if isinstance(r, deletion.Requested)]
    refused = [r for r in results if getattr(r, "code", None) == "conflict"]
    assert (len(ok), len(refused)) == (1, 39)
    assert await sync_to_async(DeletionLog.objects.filter(player_id=player.pk, status="pending").count)() == 1
    results = await sync_to_async(run_concurrently)(40, lambda i: deletion.cancel(player_id=player.pk))
    assert sum(1 for r in results if r is None) == 1
    assert await sync_to_async(DeletionLog.objects.filter(status="cancelled").count)() == 1


async def test_bad_parameters_change_nothing(asgi_app, make_player):
    player, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    reply = await client.request("request_account_deletion", reason="x" * 501)
    assert reply["error"]["code"] == "bad_request" and reply["error"]["fields"] == ["reason"]
    reply = await client.request("export_data", format="xml")
    assert reply["error"]["code"] == "bad_request"
    assert (await client.request("cancel_account_deletion"))["error"]["code"] == "conflict"
    assert await sync_to_async(DeletionLog.objects.count)() == 0
    assert await sync_to_async(DataExport.objects.count)() == 0
    await client.close()


async def test_the_requesting_socket_closes_even_when_the_close_push_is_lost(asgi_app, make_player, monkeypatch):
    """Redis down: the push that closes the account's sockets is lost; the socket that asked closes by itself."""
    monkeypatch.setattr(grace, "close_player_sockets", lambda *args, **kwargs: None)
    _, token = await sync_to_async(make_player)()
    client = await signed_in(asgi_app, token)
    assert (await client.request("request_account_deletion"))["ok"]
    assert (await _closed(client))["code"] == 4003


async def test_a_socket_restricted_at_sign_in_plays_again_once_another_cancelled(asgi_app, make_player):
    player, token = await sync_to_async(make_player)("device-gdpr-5")
    await sync_to_async(deletion.request)(player_id=player.pk)
    fresh = (await sync_to_async(signup.sign_in_device)(device_id="device-gdpr-5")).token
    a, b = await signed_in(asgi_app, fresh), await signed_in(asgi_app, fresh)
    assert (await b.request("get_job_board"))["error"]["code"] == "forbidden"
    assert (await a.request("cancel_account_deletion"))["ok"]
    assert (await b.request("get_job_board", rid="r2"))["ok"]
    await a.close()
    await b.close()


async def test_an_export_is_ready_even_when_its_push_cannot_go(make_player, monkeypatch):
    player, _ = await sync_to_async(make_player)()
    export, _ = await sync_to_async(exports.request)(player_id=player.pk)

    def redis_down(**kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(exports.notify, "tell", redis_down)
    assert await sync_to_async(exports.prepare)(export_id=export.pk) == "ready"
    assert (await sync_to_async(exports.request)(player_id=player.pk))[0].status == "ready"
