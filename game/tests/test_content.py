"""Content: files validated and loaded into the database; operators' edits validated in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from game.engine.errors import ContentError
from game.models import ContentEntry
from game.services import content

pytestmark = pytest.mark.django_db


def test_load_content_fills_the_database_and_is_repeatable():
    first = content.load_content()
    assert first["events"] >= 60 and first["activities"] >= 15
    assert ContentEntry.objects.filter(kind="events").count() == first["events"]
    call_command("load_content")
    assert ContentEntry.objects.count() == sum(first.values())


def test_game_plays_with_the_database_copy():
    content.load_content()
    row = ContentEntry.objects.get(kind="activities", key="exercise")
    row.data = {**row.data, "name": "Jogging"}
    row.save()
    content.bump_version()
    assert content.current().activities["exercise"].name == "Jogging"


def test_invalid_content_is_named(tmp_path):
    data = content.read_files()
    data["activities"] = [*data["activities"], {"id": "broken"}]
    with pytest.raises(ContentError) as err:
        content.validate(data)
    assert "activities.yaml" in str(err.value) and "broken" in str(err.value)


def test_admin_refuses_invalid_content_edit(client):
    content.load_content()
    admin = get_user_model().objects.create_superuser("op", "op@example.com", "op-password-123")
    client.force_login(admin)
    row = ContentEntry.objects.get(kind="activities", key="exercise")
    response = client.post(
        f"/admin/game/contententry/{row.pk}/change/",
        {"kind": "activities", "key": "exercise", "data": '{"id": "exercise"}'},
    )
    assert response.status_code == 200 and b"Invalid content" in response.content
    row.refresh_from_db()
    assert row.data.get("name")  # unchanged


def test_admin_pages_list_game_records(client, make_player):
    from game.services import live

    player, _ = make_player()
    live.arrive(player.pk)
    admin = get_user_model().objects.create_superuser("op2", "op2@example.com", "op-password-123")
    client.force_login(admin)
    for url in (
        "/admin/accounts/player/",
        "/admin/game/character/",
        "/admin/game/person/?q=a",
        "/admin/game/contententry/",
        "/admin/monetization/diamondtransaction/",
        "/admin/monetization/diamondtransaction/grant/",
    ):
        assert client.get(url).status_code == 200, url
