"""Experiment results from real assignments and events: the known p-value end to end, SRM flagged on a
skewed split and not on a fair one, "not enough data yet", the admin page and the command."""

import math
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Player
from analytics.models import Assignment, Event, Experiment
from analytics.services import results

pytestmark = pytest.mark.django_db


def _players(n: int) -> list[int]:
    User = get_user_model()
    start = User.objects.count()
    User.objects.bulk_create([User(username=f"res-{start + i}") for i in range(n)])
    users = User.objects.filter(username__startswith="res-").order_by("-pk").values_list("pk", flat=True)[:n]
    Player.objects.bulk_create([Player(user_id=uid) for uid in users])
    return list(Player.objects.order_by("-pk").values_list("pk", flat=True)[:n])


def _experiment(
    flag: str, counts: dict[str, tuple[int, int]], weights: dict[str, int], min_sample: int = 100
) -> Experiment:
    """An experiment whose variants have (exposed, converted) players: conversions are `purchase` events
    after the assignment; a purchase before it does not count."""
    e = Experiment.objects.create(
        flag=flag,
        variants=[{"name": n, "weight": w} for n, w in weights.items()],
        status="running",
        metric_event="purchase",
        min_sample=min_sample,
    )
    at = timezone.now()
    events = []
    for variant, (exposed, converted) in counts.items():
        ids = _players(exposed)
        Assignment.objects.bulk_create([Assignment(experiment=e, player_id=pid, variant=variant) for pid in ids])
        for i, pid in enumerate(ids):
            if i < converted:
                events.append(Event(uid=f"{flag}-{pid}", player_id=pid, name="purchase", at=at + timedelta(minutes=1)))
            else:  # before the assignment: not a conversion
                events.append(Event(uid=f"{flag}-{pid}-old", player_id=pid, name="purchase", at=at - timedelta(days=1)))
    Event.objects.bulk_create(events)
    return e


def test_the_known_two_proportion_result_from_the_database() -> None:
    e = _experiment("known", {"control": (1000, 200), "treatment": (1000, 250)}, {"control": 50, "treatment": 50})
    report = results.report(e)
    assert report.enough_data and not report.srm.flagged
    [c] = report.comparisons
    # pooled z-test by hand: p = 0.225, se = sqrt(p(1-p)(2/1000)), z = 0.05/se
    pooled = 450 / 2000
    z = 0.05 / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    assert c.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), abs=1e-9)
    assert c.p_value == pytest.approx(0.007420, abs=5e-6) and c.difference == pytest.approx(0.05)
    assert c.ci_low == pytest.approx(0.013464, abs=1e-5) and c.ci_high == pytest.approx(0.086536, abs=1e-5)


def test_srm_is_flagged_on_a_skewed_split_and_not_on_a_fair_one() -> None:
    skewed = results.report(_experiment("skewed", {"a": (500, 50), "b": (400, 40)}, {"a": 50, "b": 50}))
    assert skewed.srm.checked and skewed.srm.flagged and skewed.srm.p_value < 0.001
    fair = results.report(_experiment("fair", {"a": (505, 50), "b": (495, 40)}, {"a": 50, "b": 50}))
    assert fair.srm.checked and not fair.srm.flagged


def test_not_enough_data_yet_before_the_minimum_sample() -> None:
    report = results.report(_experiment("young", {"a": (30, 3), "b": (7, 1)}, {"a": 50, "b": 50}))
    assert not report.enough_data and report.comparisons == ()
    assert report.message.startswith("Not enough data yet")
    assert not report.srm.checked  # a variant with fewer than 8 players


def test_the_admin_page_and_the_command_show_the_results(client, capsys) -> None:
    e = _experiment("shown", {"control": (1000, 200), "treatment": (1000, 250)}, {"control": 50, "treatment": 50})
    admin = get_user_model().objects.create_superuser("ops", "ops@example.com", "a-long-password-1")
    client.force_login(admin)
    page = client.get(f"/admin/analytics/experiment/{e.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "0.0074" in html and "treatment" in html and "Sample ratio check" in html
    call_command("experiment_results", "shown")
    out = capsys.readouterr().out
    assert "shown (running)" in out and "p 0.0074" in out


def test_a_running_experiments_variants_are_read_only_in_the_admin(client) -> None:
    e = _experiment("locked", {"a": (10, 1), "b": (10, 1)}, {"a": 50, "b": 50})
    admin = get_user_model().objects.create_superuser("ops2", "ops2@example.com", "a-long-password-1")
    client.force_login(admin)
    page = client.get(f"/admin/analytics/experiment/{e.pk}/change/").content.decode()
    assert 'name="variants"' not in page  # shown, not editable
    client.post(
        f"/admin/analytics/experiment/{e.pk}/change/",
        {"description": "x", "variants": '[{"name": "a", "weight": 99}, {"name": "b", "weight": 1}]',
         "metric_event": "purchase", "metric_kind": "rate", "metric_property": "", "min_sample": 100,
         "changes-TOTAL_FORMS": 0, "changes-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert Experiment.objects.get(pk=e.pk).variants == [{"name": "a", "weight": 50}, {"name": "b", "weight": 50}]
