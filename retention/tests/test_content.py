"""Retention's content as shipped, its validation, and an operator's edit through the admin."""

import json
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from retention.models import RetentionEntry
from retention.rules import ContentError, build
from retention.services import content as retention_content
from retention.services import login
from retention.services.content import read_files


def test_the_shipped_content():
    content = build(read_files())
    assert len(content.achievements) == 44
    assert Counter(a.category for a in content.achievements.values()) == {
        "life": 9,
        "career": 8,
        "relationships": 7,
        "collection": 7,
        "secret": 13,
    }
    assert sum(a.reward for a in content.achievements.values()) == 2800
    assert {"nice", "forever_alone"} <= {a.id for a in content.achievements.values() if a.hidden}
    assert len(content.quests) == 11
    for difficulty, (low, high) in {"easy": (5, 10), "medium": (15, 20), "hard": (25, 35)}.items():
        assert all(low <= q.reward <= high for q in content.quests_of(difficulty))
    days = content.daily_login
    assert all(5 <= d.diamonds <= 25 for d in days[:6]) and days[6].diamonds == 50 and days[6].items
    assert sum(d.diamonds for d in days) == 125 and sum(d.energy for d in days) == 50


def _achievement(when: dict, category: str = "life") -> dict:
    return {"category": category, "reward": 5, "name": "X", "description": "x", "when": when}


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (("achievements", "x1", _achievement({})), "at least one part"),
        (("achievements", "x2", _achievement({"life": {"wealth": 1}})), "unknown count 'wealth'"),
        (("achievements", "x3", _achievement({"lifetime": {"gold": 1}})), "unknown lifetime statistics"),
        (("achievements", "x4", _achievement({"age": [1, 2]}, "secret")), "secret achievements are hidden"),
        (
            ("quests", "q1", {"difficulty": "easy", "reward": 5, "description": "x", "count": "no", "target": 1}),
            "count",
        ),
        (("daily_login_rewards", "8", {"diamonds": 5}), "daily_login_rewards.8"),
    ],
)
def test_content_that_cannot_be_used_is_refused_naming_the_entry(row, says):
    with pytest.raises(ContentError, match=says):
        build([*read_files(), row])


@pytest.mark.django_db
def test_load_content_fills_retention_and_an_operator_edit_takes_effect(client):
    call_command("load_content")
    assert RetentionEntry.objects.filter(kind="achievements").count() == 44
    operator = get_user_model().objects.create_superuser("ret-op", "ret-op@example.com", "op-password-123")
    client.force_login(operator)
    row = RetentionEntry.objects.get(kind="daily_login_rewards", key="1")
    ok = client.post(
        f"/admin/retention/retentionentry/{row.pk}/change/",
        {"kind": "daily_login_rewards", "key": "1", "data": json.dumps({"diamonds": 7})},
    )
    assert ok.status_code == 302
    assert retention_content.current().daily_login[0].diamonds == 7
    bad = client.post(
        f"/admin/retention/retentionentry/{row.pk}/change/",
        {"kind": "daily_login_rewards", "key": "1", "data": json.dumps({"diamonds": -1})},
    )
    assert bad.status_code == 200 and b"Invalid content" in bad.content
    assert login.check(player_id=_player().pk)["rewards"][0]["diamonds"] == 7


def _player():
    from accounts.tests.factories import player_with_token

    return player_with_token()[0]


@pytest.mark.django_db
def test_the_admin_shows_a_players_retention_and_the_tutorial_funnel(client, grown):
    from retention.services import tutorial
    from retention.tests.conftest import act

    player = grown()
    act(player.pk, "shop", "candy")
    tutorial.step(player_id=player.pk, step="meet_your_character")
    operator = get_user_model().objects.create_superuser("ret-op2", "ret-op2@example.com", "op-password-123")
    client.force_login(operator)
    page = client.get(f"/admin/accounts/player/{player.pk}/change/").content.decode()
    assert "lifetime statistics" in page.lower(), page[-3000:]
    assert "first_purchase" in page
    assert "meet_your_character" in page
    assert "Daily quests (last 7 days)" in page and page.count('class="field-live_progress"') == 3
    funnel = client.get("/admin/retention/tutorialprogress/").content.decode()
    assert 'id="tutorial-funnel"' in funnel and "Meet your character" in funnel
